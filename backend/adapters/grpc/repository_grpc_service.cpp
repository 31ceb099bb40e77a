#include "adapters/grpc/repository_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

namespace vitrine::adapters::grpc {

RepositoryGrpcService::RepositoryGrpcService(usecases::AuthService &auth,
                                             usecases::RepositoryService &repositories)
    : m_auth(auth)
    , m_repositories(repositories)
{
}

::grpc::Status RepositoryGrpcService::CreateRepository(::grpc::ServerContext *context,
                                                       const v1::CreateRepositoryRequest *request,
                                                       v1::Repository *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        usecases::NewRepository repository;
        repository.name = toQString(request->name());
        repository.url = toQString(request->url());
        repository.webhookSecret = toQString(request->webhook_secret());
        repository.ownerNames = toQStringList(request->owners());
        toPb(m_repositories.create(caller, repository), response);
    });
}

::grpc::Status RepositoryGrpcService::GetRepository(::grpc::ServerContext *context,
                                                    const v1::GetRepositoryRequest *request,
                                                    v1::Repository *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_repositories.get(caller, toQString(request->repository())), response);
    });
}

::grpc::Status RepositoryGrpcService::ListRepositories(::grpc::ServerContext *context,
                                                       const v1::ListRepositoriesRequest *request,
                                                       v1::ListRepositoriesResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::Page<domain::Repository> page =
            m_repositories.list(caller, toQString(request->owner()), fromPb(request->page()));
        for (const domain::Repository &repository : page.items)
            toPb(repository, response->add_repositories());
        response->set_next_page_token(toStd(page.nextPageToken));
    });
}

::grpc::Status RepositoryGrpcService::UpdateRepository(::grpc::ServerContext *context,
                                                       const v1::UpdateRepositoryRequest *request,
                                                       v1::Repository *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        usecases::RepositoryChanges changes;
        if (request->has_url())
            changes.url = toQString(request->url());
        if (request->has_webhook_secret())
            changes.webhookSecret = toQString(request->webhook_secret());
        if (request->has_owners())
            changes.ownerNames = toQStringList(request->owners().names());
        toPb(m_repositories.update(caller, toQString(request->repository()), changes), response);
    });
}

::grpc::Status RepositoryGrpcService::DeleteRepository(::grpc::ServerContext *context,
                                                       const v1::DeleteRepositoryRequest *request,
                                                       v1::DeleteRepositoryResponse * /*response*/)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        m_repositories.remove(caller, toQString(request->repository()));
    });
}

} // namespace vitrine::adapters::grpc
