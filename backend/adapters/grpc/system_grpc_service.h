#pragma once

#include "adapters/grpc/grpc_server.h"
#include "usecases/auth_service.h"
#include "vitrine/v1/system.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.SystemService: the server's facts, its clock, and the caller as authenticated.
class SystemGrpcService final : public v1::SystemService::Service {
public:
    SystemGrpcService(usecases::AuthService &auth, SystemFacts facts);

    ::grpc::Status GetSystemInfo(::grpc::ServerContext *context, const v1::GetSystemInfoRequest *request,
                                 v1::SystemInfo *response) override;

private:
    usecases::AuthService &m_auth;
    const SystemFacts m_facts;
};

} // namespace vitrine::adapters::grpc
