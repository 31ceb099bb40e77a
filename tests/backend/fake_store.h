#pragma once

#include "domain/ports/store.h"

#include <QMap>

#include <functional>

namespace vitrine::tests {

// domain::Store in memory, for unit tests of use-case logic (the real store has tests of its own). It keeps
// the store's promises that use cases rely on: unique names and websites (AlreadyExists), versioned updates
// (FailedPrecondition from a stale copy), owner and user names filled in, name-ordered paging.
// Single-threaded.
class FakeStore final : public domain::Store {
public:
    // The next racesToLose application updates each lose a race: just before the version check, another
    // writer applies concurrentChange (if set) to the stored application and bumps its version.
    int racesToLose = 0;
    std::function<void(domain::Application &)> concurrentChange;

    // How often setTokenLastUsed was called.
    int lastUsedWrites = 0;

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
    // Owner ids sorted by user name, and the names, as the real store returns them.
    void sortOwners(QStringList &ownerIds, QStringList &ownerNames) const;
    domain::Repository withNames(domain::Repository repository) const;
    domain::Application withNames(domain::Application application) const;
    domain::Token withNames(domain::Token token) const;
    domain::Build withNames(domain::Build build) const;
    // Every build, oldest first (queuedAt, then id), that keep accepts.
    QList<domain::Build> buildsWhere(const std::function<bool(const domain::Build &)> &keep) const;
    void checkWebsitesFree(const domain::Application &application) const;

    QMap<QString, domain::User> m_users; // by id
    QMap<QString, domain::Token> m_tokens;
    QMap<QString, domain::Repository> m_repositories;
    QMap<QString, domain::Application> m_applications;
    QMap<QString, domain::Build> m_builds;
    QMap<QString, domain::Alert> m_alerts;
};

} // namespace vitrine::tests
