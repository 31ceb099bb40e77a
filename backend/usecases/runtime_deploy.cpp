// The runtime half of Controller: instances of runtime applications, deploys without downtime, restarts,
// sleep and wake, and what the runtime backend reports.
#include "domain/error.h"
#include "usecases/alert_monitor.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"
#include "usecases/runtime_log_hub.h"

#include <QHash>

namespace vitrine::usecases {

using domain::InstanceSpec;
using domain::InstanceState;
using domain::InstanceStatus;

namespace {

constexpr std::chrono::milliseconds kCandidateCheckInterval{500};
// How soon a replaced instance looks again whether the router has left it.
constexpr std::chrono::milliseconds kRoutesCheckInterval{100};

// Whether two specs run the same thing (instance ids aside): a change of any of it needs a new instance.
bool sameRun(const InstanceSpec &a, const InstanceSpec &b)
{
    InstanceSpec bWithId = b;
    bWithId.instanceId = a.instanceId;
    return a == bWithId;
}

std::chrono::milliseconds untilTime(const QDateTime &when)
{
    return std::chrono::milliseconds(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when)));
}

} // namespace

InstanceSpec Controller::instanceSpec(const domain::Application &application, const domain::Build &build,
                                      const QString &releaseDirectory) const
{
    InstanceSpec spec;
    spec.applicationId = application.id;
    spec.applicationName = application.name;
    spec.buildId = build.id;
    spec.releaseDirectory = releaseDirectory;
    spec.image = build.image;
    spec.startCommand = build.startCommand;
    spec.env = build.env; // what the build was made with: an env change is a new build
    spec.port = build.config.port == 0 ? domain::kDefaultAppPort : build.config.port;
    spec.health.httpPath = application.healthCheckPath;
    spec.health.timeoutSeconds = m_options.healthTimeoutSeconds;
    spec.limits = m_options.defaultLimits;
    if (application.memoryLimitMb > 0)
        spec.limits.memoryBytes = qint64(application.memoryLimitMb) << 20;
    if (application.cpuMillicores > 0)
        spec.limits.cpuMillicores = int(application.cpuMillicores);
    return spec;
}

