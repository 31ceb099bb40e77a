#include "adapters/runtime/docker/container_supervisor.h"

#include "adapters/docker/docker_client.h"
#include "adapters/runtime/docker/container_log_follower.h"
#include "adapters/runtime/process/runtime_logging.h"
#include "adapters/sandbox/sandbox_process.h"

#include <QJsonObject>

#include <algorithm>

namespace vitrine::adapters::runtime {

using domain::InstanceState;

namespace {

// How long a stopped container's log stream may take to deliver its last lines before it is cut.
constexpr std::chrono::milliseconds kOutputDrainPatience{2000};

const QString kNoImage = QStringLiteral("no image: the docker backend runs images built from a Dockerfile");

EngineReply failure(const docker::DockerResponse &response, const QString &what)
{
    EngineReply reply;
    reply.status = response.status;
    reply.error = QStringLiteral("%1: %2").arg(what, response.errorMessage());
    return reply;
}

// GET /containers/ID/json into reply (ok, state), or its failure.
EngineReply inspect(docker::DockerClient &client, const QString &containerId, quint16 containerPort)
{
    const docker::DockerResponse response =
        client.request("GET", QStringLiteral("/containers/%1/json").arg(containerId));
    if (!response.ok())
        return failure(response, QStringLiteral("cannot inspect the container"));
    EngineReply reply;
    reply.ok = true;
    reply.status = response.status;
    reply.containerId = containerId;
    reply.state = parseContainerState(response.json().object(), containerPort);
    return reply;
}

// Whether the container of that name carries this server's label (another server's it leaves alone).
bool isOwnContainer(docker::DockerClient &client, const QString &name, const QString &serverId)
{
    const docker::DockerResponse response =
        client.request("GET", QStringLiteral("/containers/%1/json").arg(name));
    return response.ok() && response.json()
                                    .object()
                                    .value(QStringLiteral("Config"))
                                    .toObject()
                                    .value(QStringLiteral("Labels"))
                                    .toObject()
                                    .value(QLatin1String(kServerIdLabel))
                                    .toString() == serverId;
}

} // namespace

ContainerSupervisor::ContainerSupervisor(quint64 serial, domain::InstanceSpec spec, ContainerHost &host,
                                         QObject *parent)
    : QObject(parent)
    , m_serial(serial)
    , m_spec(std::move(spec))
    , m_host(host)
    , m_backoff(host.options().initialBackoff)
{
    m_status.instanceId = m_spec.instanceId;
    m_status.applicationId = m_spec.applicationId;
    m_status.applicationName = m_spec.applicationName;
    m_status.buildId = m_spec.buildId;
    m_status.state = InstanceState::Starting;

    m_healthDeadline.setSingleShot(true);
    connect(&m_healthDeadline, &QTimer::timeout, this, &ContainerSupervisor::onHealthDeadline);
    m_restartTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, [this] {
        ++m_status.restartCount;
        if (m_containerId.isEmpty())
            createContainer();
        else
            startRun();
    });
}

ContainerSupervisor::~ContainerSupervisor() = default;

void ContainerSupervisor::start()
{
    if (m_spec.image.isEmpty()) {
        setState(InstanceState::Errored, kNoImage);
        return;
    }
    createContainer();
}

void ContainerSupervisor::stop()
{
    m_stopping = true;
    m_probe.reset();
    m_healthDeadline.stop();
    m_restartTimer.stop();
    afterEngineCall();
}

void ContainerSupervisor::onEngineEvent(const QString &action)
{
    if (action == QLatin1String("oom")) {
        m_outOfMemoryEvent = m_runActive;
    } else if (action == QLatin1String("die")) {
        requestCheck();
    }
}

void ContainerSupervisor::requestCheck()
{
    m_checkWanted = true;
    afterEngineCall();
}

void ContainerSupervisor::onFollowerEnded(int run)
{
    if (run == m_run)
        requestCheck();
}

