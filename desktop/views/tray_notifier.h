#pragma once

#include "models/notification_feed.h"

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QMenu;
class QSystemTrayIcon;

namespace vitrine::desktop {

struct StreamedEvent;

// The app's icon in the system tray: shows each of the feed's notifications as a desktop message and keeps
// the latest in its menu, beside Show Vitrine, per-application mutes and Quit. Without a system tray (an
// offscreen session) it shows nothing, and the feed still notifies.
class TrayNotifier : public QObject {
    Q_OBJECT

public:
    // `feed` must outlive the notifier.
    explicit TrayNotifier(NotificationFeed *feed, QObject *parent = nullptr);
    ~TrayNotifier() override;

    // Whether the icon is in a system tray: only then may closing the window leave the app running.
    bool available() const;
    // The tray icon's menu (for tests and the lead's screenshots; it exists without a system tray too).
    QMenu *menu() const { return m_menu.get(); }

public slots:
    // The platform's events, as the main window receives them from its EventStream.
    void applyEvents(const QList<vitrine::desktop::StreamedEvent> &events);
    // What clicking the notification does: emits buildLogRequested or applicationRequested.
    void open(const vitrine::desktop::Notification &notification);

signals:
    void showWindowRequested();
    // A failed build: open its log; revealFirstError: scroll to the first error line.
    void buildLogRequested(const QString &buildId, const QString &applicationName, bool revealFirstError);
    void applicationRequested(const QString &applicationName);

private:
    void show(const Notification &notification);
    void rememberApplication(const QString &applicationId, const QString &applicationName);
    void rebuildMenu();

    struct KnownApplication {
        QString id;
        QString name;
    };

    NotificationFeed *m_feed;
    std::unique_ptr<QMenu> m_menu; // a widget: no QObject parent here
    QMenu *m_muteMenu;             // kept across rebuilds of m_menu, which do not delete submenus
    QSystemTrayIcon *m_tray;
    QList<Notification> m_latest;                 // newest first
    QList<KnownApplication> m_recentApplications; // newest first: the mute menu's choices
    // The notification whose desktop message is showing: what a click on the message opens.
    Notification m_shown;
};

} // namespace vitrine::desktop
