#include "adapters/sandbox/bubblewrap_command_runner.h"

#include "adapters/sandbox/build_cgroup.h"
#include "adapters/sandbox/output_line_splitter.h"
#include "adapters/sandbox/sandbox_logging.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QByteArrayList>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace vitrine::adapters::sandbox {
namespace {

using domain::CommandResult;
using Outcome = domain::CommandResult::Outcome;

// How often run() looks at `canceled` and the time limit while the command is quiet.
constexpr int kPollMilliseconds = 100;
// Once bwrap has exited its pid namespace is gone, so the output pipes close at once; this only bounds the
// wait should that ever not hold.
constexpr int kPipeDrainMilliseconds = 2000;
// How long the kernel may take to empty the sandbox's pid namespace once bwrap is gone.
constexpr int kNamespaceTeardownMilliseconds = 5000;

const char *const kEtcFilesForTools[] = {
    "passwd",      "group",           "nsswitch.conf", "hosts",        "host.conf",
    "resolv.conf", "ld.so.cache",     "ld.so.conf",    "ld.so.conf.d", "alternatives",
    "ssl",         "ca-certificates", "localtime",     "protocols",    "services",
};

const char *const kRootDirectoriesOfUsr[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1)
        : m_fd(fd)
    {
    }
    ~FileDescriptor() { reset(); }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;

    int get() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd;
};

bool makePipe(FileDescriptor &readEnd, FileDescriptor &writeEnd)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd.reset(fds[0]);
    writeEnd.reset(fds[1]);
    return true;
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

CommandResult failedToStart(const QString &detail)
{
    CommandResult result;
    result.outcome = Outcome::FailedToStart;
    result.detail = detail;
    return result;
}

QString mebibytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(QString::number(double(bytes) / (1024.0 * 1024.0), 'g', 6));
}

QByteArrayList bwrapArguments(const BubblewrapOptions &options, const QString &workspace,
                              const QString &shellCommand, int infoFd)
{
    QByteArrayList args{QFile::encodeName(options.bwrapPath), "--ro-bind", "/usr", "/usr"};
    for (const char *name : kRootDirectoriesOfUsr) {
        const QByteArray path = QByteArray("/") + name;
        const QFileInfo info(QString::fromLatin1(path));
        if (info.isSymLink())
            args << "--symlink" << QFile::encodeName(info.symLinkTarget()) << path;
        else if (info.isDir())
            args << "--ro-bind" << path << path;
    }
    for (const char *name : kEtcFilesForTools) {
        const QByteArray path = QByteArray("/etc/") + name;
        args << "--ro-bind-try" << path << path;
    }
    args << "--bind" << QFile::encodeName(workspace) << "/workspace"
         << "--chdir"
         << "/workspace"
         << "--tmpfs"
         << "/tmp"
         << "--proc"
         << "/proc"
         << "--dev"
         << "/dev"
         << "--unshare-all";
    if (options.allowNetwork)
        args << "--share-net";
    args << "--die-with-parent"
         << "--new-session"
         << "--info-fd" << QByteArray::number(infoFd) << "--"
         << "/bin/sh"
         << "-c" << shellCommand.toUtf8();
    return args;
}

QByteArrayList sandboxEnvironment(const domain::EnvVars &env)
{
    domain::EnvVars all{
        {QStringLiteral("PATH"),
         QStringLiteral("/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin")},
        {QStringLiteral("HOME"), QStringLiteral("/workspace")},
        {QStringLiteral("LANG"), QStringLiteral("C.UTF-8")},
    };
    all.insert(env);
    QByteArrayList entries;
    for (auto it = all.cbegin(); it != all.cend(); ++it)
        entries << (it.key() + QLatin1Char('=') + it.value()).toUtf8();
    return entries;
}

std::vector<char *> nullTerminated(QByteArrayList &strings)
{
    std::vector<char *> pointers;
    for (QByteArray &string : strings)
        pointers.push_back(string.data());
    pointers.push_back(nullptr);
    return pointers;
}

enum class ChildStep : int { Redirect, PassInfoFd, JoinCgroup, LimitAddressSpace, Exec };

