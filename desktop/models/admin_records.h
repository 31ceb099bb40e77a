#pragma once

#include "models/application_summary.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace vitrine::desktop {

// What the admin console shows, as the client hands it over: plain Qt data, never protobuf.

// One place builds run: the server's own slots ("local"), or a remote builder.
struct BuilderStatus {
    QString id;
    QString name;
    bool remote = false;
    int slotCount = 0;
    int busySlots = 0;
    QStringList buildIds{}; // the builds it runs now

    bool operator==(const BuilderStatus &) const = default;
};

// The builds that finished within `window` before the server's time.
struct BuildFigures {
    qint64 windowSeconds = 0;
    int succeeded = 0;
    int failed = 0;
    int canceled = 0;
    // From start to finish over the succeeded and failed builds; unset when there were none.
    std::optional<qint64> durationP50Ms{};
    std::optional<qint64> durationP90Ms{};

    bool operator==(const BuildFigures &) const = default;
};

// Bytes under the server's data dir, by what holds them, and the free space beside them.
struct DiskUse {
    qint64 artifactsBytes = 0;
    qint64 sitesBytes = 0;
    qint64 buildLogsBytes = 0;
    qint64 runtimeLogsBytes = 0;
    qint64 totalBytes = 0; // everything under the data dir, the above included
    qint64 freeBytes = 0;

    bool operator==(const DiskUse &) const = default;
};

// SystemService.GetPlatformStatus: the fleet at a glance.
struct PlatformStatus {
    QDateTime serverTime;
    QList<BuilderStatus> builders;
    int queuedBuilds = 0;
    int runningBuilds = 0;
    BuildFigures recentBuilds{};
    int staticApplications = 0;
    int runtimeApplications = 0;
    QMap<QString, int> instancesByState{}; // "running" → 3, …
    int openAlerts = 0;
    DiskUse disk{};

    bool operator==(const PlatformStatus &) const = default;
};

// A build waiting in the global queue or running.
struct QueuedBuild {
    QString id;
    QString applicationName;
    QString commit; // 40 hex characters
    BuildState state = BuildState::Queued;
    int queuePosition = 0; // queued builds: 1 is next; 0 for the others
    QDateTime queuedAt{};
    QDateTime startedAt{}; // invalid until the build starts

    bool operator==(const QueuedBuild &) const = default;
};

// Trouble with a running application, open until someone acknowledges it.
struct Alert {
    QString id;
    QString applicationName;
    QString kind; // "restart-loop", "out-of-memory", "deploy-failed"
    QString message;
    QDateTime openedAt;
    QDateTime acknowledgedAt{}; // invalid while open
    QString acknowledgedBy{};   // a user name; empty while open
    QString applicationId{};
    QString buildId{};

    bool isOpen() const { return !acknowledgedAt.isValid(); }
    bool operator==(const Alert &) const = default;
};

struct UserAccount {
    QString id;
    QString name;
    bool admin = false;
    QDateTime createdAt{};

    bool operator==(const UserAccount &) const = default;
};

// An API token as listed: never its secret, which only creation shows, once.
struct ApiToken {
    QString id;
    QString userName;
    QString description;
    QDateTime createdAt;
    QDateTime expiresAt{}; // invalid: never expires
    QDateTime revokedAt{}; // invalid: not revoked
    QDateTime lastUsedAt{};

    bool operator==(const ApiToken &) const = default;
};

struct CreatedToken {
    ApiToken token;
    QString secret; // the bearer secret; the server keeps only its hash

    bool operator==(const CreatedToken &) const = default;
};

} // namespace vitrine::desktop
