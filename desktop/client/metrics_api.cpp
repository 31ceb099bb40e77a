#include "client/metrics_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/metrics.grpc.pb.h"

#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

MetricsSeries toMetricsSeries(const pb::QueryMetricsResponse &reply)
{
    MetricsSeries series;
    series.resolutionSeconds = reply.resolution_seconds();
    series.samples.reserve(reply.samples_size());
    for (const pb::MetricsSample &sample : reply.samples())
        series.samples.append(toMetricsSample(sample));
    return series;
}

} // namespace

void queryMetrics(ApiClient &client, QObject *receiver, const QString &application, const QDateTime &from,
                  const QDateTime &to, ResultHandler<MetricsSeries> done)
{
    pb::QueryMetricsRequest request;
    request.set_application(application.toStdString());
    if (from.isValid())
        *request.mutable_from() = toTimestamp(from);
    if (to.isValid())
        *request.mutable_to() = toTimestamp(to);
    runCall(client, receiver, &pb::MetricsService::Stub::QueryMetrics, std::move(request), toMetricsSeries,
            std::move(done));
}

} // namespace vitrine::desktop
