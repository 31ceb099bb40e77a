#pragma once

#include "adapters/store/database_url.h"
#include "domain/ports/store.h"

#include <QMutex>
#include <QString>

#include <memory>
#include <stdexcept>
#include <vector>

namespace vitrine::adapters::store {

class SqlConnection;
enum class TransactionKind;

// The store could not be opened: unreachable server, bad credentials, unwritable file, a schema newer than
// this binary. The message names the database (never its password) and the reason.
class StoreOpenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// domain::Store on Qt SQL: SQLite (WAL) or PostgreSQL. Each thread that calls it gets its own connection.
class SqlStore final : public domain::Store {
public:
    // url: "sqlite:/abs/path.db" (or a plain file path), or
    // "postgresql://[user[:password]@]host[:port]/dbname". Connects and applies the numbered schema
    // migrations that are not applied yet, each in a transaction. Throws StoreOpenError.
    explicit SqlStore(const QString &url);
    ~SqlStore() override;

    // "sqlite" or "postgresql".
    QString backendName() const;
    // The number of the newest migration applied.
    int schemaVersion();

    // domain::Store; see there for the contracts. On insert the store stamps version 1 (the version of the
    // object passed in is ignored) and, where createdAt is null, the current time; updatedAt starts equal to
    // createdAt. Timestamps are kept to the millisecond and come back as UTC.
    void insertUser(const domain::User &user) override;
    std::optional<domain::User> findUserById(const QString &id) override;
    std::optional<domain::User> findUserByName(const QString &name) override;
    QList<domain::User> listUsers(const domain::PageQuery &page) override;
    int countUsers() override;
    int countAdmins() override;
    void updateUser(const domain::User &user) override;
    void deleteUser(const QString &id) override;

    void insertToken(const domain::Token &token) override;
    std::optional<domain::Token> findTokenById(const QString &id) override;
    std::optional<domain::Token> findTokenBySecretHash(const QByteArray &secretHash) override;
    QList<domain::Token> listTokens(const QString &userId) override;
    void setTokenRevoked(const QString &id, const QDateTime &at) override;
    void setTokenLastUsed(const QString &id, const QDateTime &at) override;

    void insertRepository(const domain::Repository &repository) override;
    std::optional<domain::Repository> findRepositoryById(const QString &id) override;
    std::optional<domain::Repository> findRepositoryByName(const QString &name) override;
    QList<domain::Repository> listRepositories(const domain::RepositoryFilter &filter,
                                               const domain::PageQuery &page) override;
    void updateRepository(const domain::Repository &repository) override;
    void deleteRepository(const QString &id) override;
    int countApplicationsOfRepository(const QString &repositoryId) override;
    QList<domain::Repository> findRepositoriesByUrl(const QString &url) override;
    void recordFetch(const QString &repositoryId, const QDateTime &at, const QString &error) override;

    void insertApplication(const domain::Application &application) override;
    std::optional<domain::Application> findApplicationById(const QString &id) override;
    std::optional<domain::Application> findApplicationByName(const QString &name) override;
    QList<domain::Application> listApplications(const domain::ApplicationFilter &filter,
                                                const domain::PageQuery &page) override;
    void updateApplication(const domain::Application &application) override;
    void deleteApplication(const QString &id) override;
    void setApplicationCommit(const QString &applicationId, const QString &commit) override;
    void setApplicationCurrentBuild(const QString &applicationId, const QString &buildId) override;
    void setApplicationPinnedBuild(const QString &applicationId, const QString &buildId) override;
    QMap<domain::DeployType, int> countApplicationsByDeployType() override;

    void insertBuild(const domain::Build &build) override;
    std::optional<domain::Build> findBuildById(const QString &id) override;
    QList<domain::Build> listBuilds(const domain::BuildFilter &filter,
                                    const domain::BuildPageQuery &page) override;
    std::optional<domain::Build> findBuild(const QString &applicationId, const QString &commit,
                                           const QString &configHash) override;
    bool transitionBuild(const QString &id, domain::BuildState from, domain::BuildState to,
                         const domain::BuildTransitionFields &fields) override;
    bool recordBuildHeartbeat(const QString &id, const QDateTime &at) override;
    QList<domain::QueuedBuild> listQueuedBuilds() override;
    QHash<QString, domain::OwnerBuildActivity> buildActivityByOwner() override;
    QList<domain::Build> listStaleBuilds(const QDateTime &heartbeatBefore) override;
    QStringList cancelQueuedBuildsExcept(const QString &applicationId, const QString &keepBuildId,
                                         const QString &reason, const QDateTime &at) override;
    QList<domain::Build> deleteBuildsOfApplication(const QString &applicationId) override;
    domain::BuildFigures buildFiguresSince(const QDateTime &since) override;
    QHash<QString, QString> deployableBuildIds() override;
    QHash<QString, domain::Build> latestBuilds(const QStringList &applicationIds) override;

    void insertAlert(const domain::Alert &alert) override;
    std::optional<domain::Alert> findAlertById(const QString &id) override;
    QList<domain::Alert> listAlerts(const domain::AlertFilter &filter,
                                    const domain::AlertPageQuery &page) override;
    bool acknowledgeAlert(const QString &id, const QString &userId, const QDateTime &at) override;
    int countOpenAlerts() override;

    QStringList repositoriesOwnedOnlyBy(const QString &userId) override;
    QStringList applicationsOwnedOnlyBy(const QString &userId) override;

private:
    // This thread's connection, opened on first use. Throws SqlFailure.
    SqlConnection &connection();
    void closeConnections();
    void migrate(SqlConnection &connection);

    // Runs work(connection) on this thread's connection; database failures become domain::Error::internal.
    template<typename Work>
    auto withConnection(Work &&work);
    // Runs work(connection) in one transaction: committed when it returns, rolled back when it throws. A
    // write that a constraint refused, or that lost a lock race, runs once more: its checks then see the row
    // that won and say what clashed.
    template<typename Work>
    auto inTransaction(TransactionKind kind, Work &&work);

    const DatabaseUrl m_url;
    const quint64 m_serial; // tells this store's connections apart from another instance's
    QMutex m_connectionsMutex;
    std::vector<std::weak_ptr<SqlConnection>> m_connections; // every thread's, to close them with the store
};

} // namespace vitrine::adapters::store
