#include "views/tray_notifier.h"

#include "client/event_stream.h"

#include <QCoreApplication>
#include <QIcon>
#include <QMenu>
#include <QSystemTrayIcon>

#include <algorithm>

namespace vitrine::desktop {

namespace {

constexpr qsizetype kLatestShown = 5;
constexpr qsizetype kMutableApplications = 8;

FeedEvent::Type feedEventType(StreamedEvent::Type type)
{
    switch (type) {
    case StreamedEvent::Type::BuildStateChanged:
        return FeedEvent::Type::BuildStateChanged;
    case StreamedEvent::Type::AlertOpened:
        return FeedEvent::Type::AlertOpened;
    case StreamedEvent::Type::ApplicationStateChanged:
        return FeedEvent::Type::ApplicationStateChanged;
    case StreamedEvent::Type::Unknown:
    case StreamedEvent::Type::ApplicationChanged:
    case StreamedEvent::Type::ApplicationDeleted:
    case StreamedEvent::Type::ApplicationDeployed:
        break;
    }
    return FeedEvent::Type::Other;
}

QSystemTrayIcon::MessageIcon messageIcon(Notification::Kind kind)
{
    switch (kind) {
    case Notification::Kind::BuildFailed:
    case Notification::Kind::DeployFailed:
        return QSystemTrayIcon::Critical;
    case Notification::Kind::RestartLoop:
    case Notification::Kind::OutOfMemory:
    case Notification::Kind::StoppedAutomatically:
        break;
    }
    return QSystemTrayIcon::Warning;
}

} // namespace

TrayNotifier::TrayNotifier(NotificationFeed *feed, QObject *parent)
    : QObject(parent)
    , m_feed(feed)
    , m_menu(std::make_unique<QMenu>())
    , m_muteMenu(new QMenu(tr("Mute notifications for…"), m_menu.get()))
    , m_tray(new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/vitrine.svg")), this))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_muteMenu->setObjectName(QStringLiteral("trayMuteMenu"));
    m_tray->setToolTip(tr("Vitrine"));
    m_tray->setContextMenu(m_menu.get());
    rebuildMenu();

    connect(m_feed, &NotificationFeed::notified, this, &TrayNotifier::show);
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] { open(m_shown); });
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit showWindowRequested();
    });
    if (available())
        m_tray->show();
}

TrayNotifier::~TrayNotifier() = default;

bool TrayNotifier::available() const
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayNotifier::applyEvents(const QList<StreamedEvent> &events)
{
    QList<FeedEvent> feedEvents;
    feedEvents.reserve(events.size());
    for (const StreamedEvent &event : events) {
        const FeedEvent::Type type = feedEventType(event.type);
        if (type == FeedEvent::Type::Other)
            continue;
        feedEvents.append({type, event.applicationId, event.applicationName, event.buildId, event.alertId,
                           event.state, event.message});
    }
    if (!feedEvents.isEmpty())
        m_feed->applyEvents(feedEvents);
}

void TrayNotifier::open(const Notification &notification)
{
    emit showWindowRequested();
    if (notification.kind == Notification::Kind::BuildFailed && !notification.buildId.isEmpty())
        emit buildLogRequested(notification.buildId, notification.applicationName, true);
    else if (!notification.applicationName.isEmpty())
        emit applicationRequested(notification.applicationName);
}

void TrayNotifier::show(const Notification &notification)
{
    m_latest.prepend(notification);
    if (m_latest.size() > kLatestShown)
        m_latest.resize(kLatestShown);
    rememberApplication(notification.applicationId, notification.applicationName);
    rebuildMenu();
    if (!m_tray->isVisible())
        return;
    m_shown = notification;
    m_tray->showMessage(notification.title, notification.body, messageIcon(notification.kind));
}

void TrayNotifier::rememberApplication(const QString &applicationId, const QString &applicationName)
{
    m_recentApplications.removeIf(
        [&](const KnownApplication &application) { return application.id == applicationId; });
    m_recentApplications.prepend({applicationId, applicationName});
    if (m_recentApplications.size() > kMutableApplications)
        m_recentApplications.resize(kMutableApplications);
}

void TrayNotifier::rebuildMenu()
{
    m_menu->clear();
    QAction *showWindow = m_menu->addAction(tr("Show Vitrine"), this, &TrayNotifier::showWindowRequested);
    showWindow->setObjectName(QStringLiteral("trayShowAction"));

    m_menu->addSection(tr("Latest notifications"));
    if (m_latest.isEmpty()) {
        QAction *none = m_menu->addAction(tr("No notifications yet"));
        none->setEnabled(false);
    }
    for (const Notification &notification : std::as_const(m_latest)) {
        QAction *action =
            m_menu->addAction(notification.title, this, [this, notification] { open(notification); });
        action->setObjectName(QStringLiteral("trayNotificationAction"));
        action->setToolTip(notification.body);
    }

    m_menu->addSeparator();
    m_muteMenu->clear();
    m_muteMenu->setEnabled(!m_recentApplications.isEmpty());
    m_menu->addMenu(m_muteMenu);
    for (const KnownApplication &application : std::as_const(m_recentApplications)) {
        QAction *action = m_muteMenu->addAction(application.name);
        action->setObjectName(QStringLiteral("trayMuteAction"));
        action->setCheckable(true);
        action->setChecked(m_feed->isMuted(application.id));
        const QString id = application.id;
        connect(action, &QAction::toggled, this, [this, id](bool muted) { m_feed->setMuted(id, muted); });
    }

    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(tr("Quit"), qApp, &QCoreApplication::quit);
    quit->setObjectName(QStringLiteral("trayQuitAction"));
}

} // namespace vitrine::desktop