void Controller::syncRuntimeDeploy(const domain::Application &application,
                                   const std::optional<domain::Build> &target)
{
    QString releaseDirectory;
    const bool wanted = application.running && target.has_value();
    if (wanted) {
        // A build made into an image runs from it: there are no files to publish.
        if (target->image.isEmpty())
            releaseDirectory = m_releases.publish(application, *target);
        m_releases.prune(application.name, {target->id, application.currentBuildId});
    }
    QHash<QString, InstanceStatus> statuses;
    for (const InstanceStatus &status : m_runtime.instances(application.id))
        statuses.insert(status.instanceId, status);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<InstanceSpec> desired;
    bool switched = false;
    bool routesChanged = false;
    bool stoppedNow = false;
    bool sleeping = false;
    std::optional<QString> failure;
    std::optional<InstanceSpec> started;
    std::optional<std::chrono::milliseconds> lookAgainIn;
    {
        const std::lock_guard lock(m_runtimeMutex);
        RuntimeSlot &slot = m_runtimeSlots[application.id];
        slot.applicationName = application.name;
        slot.autoSleepSeconds = application.autoSleepSeconds;
        // An instance the backend no longer holds is gone for good.
        if (slot.serving && !statuses.contains(slot.serving->instanceId)) {
            slot.serving.reset();
            slot.servingUpstream.clear();
            routesChanged = true;
        }
        if (slot.candidate && !statuses.contains(slot.candidate->instanceId))
            slot.candidate.reset();

        if (!application.running)
            slot.sleeping = false; // a stopped app has no wake route: it stays stopped
        sleeping = slot.sleeping;
        if (!wanted || slot.sleeping) {
            stoppedNow = slot.serving.has_value() || slot.candidate.has_value();
            routesChanged = routesChanged || stoppedNow || slot.sleeping;
            if (slot.sleeping && slot.serving) {
                // Falling asleep: the route leads to the wake handler before the instance stops, so that a
                // request on its way is served, or wakes the application, and never fails.
                slot.retiring.append(*slot.serving);
                slot.retireAt = now;
                slot.retireAfterRoutes = ++m_routesRequested;
            } else if (!slot.sleeping) {
                slot.retiring.clear();
            }
            slot.serving.reset();
            slot.servingUpstream.clear();
            slot.candidate.reset();
            slot.restartRequested = false;
            if (!slot.retiring.isEmpty() && m_routesApplied >= slot.retireAfterRoutes)
                slot.retiring.clear();
            if (!slot.retiring.isEmpty())
                lookAgainIn = kRoutesCheckInterval;
        } else {
            const InstanceSpec wantedRun = instanceSpec(application, *target, releaseDirectory);
            const bool servingIsCurrent = slot.serving && sameRun(*slot.serving, wantedRun);
            const bool failedBefore = slot.failed && sameRun(*slot.failed, wantedRun);
            const bool restarting = slot.candidate && sameRun(*slot.candidate, wantedRun);
            if (servingIsCurrent && !slot.restartRequested && !restarting) {
                slot.candidate.reset(); // one for an older target, say before a rollback
            } else if (!failedBefore || slot.restartRequested) {
                if (!slot.candidate || !sameRun(*slot.candidate, wantedRun)) {
                    slot.candidate = wantedRun;
                    slot.candidate->instanceId =
                        QStringLiteral("%1.%2").arg(target->id).arg(slot.nextInstanceNumber++);
                    slot.candidateSince = now;
                    slot.restartRequested = false;
                    started = slot.candidate;
                }
                const InstanceStatus candidate = statuses.value(slot.candidate->instanceId);
                const qint64 waitedSeconds = slot.candidateSince.secsTo(now);
                if (candidate.state == InstanceState::Running && !candidate.upstream.isEmpty()) {
                    if (slot.serving) {
                        // Stopped once the router leads elsewhere and its requests had time to finish.
                        slot.retiring.append(*slot.serving);
                        slot.retireAt = now.addMSecs(m_options.drainPeriod.count());
                        slot.retireAfterRoutes = ++m_routesRequested;
                    }
                    slot.serving = slot.candidate;
                    slot.servingUpstream = candidate.upstream;
                    slot.candidate.reset();
                    slot.failed.reset();
                    slot.awakeSince = now;
                    switched = true;
                    routesChanged = true;
                } else if (candidate.state == InstanceState::Errored ||
                           waitedSeconds > m_options.healthTimeoutSeconds + 5) {
                    failure = candidate.detail.isEmpty()
                                  ? QStringLiteral("not healthy after %1 s").arg(waitedSeconds)
                                  : candidate.detail;
                    slot.failed = slot.candidate;
                    slot.candidate.reset();
                } else {
                    lookAgainIn = kCandidateCheckInterval;
                }
            }
            // The serving instance may have moved (a restart after a crash).
            if (slot.serving) {
                const QString upstream = statuses.value(slot.serving->instanceId).upstream;
                if (!upstream.isEmpty() && upstream != slot.servingUpstream) {
                    slot.servingUpstream = upstream;
                    routesChanged = true;
                }
            }
            if (!slot.retiring.isEmpty() && slot.retireAt <= now && m_routesApplied >= slot.retireAfterRoutes)
                slot.retiring.clear();
            if (!slot.retiring.isEmpty()) {
                const auto untilRetired = std::max(untilTime(slot.retireAt), kRoutesCheckInterval);
                lookAgainIn = std::min(lookAgainIn.value_or(untilRetired), untilRetired);
            }
        }
        if (slot.serving)
            desired.append(*slot.serving);
        if (slot.candidate)
            desired.append(*slot.candidate);
        desired.append(slot.retiring);
    }

    if (started) {
        appendOutput(application.id, domain::LogStream::System,
                     QStringLiteral("==> Starting build %1 (instance %2): %3")
                         .arg(target->id, started->instanceId, started->startCommand));
    }
    m_runtime.converge(application.id, desired);

    if (routesChanged) {
        // Many switches at once (a server start) share one route update; the old instances wait for it.
        triggerRoutes();
    }
    if (switched) {
        appendOutput(application.id, domain::LogStream::System,
                     QStringLiteral("==> Build %1 is live").arg(target->id));
        if (target->id != application.currentBuildId) {
            m_store.setApplicationCurrentBuild(application.id, target->id);
            qCInfo(lcController).noquote() << application.name << "now serves build" << target->id;
            publishApplicationEvent(domain::EventType::ApplicationDeployed, application, target->id);
        }
        publishStateEvent(application, InstanceState::Running, {});
    }
    if (stoppedNow) {
        publishStateEvent(application, sleeping ? InstanceState::Sleeping : InstanceState::Exited,
                          sleeping ? QStringLiteral("no requests for %1 s").arg(application.autoSleepSeconds)
                                   : application.stoppedReason);
    }
    if (failure) {
        const QString reason =
            QStringLiteral("build %1 did not become healthy: %2").arg(target->id, *failure);
        qCWarning(lcController).noquote() << application.name << "deploy failed:" << reason;
        appendOutput(
            application.id, domain::LogStream::System,
            QStringLiteral("==> Deploy failed: %1; the previous version keeps serving").arg(*failure));
        if (m_alerts)
            m_alerts->deployFailed(application.id, target->id, reason);
    }
    if (lookAgainIn)
        m_deployLoop.triggerAfter(application.id, *lookAgainIn);
}

