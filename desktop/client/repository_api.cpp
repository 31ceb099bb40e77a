#include "client/repository_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <string>
#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

RepositorySummary toSummary(const pb::Repository &repository)
{
    RepositorySummary summary;
    summary.id = QString::fromStdString(repository.id());
    summary.name = QString::fromStdString(repository.name());
    summary.url = QString::fromStdString(repository.url());
    summary.hasWebhookSecret = repository.has_webhook_secret();
    for (const std::string &owner : repository.owners())
        summary.owners.append(QString::fromStdString(owner));
    summary.createdAt = toDateTime(repository.has_created_at(), repository.created_at());
    summary.updatedAt = toDateTime(repository.has_updated_at(), repository.updated_at());
    return summary;
}

} // namespace

void listRepositories(ApiClient &client, QObject *receiver, ResultHandler<QList<RepositorySummary>> done)
{
    listAllPages(
        client, receiver, &pb::RepositoryService::Stub::ListRepositories, pb::ListRepositoriesRequest(),
        [](const pb::ListRepositoriesResponse &reply) -> const auto & { return reply.repositories(); },
        toSummary, std::move(done));
}

void createRepository(ApiClient &client, QObject *receiver, const RepositoryChange &change,
                      ResultHandler<RepositorySummary> done)
{
    pb::CreateRepositoryRequest request;
    request.set_name(change.name.toStdString());
    request.set_url(change.url.value_or(QString()).toStdString());
    request.set_webhook_secret(change.webhookSecret.value_or(QString()).toStdString());
    for (const QString &owner : change.owners.value_or(QStringList()))
        request.add_owners(owner.toStdString());
    runCall(client, receiver, &pb::RepositoryService::Stub::CreateRepository, std::move(request), toSummary,
            std::move(done));
}

void updateRepository(ApiClient &client, QObject *receiver, const QString &repository,
                      const RepositoryChange &change, ResultHandler<RepositorySummary> done)
{
    pb::UpdateRepositoryRequest request;
    request.set_repository(repository.toStdString());
    if (change.url)
        request.set_url(change.url->toStdString());
    if (change.webhookSecret)
        request.set_webhook_secret(change.webhookSecret->toStdString());
    if (change.owners) {
        for (const QString &owner : *change.owners)
            request.mutable_owners()->add_names(owner.toStdString());
    }
    runCall(client, receiver, &pb::RepositoryService::Stub::UpdateRepository, std::move(request), toSummary,
            std::move(done));
}

void deleteRepository(ApiClient &client, QObject *receiver, const QString &repository,
                      ResultHandler<Done> done)
{
    pb::DeleteRepositoryRequest request;
    request.set_repository(repository.toStdString());
    runCall(client, receiver, &pb::RepositoryService::Stub::DeleteRepository, std::move(request), toDone,
            std::move(done));
}

} // namespace vitrine::desktop
