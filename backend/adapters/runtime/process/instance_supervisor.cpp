#include "adapters/runtime/process/instance_supervisor.h"

#include "adapters/runtime/process/process_tree.h"
#include "adapters/runtime/process/runtime_logging.h"
#include "adapters/sandbox/sandbox_cgroup.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QSocketNotifier>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

namespace vitrine::adapters::runtime {

using domain::InstanceState;
using sandbox::FileDescriptor;

namespace {

// Once bwrap has exited its pid namespace is gone, so the output pipes close at once; this only bounds the
// wait should that ever not hold.
constexpr std::chrono::milliseconds kPipeDrainTimeout{2000};

void warnLimitsNotEnforced(const QString &why)
{
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
        qCWarning(lcRuntime, "app resource limits are not enforced: %s", qUtf8Printable(why));
}

void makeNonBlocking(const FileDescriptor &fd)
{
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
}

double seconds(const timeval &time)
{
    return double(time.tv_sec) + double(time.tv_usec) / 1e6;
}

} // namespace

// One start of the instance: bwrap's process and what the supervisor watches of it.
struct InstanceSupervisor::Run {
    pid_t pid = 0;
    FileDescriptor exitWatch; // a pidfd on bwrap: readable once it has exited
    FileDescriptor stdoutRead;
    FileDescriptor stderrRead;
    FileDescriptor info;
    // Declared after the descriptors they watch, so they go first.
    std::unique_ptr<QSocketNotifier> exitNotifier;
    std::unique_ptr<QSocketNotifier> stdoutNotifier;
    std::unique_ptr<QSocketNotifier> stderrNotifier;
    std::unique_ptr<QSocketNotifier> infoNotifier;
    std::unique_ptr<sandbox::OutputLineSplitter> stdoutLines;
    std::unique_ptr<sandbox::OutputLineSplitter> stderrLines;
    QByteArray bwrapInfo;
    std::optional<int> waitStatus;
    rusage resources{}; // bwrap's and everything it waited for, once it has exited
    QElapsedTimer upTime;
    qint64 outOfMemoryKillsBefore = 0;
    bool killedUnhealthy = false;

    bool outputOpen() const { return stdoutRead.isOpen() || stderrRead.isOpen(); }
};

InstanceSupervisor::InstanceSupervisor(quint64 serial, domain::InstanceSpec spec, quint16 port,
                                       const ProcessRuntimeOptions &options, InstanceListener &listener,
                                       QObject *parent)
    : QObject(parent)
    , m_serial(serial)
    , m_spec(std::move(spec))
    , m_port(port)
    , m_options(options)
    , m_listener(listener)
    , m_onLine(
          [this](domain::LogStream stream, const QString &text) { m_listener.output(m_spec, stream, text); })
    , m_probe(port, m_spec.health.httpPath, options.probeInterval, [this] { onHealthy(); })
    , m_backoff(options.initialBackoff)
{
    m_status.instanceId = m_spec.instanceId;
    m_status.applicationId = m_spec.applicationId;
    m_status.applicationName = m_spec.applicationName;
    m_status.buildId = m_spec.buildId;
    m_status.state = InstanceState::Starting;

    m_healthDeadline.setSingleShot(true);
    connect(&m_healthDeadline, &QTimer::timeout, this, &InstanceSupervisor::onHealthDeadline);
    m_restartTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, [this] {
        ++m_status.restartCount;
        startRun();
    });
    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(options.stopGracePeriod);
    connect(&m_killTimer, &QTimer::timeout, this, &InstanceSupervisor::killRun);
    m_drainTimer.setSingleShot(true);
    m_drainTimer.setInterval(kPipeDrainTimeout);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRuntime, "output of instance %s stayed open after bwrap exited; closing it",
                  qUtf8Printable(m_spec.instanceId));
        finishRun();
    });
}

InstanceSupervisor::~InstanceSupervisor()
{
    if (m_run && !m_run->waitStatus) {
        ::kill(m_run->pid, SIGKILL);
        ::waitpid(m_run->pid, nullptr, 0);
    }
}

