#pragma once

#include "domain/alert.h"
#include "domain/application.h"
#include "domain/build.h"
#include "domain/repository.h"
#include "domain/token.h"
#include "domain/user.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace vitrine::domain {

// One page of a list ordered by name: the first `limit` items whose name sorts after `afterName`
// (byte order; names are ASCII).
struct PageQuery {
    int limit = 100;
    QString afterName;
};

struct RepositoryFilter {
    QString ownerId; // empty: every repository
};

struct ApplicationFilter {
    QString ownerId;      // empty: any owner
    QString repositoryId; // empty: any repository
};

struct BuildFilter {
    QString applicationId;         // empty: any application
    QString visibleToUserId;       // set: only builds of applications this user owns
    QList<BuildState> states = {}; // empty: any state
};

// One page of builds, newest first (queuedAt, then id, both descending): the first `limit` builds that
// sort after the last one of the previous page, given by its queuedAt and id (null and empty: from the
// newest).
struct BuildPageQuery {
    int limit = 100;
    QDateTime afterQueuedAt;
    QString afterId;
};

// What a won transition writes besides the state. Empty fields keep their stored value.
struct BuildTransitionFields {
    QDateTime at;      // null: now. → BUILDING: startedAt and heartbeatAt; → a finished state: finishedAt
    QString builderId; // → BUILDING: who runs it
    QString failureReason;              // → FAILED or CANCELED: why, for people
    QString artifactPath;               // → SUCCEEDED: the artifact, relative to the data dir
    QString image = {};                 // → SUCCEEDED: the engine image the build produced
    std::optional<BuildPlan> plan = {}; // → SUCCEEDED: replaces the build's deploy type and start command
};

struct AlertFilter {
    QString applicationId;       // empty: any application
    QString buildId;             // empty: any build
    QString visibleToUserId;     // set: only alerts of applications this user owns
    QList<AlertKind> kinds = {}; // empty: any kind
    bool openOnly = false;       // only alerts nobody acknowledged yet
};

// One page of alerts, newest first (openedAt, then id, both descending), continuing after the last alert of
// the previous page (null and empty: from the newest).
struct AlertPageQuery {
    int limit = 100;
    QDateTime afterOpenedAt;
    QString afterId;
};

// What the scheduler weighs about an owner besides their queued builds.
struct OwnerBuildActivity {
    int building = 0;        // builds BUILDING now
    QDateTime lastStartedAt; // when their most recent build started; null: never

    bool operator==(const OwnerBuildActivity &) const = default;
};

// A QUEUED build as the scheduler weighs it.
struct QueuedBuild {
    QString id;
    QString ownerKey;
    QDateTime queuedAt;
};

// The platform's persistent state. Every method is safe to call from any thread and sees the writes that
// returned before it. Failures throw Error: AlreadyExists for a taken name or website, NotFound for a missing
// row on update or delete, FailedPrecondition when an optimistic update lost a race (version changed), and
// Internal, with the database's words as detail, when the database fails.
class Store {
public:
    virtual ~Store() = default;

    // Users. Names are unique. A find* gives std::nullopt when nothing matches; a list gives one page in
    // name order.
    virtual void insertUser(const User &user) = 0;
    virtual std::optional<User> findUserById(const QString &id) = 0;
    virtual std::optional<User> findUserByName(const QString &name) = 0;
    virtual QList<User> listUsers(const PageQuery &page) = 0;
    virtual int countUsers() = 0;
    virtual int countAdmins() = 0;
    // Writes role (the only mutable field).
    virtual void updateUser(const User &user) = 0;
    // Also deletes the user's tokens and ownerships, in the same transaction.
    virtual void deleteUser(const QString &id) = 0;

