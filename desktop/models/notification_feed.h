#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>

namespace vitrine::desktop {

// The fields of a WatchEvents event that decide on a notification, as a stream worker hands them over. Plain
// data: the models never see the client's types nor protobuf.
struct FeedEvent {
    enum class Type {
        BuildStateChanged, // buildId moved to state ("failed" …); message: the failure reason
        AlertOpened,       // alertId opened; state: its kind ("restart-loop" …); message: what happened
        ApplicationStateChanged, // state ("running", "exited" …); message: why, empty when a person stopped
                                 // it
        Other,                   // never notifies
    };

    Type type = Type::Other;
    QString applicationId;
    QString applicationName;
    QString buildId;
    QString alertId;
    QString state;
    QString message;
};

// Something the user should hear about at once.
struct Notification {
    enum class Kind { BuildFailed, RestartLoop, OutOfMemory, DeployFailed, StoppedAutomatically };

    Kind kind = Kind::BuildFailed;
    QString applicationId;
    QString applicationName;
    QString buildId; // the failed build, or the build the alert is about; may be empty
    QString alertId; // empty for BuildFailed and StoppedAutomatically
    QString title;   // translated, short
    QString body;    // translated: the server's reason

    bool operator==(const Notification &) const = default;
};

// Turns the platform's events into notifications for the user's own applications: a failed build, an alert
// (restart loop, out of memory, failed deploy), an application the platform stopped. Each build, alert and
// automatic stop is told once, even when a resumed stream delivers its event again. Muting is per application
// and per server profile, kept with QSettings.
class NotificationFeed : public QObject {
    Q_OBJECT

public:
    // Whether the application (by id) belongs to the user: an admin sees everyone's events but hears only
    // about their own.
    using OwnershipPredicate = std::function<bool(const QString &applicationId)>;

    // `profileId`: the connection profile whose mutes apply (ConnectionProfile::id).
    NotificationFeed(QString profileId, OwnershipPredicate isMine, QObject *parent = nullptr);

    // Remembered across runs of the app.
    void setMuted(const QString &applicationId, bool muted);
    bool isMuted(const QString &applicationId) const;

public slots:
    // In the order the stream delivered them; emits notified() for each new notification.
    void applyEvents(const QList<vitrine::desktop::FeedEvent> &events);

signals:
    // Not emitted for muted applications nor for other users' applications.
    void notified(const vitrine::desktop::Notification &notification);

private:
    void apply(const FeedEvent &event);
    void notify(Notification::Kind kind, const FeedEvent &event);
    QString mutedKey(const QString &applicationId) const;

    const QString m_profileId;
    const OwnershipPredicate m_isMine;
    QSet<QString> m_toldBuildIds;
    QSet<QString> m_toldAlertIds;
    // Applications the platform stopped, told once until they run again.
    QSet<QString> m_stoppedApplicationIds;
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::FeedEvent)
Q_DECLARE_METATYPE(vitrine::desktop::Notification)
