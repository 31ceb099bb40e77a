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

    void insertApplication(const domain::Application &application) override;
    std::optional<domain::Application> findApplicationById(const QString &id) override;
    std::optional<domain::Application> findApplicationByName(const QString &name) override;
    QList<domain::Application> listApplications(const domain::ApplicationFilter &filter,
                                                const domain::PageQuery &page) override;
    void updateApplication(const domain::Application &application) override;
    void deleteApplication(const QString &id) override;

    QStringList repositoriesOwnedOnlyBy(const QString &userId) override;
    QStringList applicationsOwnedOnlyBy(const QString &userId) override;

private:
    // Owner ids sorted by user name, and the names, as the real store returns them.
    void sortOwners(QStringList &ownerIds, QStringList &ownerNames) const;
    domain::Repository withNames(domain::Repository repository) const;
    domain::Application withNames(domain::Application application) const;
    domain::Token withNames(domain::Token token) const;
    void checkWebsitesFree(const domain::Application &application) const;

    QMap<QString, domain::User> m_users; // by id
    QMap<QString, domain::Token> m_tokens;
    QMap<QString, domain::Repository> m_repositories;
    QMap<QString, domain::Application> m_applications;
};

} // namespace vitrine::tests