void InstanceSupervisor::start()
{
    if (m_port == 0) {
        setState(InstanceState::Errored, QStringLiteral("could not find a free loopback port"));
        return;
    }
    startRun();
}

void InstanceSupervisor::stop()
{
    m_stopping = true;
    m_probe.stop();
    m_healthDeadline.stop();
    m_restartTimer.stop();
    if (!m_run) {
        m_listener.stopped(m_serial);
        return;
    }
    if (m_run->waitStatus)
        return; // bwrap is gone; finishRun() follows once its output is drained
    // SIGTERM to the sandbox's pid 1 is ignored (it has no handler, and a pid namespace's init only gets
    // signals it handles), and to bwrap it would end the sandbox with SIGKILL: the app's processes get it.
    const pid_t initPid = sandbox::sandboxInitPid(m_run->bwrapInfo);
    if (initPid <= 0) {
        killRun();
        return;
    }
    for (const pid_t pid : descendantProcesses(initPid))
        ::kill(pid, SIGTERM);
    m_killTimer.start();
}

std::optional<domain::InstanceUsage> InstanceSupervisor::usage() const
{
    if (m_stopping || !m_run || m_run->waitStatus)
        return std::nullopt;
    domain::InstanceUsage usage;
    usage.instanceId = m_spec.instanceId;
    usage.applicationId = m_spec.applicationId;
    usage.applicationName = m_spec.applicationName;
    const std::optional<double> cgroupCpu = m_cgroup ? m_cgroup->cpuSeconds() : std::nullopt;
    const std::optional<qint64> cgroupMemory = m_cgroup ? m_cgroup->memoryBytes() : std::nullopt;
    if (!cgroupCpu || !cgroupMemory) {
        const ProcessTreeUsage tree = processTreeUsage(m_run->pid);
        usage.cpuSeconds = m_cpuSecondsOfEndedRuns + tree.cpuSeconds;
        usage.memoryBytes = tree.residentBytes;
    }
    if (cgroupCpu)
        usage.cpuSeconds = *cgroupCpu;
    if (cgroupMemory)
        usage.memoryBytes = *cgroupMemory;
    return usage;
}

void InstanceSupervisor::ensureCgroup()
{
    if (m_cgroupTried)
        return;
    m_cgroupTried = true;
    const domain::ResourceLimits &limits = m_spec.limits;
    QString whyNot;
    m_cgroup = sandbox::SandboxCgroup::create(QStringLiteral("vitrine-app"),
                                              {limits.memoryBytes, limits.cpuMillicores},
                                              m_options.cgroupV2Parent, &whyNot);
    if (!m_cgroup && (limits.memoryBytes > 0 || limits.cpuMillicores > 0)) {
        warnLimitsNotEnforced(
            QStringLiteral("no usable cgroup (%1), so CPU is not limited and memory is limited "
                           "to an address-space limit (RLIMIT_AS) per process instead")
                .arg(whyNot));
    } else if (m_cgroup && !m_cgroup->unenforcedLimits().isEmpty()) {
        warnLimitsNotEnforced(m_cgroup->unenforcedLimits());
    }
}

