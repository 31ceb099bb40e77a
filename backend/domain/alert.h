#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace vitrine::domain {

enum class AlertKind {
    RestartLoop,  // the app restarted K times within W
    OutOfMemory,  // the kernel killed the app for exceeding its memory limit
    DeployFailed, // a new version never became healthy; the old one kept serving
};

// "restart-loop", "out-of-memory", "deploy-failed".
QString alertKindName(AlertKind kind);
std::optional<AlertKind> alertKindFromName(QStringView name);

// Something about a running application that its owners and the admins must see, tied to the build that
// was deployed when it happened. Open until a person acknowledges it.
struct Alert {
    QString id; // "alr_…"
    QString applicationId;
    QString applicationName; // filled by the store
    QString buildId;         // the build served (or being deployed) when it opened; may be empty
    AlertKind kind = AlertKind::RestartLoop;
    QString message; // for people: "restarted 5 times in 60 s; last exit: exit code 1"
    QDateTime openedAt;
    QDateTime acknowledgedAt;   // null while open
    QString acknowledgedBy;     // user id
    QString acknowledgedByName; // filled by the store

    bool isOpen() const { return acknowledgedAt.isNull(); }
};

} // namespace vitrine::domain
