#pragma once

#include "usecases/auth_service.h"
#include "usecases/repository_service.h"
#include "vitrine/v1/repositories.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.RepositoryService over usecases::RepositoryService.
class RepositoryGrpcService final : public v1::RepositoryService::Service {
public:
    RepositoryGrpcService(usecases::AuthService &auth, usecases::RepositoryService &repositories);

    ::grpc::Status CreateRepository(::grpc::ServerContext *context,
                                    const v1::CreateRepositoryRequest *request,
                                    v1::Repository *response) override;
    ::grpc::Status GetRepository(::grpc::ServerContext *context, const v1::GetRepositoryRequest *request,
                                 v1::Repository *response) override;
    ::grpc::Status ListRepositories(::grpc::ServerContext *context,
                                    const v1::ListRepositoriesRequest *request,
                                    v1::ListRepositoriesResponse *response) override;
    ::grpc::Status UpdateRepository(::grpc::ServerContext *context,
                                    const v1::UpdateRepositoryRequest *request,
                                    v1::Repository *response) override;
    ::grpc::Status DeleteRepository(::grpc::ServerContext *context,
                                    const v1::DeleteRepositoryRequest *request,
                                    v1::DeleteRepositoryResponse *response) override;

private:
    usecases::AuthService &m_auth;
    usecases::RepositoryService &m_repositories;
};

} // namespace vitrine::adapters::grpc
