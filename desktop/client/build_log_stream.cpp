#include "client/build_log_stream.h"

#include "client/pb_conversion.h"
#include "vitrine/v1/builds.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <optional>
#include <utility>

namespace vitrine::desktop {

namespace {

// Spelled as in WatchEvents' build events.
QString stateName(v1::BuildState state)
{
    switch (state) {
    case v1::BUILD_STATE_QUEUED:
        return QStringLiteral("queued");
    case v1::BUILD_STATE_BUILDING:
        return QStringLiteral("building");
    case v1::BUILD_STATE_SUCCEEDED:
        return QStringLiteral("succeeded");
    case v1::BUILD_STATE_FAILED:
        return QStringLiteral("failed");
    case v1::BUILD_STATE_CANCELED:
        return QStringLiteral("canceled");
    default:
        return {};
    }
}

} // namespace

BuildLogStream::BuildLogStream(ConnectionSettings settings, QString buildId, QObject *parent)
    : ServerStream(std::move(settings), parent)
    , m_buildId(std::move(buildId))
{
}

BuildLogStream::~BuildLogStream()
{
    stop();
}

ServerStream::CallEnd BuildLogStream::readCall(grpc::ClientContext &context,
                                               const std::shared_ptr<grpc::Channel> &channel)
{
    v1::StreamBuildLogRequest request;
    request.set_build_id(m_buildId.toStdString());
    request.set_after_seq(m_lastSeq);

    const std::unique_ptr<grpc::ClientReader<v1::BuildLogEvent>> reader =
        v1::BuildService::NewStub(channel)->StreamBuildLog(&context, request);
    std::optional<v1::Build> final;
    bool fellBehind = false;
    v1::BuildLogEvent event;
    const grpc::Status status = readToEnd(*reader, event, channel, [&] {
        switch (event.event_case()) {
        case v1::BuildLogEvent::kLine:
            addToBatch([&] { m_pending.append(toStreamedLogLine(event.line())); });
            m_lastSeq = event.line().seq();
            break;
        case v1::BuildLogEvent::kFinal:
            final = event.final();
            break;
        case v1::BuildLogEvent::kFellBehind:
            fellBehind = true;
            break;
        case v1::BuildLogEvent::EVENT_NOT_SET:
            break;
        }
    });
    if (final) {
        postAfterBatch(
            [this, state = stateName(final->state()),
             reason = QString::fromStdString(final->failure_reason())] { emit finished(state, reason); });
        return {.next = CallEnd::Next::Finish, .failure = {}};
    }
    return endOfReading(status, fellBehind, tr("The server ended the log before the build's end."));
}

void BuildLogStream::emitBatch()
{
    const QList<StreamedLogLine> batch = takeBatch(m_pending);
    if (!batch.isEmpty())
        emit linesReceived(batch);
}

} // namespace vitrine::desktop
