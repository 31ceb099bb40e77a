#pragma once

#include "usecases/application_service.h"
#include "usecases/auth_service.h"
#include "usecases/runtime_log_hub.h"
#include "vitrine/v1/output.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.OutputService over usecases::RuntimeLogHub, on the callback API: one reactor per watcher, so
// that a thousand watchers waiting for output hold no thread. The caller must be allowed to see the
// application (an owner or an admin), as ApplicationService::get decides.
class OutputGrpcService final : public v1::OutputService::CallbackService {
public:
    OutputGrpcService(usecases::AuthService &auth, usecases::ApplicationService &applications,
                      usecases::RuntimeLogHub &logs);

    ::grpc::ServerWriteReactor<v1::StreamOutputResponse> *
    StreamOutput(::grpc::CallbackServerContext *context, const v1::StreamOutputRequest *request) override;

private:
    usecases::AuthService &m_auth;
    usecases::ApplicationService &m_applications;
    usecases::RuntimeLogHub &m_logs;
};

} // namespace vitrine::adapters::grpc
