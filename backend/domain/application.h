#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace vitrine::domain {

enum class DeployType { Static, Runtime };

enum class BuildType { Static, StaticCmd, StaticDockerfile, RuntimeCmd, RuntimeDockerfile, Auto };

// The names used in config, CLI flags and the store: "static", "static-cmd", ….
QString buildTypeName(BuildType type);
std::optional<BuildType> buildTypeFromName(QStringView name);
QString deployTypeName(DeployType type);
std::optional<DeployType> deployTypeFromName(QStringView name);

// The deploy type a build type implies; Auto implies none (the app says, runtime by default).
std::optional<DeployType> impliedDeployType(BuildType type);

inline constexpr quint16 kDefaultAppPort = 8080;

struct BuildConfig {
    BuildType type = BuildType::Static;
    QString buildCommand;
    QString startCommand;
    QString artifactDir;
    QString dockerfile;
    QString contextDir;
    quint16 port = 0; // 0: kDefaultAppPort

    bool operator==(const BuildConfig &) const = default;
};

struct Website {
    QString fqdn;
    QString pathPrefix = QStringLiteral("/");
    bool stripPrefix = false;

    bool operator==(const Website &) const = default;
};

using EnvVars = QMap<QString, QString>; // sorted by key

enum class BuildState; // defined in domain/build.h, which includes this header

// An application's newest build in brief: what a list of applications shows of it.
struct LatestBuild {
    QString id;
    BuildState state{};
    QString failureReason; // FAILED or CANCELED: why, for people
    QDateTime queuedAt;
};

struct Application {
    QString id;
    QString name;
    QString repositoryId;
    QString repositoryName; // filled by the store
    QString ref;
    DeployType deployType = DeployType::Static;
    BuildConfig build;
    QList<Website> websites;
    EnvVars env;
    QStringList ownerIds;
    QStringList ownerNames; // sorted
    bool running = true;
    // Why the platform stopped the application (a restart loop, say); empty when running, or when a person
    // stopped it. Starting it again clears it.
    QString stoppedReason;
    quint32 autoSleepSeconds = 0;
    // Runtime deploys: how to tell a new instance is ready (empty: its port accepts connections), and its
    // limits (0: the server's defaults). A change starts a new instance; it does not rebuild.
    QString healthCheckPath;
    quint32 memoryLimitMb = 0;
    quint32 cpuMillicores = 0;
    // Static deploys: a path with no file behind it serves the site's index.html (single-page apps).
    bool spaFallback = false;
    QString configHash;
    // Kept by the controller, outside the version check (a member's edit never conflicts with them):
    QString currentCommit;  // the commit the app's ref points at, as last fetched; empty until then
    QString currentBuildId; // the build being served; empty until the first deploy
    // A rollback: serve this earlier SUCCEEDED build instead of the newest one, until the next commit or
    // config change clears it. Written by the application service outside the version check too.
    QString pinnedBuildId;
    // Runtime deploys, as the controller sees them now; filled by the application service, never stored.
    QString runtimeState; // the serving instance's state name (domain::instanceStateName); empty: none
    int restartCount = 0; // its restarts after crashes
    // Filled by the application service, never stored: the newest build, whatever its state; none before
    // the first.
    std::optional<LatestBuild> latestBuild;
    // Filled by the application service, never stored: the bytes its builds, releases, sites, logs and
    // images take, as of the last disk walk; 0 before one.
    qint64 diskBytes = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 version = 0; // optimistic concurrency: the store refuses an update from a stale copy
};

} // namespace vitrine::domain