void Controller::stopRuntime(const QString &applicationId)
{
    {
        const std::lock_guard lock(m_runtimeMutex);
        if (!m_runtimeSlots.remove(applicationId))
            return;
    }
    m_runtime.converge(applicationId, {});
    triggerRoutes();
}

std::optional<QString> Controller::runtimeUpstream(const QString &applicationId, bool *wake)
{
    const std::lock_guard lock(m_runtimeMutex);
    const auto slot = m_runtimeSlots.constFind(applicationId);
    if (slot == m_runtimeSlots.cend())
        return std::nullopt;
    *wake = slot->sleeping;
    if (slot->sleeping)
        return m_wakeUpstream;
    if (slot->serving && !slot->servingUpstream.isEmpty())
        return slot->servingUpstream;
    return std::nullopt;
}

RuntimeStatus Controller::runtimeStatus(const QString &applicationId)
{
    QString instanceId;
    {
        const std::lock_guard lock(m_runtimeMutex);
        const auto slot = m_runtimeSlots.constFind(applicationId);
        if (slot == m_runtimeSlots.cend())
            return {};
        if (slot->sleeping)
            return {InstanceState::Sleeping, 0, {}};
        if (slot->serving)
            instanceId = slot->serving->instanceId;
        else if (slot->candidate)
            instanceId = slot->candidate->instanceId;
        else
            return {};
    }
    for (const InstanceStatus &status : m_runtime.instances(applicationId)) {
        if (status.instanceId == instanceId)
            return {status.state, status.restartCount, status.detail};
    }
    return {};
}

void Controller::restartApplication(const QString &applicationId)
{
    {
        const std::lock_guard lock(m_runtimeMutex);
        const auto slot = m_runtimeSlots.find(applicationId);
        if (slot == m_runtimeSlots.end() || !slot->serving)
            return;
        slot->restartRequested = true;
    }
    m_deployLoop.trigger(applicationId);
}

bool Controller::wakeApplication(const QString &applicationName)
{
    const auto application = m_store.findApplicationByName(applicationName);
    if (!application || !application->running)
        return false;
    const std::lock_guard lock(m_runtimeMutex);
    const auto slot = m_runtimeSlots.find(application->id);
    if (slot == m_runtimeSlots.end())
        return false;
    if (slot->sleeping) {
        slot->sleeping = false;
        slot->awakeSince = QDateTime::currentDateTimeUtc();
        qCInfo(lcController).noquote() << application->name << "wakes up";
        m_deployLoop.trigger(application->id);
        return false;
    }
    return slot->serving && !slot->servingUpstream.isEmpty() &&
           m_routedUpstreams.value(application->id) == slot->servingUpstream;
}

