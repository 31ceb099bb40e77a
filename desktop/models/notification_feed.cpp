#include "models/notification_feed.h"

#include <QSettings>

#include <optional>

namespace vitrine::desktop {

namespace {

const QString kFailedBuildState = QStringLiteral("failed");
// The controller reports an instance it stopped as "exited"; a stop the platform decided carries its
// reason, one a person asked for does not.
const QString kExitedState = QStringLiteral("exited");

std::optional<Notification::Kind> alertNotificationKind(const QString &alertKind)
{
    if (alertKind == QStringLiteral("restart-loop"))
        return Notification::Kind::RestartLoop;
    if (alertKind == QStringLiteral("out-of-memory"))
        return Notification::Kind::OutOfMemory;
    if (alertKind == QStringLiteral("deploy-failed"))
        return Notification::Kind::DeployFailed;
    return std::nullopt;
}

} // namespace

NotificationFeed::NotificationFeed(QString profileId, OwnershipPredicate isMine, QObject *parent)
    : QObject(parent)
    , m_profileId(std::move(profileId))
    , m_isMine(std::move(isMine))
{
}

void NotificationFeed::setMuted(const QString &applicationId, bool muted)
{
    QSettings settings;
    if (muted)
        settings.setValue(mutedKey(applicationId), true);
    else
        settings.remove(mutedKey(applicationId));
}

bool NotificationFeed::isMuted(const QString &applicationId) const
{
    return QSettings().value(mutedKey(applicationId), false).toBool();
}

void NotificationFeed::applyEvents(const QList<FeedEvent> &events)
{
    for (const FeedEvent &event : events)
        apply(event);
}

void NotificationFeed::apply(const FeedEvent &event)
{
    switch (event.type) {
    case FeedEvent::Type::BuildStateChanged:
        if (event.state == kFailedBuildState && !m_toldBuildIds.contains(event.buildId)) {
            m_toldBuildIds.insert(event.buildId);
            notify(Notification::Kind::BuildFailed, event);
        }
        return;
    case FeedEvent::Type::AlertOpened:
        if (const auto kind = alertNotificationKind(event.state);
            kind && !m_toldAlertIds.contains(event.alertId)) {
            m_toldAlertIds.insert(event.alertId);
            notify(*kind, event);
        }
        return;
    case FeedEvent::Type::ApplicationStateChanged:
        if (event.state != kExitedState || event.message.isEmpty()) {
            m_stoppedApplicationIds.remove(event.applicationId);
        } else if (!m_stoppedApplicationIds.contains(event.applicationId)) {
            m_stoppedApplicationIds.insert(event.applicationId);
            notify(Notification::Kind::StoppedAutomatically, event);
        }
        return;
    case FeedEvent::Type::Other:
        return;
    }
}

void NotificationFeed::notify(Notification::Kind kind, const FeedEvent &event)
{
    if (!m_isMine(event.applicationId) || isMuted(event.applicationId))
        return;

    Notification notification;
    notification.kind = kind;
    notification.applicationId = event.applicationId;
    notification.applicationName = event.applicationName;
    notification.buildId = event.buildId;
    notification.alertId = event.alertId;
    notification.body = event.message;
    const QString &name = event.applicationName;
    switch (kind) {
    case Notification::Kind::BuildFailed:
        notification.title = tr("Build of %1 failed").arg(name);
        if (notification.body.isEmpty())
            notification.body = tr("Build %1 failed.").arg(event.buildId);
        break;
    case Notification::Kind::RestartLoop:
        notification.title = tr("%1 keeps restarting").arg(name);
        break;
    case Notification::Kind::OutOfMemory:
        notification.title = tr("%1 ran out of memory").arg(name);
        break;
    case Notification::Kind::DeployFailed:
        notification.title = tr("Deploy of %1 failed").arg(name);
        break;
    case Notification::Kind::StoppedAutomatically:
        notification.title = tr("%1 was stopped").arg(name);
        break;
    }
    emit notified(notification);
}

QString NotificationFeed::mutedKey(const QString &applicationId) const
{
    return QStringLiteral("notifications/%1/muted/%2").arg(m_profileId, applicationId);
}

} // namespace vitrine::desktop
