#pragma once

#include "domain/application.h"
#include "domain/repository.h"
#include "domain/token.h"
#include "domain/user.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
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

    // Applications with websites, env vars and owners. Names are unique; so is each (fqdn, path prefix)
    // across all applications, and a clash names the application that holds it. Insert and update write
    // the application and all its parts in one transaction: a refused write leaves nothing behind.
    virtual void insertApplication(const Application &application) = 0;
    virtual std::optional<Application> findApplicationById(const QString &id) = 0;
    virtual std::optional<Application> findApplicationByName(const QString &name) = 0;
    // filter.ownerId and filter.repositoryId each narrow the page when set.
    virtual QList<Application> listApplications(const ApplicationFilter &filter, const PageQuery &page) = 0;
    // Replaces every mutable field (ref, deploy type, build config, websites, env, owners, running,
    // auto-sleep, config hash) if application.version still is the stored version, then increments the
    // version and sets updatedAt.
    virtual void updateApplication(const Application &application) = 0;
    // With its websites, env vars and ownerships.
    virtual void deleteApplication(const QString &id) = 0;

    // Names of the repositories and applications whose only owner is this user, sorted.
    virtual QStringList repositoriesOwnedOnlyBy(const QString &userId) = 0;
    virtual QStringList applicationsOwnedOnlyBy(const QString &userId) = 0;
};

} // namespace vitrine::domain
