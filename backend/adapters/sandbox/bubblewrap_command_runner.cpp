#include "adapters/sandbox/bubblewrap_command_runner.h"

#include "adapters/sandbox/output_line_splitter.h"
#include "adapters/sandbox/sandbox_cgroup.h"
#include "adapters/sandbox/sandbox_logging.h"
#include "adapters/sandbox/sandbox_process.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDeadlineTimer>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
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

CommandResult failedToStart(const QString &detail)
{
    CommandResult result;
    result.outcome = Outcome::FailedToStart;
    result.detail = detail;
    return result;
}

// A pidfd on the sandbox's pid 1 becomes readable once that process has exited, and the kernel lets pid 1 of
// a namespace exit only after every other process in it.
int openSandboxInit(const QByteArray &info)
{
    const pid_t initPid = sandboxInitPid(info);
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
    QString whyNoCgroup;
    std::unique_ptr<SandboxCgroup> cgroup =
        SandboxCgroup::create(QStringLiteral("vitrine-build"), CgroupLimits{limits.memoryBytes, 0},
                              m_options.cgroupV2Parent, &whyNoCgroup);
    const bool approximateMemoryLimit = !cgroup && limits.memoryBytes > 0;
    static std::atomic<bool> warnedApproximateMemoryLimit{false};
    if (approximateMemoryLimit && !warnedApproximateMemoryLimit.exchange(true)) {
        qCWarning(lcSandbox,
                  "build memory limits are approximate: no usable cgroup (%s), so each process gets an "
                  "address-space limit (RLIMIT_AS) instead of the build a memory limit",
                  qUtf8Printable(whyNoCgroup));
    }

    SandboxCommand command;
    command.bwrapPath = m_options.bwrapPath;
    command.workspace = workspace;
    command.shellCommand = shellCommand;
    command.env = env;
    command.shareNetwork = m_options.allowNetwork;
    command.cgroup = cgroup.get();
    command.addressSpaceLimit = approximateMemoryLimit ? limits.memoryBytes : 0;
    QString startError;
    std::optional<StartedSandbox> sandbox = startSandbox(command, &startError);
    if (!sandbox)
        return failedToStart(startError);
    const pid_t pid = sandbox->pid;
    FileDescriptor &stdoutRead = sandbox->stdoutRead;
    FileDescriptor &stderrRead = sandbox->stderrRead;
    FileDescriptor &infoRead = sandbox->info;

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
    const bool outOfMemory = cgroup && cgroup->outOfMemoryKills() > 0;
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
