#pragma once

#include "adapters/runtime/docker/container_requests.h"
#include "adapters/runtime/docker/docker_runtime_options.h"
#include "adapters/runtime/process/health_probe.h"
#include "domain/ports/runtime_backend.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace vitrine::adapters::docker {
class DockerClient;
}

namespace vitrine::adapters::runtime {

class ContainerLogFollower;

// What one engine call of a supervisor came to.
struct EngineReply {
    bool ok = false;
    bool engineUnreachable = false; // the socket did not answer: worth another try later
    int status = 0;                 // the engine's HTTP status, 0 when it did not answer
    QString error;                  // for people, when not ok
    QString containerId;
    ContainerState state;
};

// What a ContainerSupervisor needs from the runtime that holds it.
class ContainerHost {
public:
    virtual docker::DockerClient &client() = 0; // any thread may call it
    virtual const DockerRuntimeOptions &options() const = 0;
    // Runs call on one of the engine threads, then gives its reply to `then` on the supervisor's thread,
    // unless the supervisor `serial` has stopped by then. A call that throws domain::Error comes back as
    // engineUnreachable.
    virtual void runOnEngine(quint64 serial, std::function<EngineReply()> call,
                             std::function<void(const EngineReply &)> then) = 0;
    // From the log follower's thread, in the container's order.
    virtual void output(const domain::InstanceSpec &spec, domain::LogStream stream, const QString &text) = 0;
    // From the log follower's thread: its stream ended (the container stopped, or the engine went away).
    virtual void followerEnded(quint64 serial, int run) = 0;

    // The rest on the supervisor's thread.
    virtual void containerCreated(quint64 serial, const QString &containerId) = 0;
    virtual void runEnded(quint64 serial) = 0;
    virtual void statusChanged(quint64 serial, const domain::InstanceStatus &status) = 0;
    virtual void exited(quint64 serial, const domain::InstanceStatus &status,
                        const domain::InstanceExit &exit) = 0;
    // After stop(): the container is gone and the supervisor may be deleted (deleteLater).
    virtual void stopped(quint64 serial) = 0;

protected:
    ~ContainerHost() = default;
};

// Runs one instance as one container: creates it, starts it, follows its output, probes it until healthy
// (Running), kills it when it is not healthy in time (Errored), and starts it again after a backoff whenever
// it exits on its own. Learns of exits from engine events (onEngineEvent) and from the end of its log stream,
// and asks the engine (inspect) what happened. Its engine calls run one at a time, off its thread. Lives on
// the runtime's worker thread; every method is called there.
class ContainerSupervisor : public QObject {
public:
    ContainerSupervisor(quint64 serial, domain::InstanceSpec spec, ContainerHost &host,
                        QObject *parent = nullptr);
    ~ContainerSupervisor() override;

    void start();
    // Stops the container (SIGTERM, SIGKILL after the options' stop timeout) and removes it; then
    // host.stopped(). Reports nothing else from then on, but output.
    void stop();

    // An engine event about the container: "die", "oom".
    void onEngineEvent(const QString &action);
    // Asks the engine whether the current run still goes on (after an event may have been missed).
    void requestCheck();
    void onFollowerEnded(int run);

private:
    void createContainer();
    void onCreated(const EngineReply &reply);
    void startRun();
    void onStarted(const EngineReply &reply, const QString &since);
    void check();
    void onChecked(const EngineReply &reply);
    void endRun(const ContainerState &state, const QString &detailOverride = {});
    void scheduleRestart(const QString &detail);
    void afterEngineCall();
    void issueStop();
    void onHealthy();
    void onHealthDeadline();
    void setState(domain::InstanceState state, const QString &detail);

    const quint64 m_serial;
    const domain::InstanceSpec m_spec;
    ContainerHost &m_host;
    domain::InstanceStatus m_status;
    QString m_containerId;
    quint16 m_hostPort = 0;

    bool m_engineCallPending = false; // one engine call at a time
    bool m_checkWanted = false;
    bool m_stopping = false;
    bool m_stopIssued = false;

    int m_run = 0; // numbers the starts, so a late word about an earlier one is ignored
    bool m_runActive = false;
    bool m_killedUnhealthy = false;
    bool m_outOfMemoryEvent = false;
    QElapsedTimer m_upTime;
    std::shared_ptr<ContainerLogFollower> m_follower;
    std::unique_ptr<HealthProbe> m_probe;
    QTimer m_healthDeadline;
    QTimer m_restartTimer;
    std::chrono::milliseconds m_backoff;
};

} // namespace vitrine::adapters::runtime