    // Tokens. The secret hash is unique; inserting a token for a missing user is NotFound. Returned tokens
    // carry their user's name.
    virtual void insertToken(const Token &token) = 0;
    virtual std::optional<Token> findTokenById(const QString &id) = 0;
    virtual std::optional<Token> findTokenBySecretHash(const QByteArray &secretHash) = 0;
    // Every token of the user, revoked and expired ones too; newest first.
    virtual QList<Token> listTokens(const QString &userId) = 0;
    // Each sets one timestamp of the token and nothing else.
    virtual void setTokenRevoked(const QString &id, const QDateTime &at) = 0;
    virtual void setTokenLastUsed(const QString &id, const QDateTime &at) = 0;

    // Repositories with their owners (ownerIds and ownerNames sorted by user name). Names are unique; an
    // owner id that names no user is NotFound, and nothing is written.
    virtual void insertRepository(const Repository &repository) = 0;
    virtual std::optional<Repository> findRepositoryById(const QString &id) = 0;
    virtual std::optional<Repository> findRepositoryByName(const QString &name) = 0;
    // filter.ownerId narrows the page to the repositories that user owns.
    virtual QList<Repository> listRepositories(const RepositoryFilter &filter, const PageQuery &page) = 0;
    // Replaces url, webhook secret and owners if repository.version still is the stored version, then
    // increments the version and sets updatedAt.
    virtual void updateRepository(const Repository &repository) = 0;
    // FailedPrecondition while applications build from it: they are never left without their repository.
    virtual void deleteRepository(const QString &id) = 0;
    virtual int countApplicationsOfRepository(const QString &repositoryId) = 0;
    // Every repository whose URL is a spelling of the same remote as url (domain::repositoryUrlKey), in
    // name order. Several repositories may share a remote.
    virtual QList<Repository> findRepositoriesByUrl(const QString &url) = 0;
    // Writes the fetch state (lastFetchedAt, lastFetchError; an empty error: the fetch succeeded) and
    // nothing else: no version bump, so it never conflicts with an owner's edit. NotFound when missing.
    virtual void recordFetch(const QString &repositoryId, const QDateTime &at, const QString &error) = 0;

    // Applications with websites, env vars and owners. Names are unique; so is each (fqdn, path prefix)
    // across all applications, and a clash names the application that holds it. Insert and update write
    // the application and all its parts in one transaction: a refused write leaves nothing behind.
    virtual void insertApplication(const Application &application) = 0;
    virtual std::optional<Application> findApplicationById(const QString &id) = 0;
    virtual std::optional<Application> findApplicationByName(const QString &name) = 0;
    // filter.ownerId and filter.repositoryId each narrow the page when set.
    virtual QList<Application> listApplications(const ApplicationFilter &filter, const PageQuery &page) = 0;
    // Replaces every mutable field (ref, deploy type, build config, websites, env, owners, running,
    // auto-sleep, SPA fallback, config hash) if application.version still is the stored version, then
    // increments the version and sets updatedAt. currentCommit and currentBuildId are not written here.
    virtual void updateApplication(const Application &application) = 0;
    // How many applications deploy each way; a deploy type no application has is absent.
    virtual QMap<DeployType, int> countApplicationsByDeployType() = 0;
    // With its websites, env vars, ownerships and builds (delete the builds first with
    // deleteBuildsOfApplication to learn which artifacts and logs to remove).
    virtual void deleteApplication(const QString &id) = 0;
    // The controller's records, each writing one field and nothing else: no version bump and no updatedAt,
    // so they never conflict with an owner's edit. NotFound when the application is missing.
    virtual void setApplicationCommit(const QString &applicationId, const QString &commit) = 0;
    virtual void setApplicationCurrentBuild(const QString &applicationId, const QString &buildId) = 0;
    // A rollback's pin (empty: none). setApplicationCommit clears it when the commit changes, and so does
    // updateApplication when the config hash changes.
    virtual void setApplicationPinnedBuild(const QString &applicationId, const QString &buildId) = 0;

