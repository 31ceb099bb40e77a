#pragma once

#include "usecases/application_service.h"
#include "usecases/auth_service.h"
#include "vitrine/v1/applications.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.ApplicationService over usecases::ApplicationService.
class ApplicationGrpcService final : public v1::ApplicationService::Service {
public:
    ApplicationGrpcService(usecases::AuthService &auth, usecases::ApplicationService &applications);

    ::grpc::Status CreateApplication(::grpc::ServerContext *context,
                                     const v1::CreateApplicationRequest *request,
                                     v1::Application *response) override;
    ::grpc::Status GetApplication(::grpc::ServerContext *context, const v1::GetApplicationRequest *request,
                                  v1::Application *response) override;
    ::grpc::Status ListApplications(::grpc::ServerContext *context,
                                    const v1::ListApplicationsRequest *request,
                                    v1::ListApplicationsResponse *response) override;
    ::grpc::Status UpdateApplication(::grpc::ServerContext *context,
                                     const v1::UpdateApplicationRequest *request,
                                     v1::Application *response) override;
    ::grpc::Status DeleteApplication(::grpc::ServerContext *context,
                                     const v1::DeleteApplicationRequest *request,
                                     v1::DeleteApplicationResponse *response) override;

    ::grpc::Status StartApplication(::grpc::ServerContext *context,
                                    const v1::ApplicationActionRequest *request,
                                    v1::Application *response) override;
    ::grpc::Status StopApplication(::grpc::ServerContext *context,
                                   const v1::ApplicationActionRequest *request,
                                   v1::Application *response) override;
    ::grpc::Status RestartApplication(::grpc::ServerContext *context,
                                      const v1::ApplicationActionRequest *request,
                                      v1::Application *response) override;
    ::grpc::Status RollbackApplication(::grpc::ServerContext *context,
                                       const v1::RollbackApplicationRequest *request,
                                       v1::Application *response) override;

    ::grpc::Status ListEnvVars(::grpc::ServerContext *context, const v1::ListEnvVarsRequest *request,
                               v1::ListEnvVarsResponse *response) override;
    ::grpc::Status SetEnvVars(::grpc::ServerContext *context, const v1::SetEnvVarsRequest *request,
                              v1::ListEnvVarsResponse *response) override;
    ::grpc::Status UnsetEnvVars(::grpc::ServerContext *context, const v1::UnsetEnvVarsRequest *request,
                                v1::ListEnvVarsResponse *response) override;

private:
    usecases::AuthService &m_auth;
    usecases::ApplicationService &m_applications;
};

} // namespace vitrine::adapters::grpc
