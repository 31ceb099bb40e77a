#include "usecases/access.h"

#include "domain/ids.h"
#include "domain/validation.h"

namespace vitrine::usecases::access {

using domain::Error;

std::optional<domain::User> findUser(domain::Store &store, const QString &ref)
{
    return domain::looksLikeId(ref, domain::idprefix::kUser) ? store.findUserById(ref)
                                                             : store.findUserByName(ref);
}

std::optional<domain::Repository> findRepository(domain::Store &store, const QString &ref)
{
    return domain::looksLikeId(ref, domain::idprefix::kRepository) ? store.findRepositoryById(ref)
                                                                   : store.findRepositoryByName(ref);
}

std::optional<domain::Application> findApplication(domain::Store &store, const QString &ref)
{
    return domain::looksLikeId(ref, domain::idprefix::kApplication) ? store.findApplicationById(ref)
                                                                    : store.findApplicationByName(ref);
}

domain::User requireUser(domain::Store &store, const QString &ref)
{
    if (auto user = findUser(store, ref))
        return *std::move(user);
    throw Error::notFound(QStringLiteral("user"), ref);
}

domain::Repository requireRepository(domain::Store &store, const QString &ref)
{
    if (auto repository = findRepository(store, ref))
        return *std::move(repository);
    throw Error::notFound(QStringLiteral("repository"), ref);
}

domain::Application requireApplication(domain::Store &store, const QString &ref)
{
    if (auto application = findApplication(store, ref))
        return *std::move(application);
    throw Error::notFound(QStringLiteral("application"), ref);
}

domain::Repository requireVisibleRepository(domain::Store &store, const Caller &caller, const QString &ref)
{
    domain::Repository repository = requireRepository(store, ref);
    if (!canSee(caller, repository.ownerIds))
        throw Error::forbidden(
            QStringLiteral("you are not an owner of repository %1").arg(domain::quoted(ref)));
    return repository;
}

domain::Application requireVisibleApplication(domain::Store &store, const Caller &caller, const QString &ref)
{
    domain::Application application = requireApplication(store, ref);
    if (!canSee(caller, application.ownerIds))
        throw Error::forbidden(
            QStringLiteral("you are not an owner of application %1").arg(domain::quoted(ref)));
    return application;
}

void requireCanSeeApplicationOf(domain::Store &store, const Caller &caller, const QString &applicationId,
                                const QString &what)
{
    const std::optional<domain::Application> application = store.findApplicationById(applicationId);
    if (!canSee(caller, application ? application->ownerIds : QStringList()))
        throw Error::forbidden(QStringLiteral("you are not an owner of the application of %1").arg(what));
}

domain::Repository requireRepositoryOfBuild(domain::Store &store, const domain::Build &build)
{
    const std::optional<domain::Application> application = store.findApplicationById(build.applicationId);
    if (!application)
        throw Error::failedPrecondition(QStringLiteral("the application no longer exists"));
    std::optional<domain::Repository> repository = store.findRepositoryById(application->repositoryId);
    if (!repository)
        throw Error::failedPrecondition(QStringLiteral("the application's repository no longer exists"));
    return *std::move(repository);
}

bool canSee(const Caller &caller, const QStringList &ownerIds)
{
    return caller.isAdmin() || ownerIds.contains(caller.user.id);
}

bool refersTo(const domain::User &user, const QString &ref)
{
    return ref == user.id || ref == user.name;
}

QStringList resolveOwners(domain::Store &store, const Caller &caller, const QStringList &ownerNames)
{
    if (ownerNames.isEmpty())
        return {caller.user.id};

    domain::validateCount(QStringLiteral("owners"), ownerNames.size(), domain::kMaxOwners, u"owners");
    QStringList ownerIds;
    for (qsizetype i = 0; i < ownerNames.size(); ++i) {
        const QString field = QStringLiteral("owners[%1]").arg(i);
        const QString &name = ownerNames[i];
        if (name.isEmpty())
            throw Error::badRequest(field, QStringLiteral("must not be empty"));
        const auto user = findUser(store, name);
        if (!user)
            throw Error::badRequest(field, QStringLiteral("user %1 not found").arg(domain::quoted(name)));
        if (!ownerIds.contains(user->id))
            ownerIds.append(user->id);
    }
    if (!caller.isAdmin() && !ownerIds.contains(caller.user.id))
        throw Error::forbidden(
            QStringLiteral("you must be one of the owners; only admins can leave themselves out"));
    return ownerIds;
}

std::optional<QStringList> resolveOwnerChange(domain::Store &store, const Caller &caller,
                                              const std::optional<QStringList> &ownerNames)
{
    if (!ownerNames)
        return std::nullopt;
    if (ownerNames->isEmpty())
        throw Error::badRequest(QStringLiteral("owners"), QStringLiteral("must not be empty"));
    return resolveOwners(store, caller, *ownerNames);
}

QString listOwnerId(domain::Store &store, const Caller &caller, const QString &ownerName, const QString &what)
{
    if (!caller.isAdmin()) {
        if (!ownerName.isEmpty() && !refersTo(caller.user, ownerName))
            throw Error::forbidden(QStringLiteral("members can only list their own %1").arg(what));
        return caller.user.id;
    }
    if (ownerName.isEmpty())
        return {};
    const auto owner = findUser(store, ownerName);
    if (!owner)
        throw Error::badRequest(QStringLiteral("owner"),
                                QStringLiteral("user %1 not found").arg(domain::quoted(ownerName)));
    return owner->id;
}

} // namespace vitrine::usecases::access