    // Builds, each with its application's name. insertBuild stamps version 1 and, where queuedAt is null,
    // the current time; an application id that names no application is NotFound, a taken id AlreadyExists.
    virtual void insertBuild(const Build &build) = 0;
    virtual std::optional<Build> findBuildById(const QString &id) = 0;
    virtual QList<Build> listBuilds(const BuildFilter &filter, const BuildPageQuery &page) = 0;
    // The newest build of the application at this commit with this config hash, in any state: whether
    // (application, commit, config) has been registered already.
    virtual std::optional<Build> findBuild(const QString &applicationId, const QString &commit,
                                           const QString &configHash) = 0;
    // Compare-and-set: moves the build from `from` to `to` only if it is in `from` now, writing the fields
    // with it and incrementing its version. Returns whether this call made the move; false when the build
    // is missing or another writer moved it first. Of several racing callers exactly one wins, which makes
    // QUEUED → BUILDING the scheduling lock. A move the state machine forbids (domain::canTransition) is
    // Internal.
    virtual bool transitionBuild(const QString &id, BuildState from, BuildState to,
                                 const BuildTransitionFields &fields) = 0;
    // Sets heartbeatAt of a BUILDING build. False when the build is not BUILDING (any more): its builder
    // should stop.
    virtual bool recordBuildHeartbeat(const QString &id, const QDateTime &at) = 0;
    // Every QUEUED build, oldest first (queuedAt, then id).
    virtual QList<QueuedBuild> listQueuedBuilds() = 0;
    // For each owner key with a build BUILDING now or one that ever started: how many are BUILDING and when
    // the most recent one started. Owners with neither are absent.
    virtual QHash<QString, OwnerBuildActivity> buildActivityByOwner() = 0;
    // The BUILDING builds whose heartbeat is older than heartbeatBefore (their builder is gone), oldest
    // heartbeat first.
    virtual QList<Build> listStaleBuilds(const QDateTime &heartbeatBefore) = 0;
    // Moves every QUEUED build of the application except keepBuildId to CANCELED (a newer build supersedes
    // them), with failureReason `reason` and finishedAt `at`. Returns the ids it canceled; a build that a
    // scheduler took meanwhile is left alone.
    virtual QStringList cancelQueuedBuildsExcept(const QString &applicationId, const QString &keepBuildId,
                                                 const QString &reason, const QDateTime &at) = 0;
    // For every application that has one: its newest SUCCEEDED build of its current commit and config hash
    // (application id → build id). One read for the whole fleet, for deploy sync's periodic pass.
    virtual QHash<QString, QString> deployableBuildIds() = 0;
    // Each given application's newest build in any state (queuedAt, then id, the greatest), by application
    // id; an application without builds, or an id that names none, is absent. One read for a page of
    // applications, whatever its size.
    virtual QHash<QString, Build> latestBuilds(const QStringList &applicationIds) = 0;
    // Deletes every build of the application and returns them as they were, so the caller can remove
    // their artifacts (artifactPath) and logs (id).
    virtual QList<Build> deleteBuildsOfApplication(const QString &applicationId) = 0;
    // The builds that finished (SUCCEEDED, FAILED or CANCELED) at or after `since`; the durations count the
    // succeeded and failed builds that had started.
    virtual BuildFigures buildFiguresSince(const QDateTime &since) = 0;

    // Alerts, each with its application's name and its acknowledger's name. They go with their application.
    // Inserting one for a missing application is NotFound.
    virtual void insertAlert(const Alert &alert) = 0;
    virtual std::optional<Alert> findAlertById(const QString &id) = 0;
    virtual QList<Alert> listAlerts(const AlertFilter &filter, const AlertPageQuery &page) = 0;
    // Marks an open alert acknowledged by the user at `at` (null: now). False when it is missing or
    // acknowledged already.
    virtual bool acknowledgeAlert(const QString &id, const QString &userId, const QDateTime &at) = 0;
    // How many alerts nobody acknowledged yet, of every application.
    virtual int countOpenAlerts() = 0;

    // Names of the repositories and applications whose only owner is this user, sorted.
    virtual QStringList repositoriesOwnedOnlyBy(const QString &userId) = 0;
    virtual QStringList applicationsOwnedOnlyBy(const QString &userId) = 0;
};

} // namespace vitrine::domain
