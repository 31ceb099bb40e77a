#include "adapters/sandbox/sandbox_process.h"

#include "adapters/sandbox/sandbox_cgroup.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vitrine::adapters::sandbox {
namespace {

const char *const kEtcFilesForTools[] = {
    "passwd",      "group",           "nsswitch.conf", "hosts",        "host.conf",
    "resolv.conf", "ld.so.cache",     "ld.so.conf",    "ld.so.conf.d", "alternatives",
    "ssl",         "ca-certificates", "localtime",     "protocols",    "services",
};

const char *const kRootDirectoriesOfUsr[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

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

QByteArrayList bwrapArguments(const SandboxCommand &command, int infoFd)
{
    QByteArrayList args{QFile::encodeName(command.bwrapPath), "--ro-bind", "/usr", "/usr"};
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
    args << "--bind" << QFile::encodeName(QFileInfo(command.workspace).absoluteFilePath()) << "/workspace"
         << "--chdir"
         << "/workspace"
         << "--tmpfs"
         << "/tmp"
         << "--proc"
         << "/proc"
         << "--dev"
         << "/dev"
         << "--unshare-all";
    if (command.shareNetwork)
        args << "--share-net";
    args << "--die-with-parent"
         << "--new-session"
         << "--info-fd" << QByteArray::number(infoFd) << "--"
         << "/bin/sh"
         << "-c" << command.shellCommand.toUtf8();
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

template<typename Char>
std::vector<Char *> nullTerminated(QByteArrayList &strings)
{
    std::vector<Char *> pointers;
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
    int infoFd;                          // bwrap reports the sandbox's pid 1 here
    const char *const *cgroupProcsFiles; // null-terminated; one per hierarchy the sandbox's group spans
    rlim_t addressSpaceLimit;            // 0: none
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
    for (const char *const *procsFile = setup.cgroupProcsFiles; *procsFile; ++procsFile) {
        const int fd = ::open(*procsFile, O_WRONLY | O_CLOEXEC);
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

QString describe(const ChildFailure &failure, const SandboxCommand &command)
{
    switch (failure.step) {
    case ChildStep::Redirect:
        return QStringLiteral("could not redirect the command's output: %1").arg(systemError(failure.error));
    case ChildStep::PassInfoFd:
        return QStringLiteral("could not pass bwrap its info pipe: %1").arg(systemError(failure.error));
    case ChildStep::JoinCgroup:
        return QStringLiteral("could not join %1: %2")
            .arg(command.cgroup->description(), systemError(failure.error));
    case ChildStep::LimitAddressSpace:
        return QStringLiteral("could not set the memory limit: %1").arg(systemError(failure.error));
    case ChildStep::Exec:
        break;
    }
    return QStringLiteral("bwrap: cannot run %1: %2").arg(command.bwrapPath, systemError(failure.error));
}

} // namespace

void FileDescriptor::reset(int fd)
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
}

std::optional<StartedSandbox> startSandbox(const SandboxCommand &command, QString *error)
{
    if (!QFileInfo(command.bwrapPath).isExecutable()) {
        *error = QStringLiteral("bwrap: %1 is missing or not executable (install bubblewrap)")
                     .arg(command.bwrapPath);
        return std::nullopt;
    }
    if (!QFileInfo(command.workspace).isDir()) {
        *error = QStringLiteral("workspace %1 is not a directory").arg(command.workspace);
        return std::nullopt;
    }

    StartedSandbox sandbox;
    FileDescriptor nullDevice(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    FileDescriptor stdoutWrite, stderrWrite, failureRead, failureWrite, infoWrite;
    if (!nullDevice.isOpen() || !makePipe(sandbox.stdoutRead, stdoutWrite) ||
        !makePipe(sandbox.stderrRead, stderrWrite) || !makePipe(failureRead, failureWrite) ||
        !makePipe(sandbox.info, infoWrite)) {
        *error = QStringLiteral("cannot create pipes: %1").arg(systemError(errno));
        return std::nullopt;
    }

    QByteArrayList args = bwrapArguments(command, infoWrite.get());
    QByteArrayList environment = sandboxEnvironment(command.env);
    QByteArrayList procsFiles = command.cgroup ? command.cgroup->procsFiles() : QByteArrayList();
    const std::vector<char *> argv = nullTerminated<char>(args);
    const std::vector<char *> envp = nullTerminated<char>(environment);
    const std::vector<const char *> cgroupProcsFiles = nullTerminated<const char>(procsFiles);
    const QByteArray bwrapPath = QFile::encodeName(command.bwrapPath);

    const ChildSetup setup{bwrapPath.constData(),
                           argv.data(),
                           envp.data(),
                           nullDevice.get(),
                           stdoutWrite.get(),
                           stderrWrite.get(),
                           failureWrite.get(),
                           infoWrite.get(),
                           cgroupProcsFiles.data(),
                           rlim_t(qMax<qint64>(command.addressSpaceLimit, 0))};
    sandbox.pid = ::fork();
    if (sandbox.pid < 0) {
        *error = QStringLiteral("cannot fork: %1").arg(systemError(errno));
        return std::nullopt;
    }
    if (sandbox.pid == 0)
        runChild(setup);

    failureWrite.reset();
    // The failure pipe closes on a successful exec, or carries why the child gave up.
    ChildFailure failure{};
    ssize_t got;
    do {
        got = ::read(failureRead.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == ssize_t(sizeof failure)) {
        ::waitpid(sandbox.pid, nullptr, 0);
        *error = describe(failure, command);
        return std::nullopt;
    }
    return sandbox;
}

pid_t sandboxInitPid(const QByteArray &bwrapInfo)
{
    return pid_t(QJsonDocument::fromJson(bwrapInfo).object().value(QStringLiteral("child-pid")).toInt());
}

int exitCodeOf(int waitStatus)
{
    if (WIFEXITED(waitStatus))
        return WEXITSTATUS(waitStatus);
    if (WIFSIGNALED(waitStatus))
        return 128 + WTERMSIG(waitStatus);
    return -1;
}

QString mebibytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(QString::number(double(bytes) / (1024.0 * 1024.0), 'g', 6));
}

} // namespace vitrine::adapters::sandbox
