#pragma once

#include "adapters/runtime/process/health_probe.h"
#include "adapters/runtime/process/process_runtime_options.h"
#include "adapters/sandbox/output_line_splitter.h"
#include "adapters/sandbox/sandbox_process.h"
#include "domain/ports/runtime_backend.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QSocketNotifier;

namespace vitrine::adapters::sandbox {
class SandboxCgroup;
}

namespace vitrine::adapters::runtime {

// Hears what one InstanceSupervisor does; called on the supervisor's thread.
class InstanceListener {
public:
    virtual void statusChanged(quint64 serial, const domain::InstanceStatus &status) = 0;
    virtual void exited(quint64 serial, const domain::InstanceStatus &status,
                        const domain::InstanceExit &exit) = 0;
    virtual void output(const domain::InstanceSpec &spec, domain::LogStream stream, const QString &text) = 0;
    // After stop(): the instance's processes are gone and the supervisor may be deleted (deleteLater).
    virtual void stopped(quint64 serial) = 0;

protected:
    ~InstanceListener() = default;
};

// Runs one instance: `sh -c START_COMMAND` in a bubblewrap sandbox sharing the host's network, with PORT
// set, in the instance's cgroup (created at the first start, kept across restarts so usage adds up). It
// probes the instance until healthy (Running), kills it when it is not healthy in time (Errored), and
// restarts it with backoff whenever it exits on its own. Lives on the runtime's worker thread; every
// method is called there, and the sandboxes die with that thread (--die-with-parent).
class InstanceSupervisor : public QObject {
public:
    // serial identifies this supervisor to the listener; port is the instance's PORT.
    InstanceSupervisor(quint64 serial, domain::InstanceSpec spec, quint16 port,
                       const ProcessRuntimeOptions &options, InstanceListener &listener,
                       QObject *parent = nullptr);
    ~InstanceSupervisor() override;

    void start();
    // SIGTERM to the instance's processes, SIGKILL after the grace period; then listener.stopped().
    // Reports nothing else from then on, but output.
    void stop();

    // What the instance uses now; nothing while it has no process or is stopping.
    std::optional<domain::InstanceUsage> usage() const;

private:
    struct Run;

    void startRun();
    void readOutput(domain::LogStream stream);
    void onProcessExited();
    void finishRunWhenDrained();
    void finishRun();
    void onHealthy();
    void onHealthDeadline();
    void killRun();
    void setState(domain::InstanceState state, const QString &detail);
    void ensureCgroup();

    const quint64 m_serial;
    const domain::InstanceSpec m_spec;
    const quint16 m_port;
    const ProcessRuntimeOptions m_options;
    InstanceListener &m_listener;
    const std::function<void(domain::LogStream, QString)> m_onLine;

    domain::InstanceStatus m_status;
    bool m_cgroupTried = false;
    std::unique_ptr<sandbox::SandboxCgroup> m_cgroup;
    std::unique_ptr<Run> m_run;
    double m_cpuSecondsOfEndedRuns = 0; // for hosts without a cgroup that accounts CPU time
    HealthProbe m_probe;
    QTimer m_healthDeadline;
    QTimer m_restartTimer;
    QTimer m_killTimer;  // the end of the grace period after SIGTERM
    QTimer m_drainTimer; // bounds the wait for the output pipes once bwrap has exited
    std::chrono::milliseconds m_backoff;
    bool m_stopping = false;
};

} // namespace vitrine::adapters::runtime
