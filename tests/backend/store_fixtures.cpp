#include "store_fixtures.h"

#include "domain/ids.h"
#include "domain/token.h"

#include <QDateTime>

namespace vitrine::tests {

domain::User addUser(domain::Store &store, const QString &name, domain::Role role)
{
    domain::User user;
    user.id = domain::newId(domain::idprefix::kUser);
    user.name = name;
    user.role = role;
    user.createdAt = QDateTime::currentDateTimeUtc();
    store.insertUser(user);
    return user;
}

QString addToken(domain::Store &store, const QString &userId)
{
    const QString secret = domain::newTokenSecret();
    domain::Token token;
    token.id = domain::newId(domain::idprefix::kToken);
    token.userId = userId;
    token.secretHash = domain::hashTokenSecret(secret);
    store.insertToken(token);
    return secret;
}

domain::Repository addRepository(domain::Store &store, const QString &name, const QString &url,
                                 const QStringList &ownerIds)
{
    domain::Repository repository;
    repository.id = domain::newId(domain::idprefix::kRepository);
    repository.name = name;
    repository.url = url;
    repository.ownerIds = ownerIds;
    store.insertRepository(repository);
    return repository;
}

domain::Application newApplication(const domain::Repository &repository, const QString &name,
                                   const QString &configHash)
{
    domain::Application application;
    application.id = domain::newId(domain::idprefix::kApplication);
    application.name = name;
    application.repositoryId = repository.id;
    application.ref = QStringLiteral("main");
    application.ownerIds = repository.ownerIds;
    application.configHash = configHash;
    return application;
}

domain::Build newBuild(const domain::Application &application, const QString &commit,
                       domain::BuildState state)
{
    domain::Build build;
    build.id = domain::newId(domain::idprefix::kBuild);
    build.applicationId = application.id;
    build.commit = commit;
    build.configHash = application.configHash;
    build.state = state;
    build.ownerKey = application.ownerIds.value(0);
    return build;
}

} // namespace vitrine::tests
