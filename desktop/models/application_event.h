#pragma once

#include <QDateTime>
#include <QString>

namespace vitrine::desktop {

// One event of WatchEvents that the application list follows, as a stream worker hands it over (in batches,
// by queued signal). Plain data: the models never see protobuf.
struct ApplicationEvent {
    enum class Type {
        BuildStateChanged,  // buildId moved to state ("queued", "building", …); message: why it failed
        ApplicationChanged, // created or updated: the list fetches the application again
        ApplicationDeleted,
        ApplicationDeployed,     // the application now serves buildId
        ApplicationStateChanged, // the serving instance moved to state ("running", "restarting", …)
    };

    Type type = Type::ApplicationChanged;
    QString applicationId;
    QString applicationName;
    QString buildId;
    QString state;
    QString message;
    QDateTime time;

    bool operator==(const ApplicationEvent &) const = default;
};

} // namespace vitrine::desktop
