#pragma once

#include "usecases/auth_service.h"
#include "usecases/build_service.h"
#include "vitrine/v1/builds.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.BuildService over usecases::BuildService. The unary calls run on the sync API like the other
// services; StreamBuildLog runs on the callback API, one reactor per watcher, so that a thousand watchers
// waiting for lines hold no thread.
class BuildGrpcService final
    : public v1::BuildService::WithCallbackMethod_StreamBuildLog<v1::BuildService::Service> {
public:
    BuildGrpcService(usecases::AuthService &auth, usecases::BuildService &builds);

    ::grpc::Status ListBuilds(::grpc::ServerContext *context, const v1::ListBuildsRequest *request,
                              v1::ListBuildsResponse *response) override;
    ::grpc::Status GetBuild(::grpc::ServerContext *context, const v1::GetBuildRequest *request,
                            v1::Build *response) override;
    ::grpc::Status CancelBuild(::grpc::ServerContext *context, const v1::CancelBuildRequest *request,
                               v1::Build *response) override;
    ::grpc::Status RetryBuild(::grpc::ServerContext *context, const v1::RetryBuildRequest *request,
                              v1::Build *response) override;

    ::grpc::ServerWriteReactor<v1::BuildLogEvent> *
    StreamBuildLog(::grpc::CallbackServerContext *context, const v1::StreamBuildLogRequest *request) override;

private:
    usecases::AuthService &m_auth;
    usecases::BuildService &m_builds;
};

} // namespace vitrine::adapters::grpc