void ContainerSupervisor::createContainer()
{
    m_engineCallPending = true;
    const QString name = containerName(m_spec.instanceId);
    const QString serverId = m_host.options().serverId;
    const QByteArray body = createContainerBody(m_spec, serverId);
    docker::DockerClient &client = m_host.client();
    m_host.runOnEngine(
        m_serial,
        [&client, name, body, serverId] {
            const QString path = QStringLiteral("/containers/create?name=%1").arg(name);
            docker::DockerResponse response = client.request("POST", path, body);
            if (response.status == 409 && isOwnContainer(client, name, serverId)) {
                // It outlived a removal that failed; the instance is new, so the old container goes.
                client.request("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(name));
                response = client.request("POST", path, body);
            }
            if (!response.ok())
                return failure(response, QStringLiteral("cannot create the container"));
            EngineReply reply;
            reply.ok = true;
            reply.status = response.status;
            reply.containerId = response.json().object().value(QStringLiteral("Id")).toString();
            return reply;
        },
        [this](const EngineReply &reply) { onCreated(reply); });
}

void ContainerSupervisor::onCreated(const EngineReply &reply)
{
    m_engineCallPending = false;
    if (reply.ok) {
        m_containerId = reply.containerId;
        m_host.containerCreated(m_serial, m_containerId);
    }
    if (m_stopping) {
        afterEngineCall();
        return;
    }
    if (!reply.ok) {
        qCWarning(lcRuntime, "instance %s: %s", qUtf8Printable(m_spec.instanceId),
                  qUtf8Printable(reply.error));
        if (reply.engineUnreachable)
            scheduleRestart(reply.error);
        else
            setState(InstanceState::Errored, reply.error);
        return;
    }
    startRun();
}

void ContainerSupervisor::startRun()
{
    m_engineCallPending = true;
    ++m_run;
    // The log stream starts here: what the container printed before this start belongs to earlier runs.
    const QString since = engineTimestamp(QDateTime::currentDateTimeUtc());
    docker::DockerClient &client = m_host.client();
    const QString containerId = m_containerId;
    const quint16 containerPort = m_spec.port;
    m_host.runOnEngine(
        m_serial,
        [&client, containerId, containerPort] {
            const docker::DockerResponse response =
                client.request("POST", QStringLiteral("/containers/%1/start").arg(containerId));
            if (!response.ok() && response.status != 304) // 304: it runs already
                return failure(response, QStringLiteral("cannot start the container"));
            return inspect(client, containerId, containerPort);
        },
        [this, since](const EngineReply &reply) { onStarted(reply, since); });
}

void ContainerSupervisor::onStarted(const EngineReply &reply, const QString &since)
{
    m_engineCallPending = false;
    if (m_stopping) {
        afterEngineCall();
        return;
    }
    if (!reply.ok) {
        qCWarning(lcRuntime, "instance %s: %s", qUtf8Printable(m_spec.instanceId),
                  qUtf8Printable(reply.error));
        if (reply.engineUnreachable)
            scheduleRestart(reply.error);
        else
            setState(InstanceState::Errored, reply.error);
        return;
    }

    m_runActive = true;
    m_killedUnhealthy = false;
    m_outOfMemoryEvent = false;
    m_upTime.start();
    m_hostPort = reply.state.hostPort;
    m_status.startedAt = QDateTime::currentDateTimeUtc();
    setState(InstanceState::Starting, {});

    const int run = m_run;
    m_follower = std::make_shared<ContainerLogFollower>(
        m_host.client(), m_containerId, since,
        // Through the host, which outlives every follower, not through this supervisor.
        [&host = m_host, spec = m_spec](domain::LogStream stream, const QString &text) {
            host.output(spec, stream, text);
        },
        [&host = m_host, serial = m_serial, run] { host.followerEnded(serial, run); });

    if (!reply.state.running) {
        m_checkWanted = true; // it has ended already: find out how
    } else {
        if (m_hostPort == 0) // the probe cannot succeed: the health deadline ends it
            qCWarning(lcRuntime, "instance %s: the engine published no port for %d/tcp",
                      qUtf8Printable(m_spec.instanceId), int(m_spec.port));
        if (m_spec.health.timeoutSeconds > 0)
            m_healthDeadline.start(std::chrono::seconds(m_spec.health.timeoutSeconds));
        m_probe = std::make_unique<HealthProbe>(m_hostPort, m_spec.health.httpPath,
                                                m_host.options().probeInterval, [this] { onHealthy(); });
        m_probe->start();
    }
    afterEngineCall();
}

void ContainerSupervisor::check()
{
    m_checkWanted = false;
    m_engineCallPending = true;
    docker::DockerClient &client = m_host.client();
    const QString containerId = m_containerId;
    const quint16 containerPort = m_spec.port;
    std::shared_ptr<ContainerLogFollower> follower = m_follower;
    m_host.runOnEngine(
        m_serial,
        [&client, containerId, containerPort, follower] {
            EngineReply reply = inspect(client, containerId, containerPort);
            // The exit is told after the run's last lines.
            if (follower && !(reply.ok && reply.state.running))
                follower->finish(kOutputDrainPatience);
            return reply;
        },
        [this](const EngineReply &reply) { onChecked(reply); });
}

void ContainerSupervisor::onChecked(const EngineReply &reply)
{
    m_engineCallPending = false;
    if (!m_stopping && m_runActive) {
        if (reply.ok && !reply.state.running) {
            endRun(reply.state);
        } else if (reply.status == 404) {
            m_containerId.clear(); // removed behind Vitrine's back: the next start creates it again
            endRun({}, QStringLiteral("the container was removed"));
        } else if (!reply.ok) {
            qCWarning(lcRuntime, "instance %s: %s", qUtf8Printable(m_spec.instanceId),
                      qUtf8Printable(reply.error));
        }
    }
    afterEngineCall();
}

void ContainerSupervisor::endRun(const ContainerState &state, const QString &detailOverride)
{
    m_runActive = false;
    m_probe.reset();
    m_healthDeadline.stop();
    m_follower.reset();
    m_host.runEnded(m_serial);

    domain::InstanceExit exit;
    // The engine passes the exit on as shells do: 128 + N when signal N killed the process.
    if (state.exitCode > 128)
        exit.signal = state.exitCode - 128;
    else
        exit.exitCode = detailOverride.isEmpty() ? state.exitCode : -1;
    exit.outOfMemory = state.outOfMemory || m_outOfMemoryEvent;
    if (!detailOverride.isEmpty()) {
        exit.detail = detailOverride;
    } else if (m_killedUnhealthy) {
        exit.detail = QStringLiteral("not healthy after %1 s").arg(m_spec.health.timeoutSeconds);
    } else if (exit.outOfMemory) {
        exit.detail =
            QStringLiteral("out of memory (limit %1)").arg(sandbox::mebibytes(m_spec.limits.memoryBytes));
    } else if (exit.signal != 0) {
        exit.detail = QStringLiteral("killed by signal %1").arg(exit.signal);
    } else {
        exit.detail = QStringLiteral("exit code %1").arg(exit.exitCode);
    }
    exit.willRestart = !m_killedUnhealthy;
    m_status.detail = exit.detail;
    m_host.exited(m_serial, m_status, exit);

    if (!exit.willRestart) {
        setState(InstanceState::Errored, exit.detail);
        return;
    }
    if (std::chrono::milliseconds(m_upTime.elapsed()) >= m_host.options().backoffResetAfter)
        m_backoff = m_host.options().initialBackoff;
    scheduleRestart(exit.detail);
}

void ContainerSupervisor::scheduleRestart(const QString &detail)
{
    m_restartTimer.start(m_backoff);
    m_backoff = std::min(m_backoff * 2, m_host.options().maximumBackoff);
    setState(InstanceState::Restarting, detail);
}

void ContainerSupervisor::afterEngineCall()
{
    if (m_engineCallPending)
        return;
    if (m_stopping) {
        if (!m_stopIssued)
            issueStop();
    } else if (m_checkWanted && m_runActive) {
        check();
    }
}

void ContainerSupervisor::issueStop()
{
    m_stopIssued = true;
    if (m_containerId.isEmpty()) {
        m_host.stopped(m_serial);
        return;
    }
    m_engineCallPending = true;
    docker::DockerClient &client = m_host.client();
    const QString containerId = m_containerId;
    const std::chrono::seconds timeout = m_host.options().stopTimeout;
    std::shared_ptr<ContainerLogFollower> follower = std::exchange(m_follower, nullptr);
    m_host.runOnEngine(
        m_serial,
        [&client, containerId, timeout, follower] {
            const docker::DockerResponse stopped = client.request(
                "POST", QStringLiteral("/containers/%1/stop?t=%2").arg(containerId).arg(timeout.count()), {},
                "application/json", timeout + std::chrono::seconds(30));
            if (!stopped.ok() && stopped.status != 304)
                qCWarning(lcRuntime, "cannot stop container %s: %s", qUtf8Printable(containerId),
                          qUtf8Printable(stopped.errorMessage()));
            if (follower)
                follower->finish(kOutputDrainPatience);
            const docker::DockerResponse removed =
                client.request("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(containerId));
            if (!removed.ok() && removed.status != 404)
                qCWarning(lcRuntime, "cannot remove container %s: %s", qUtf8Printable(containerId),
                          qUtf8Printable(removed.errorMessage()));
            EngineReply reply;
            reply.ok = removed.ok() || removed.status == 404;
            return reply;
        },
        [this](const EngineReply &) { m_host.stopped(m_serial); });
}

void ContainerSupervisor::onHealthy()
{
    m_healthDeadline.stop();
    m_status.upstream = QStringLiteral("127.0.0.1:%1").arg(m_hostPort);
    setState(InstanceState::Running, {});
}

void ContainerSupervisor::onHealthDeadline()
{
    if (!m_runActive)
        return;
    qCInfo(lcRuntime, "instance %s is not healthy after %d s: stopping it", qUtf8Printable(m_spec.instanceId),
           m_spec.health.timeoutSeconds);
    m_probe.reset();
    m_killedUnhealthy = true;
    docker::DockerClient &client = m_host.client();
    const QString containerId = m_containerId;
    // The die event (or the end of the log stream) that follows reports it.
    m_host.runOnEngine(
        m_serial,
        [&client, containerId] {
            const docker::DockerResponse response =
                client.request("POST", QStringLiteral("/containers/%1/kill?signal=SIGKILL").arg(containerId));
            EngineReply reply;
            reply.ok = response.ok();
            return reply;
        },
        [](const EngineReply &) {});
}

void ContainerSupervisor::setState(InstanceState state, const QString &detail)
{
    m_status.state = state;
    m_status.detail = detail;
    if (!m_stopping)
        m_host.statusChanged(m_serial, m_status);
}

} // namespace vitrine::adapters::runtime