void InstanceSupervisor::startRun()
{
    ensureCgroup();
    if (m_cgroup)
        m_cgroup->killAll(); // whatever a previous run left, though its pid namespace should have taken it

    sandbox::SandboxCommand command;
    command.bwrapPath = m_options.bwrapPath;
    command.workspace = m_spec.releaseDirectory;
    command.shellCommand = m_spec.startCommand;
    command.env = m_spec.env;
    command.env.insert(QStringLiteral("PORT"), QString::number(m_port));
    command.shareNetwork = true;
    command.cgroup = m_cgroup.get();
    command.addressSpaceLimit = m_cgroup ? 0 : m_spec.limits.memoryBytes;
    QString error;
    std::optional<sandbox::StartedSandbox> sandbox = sandbox::startSandbox(command, &error);
    if (!sandbox) {
        qCWarning(lcRuntime, "instance %s cannot start: %s", qUtf8Printable(m_spec.instanceId),
                  qUtf8Printable(error));
        setState(InstanceState::Errored, error);
        return;
    }

    auto run = std::make_unique<Run>();
    run->pid = sandbox->pid;
    // Through syscall(): Debian 12's <sys/pidfd.h> declares pidfd_open without C linkage for C++.
    run->exitWatch.reset(int(::syscall(SYS_pidfd_open, run->pid, 0)));
    if (!run->exitWatch.isOpen()) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        ::kill(run->pid, SIGKILL);
        ::waitpid(run->pid, nullptr, 0);
        setState(InstanceState::Errored,
                 QStringLiteral("cannot watch the process (pidfd_open needs Linux 5.3): %1").arg(reason));
        return;
    }
    run->stdoutRead = std::move(sandbox->stdoutRead);
    run->stderrRead = std::move(sandbox->stderrRead);
    run->info = std::move(sandbox->info);
    for (const FileDescriptor *fd : {&run->stdoutRead, &run->stderrRead, &run->info})
        makeNonBlocking(*fd);
    run->stdoutLines = std::make_unique<sandbox::OutputLineSplitter>(domain::LogStream::Stdout, m_onLine);
    run->stderrLines = std::make_unique<sandbox::OutputLineSplitter>(domain::LogStream::Stderr, m_onLine);
    run->exitNotifier = std::make_unique<QSocketNotifier>(run->exitWatch.get(), QSocketNotifier::Read);
    connect(run->exitNotifier.get(), &QSocketNotifier::activated, this, &InstanceSupervisor::onProcessExited);
    run->stdoutNotifier = std::make_unique<QSocketNotifier>(run->stdoutRead.get(), QSocketNotifier::Read);
    connect(run->stdoutNotifier.get(), &QSocketNotifier::activated, this,
            [this] { readOutput(domain::LogStream::Stdout); });
    run->stderrNotifier = std::make_unique<QSocketNotifier>(run->stderrRead.get(), QSocketNotifier::Read);
    connect(run->stderrNotifier.get(), &QSocketNotifier::activated, this,
            [this] { readOutput(domain::LogStream::Stderr); });
    run->infoNotifier = std::make_unique<QSocketNotifier>(run->info.get(), QSocketNotifier::Read);
    connect(run->infoNotifier.get(), &QSocketNotifier::activated, this, [this] {
        char buffer[4096];
        const ssize_t count = ::read(m_run->info.get(), buffer, sizeof buffer);
        if (count > 0) {
            m_run->bwrapInfo.append(buffer, count);
        } else if (count == 0 || errno != EAGAIN) {
            m_run->infoNotifier.reset();
            m_run->info.reset();
        }
    });
    run->upTime.start();
    run->outOfMemoryKillsBefore = m_cgroup ? m_cgroup->outOfMemoryKills() : 0;
    m_run = std::move(run);

    m_status.startedAt = QDateTime::currentDateTimeUtc();
    setState(InstanceState::Starting, {});
    if (m_spec.health.timeoutSeconds > 0)
        m_healthDeadline.start(std::chrono::seconds(m_spec.health.timeoutSeconds));
    m_probe.start();
}

