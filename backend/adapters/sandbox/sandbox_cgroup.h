#pragma once

#include <QByteArrayList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace vitrine::adapters::sandbox {

struct CgroupLimits {
    qint64 memoryBytes = 0; // 0: no limit
    int cpuMillicores = 0;  // 0: no limit; 1000 = one core
};

// The control group of one sandbox: it caps the memory and CPU of every process the sandbox starts, measures
// what they use, tells whether the kernel killed one of them for lack of memory, and can kill them all.
// cgroup v2 is used where its memory controller can be enabled; otherwise cgroup v1, where the group spans
// the memory hierarchy and, where they can be used, the cpu and cpuacct hierarchies (separate mounts or
// one). Hierarchies are found through /proc/self/mountinfo and /proc/self/cgroup; the group is created under
// the server's own group (v2: or under v2Parent).
class SandboxCgroup {
public:
    // namePrefix names the group ("vitrine-build" → "vitrine-build-<server pid>-<n>"). Returns null, with
    // the reason in whyNot, when no writable cgroup with a memory controller exists on this host. A CPU
    // limit the host cannot apply does not fail creation: unenforcedLimits() says why.
    static std::unique_ptr<SandboxCgroup> create(const QString &namePrefix, const CgroupLimits &limits,
                                                 const QString &v2Parent, QString *whyNot);

    // Kills what is left in the group and removes it.
    ~SandboxCgroup();

    SandboxCgroup(const SandboxCgroup &) = delete;
    SandboxCgroup &operator=(const SandboxCgroup &) = delete;

    // The files a process writes "0" into to join the group (its children follow it): one per hierarchy.
    QByteArrayList procsFiles() const;
    // "cgroup v1 /sys/fs/cgroup/memory/…": for logs.
    QString description() const;
    // Empty when every limit asked for is applied; otherwise which is not, and why.
    QString unenforcedLimits() const { return m_unenforced; }

    // Sends SIGKILL to every process in the group.
    void killAll() const;
    // How many processes of this group the kernel's OOM killer has killed since the group was created.
    qint64 outOfMemoryKills() const;
    // CPU time used by the group's processes since it was created; nothing where the host does not account
    // it (cgroup v1 without a usable cpuacct hierarchy).
    std::optional<double> cpuSeconds() const;
    // Memory charged to the group now.
    std::optional<qint64> memoryBytes() const;

private:
    enum class Version { V1, V2 };
    SandboxCgroup(Version version, QStringList directories);

    QStringList processIds() const;

    Version m_version;
    QStringList m_directories;  // the group in each hierarchy it spans; the first is the memory one
    QString m_cpuDirectory;     // v1: where cpu.cfs_* live; empty without a cpu hierarchy
    QString m_cpuacctDirectory; // v1: where cpuacct.usage lives; empty without one
    QString m_unenforced;
};

} // namespace vitrine::adapters::sandbox
