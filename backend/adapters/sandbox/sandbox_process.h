#pragma once

#include "domain/application.h"

#include <sys/types.h>

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

#include <optional>

namespace vitrine::adapters::sandbox {

class SandboxCgroup;

// Owns one file descriptor and closes it.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1)
        : m_fd(fd)
    {
    }
    ~FileDescriptor() { reset(); }
    FileDescriptor(FileDescriptor &&other) noexcept
        : m_fd(other.release())
    {
    }
    FileDescriptor &operator=(FileDescriptor &&other) noexcept
    {
        reset(other.release());
        return *this;
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;

    int get() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    void reset(int fd = -1);
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

// What runs in a bubblewrap sandbox, and how it is confined. The sandbox has every namespace of its own
// (user, pid, ipc, uts, cgroup, mount, and network unless shareNetwork), a new session, and sees:
// - its workspace, read-write at /workspace, the working directory;
// - /usr read-only, with /bin, /sbin, /lib, /lib64… as on the host (symlinks into /usr, or read-only binds);
// - from /etc only what tools need to run: passwd, group, nsswitch.conf, hosts, resolv.conf, the dynamic
//   loader's cache, the Debian alternatives, TLS certificates, localtime;
// - a private /tmp, its own /proc, a minimal /dev.
// Its environment holds only PATH, HOME=/workspace, LANG=C.UTF-8 and env (which wins).
struct SandboxCommand {
    QString bwrapPath;
    QString workspace; // an existing directory
    QString shellCommand;
    domain::EnvVars env;
    bool shareNetwork = false;
    const SandboxCgroup *cgroup =
        nullptr;                  // joined before bwrap starts, so every process of the sandbox is in it
    qint64 addressSpaceLimit = 0; // RLIMIT_AS of every process; 0: none
};

// A started sandbox: `bwrap … /bin/sh -c COMMAND`, a child of the calling thread. bwrap runs with
// --die-with-parent, so the sandbox dies when that thread ends.
struct StartedSandbox {
    pid_t pid = 0;             // bwrap's; the caller waits for it
    FileDescriptor stdoutRead; // the command's stdout; EOF once every process of the sandbox is gone
    FileDescriptor stderrRead; // likewise stderr
    FileDescriptor info;       // bwrap's --info-fd: JSON naming the sandbox's pid 1, see sandboxInitPid()
};

// Starts the sandbox with stdin on /dev/null. Returns nothing, with the reason in error, when bwrap cannot be
// started (it is missing, the cgroup cannot be joined, …); bwrap's own failures show on its stderr and in
// its exit code.
std::optional<StartedSandbox> startSandbox(const SandboxCommand &command, QString *error);

// The host pid of the sandbox's pid 1, from what bwrap wrote to its info fd so far; 0 until it is known.
// The kernel lets that process exit only after every other process of the sandbox.
pid_t sandboxInitPid(const QByteArray &bwrapInfo);

// The exit code bwrap's wait status stands for (128 + N when killed by signal N, as shells say).
int exitCodeOf(int waitStatus);

// "12 MiB", "0.5 MiB": for messages about limits.
QString mebibytes(qint64 bytes);

} // namespace vitrine::adapters::sandbox