void Controller::putSleepingApplicationsToSleep()
{
    struct Awake {
        QString applicationId;
        QString applicationName;
        quint32 autoSleepSeconds = 0;
        QDateTime since;
    };
    QList<Awake> awake;
    {
        const std::lock_guard lock(m_runtimeMutex);
        for (auto slot = m_runtimeSlots.cbegin(); slot != m_runtimeSlots.cend(); ++slot) {
            if (slot->serving && !slot->sleeping && slot->autoSleepSeconds > 0)
                awake.append({slot.key(), slot->applicationName, slot->autoSleepSeconds, slot->awakeSince});
        }
    }
    if (awake.isEmpty())
        return;
    const QHash<QString, domain::RequestActivity> activity = m_router.requestActivity();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Awake &application : std::as_const(awake)) {
        const QDateTime lastRequest = activity.value(application.applicationName).lastRequestAt;
        const QDateTime lastActive =
            lastRequest.isValid() ? std::max(lastRequest, application.since) : application.since;
        if (lastActive.secsTo(now) < qint64(application.autoSleepSeconds))
            continue;
        {
            const std::lock_guard lock(m_runtimeMutex);
            const auto slot = m_runtimeSlots.find(application.applicationId);
            if (slot == m_runtimeSlots.end())
                continue;
            slot->sleeping = true;
        }
        qCInfo(lcController).noquote() << application.applicationName << "goes to sleep after"
                                       << application.autoSleepSeconds << "s without requests";
        appendOutput(application.applicationId, domain::LogStream::System,
                     QStringLiteral("==> Sleeping: no requests for %1 s; the next request wakes it")
                         .arg(application.autoSleepSeconds));
        m_deployLoop.trigger(application.applicationId);
    }
}

void Controller::appendOutput(const QString &applicationId, domain::LogStream stream, const QString &text)
{
    if (!m_output)
        return;
    try {
        m_output->append(applicationId, stream, text);
    } catch (const std::exception &error) {
        qCWarning(lcController, "cannot write to the output of %s: %s", qPrintable(applicationId),
                  error.what());
    }
}

void Controller::publishStateEvent(const domain::Application &application, domain::InstanceState state,
                                   const QString &message)
{
    domain::Event event;
    event.type = domain::EventType::ApplicationStateChanged;
    event.applicationId = application.id;
    event.applicationName = application.name;
    event.buildId = application.currentBuildId;
    event.state = domain::instanceStateName(state);
    event.message = message;
    event.ownerIds = application.ownerIds;
    m_events.publish(event);
}

void Controller::instanceOutput(const QString &applicationId, [[maybe_unused]] const QString &instanceId,
                                domain::LogStream stream, const QString &text)
{
    appendOutput(applicationId, stream, text);
}

void Controller::instanceStateChanged(const InstanceStatus &status)
{
    bool serving = false;
    {
        const std::lock_guard lock(m_runtimeMutex);
        const auto slot = m_runtimeSlots.constFind(status.applicationId);
        if (slot == m_runtimeSlots.cend())
            return;
        serving = slot->serving && slot->serving->instanceId == status.instanceId;
    }
    m_deployLoop.trigger(status.applicationId);
    if (!serving)
        return;
    try {
        if (const auto application = m_store.findApplicationById(status.applicationId))
            publishStateEvent(*application, status.state, status.detail);
    } catch (const std::exception &error) {
        qCWarning(lcController, "state change of %s not published: %s", qPrintable(status.applicationId),
                  error.what());
    }
}

void Controller::instanceExited(const InstanceStatus &status, const domain::InstanceExit &exit)
{
    appendOutput(status.applicationId, domain::LogStream::System,
                 QStringLiteral("==> Instance %1 exited: %2%3")
                     .arg(status.instanceId, exit.detail,
                          exit.willRestart ? QStringLiteral("; restarting") : QString()));
    if (m_alerts)
        m_alerts->instanceExited(status, exit);
}

} // namespace vitrine::usecases
