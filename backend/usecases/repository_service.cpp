#include "usecases/repository_service.h"

#include "domain/error.h"
#include "domain/ids.h"
#include "domain/validation.h"
#include "usecases/access.h"

namespace vitrine::usecases {

using domain::Error;

namespace {

constexpr qsizetype kMaxWebhookSecretLength = 256;
constexpr int kMaxApplicationsNamed = 5;

void validateWebhookSecret(const QString &secret)
{
    if (secret.size() > kMaxWebhookSecretLength)
        throw Error::badRequest(QStringLiteral("webhook_secret"),
                                QStringLiteral("must be at most %1 characters").arg(kMaxWebhookSecretLength));
}

} // namespace

RepositoryService::RepositoryService(domain::Store &store, RepositoryPolicy policy)
    : m_store(store)
    , m_policy(policy)
{
}

domain::Repository RepositoryService::create(const Caller &caller, const NewRepository &request)
{
    domain::validateName(QStringLiteral("name"), request.name);
    domain::validateRepositoryUrl(QStringLiteral("url"), request.url, m_policy.allowLocalRepos);
    validateWebhookSecret(request.webhookSecret);
    const QStringList ownerIds = access::resolveOwners(m_store, caller, request.ownerNames);
    if (m_store.findRepositoryByName(request.name))
        throw Error::alreadyExists(QStringLiteral("repository '%1' already exists").arg(request.name));

    domain::Repository repository;
    repository.id = domain::newId(domain::idprefix::kRepository);
    repository.name = request.name;
    repository.url = request.url;
    repository.webhookSecret = request.webhookSecret;
    repository.ownerIds = ownerIds;
    repository.createdAt = access::nowUtc();
    repository.updatedAt = repository.createdAt;
    m_store.insertRepository(repository);
    return access::requireRepository(m_store, repository.id);
}

domain::Repository RepositoryService::get(const Caller &caller, const QString &repositoryRef)
{
    return access::requireVisibleRepository(m_store, caller, repositoryRef);
}

Page<domain::Repository> RepositoryService::list(const Caller &caller, const QString &ownerName,
                                                 const PageRequest &page)
{
    const domain::PageQuery query = toPageQuery(page);
    domain::RepositoryFilter filter;
    filter.ownerId = access::listOwnerId(m_store, caller, ownerName, QStringLiteral("repositories"));
    return toPage(m_store.listRepositories(filter, query), query);
}

domain::Repository RepositoryService::update(const Caller &caller, const QString &repositoryRef,
                                             const RepositoryChanges &changes)
{
    if (changes.url)
        domain::validateRepositoryUrl(QStringLiteral("url"), *changes.url, m_policy.allowLocalRepos);
    if (changes.webhookSecret)
        validateWebhookSecret(*changes.webhookSecret);
    const std::optional<QStringList> ownerIds =
        access::resolveOwnerChange(m_store, caller, changes.ownerNames);

    return access::retryOnConflict(QStringLiteral("repository %1").arg(domain::quoted(repositoryRef)), [&] {
        domain::Repository repository = access::requireVisibleRepository(m_store, caller, repositoryRef);
        if (changes.url)
            repository.url = *changes.url;
        if (changes.webhookSecret)
            repository.webhookSecret = *changes.webhookSecret;
        if (ownerIds)
            repository.ownerIds = *ownerIds;
        m_store.updateRepository(repository);
        return access::requireRepository(m_store, repository.id);
    });
}

void RepositoryService::remove(const Caller &caller, const QString &repositoryRef)
{
    const domain::Repository repository = access::requireVisibleRepository(m_store, caller, repositoryRef);
    const int applicationCount = m_store.countApplicationsOfRepository(repository.id);
    if (applicationCount > 0) {
        domain::ApplicationFilter filter;
        filter.repositoryId = repository.id;
        domain::PageQuery firstFew;
        firstFew.limit = kMaxApplicationsNamed;
        QStringList names;
        for (const domain::Application &application : m_store.listApplications(filter, firstFew))
            names.append(application.name);
        if (applicationCount > names.size())
            names.append(QStringLiteral("…"));
        const QString count = applicationCount == 1 ? QStringLiteral("1 application")
                                                    : QStringLiteral("%1 applications").arg(applicationCount);
        throw Error::failedPrecondition(
            QStringLiteral("repository %1 is used by %2 (%3); delete them first")
                .arg(domain::quoted(repositoryRef), count, names.join(QStringLiteral(", "))));
    }
    m_store.deleteRepository(repository.id);
}

} // namespace vitrine::usecases
