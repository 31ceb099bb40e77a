#pragma once

#include "adapters/grpc/grpc_server.h"
#include "usecases/auth_service.h"
#include "usecases/platform_status.h"
#include "vitrine/v1/system.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.SystemService: the server's facts, its clock, and the caller as authenticated.
class SystemGrpcService final : public v1::SystemService::Service {
public:
    SystemGrpcService(usecases::AuthService &auth, SystemFacts facts);

    // Answers GetPlatformStatus from `status` from now on; without it the call is UNIMPLEMENTED. Call before
    // the server starts.
    void servePlatformStatus(usecases::PlatformStatusService &status);

    ::grpc::Status GetSystemInfo(::grpc::ServerContext *context, const v1::GetSystemInfoRequest *request,
                                 v1::SystemInfo *response) override;
    // Runs on a sync-API worker thread, so a disk walk (see PlatformStatusService) blocks no other call.
    ::grpc::Status GetPlatformStatus(::grpc::ServerContext *context,
                                     const v1::GetPlatformStatusRequest *request,
                                     v1::PlatformStatus *response) override;

private:
    usecases::AuthService &m_auth;
    const SystemFacts m_facts;
    usecases::PlatformStatusService *m_platformStatus = nullptr;
};

} // namespace vitrine::adapters::grpc
