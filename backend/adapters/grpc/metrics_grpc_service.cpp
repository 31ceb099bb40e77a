#include "adapters/grpc/metrics_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "adapters/grpc/polling_write_reactor.h"

#include <memory>

namespace vitrine::adapters::grpc {

namespace {

// What StreamMetrics sends first when the request does not say since when.
constexpr qint64 kDefaultRecentSeconds = 5 * 60;

void toPb(const usecases::MetricsPoint &point, v1::MetricsSample *out)
{
    *out->mutable_time() = toTimestamp(point.time);
    out->set_resolution_seconds(point.resolutionSeconds);
    out->set_cpu_cores(point.cpuCores);
    out->set_memory_bytes(point.memoryBytes);
    out->set_restarts(point.restarts);
    out->set_requests(point.requests);
}

// One StreamMetrics call: the recent points, then each sample as it is taken, until the client leaves or
// the application is deleted.
class MetricsReactor final : public PollingWriteReactor<v1::MetricsSample> {
public:
    MetricsReactor(const ::grpc::CallbackServerContext &context, const v1::StreamMetricsRequest &request,
                   usecases::AuthService &auth, usecases::MetricsRecorder &recorder)
        : PollingWriteReactor("vitrine.v1.MetricsService/StreamMetrics")
    {
        try {
            const usecases::Caller caller = authenticateCall(context, auth);
            const QDateTime since = request.has_since()
                                        ? fromTimestamp(QStringLiteral("since"), request.since())
                                        : QDateTime::currentDateTimeUtc().addSecs(-kDefaultRecentSeconds);
            m_subscription =
                recorder.watch(caller, toQString(request.application()), since, [this] { wake(); });
        } catch (...) {
            finishAtOnce(std::current_exception());
            return;
        }
        begin();
    }

private:
    std::optional<::grpc::Status> poll(std::deque<v1::MetricsSample> &messages) override
    {
        const usecases::MetricsBatch batch = m_subscription->poll();
        for (const usecases::MetricsPoint &point : batch.points)
            toPb(point, &messages.emplace_back());
        if (batch.ended)
            return ::grpc::Status::OK;
        return std::nullopt;
    }

    void leave() override
    {
        if (m_subscription)
            m_subscription->cancel();
    }

    std::unique_ptr<usecases::MetricsSubscription> m_subscription;
};

} // namespace

MetricsGrpcService::MetricsGrpcService(usecases::AuthService &auth, usecases::MetricsRecorder &recorder)
    : m_auth(auth)
    , m_recorder(recorder)
{
}

::grpc::Status MetricsGrpcService::QueryMetrics(::grpc::ServerContext *context,
                                                const v1::QueryMetricsRequest *request,
                                                v1::QueryMetricsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const QDateTime from =
            request->has_from() ? fromTimestamp(QStringLiteral("from"), request->from()) : QDateTime();
        const QDateTime to =
            request->has_to() ? fromTimestamp(QStringLiteral("to"), request->to()) : QDateTime();
        const usecases::MetricsSeries series =
            m_recorder.query(caller, toQString(request->application()), from, to);
        response->set_application_id(toStd(series.applicationId));
        response->set_application_name(toStd(series.applicationName));
        response->set_resolution_seconds(series.resolutionSeconds);
        for (const usecases::MetricsPoint &point : series.points)
            toPb(point, response->add_samples());
    });
}

::grpc::ServerWriteReactor<v1::MetricsSample> *
MetricsGrpcService::StreamMetrics(::grpc::CallbackServerContext *context,
                                  const v1::StreamMetricsRequest *request)
{
    return new MetricsReactor(*context, *request, m_auth, m_recorder);
}

} // namespace vitrine::adapters::grpc
