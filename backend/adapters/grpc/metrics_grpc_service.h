#pragma once

#include "usecases/auth_service.h"
#include "usecases/metrics_recorder.h"
#include "vitrine/v1/metrics.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.MetricsService over usecases::MetricsRecorder. QueryMetrics runs on the sync API like the other
// unary calls; StreamMetrics on the callback API, one reactor per watcher, so that watchers waiting for the
// next sample hold no thread.
class MetricsGrpcService final
    : public v1::MetricsService::WithCallbackMethod_StreamMetrics<v1::MetricsService::Service> {
public:
    MetricsGrpcService(usecases::AuthService &auth, usecases::MetricsRecorder &recorder);

    ::grpc::Status QueryMetrics(::grpc::ServerContext *context, const v1::QueryMetricsRequest *request,
                                v1::QueryMetricsResponse *response) override;

    ::grpc::ServerWriteReactor<v1::MetricsSample> *
    StreamMetrics(::grpc::CallbackServerContext *context, const v1::StreamMetricsRequest *request) override;

private:
    usecases::AuthService &m_auth;
    usecases::MetricsRecorder &m_recorder;
};

} // namespace vitrine::adapters::grpc
