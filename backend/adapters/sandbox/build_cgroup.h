#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace vitrine::adapters::sandbox {

// One build's control group: it caps the memory of every process the build starts, tells whether the kernel
// killed one of them for lack of memory, and can kill them all. cgroup v2 is used where its memory controller
// can be enabled; otherwise the cgroup v1 memory hierarchy. Both are found through /proc/self/mountinfo and
// /proc/self/cgroup, and the build's group is created under the server's own group (v2: or under v2Parent).
class BuildCgroup {
public:
    // memoryBytes 0: no memory limit, the group still tracks and kills the processes. Returns null, with the
    // reason in whyNot, when no writable cgroup with a memory controller exists on this host.
    static std::unique_ptr<BuildCgroup> create(qint64 memoryBytes, const QString &v2Parent, QString *whyNot);

    // Kills what is left of the build and removes the group.
    ~BuildCgroup();

    BuildCgroup(const BuildCgroup &) = delete;
    BuildCgroup &operator=(const BuildCgroup &) = delete;

    // The file a process writes "0" into to join the group (its children follow it).
    QByteArray procsFile() const;
    // "cgroup v1 /sys/fs/cgroup/memory/…": for logs.
    QString description() const;

    // Sends SIGKILL to every process in the group.
    void killAll() const;
    // Whether the kernel's OOM killer has killed a process of this group.
    bool outOfMemoryKillHappened() const;

private:
    enum class Version { V1, V2 };
    BuildCgroup(Version version, QString dir);

    QStringList processIds() const;

    Version m_version;
    QString m_dir;
};

} // namespace vitrine::adapters::sandbox
