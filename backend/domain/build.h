#pragma once

#include "domain/application.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace vitrine::domain {

// QUEUED → BUILDING → SUCCEEDED | FAILED | CANCELED; QUEUED → CANCELED.
enum class BuildState { Queued, Building, Succeeded, Failed, Canceled };

QString buildStateName(BuildState state); // "queued", "building", …
std::optional<BuildState> buildStateFromName(QStringView name);
bool isFinished(BuildState state);
// Whether the state machine allows from → to.
bool canTransition(BuildState from, BuildState to);

// A BUILDING build whose heartbeat is older than this has lost its builder.
inline constexpr int kBuildHeartbeatTimeoutSeconds = 60;

// One build of one application at one commit with one config. The build config and env are a snapshot
// taken at registration, so what runs is what the config hash says.
// What an auto build decided, or what the build config says for the other types.
struct BuildPlan {
    DeployType deployType = DeployType::Static;
    QString startCommand; // runtime deploys

    bool operator==(const BuildPlan &) const = default;
};

struct Build {
    QString id;
    QString applicationId;
    QString applicationName; // filled by the store
    QString commit;          // 40 hex characters
    QString configHash;
    BuildConfig config;
    EnvVars env;
    BuildState state = BuildState::Queued;
    QString ownerKey;  // whose queue the build waits in (fairness across owners): the app's first owner id
    QString builderId; // the builder slot or remote builder running it
    QString failureReason; // FAILED / CANCELED: why, for people
    QString artifactPath;  // SUCCEEDED builds: the tar.gz, relative to the data dir
    // SUCCEEDED builds for a container runtime: the engine image the build produced ("vitrine/app:id");
    // empty otherwise.
    QString image;
    // How a SUCCEEDED build is deployed. Set at registration from the application (the config's start
    // command); an auto build replaces both with the plan it detected when it succeeds.
    DeployType deployType = DeployType::Static;
    QString startCommand;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime heartbeatAt;
    qint64 version = 0;
};

// The builds that finished within a window: how many ended each way, and how long the succeeded and failed
// ones ran from start to finish (nearest-rank percentiles; none when no such build finished).
struct BuildFigures {
    int succeeded = 0;
    int failed = 0;
    int canceled = 0;
    std::optional<qint64> durationP50Ms;
    std::optional<qint64> durationP90Ms;
};

// The nearest-rank `percent` percentile (1 to 100) of `sortedValues`, in ascending order; none when empty.
std::optional<qint64> nearestRankPercentile(const QList<qint64> &sortedValues, int percent);

} // namespace vitrine::domain
