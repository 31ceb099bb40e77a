#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace vitrine::domain {

enum class EventType {
    BuildStateChanged,  // buildId, state ("queued", "building", …), message: the failure reason if any
    ApplicationChanged, // created or updated (config, websites, owners, running)
    ApplicationDeleted,
    ApplicationDeployed,     // the app now serves buildId
    AlertOpened,             // alertId; state: the alert kind's name; message: what happened
    ApplicationStateChanged, // a runtime app's serving instance: state (instance state name), message: why
};

// Something a watcher may want to know. ownerIds decide who may see it: the owners and every admin.
struct Event {
    qint64 seq = 0; // assigned by the event hub, increasing
    QDateTime at;
    EventType type = EventType::ApplicationChanged;
    QString applicationId;
    QString applicationName;
    QString buildId;
    QString state;
    QString message;
    QString alertId;
    QStringList ownerIds;
};

} // namespace vitrine::domain