struct ChildFailure {
    ChildStep step;
    int error;
};

// Everything the child needs, prepared before fork(): after it only async-signal-safe calls are allowed,
// since the server has other threads.
struct ChildSetup {
    const char *bwrapPath;
    char *const *argv;
    char *const *envp;
    int stdinFd;
    int stdoutFd;
    int stderrFd;
    int failureFd;
    int infoFd;                  // bwrap reports the sandbox's pid 1 here
    const char *cgroupProcsFile; // null: no cgroup
    rlim_t addressSpaceLimit;    // 0: none
};

[[noreturn]] void runChild(const ChildSetup &setup)
{
    const auto fail = [&setup](ChildStep step) {
        const ChildFailure failure{step, errno};
        [[maybe_unused]] const ssize_t written = ::write(setup.failureFd, &failure, sizeof failure);
        ::_exit(127);
    };
    if (::dup2(setup.stdinFd, STDIN_FILENO) < 0 || ::dup2(setup.stdoutFd, STDOUT_FILENO) < 0 ||
        ::dup2(setup.stderrFd, STDERR_FILENO) < 0)
        fail(ChildStep::Redirect);
    // The server's own descriptors (sockets, database files) must not reach the sandbox.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (::fcntl(setup.infoFd, F_SETFD, 0) != 0)
        fail(ChildStep::PassInfoFd);
    if (setup.cgroupProcsFile) {
        const int fd = ::open(setup.cgroupProcsFile, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::write(fd, "0", 1) != 1)
            fail(ChildStep::JoinCgroup);
        ::close(fd);
    }
    if (setup.addressSpaceLimit > 0) {
        const rlimit limit{setup.addressSpaceLimit, setup.addressSpaceLimit};
        if (::setrlimit(RLIMIT_AS, &limit) != 0)
            fail(ChildStep::LimitAddressSpace);
    }
    ::execve(setup.bwrapPath, setup.argv, setup.envp);
    fail(ChildStep::Exec);
    ::_exit(127); // not reached: fail() exits
}

QString describe(const ChildFailure &failure, const BubblewrapOptions &options, const BuildCgroup *cgroup)
{
    switch (failure.step) {
    case ChildStep::Redirect:
        return QStringLiteral("could not redirect the command's output: %1").arg(systemError(failure.error));
    case ChildStep::PassInfoFd:
        return QStringLiteral("could not pass bwrap its info pipe: %1").arg(systemError(failure.error));
    case ChildStep::JoinCgroup:
        return QStringLiteral("could not join %1: %2").arg(cgroup->description(), systemError(failure.error));
    case ChildStep::LimitAddressSpace:
        return QStringLiteral("could not set the memory limit: %1").arg(systemError(failure.error));
    case ChildStep::Exec:
        break;
    }
    return QStringLiteral("bwrap: cannot run %1: %2").arg(options.bwrapPath, systemError(failure.error));
}

int exitCodeOf(int waitStatus)
{
    if (WIFEXITED(waitStatus))
        return WEXITSTATUS(waitStatus);
    if (WIFSIGNALED(waitStatus))
        return 128 + WTERMSIG(waitStatus);
    return -1;
}

// bwrap's --info-fd JSON names the host pid of the sandbox's pid 1. A pidfd on it becomes readable once that
// process has exited, and the kernel lets pid 1 of a namespace exit only after every other process in it.
int openSandboxInit(const QByteArray &info)
{
    const int initPid = QJsonDocument::fromJson(info).object().value(QStringLiteral("child-pid")).toInt();
    // Through syscall(): Debian 12's <sys/pidfd.h> declares pidfd_open without C linkage for C++.
    return initPid > 0 ? int(::syscall(SYS_pidfd_open, initPid, 0)) : -1;
}

void waitUntilExited(const FileDescriptor &pidfd)
{
    if (!pidfd.isOpen())
        return;
    pollfd fd{pidfd.get(), POLLIN, 0};
    if (::poll(&fd, 1, kNamespaceTeardownMilliseconds) == 0)
        qCWarning(lcSandbox, "the sandbox's processes outlived bwrap by %d ms",
                  kNamespaceTeardownMilliseconds);
}

} // namespace

