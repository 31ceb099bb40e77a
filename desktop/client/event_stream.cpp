#include "client/event_stream.h"

#include "client/pb_conversion.h"
#include "vitrine/v1/events.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <utility>

namespace vitrine::desktop {

namespace {

StreamedEvent::Type typeOf(v1::EventType type)
{
    switch (type) {
    case v1::EVENT_TYPE_BUILD_STATE_CHANGED:
        return StreamedEvent::Type::BuildStateChanged;
    case v1::EVENT_TYPE_APPLICATION_CHANGED:
        return StreamedEvent::Type::ApplicationChanged;
    case v1::EVENT_TYPE_APPLICATION_DELETED:
        return StreamedEvent::Type::ApplicationDeleted;
    case v1::EVENT_TYPE_APPLICATION_DEPLOYED:
        return StreamedEvent::Type::ApplicationDeployed;
    case v1::EVENT_TYPE_ALERT_OPENED:
        return StreamedEvent::Type::AlertOpened;
    case v1::EVENT_TYPE_APPLICATION_STATE_CHANGED:
        return StreamedEvent::Type::ApplicationStateChanged;
    default:
        return StreamedEvent::Type::Unknown;
    }
}

StreamedEvent toStreamedEvent(const v1::Event &event)
{
    StreamedEvent streamed;
    streamed.seq = event.seq();
    streamed.time = toDateTime(event.time());
    streamed.type = typeOf(event.type());
    streamed.applicationId = QString::fromStdString(event.application_id());
    streamed.applicationName = QString::fromStdString(event.application_name());
    streamed.buildId = QString::fromStdString(event.build_id());
    streamed.state = QString::fromStdString(event.state());
    streamed.message = QString::fromStdString(event.message());
    streamed.alertId = QString::fromStdString(event.alert_id());
    return streamed;
}

// The server ends a watcher whose resume point it no longer holds with ABORTED "fell behind: …".
bool fellBehind(const grpc::Status &status)
{
    return (status.error_code() == grpc::StatusCode::ABORTED ||
            status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) &&
           status.error_message().starts_with("fell behind");
}

} // namespace

EventStream::EventStream(ConnectionSettings settings, QString application, QObject *parent)
    : ServerStream(std::move(settings), parent)
    , m_application(std::move(application))
{
    qRegisterMetaType<StreamedEvent>();
}

EventStream::~EventStream()
{
    stop();
}

ServerStream::CallEnd EventStream::readCall(grpc::ClientContext &context,
                                            const std::shared_ptr<grpc::Channel> &channel)
{
    v1::WatchEventsRequest request;
    request.set_application(m_application.toStdString());
    if (m_lastSeq)
        request.set_after_seq(*m_lastSeq);
    else if (hasBeenLive())
        // Live only again, after a time when events may have come and gone unseen.
        postOnceLive([this] { emit reloadNeeded(); });

    const std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
        v1::EventService::NewStub(channel)->WatchEvents(&context, request);
    v1::Event event;
    const grpc::Status status = readToEnd(*reader, event, channel, [&] {
        addToBatch([&] { m_pending.append(toStreamedEvent(event)); });
        m_lastSeq = event.seq();
    });
    if (fellBehind(status)) {
        m_lastSeq.reset();
        return {.next = CallEnd::Next::RetryNow, .failure = {}};
    }
    return endOfReading(status, false, tr("The server ended the stream."));
}

void EventStream::emitBatch()
{
    const QList<StreamedEvent> batch = takeBatch(m_pending);
    if (!batch.isEmpty())
        emit eventsReceived(batch);
}

} // namespace vitrine::desktop
