#pragma once

#include "usecases/auth_service.h"
#include "usecases/remote_builder_pool.h"
#include "vitrine/v1/builders.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.BuilderService: each Connect stream is one remote builder in the RemoteBuilderPool, from its
// hello until the stream ends. Only admins may connect.
class BuilderGrpcService final : public v1::BuilderService::CallbackService {
public:
    BuilderGrpcService(usecases::AuthService &auth, usecases::RemoteBuilderPool &pool);

    ::grpc::ServerBidiReactor<v1::BuilderMessage, v1::ControllerMessage> *
    Connect(::grpc::CallbackServerContext *context) override;

private:
    usecases::AuthService &m_auth;
    usecases::RemoteBuilderPool &m_pool;
};

} // namespace vitrine::adapters::grpc