BubblewrapCommandRunner::BubblewrapCommandRunner(BubblewrapOptions options)
    : m_options(std::move(options))
{
}

CommandResult BubblewrapCommandRunner::run(const QString &shellCommand, const QString &workspace,
                                           const domain::EnvVars &env, const domain::CommandLimits &limits,
                                           const std::function<void(domain::LogStream, QString)> &onLine,
                                           const std::atomic<bool> &canceled)
{
    if (!QFileInfo(m_options.bwrapPath).isExecutable()) {
        return failedToStart(QStringLiteral("bwrap: %1 is missing or not executable (install bubblewrap)")
                                 .arg(m_options.bwrapPath));
    }
    const QFileInfo workspaceInfo(workspace);
    if (!workspaceInfo.isDir())
        return failedToStart(QStringLiteral("workspace %1 is not a directory").arg(workspace));

    QString whyNoCgroup;
    std::unique_ptr<BuildCgroup> cgroup =
        BuildCgroup::create(limits.memoryBytes, m_options.cgroupV2Parent, &whyNoCgroup);
    const bool approximateMemoryLimit = !cgroup && limits.memoryBytes > 0;
    static std::atomic<bool> warnedApproximateMemoryLimit{false};
    if (approximateMemoryLimit && !warnedApproximateMemoryLimit.exchange(true)) {
        qCWarning(lcSandbox,
                  "build memory limits are approximate: no usable cgroup (%s), so each process gets an "
                  "address-space limit (RLIMIT_AS) instead of the build a memory limit",
                  qUtf8Printable(whyNoCgroup));
    }

    FileDescriptor nullDevice(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    FileDescriptor stdoutRead, stdoutWrite, stderrRead, stderrWrite, failureRead, failureWrite, infoRead,
        infoWrite;
    if (!nullDevice.isOpen() || !makePipe(stdoutRead, stdoutWrite) || !makePipe(stderrRead, stderrWrite) ||
        !makePipe(failureRead, failureWrite) || !makePipe(infoRead, infoWrite)) {
        return failedToStart(QStringLiteral("cannot create pipes: %1").arg(systemError(errno)));
    }

    QByteArrayList args =
        bwrapArguments(m_options, workspaceInfo.absoluteFilePath(), shellCommand, infoWrite.get());
    QByteArrayList environment = sandboxEnvironment(env);
    const std::vector<char *> argv = nullTerminated(args);
    const std::vector<char *> envp = nullTerminated(environment);
    const QByteArray bwrapPath = QFile::encodeName(m_options.bwrapPath);
    const QByteArray procsFile = cgroup ? cgroup->procsFile() : QByteArray();

    const ChildSetup setup{bwrapPath.constData(),
                           argv.data(),
                           envp.data(),
                           nullDevice.get(),
                           stdoutWrite.get(),
                           stderrWrite.get(),
                           failureWrite.get(),
                           infoWrite.get(),
                           cgroup ? procsFile.constData() : nullptr,
                           approximateMemoryLimit ? rlim_t(limits.memoryBytes) : rlim_t(0)};
    const pid_t pid = ::fork();
    if (pid < 0)
        return failedToStart(QStringLiteral("cannot fork: %1").arg(systemError(errno)));
    if (pid == 0)
        runChild(setup);

    stdoutWrite.reset();
    stderrWrite.reset();
    failureWrite.reset();
    infoWrite.reset();
    nullDevice.reset();

    // The failure pipe closes on a successful exec, or carries why the child gave up.
    ChildFailure failure{};
    ssize_t got;
    do {
        got = ::read(failureRead.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == ssize_t(sizeof failure)) {
        ::waitpid(pid, nullptr, 0);
        return failedToStart(describe(failure, m_options, cgroup.get()));
    }

    OutputLineSplitter stdoutLines(domain::LogStream::Stdout, onLine);
    OutputLineSplitter stderrLines(domain::LogStream::Stderr, onLine);
    struct Output {
        FileDescriptor *fd;
        OutputLineSplitter *lines;
    };
    const Output outputs[] = {{&stdoutRead, &stdoutLines}, {&stderrRead, &stderrLines}};
    QByteArray info;
    FileDescriptor sandboxInit;

    enum class StopReason { None, Canceled, TimedOut };
    StopReason stop = StopReason::None;
    std::optional<int> waitStatus;
    const QDeadlineTimer timeLimit = limits.timeoutSeconds > 0
                                         ? QDeadlineTimer(std::chrono::seconds(limits.timeoutSeconds))
                                         : QDeadlineTimer(QDeadlineTimer::Forever);
    QDeadlineTimer pipeDrain(QDeadlineTimer::Forever);
    const auto killEverything = [&] {
        // bwrap's death takes its pid namespace, and so every process of the build, with it.
        if (!waitStatus)
            ::kill(pid, SIGKILL);
        if (cgroup)
            cgroup->killAll();
    };
    std::vector<char> buffer(size_t(OutputLineSplitter::kMaxLineBytes));

    while (waitStatus == std::nullopt || stdoutRead.isOpen() || stderrRead.isOpen()) {
        pollfd fds[3];
        for (int i = 0; i < 2; ++i)
            fds[i] = pollfd{outputs[i].fd->get(), POLLIN, 0};
        fds[2] = pollfd{infoRead.get(), POLLIN, 0};
        ::poll(fds, 3, kPollMilliseconds);
        if (fds[2].revents != 0) {
            const ssize_t count = ::read(infoRead.get(), buffer.data(), buffer.size());
            if (count > 0)
                info.append(buffer.data(), count);
            if (!sandboxInit.isOpen())
                sandboxInit.reset(openSandboxInit(info));
            if (count == 0 || (count < 0 && errno != EINTR))
                infoRead.reset();
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            const ssize_t count = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (count > 0)
                outputs[i].lines->append(buffer.data(), count);
            else if (count == 0 || errno != EINTR)
                outputs[i].fd->reset();
        }

        if (!waitStatus) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                waitStatus = status;
                pipeDrain = QDeadlineTimer(kPipeDrainMilliseconds);
            }
        }
        if (stop == StopReason::None && canceled.load()) {
            stop = StopReason::Canceled;
            killEverything();
        } else if (stop == StopReason::None && timeLimit.hasExpired()) {
            stop = StopReason::TimedOut;
            killEverything();
        }
        if (pipeDrain.hasExpired()) {
            qCWarning(lcSandbox, "output of a build stayed open after bwrap exited; closing it");
            killEverything();
            break;
        }
    }
    stdoutLines.finish();
    stderrLines.finish();

    waitUntilExited(sandboxInit);
    const bool outOfMemory = cgroup && cgroup->outOfMemoryKillHappened();
    cgroup.reset(); // returns once the group is empty

    CommandResult result;
    result.exitCode = exitCodeOf(*waitStatus);
    if (stop == StopReason::Canceled) {
        result.outcome = Outcome::Canceled;
        result.detail = QStringLiteral("canceled");
    } else if (stop == StopReason::TimedOut) {
        result.outcome = Outcome::TimedOut;
        result.detail = QStringLiteral("killed after %1 s").arg(limits.timeoutSeconds);
    } else if (outOfMemory && result.exitCode != 0) {
        result.outcome = Outcome::OutOfMemory;
        result.detail = QStringLiteral("killed: out of memory (limit %1)").arg(mebibytes(limits.memoryBytes));
    } else {
        result.outcome = Outcome::Exited;
        if (result.exitCode != 0)
            result.detail = QStringLiteral("exited with code %1").arg(result.exitCode);
        if (result.exitCode != 0 && approximateMemoryLimit) {
            result.detail += QStringLiteral(" (memory is limited to %1 of address space per process on this "
                                            "host, an approximate limit: an allocation beyond it fails)")
                                 .arg(mebibytes(limits.memoryBytes));
        }
    }
    return result;
}

} // namespace vitrine::adapters::sandbox
