#include "client/metrics_stream.h"

#include "client/pb_conversion.h"
#include "vitrine/v1/metrics.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <utility>

namespace vitrine::desktop {

MetricsStream::MetricsStream(ConnectionSettings settings, QString application, QDateTime since,
                             QObject *parent)
    : ServerStream(std::move(settings), parent)
    , m_application(std::move(application))
    , m_since(std::move(since))
{
    qRegisterMetaType<MetricsSample>();
}

MetricsStream::~MetricsStream()
{
    stop();
}

ServerStream::CallEnd MetricsStream::readCall(grpc::ClientContext &context,
                                              const std::shared_ptr<grpc::Channel> &channel)
{
    v1::StreamMetricsRequest request;
    request.set_application(m_application.toStdString());
    if (m_since.isValid())
        *request.mutable_since() = toTimestamp(m_since);

    const std::unique_ptr<grpc::ClientReader<v1::MetricsSample>> reader =
        v1::MetricsService::NewStub(channel)->StreamMetrics(&context, request);
    v1::MetricsSample received;
    const grpc::Status status = readToEnd(*reader, received, channel, [&] {
        const MetricsSample sample = toMetricsSample(received);
        addToBatch([&] { m_pending.append(sample); });
        m_since = sample.time;
    });
    // The server ends the stream cleanly only when the application was deleted.
    if (status.ok())
        return {.next = CallEnd::Next::Finish, .failure = {}};
    return endOf(status);
}

void MetricsStream::emitBatch()
{
    const QList<MetricsSample> batch = takeBatch(m_pending);
    if (!batch.isEmpty())
        emit samplesReceived(batch);
}

} // namespace vitrine::desktop
