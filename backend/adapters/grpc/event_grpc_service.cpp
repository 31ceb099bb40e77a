#include "adapters/grpc/event_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "adapters/grpc/polling_write_reactor.h"

#include <memory>

namespace vitrine::adapters::grpc {

namespace {

// One WatchEvents call: the events the caller may see, until the client leaves. A watcher that fell behind
// is ended with ABORTED, naming the seq to reload after.
class EventReactor final : public PollingWriteReactor<v1::Event> {
public:
    EventReactor(const ::grpc::CallbackServerContext &context, const v1::WatchEventsRequest &request,
                 usecases::AuthService &auth, usecases::BuildService &builds)
        : PollingWriteReactor("vitrine.v1.EventService/WatchEvents")
    {
        try {
            const usecases::Caller caller = authenticateCall(context, auth);
            const std::optional<qint64> afterSeq =
                request.has_after_seq() ? std::optional(request.after_seq()) : std::nullopt;
            m_subscription =
                builds.watchEvents(caller, toQString(request.application()), afterSeq, [this] { wake(); });
        } catch (...) {
            finishAtOnce(std::current_exception());
            return;
        }
        begin();
    }

private:
    std::optional<::grpc::Status> poll(std::deque<v1::Event> &messages) override
    {
        const usecases::EventBatch batch = m_subscription->poll();
        for (const domain::Event &event : batch.events)
            toPb(event, &messages.emplace_back());
        if (!batch.fellBehindAfter)
            return std::nullopt;
        return ::grpc::Status(::grpc::StatusCode::ABORTED,
                              QStringLiteral("fell behind: the events after seq %1 are no longer kept; "
                                             "reload what you show and watch again")
                                  .arg(*batch.fellBehindAfter)
                                  .toStdString());
    }

    void leave() override
    {
        if (m_subscription)
            m_subscription->cancel();
    }

    std::unique_ptr<usecases::EventSubscription> m_subscription;
};

} // namespace

EventGrpcService::EventGrpcService(usecases::AuthService &auth, usecases::BuildService &builds)
    : m_auth(auth)
    , m_builds(builds)
{
}

::grpc::ServerWriteReactor<v1::Event> *EventGrpcService::WatchEvents(::grpc::CallbackServerContext *context,
                                                                     const v1::WatchEventsRequest *request)
{
    return new EventReactor(*context, *request, m_auth, m_builds);
}

} // namespace vitrine::adapters::grpc
