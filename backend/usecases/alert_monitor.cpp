#include "usecases/alert_monitor.h"

#include "domain/ids.h"
#include "usecases/access.h"
#include "usecases/controller_logging.h"

#include <QDateTime>

#include <exception>
#include <optional>

namespace vitrine::usecases {

namespace {

bool reached(int count, int threshold)
{
    return threshold > 0 && count >= threshold;
}

// How the process ended, for people: "exit code 1", "killed by signal 9", "out of memory (limit 64 MiB)".
QString describeExit(const domain::InstanceExit &exit)
{
    if (!exit.detail.isEmpty())
        return exit.detail;
    if (exit.outOfMemory)
        return QStringLiteral("out of memory");
    if (exit.signal != 0)
        return QStringLiteral("killed by signal %1").arg(exit.signal);
    return QStringLiteral("exit code %1").arg(exit.exitCode);
}

// "1 restart", "5 restarts".
QString counted(int count, const QString &singular)
{
    return QStringLiteral("%1 %2%3").arg(QString::number(count), singular,
                                         count == 1 ? QString() : QStringLiteral("s"));
}

// Runs one reaction; a failure is logged and does not keep the others from running.
template<typename Reaction>
void bestEffort(const QString &applicationId, const char *what, Reaction reaction)
{
    try {
        reaction();
    } catch (const std::exception &error) {
        qCWarning(lcController, "application %s: %s failed: %s", qPrintable(applicationId), what,
                  error.what());
    }
}

} // namespace

RestartHistory::RestartHistory(std::chrono::seconds window)
    : m_window(window)
{
}

QString RestartHistory::keyOf(const QString &applicationId, const QString &buildId)
{
    return applicationId + u'/' + buildId;
}

int RestartHistory::recordExit(const QString &applicationId, const QString &buildId, Clock::time_point now)
{
    const Clock::time_point windowStart = now - m_window;
    for (auto it = m_exits.begin(); it != m_exits.end();) {
        std::deque<Clock::time_point> &exits = it.value();
        while (!exits.empty() && exits.front() <= windowStart)
            exits.pop_front();
        it = exits.empty() ? m_exits.erase(it) : std::next(it);
    }
    std::deque<Clock::time_point> &exits = m_exits[keyOf(applicationId, buildId)];
    exits.push_back(now);
    return int(exits.size());
}

void RestartHistory::forget(const QString &applicationId, const QString &buildId)
{
    m_exits.remove(keyOf(applicationId, buildId));
}

AlertMonitor::AlertMonitor(domain::Store &store, EventHub &events, domain::Notifier *notifier,
                           ApplicationObserver &observer, AlertPolicy policy)
    : m_store(store)
    , m_events(events)
    , m_notifier(notifier)
    , m_observer(observer)
    , m_policy(policy)
    , m_history(policy.restartLoopWindow)
{
}

void AlertMonitor::instanceExited(const domain::InstanceStatus &status, const domain::InstanceExit &exit)
{
    const QString &applicationId = status.applicationId;
    const QString lastExit = describeExit(exit);
    if (exit.outOfMemory) {
        bestEffort(applicationId, "opening an out-of-memory alert", [&] {
            openAlert(applicationId, status.buildId, domain::AlertKind::OutOfMemory,
                      QStringLiteral("killed: %1").arg(lastExit));
        });
    }
    // Only exits that lead to a restart make a restart loop: an instance killed for never getting healthy is
    // a failed deploy, told by the controller.
    if (!exit.willRestart)
        return;
    int exits = 0;
    bool stop = false;
    {
        const std::lock_guard lock(m_mutex);
        exits = m_history.recordExit(applicationId, status.buildId, RestartHistory::Clock::now());
        stop = reached(exits, m_policy.autoStopRestarts);
        // An owner who starts the application again gives it a fresh count.
        if (stop)
            m_history.forget(applicationId, status.buildId);
    }

    const auto window = QString::number(m_policy.restartLoopWindow.count());
    // Stopping it is a restart loop too, also where the policy stops before it alerts.
    if (reached(exits, m_policy.restartLoopCount) || stop) {
        bestEffort(applicationId, "opening a restart-loop alert", [&] {
            openAlert(applicationId, status.buildId, domain::AlertKind::RestartLoop,
                      QStringLiteral("restarted %1 in %2 s; last exit: %3")
                          .arg(counted(exits, QStringLiteral("time")), window, lastExit));
        });
    }
    if (stop) {
        bestEffort(applicationId, "stopping the application", [&] {
            stopApplication(applicationId,
                            QStringLiteral("stopped after %1 in %2 s; last exit: %3")
                                .arg(counted(exits, QStringLiteral("restart")), window, lastExit));
        });
    }
}

void AlertMonitor::deployFailed(const QString &applicationId, const QString &buildId, const QString &reason)
{
    bestEffort(applicationId, "opening a deploy-failed alert",
               [&] { openAlert(applicationId, buildId, domain::AlertKind::DeployFailed, reason); });
}

void AlertMonitor::openAlert(const QString &applicationId, const QString &buildId, domain::AlertKind kind,
                             const QString &message)
{
    domain::Alert alert;
    domain::Application application;
    {
        const std::lock_guard lock(m_mutex);
        std::optional<domain::Application> found = m_store.findApplicationById(applicationId);
        if (!found)
            return; // deleted meanwhile: nobody is left to tell
        domain::AlertFilter sameTrouble;
        sameTrouble.applicationId = applicationId;
        sameTrouble.buildId = buildId;
        sameTrouble.kinds = {kind};
        sameTrouble.openOnly = true;
        if (!m_store.listAlerts(sameTrouble, domain::AlertPageQuery{1, {}, {}}).isEmpty())
            return;

        application = *std::move(found);
        alert.id = domain::newId(domain::idprefix::kAlert);
        alert.applicationId = applicationId;
        alert.applicationName = application.name;
        alert.buildId = buildId;
        alert.kind = kind;
        alert.message = message;
        alert.openedAt = QDateTime::currentDateTimeUtc();
        m_store.insertAlert(alert);
    }
    const QString kindName = domain::alertKindName(kind);
    qCWarning(lcController, "application %s: alert %s (%s): %s", qPrintable(application.name),
              qPrintable(alert.id), qPrintable(kindName), qPrintable(message));

    domain::Event event;
    event.type = domain::EventType::AlertOpened;
    event.applicationId = applicationId;
    event.applicationName = application.name;
    event.buildId = buildId;
    event.alertId = alert.id;
    event.state = kindName;
    event.message = message;
    event.ownerIds = application.ownerIds;
    m_events.publish(std::move(event));

    if (!m_notifier)
        return;
    domain::Notification notification;
    notification.applicationName = application.name;
    notification.buildId = buildId;
    if (!buildId.isEmpty()) {
        if (const auto build = m_store.findBuildById(buildId))
            notification.commit = build->commit;
    }
    notification.alertKind = kind;
    notification.alertId = alert.id;
    notification.reason = message;
    notification.at = alert.openedAt;
    m_notifier->notify(notification);
}

void AlertMonitor::stopApplication(const QString &applicationId, const QString &reason)
{
    const std::optional<domain::Application> stopped = access::retryOnConflict(
        QStringLiteral("application %1").arg(applicationId), [&]() -> std::optional<domain::Application> {
            std::optional<domain::Application> application = m_store.findApplicationById(applicationId);
            if (!application || !application->running)
                return std::nullopt; // deleted, or someone stopped it first: theirs is the reason that stands
            application->running = false;
            application->stoppedReason = reason;
            m_store.updateApplication(*application);
            return m_store.findApplicationById(applicationId);
        });
    if (!stopped)
        return;
    qCWarning(lcController, "application %s: %s", qPrintable(stopped->name), qPrintable(reason));
    m_observer.applicationChanged(*stopped);
}

} // namespace vitrine::usecases
