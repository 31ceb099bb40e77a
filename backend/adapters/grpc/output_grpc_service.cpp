#include "adapters/grpc/output_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "adapters/grpc/polling_write_reactor.h"

#include <memory>

namespace vitrine::adapters::grpc {

namespace {

constexpr std::string_view kWhere = "vitrine.v1.OutputService/StreamOutput";

// Lines go out in responses of about this size at most, well below the 4 MiB a client accepts by default.
constexpr size_t kResponseBytes = 256 * 1024;

usecases::RuntimeLogStart startOf(const v1::StreamOutputRequest &request)
{
    if (request.has_after_seq()) {
        if (request.after_seq() < 0)
            throw domain::Error::badRequest(QStringLiteral("after_seq"),
                                            QStringLiteral("must not be negative"));
        return usecases::RuntimeLogStart::after(request.after_seq());
    }
    if (!request.has_tail())
        return usecases::RuntimeLogStart::tail(usecases::RuntimeLogHub::kDefaultTailLines);
    if (request.tail() < 0)
        throw domain::Error::badRequest(QStringLiteral("tail"), QStringLiteral("must not be negative"));
    return usecases::RuntimeLogStart::tail(request.tail());
}

// One StreamOutput call: the backlog, then (with follow) live lines, until the caller leaves, the watcher
// falls behind or the application is deleted.
class OutputReactor final : public PollingWriteReactor<v1::StreamOutputResponse> {
public:
    OutputReactor(const ::grpc::CallbackServerContext &context, const v1::StreamOutputRequest &request,
                  usecases::AuthService &auth, usecases::ApplicationService &applications,
                  usecases::RuntimeLogHub &logs)
        : PollingWriteReactor(kWhere)
        , m_applicationRef(toQString(request.application()))
    {
        try {
            const usecases::Caller caller = authenticateCall(context, auth);
            const usecases::RuntimeLogStart start = startOf(request);
            const domain::Application application = applications.get(caller, m_applicationRef);
            m_subscription = logs.subscribe(application.id, start, request.follow(), [this] { wake(); });
        } catch (...) {
            finishAtOnce(std::current_exception());
            return;
        }
        begin();
    }

private:
    std::optional<::grpc::Status> poll(std::deque<v1::StreamOutputResponse> &messages) override
    {
        const usecases::RuntimeLogBatch batch = m_subscription->poll();
        if (!batch.lines.isEmpty() || batch.droppedLines > 0) {
            v1::StreamOutputResponse *response = &messages.emplace_back();
            response->set_dropped_lines(batch.droppedLines);
            size_t bytes = 0;
            for (const domain::LogLine &line : batch.lines) {
                if (bytes >= kResponseBytes) {
                    response = &messages.emplace_back();
                    bytes = 0;
                }
                v1::LogLine *out = response->add_lines();
                toPb(line, out);
                bytes += out->ByteSizeLong();
            }
        }
        if (!batch.end)
            return std::nullopt;

        switch (batch.end->reason) {
        case usecases::RuntimeLogEnd::Reason::BacklogDone:
            return ::grpc::Status::OK;
        case usecases::RuntimeLogEnd::Reason::FellBehind:
            messages.emplace_back().mutable_fell_behind()->set_last_sent_seq(batch.end->lastSeq);
            return ::grpc::Status::OK;
        case usecases::RuntimeLogEnd::Reason::Removed:
            return toStatus(domain::Error::notFound(QStringLiteral("application"), m_applicationRef), kWhere);
        }
        return ::grpc::Status::OK;
    }

    void leave() override
    {
        if (m_subscription)
            m_subscription->cancel();
    }

    const QString m_applicationRef; // as the caller named it
    std::unique_ptr<usecases::RuntimeLogSubscription> m_subscription;
};

} // namespace

OutputGrpcService::OutputGrpcService(usecases::AuthService &auth, usecases::ApplicationService &applications,
                                     usecases::RuntimeLogHub &logs)
    : m_auth(auth)
    , m_applications(applications)
    , m_logs(logs)
{
}

::grpc::ServerWriteReactor<v1::StreamOutputResponse> *
OutputGrpcService::StreamOutput(::grpc::CallbackServerContext *context,
                                const v1::StreamOutputRequest *request)
{
    return new OutputReactor(*context, *request, m_auth, m_applications, m_logs);
}

} // namespace vitrine::adapters::grpc