void InstanceSupervisor::readOutput(domain::LogStream stream)
{
    const bool isStdout = stream == domain::LogStream::Stdout;
    FileDescriptor &fd = isStdout ? m_run->stdoutRead : m_run->stderrRead;
    sandbox::OutputLineSplitter &lines = isStdout ? *m_run->stdoutLines : *m_run->stderrLines;
    std::vector<char> buffer(size_t(sandbox::OutputLineSplitter::kMaxLineBytes));
    const ssize_t count = ::read(fd.get(), buffer.data(), buffer.size());
    if (count > 0) {
        lines.append(buffer.data(), count);
        return;
    }
    if (count < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    (isStdout ? m_run->stdoutNotifier : m_run->stderrNotifier).reset();
    fd.reset();
    finishRunWhenDrained();
}

void InstanceSupervisor::onProcessExited()
{
    int status = 0;
    if (::wait4(m_run->pid, &status, WNOHANG, &m_run->resources) != m_run->pid)
        return;
    m_run->waitStatus = status;
    m_run->exitNotifier.reset();
    m_killTimer.stop();
    m_probe.stop();
    m_healthDeadline.stop();
    if (m_run->outputOpen())
        m_drainTimer.start();
    finishRunWhenDrained();
}

void InstanceSupervisor::finishRunWhenDrained()
{
    if (m_run->waitStatus && !m_run->outputOpen())
        finishRun();
}

void InstanceSupervisor::finishRun()
{
    m_drainTimer.stop();
    m_run->stdoutLines->finish();
    m_run->stderrLines->finish();
    const std::unique_ptr<Run> run = std::move(m_run);
    m_cpuSecondsOfEndedRuns += seconds(run->resources.ru_utime) + seconds(run->resources.ru_stime);
    const bool outOfMemory = m_cgroup && m_cgroup->outOfMemoryKills() > run->outOfMemoryKillsBefore;
    if (m_cgroup)
        m_cgroup->killAll();
    if (m_stopping) {
        m_listener.stopped(m_serial);
        return;
    }

    domain::InstanceExit exit;
    const int status = *run->waitStatus;
    // bwrap passes its command's exit on as shells do: 128 + N when signal N killed it.
    const int exitCode = sandbox::exitCodeOf(status);
    if (WIFSIGNALED(status) || exitCode > 128)
        exit.signal = exitCode - 128;
    else
        exit.exitCode = exitCode;
    exit.outOfMemory = outOfMemory;
    if (run->killedUnhealthy) {
        exit.detail = QStringLiteral("not healthy after %1 s").arg(m_spec.health.timeoutSeconds);
    } else if (outOfMemory) {
        exit.detail =
            QStringLiteral("out of memory (limit %1)").arg(sandbox::mebibytes(m_spec.limits.memoryBytes));
    } else if (exit.signal != 0) {
        exit.detail = QStringLiteral("killed by signal %1").arg(exit.signal);
    } else {
        exit.detail = QStringLiteral("exit code %1").arg(exit.exitCode);
    }
    exit.willRestart = !run->killedUnhealthy;
    m_status.detail = exit.detail;
    m_listener.exited(m_serial, m_status, exit);

    if (!exit.willRestart) {
        setState(InstanceState::Errored, exit.detail);
        return;
    }
    if (std::chrono::milliseconds(run->upTime.elapsed()) >= m_options.backoffResetAfter)
        m_backoff = m_options.initialBackoff;
    m_restartTimer.start(m_backoff);
    m_backoff = std::min(m_backoff * 2, m_options.maximumBackoff);
    setState(InstanceState::Restarting, exit.detail);
}

void InstanceSupervisor::onHealthy()
{
    m_healthDeadline.stop();
    m_status.upstream = QStringLiteral("127.0.0.1:%1").arg(m_port);
    setState(InstanceState::Running, {});
}

void InstanceSupervisor::onHealthDeadline()
{
    if (!m_run || m_run->waitStatus)
        return;
    qCInfo(lcRuntime, "instance %s is not healthy after %d s: stopping it", qUtf8Printable(m_spec.instanceId),
           m_spec.health.timeoutSeconds);
    m_probe.stop();
    m_run->killedUnhealthy = true;
    killRun();
}

void InstanceSupervisor::killRun()
{
    if (!m_run || m_run->waitStatus)
        return; // reaped: its pid may belong to another process by now
    // bwrap's death takes its pid namespace, and so every process of the instance, with it.
    ::kill(m_run->pid, SIGKILL);
    if (m_cgroup)
        m_cgroup->killAll();
}

void InstanceSupervisor::setState(InstanceState state, const QString &detail)
{
    m_status.state = state;
    m_status.detail = detail;
    if (!m_stopping)
        m_listener.statusChanged(m_serial, m_status);
}

} // namespace vitrine::adapters::runtime
