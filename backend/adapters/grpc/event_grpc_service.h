#pragma once

#include "usecases/auth_service.h"
#include "usecases/build_service.h"
#include "vitrine/v1/events.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.EventService over usecases::BuildService::watchEvents, on the callback API.
class EventGrpcService final : public v1::EventService::CallbackService {
public:
    EventGrpcService(usecases::AuthService &auth, usecases::BuildService &builds);

    ::grpc::ServerWriteReactor<v1::Event> *WatchEvents(::grpc::CallbackServerContext *context,
                                                       const v1::WatchEventsRequest *request) override;

private:
    usecases::AuthService &m_auth;
    usecases::BuildService &m_builds;
};

} // namespace vitrine::adapters::grpc
