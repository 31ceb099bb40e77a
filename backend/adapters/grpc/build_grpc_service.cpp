#include "adapters/grpc/build_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "adapters/grpc/polling_write_reactor.h"

#include <memory>

namespace vitrine::adapters::grpc {

namespace {

void toPb(const usecases::BuildView &view, v1::Build *out)
{
    grpc::toPb(view.build, out);
    out->set_queue_position(view.queuePosition);
}

QList<domain::BuildState> statesOf(const v1::ListBuildsRequest &request)
{
    QList<domain::BuildState> states;
    for (int i = 0; i < request.states_size(); ++i) {
        const QString field = QStringLiteral("states[%1]").arg(i);
        const std::optional<domain::BuildState> state = fromPb(field, v1::BuildState(request.states(i)));
        if (!state)
            throw domain::Error::badRequest(field, QStringLiteral("must name a build state"));
        states.append(*state);
    }
    return states;
}

// One StreamBuildLog call: the build's log lines after after_seq, then the finished build (or the news that
// the watcher fell behind), then OK.
class BuildLogReactor final : public PollingWriteReactor<v1::BuildLogEvent> {
public:
    BuildLogReactor(const ::grpc::CallbackServerContext &context, const v1::StreamBuildLogRequest &request,
                    usecases::AuthService &auth, usecases::BuildService &builds)
        : PollingWriteReactor("vitrine.v1.BuildService/StreamBuildLog")
        , m_builds(builds)
        , m_buildId(toQString(request.build_id()))
    {
        try {
            m_caller = authenticateCall(context, auth);
            m_subscription = m_builds.watchLog(m_caller, m_buildId, request.after_seq(), [this] { wake(); });
        } catch (...) {
            finishAtOnce(std::current_exception());
            return;
        }
        begin();
    }

private:
    std::optional<::grpc::Status> poll(std::deque<v1::BuildLogEvent> &messages) override
    {
        const usecases::BuildLogBatch batch = m_subscription->poll();
        for (const domain::LogLine &line : batch.lines)
            grpc::toPb(line, messages.emplace_back().mutable_line());
        if (!batch.end)
            return std::nullopt;

        if (batch.end->reason == usecases::BuildLogEnd::Reason::FellBehind) {
            messages.emplace_back().mutable_fell_behind()->set_last_sent_seq(batch.end->lastSeq);
            return ::grpc::Status::OK;
        }
        usecases::BuildView finished = m_builds.get(m_caller, m_buildId);
        // The log's end is the word on how the build ended, should the store still lag behind it.
        finished.build.state = batch.end->finalState;
        finished.queuePosition = 0;
        toPb(finished, messages.emplace_back().mutable_final());
        return ::grpc::Status::OK;
    }

    void leave() override
    {
        if (m_subscription)
            m_subscription->cancel();
    }

    usecases::BuildService &m_builds;
    const QString m_buildId;
    usecases::Caller m_caller;
    std::unique_ptr<usecases::BuildLogSubscription> m_subscription;
};

} // namespace

BuildGrpcService::BuildGrpcService(usecases::AuthService &auth, usecases::BuildService &builds)
    : m_auth(auth)
    , m_builds(builds)
{
}

::grpc::Status BuildGrpcService::ListBuilds(::grpc::ServerContext *context,
                                            const v1::ListBuildsRequest *request,
                                            v1::ListBuildsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::Page<usecases::BuildView> page = m_builds.list(
            caller, toQString(request->application()), statesOf(*request), fromPb(request->page()));
        for (const usecases::BuildView &view : page.items)
            toPb(view, response->add_builds());
        response->set_next_page_token(toStd(page.nextPageToken));
    });
}

::grpc::Status BuildGrpcService::GetBuild(::grpc::ServerContext *context, const v1::GetBuildRequest *request,
                                          v1::Build *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_builds.get(caller, toQString(request->build_id())), response);
    });
}

::grpc::Status BuildGrpcService::CancelBuild(::grpc::ServerContext *context,
                                             const v1::CancelBuildRequest *request, v1::Build *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_builds.cancel(caller, toQString(request->build_id())), response);
    });
}

::grpc::Status BuildGrpcService::RetryBuild(::grpc::ServerContext *context,
                                            const v1::RetryBuildRequest *request, v1::Build *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_builds.retry(caller, toQString(request->application())), response);
    });
}

::grpc::ServerWriteReactor<v1::BuildLogEvent> *
BuildGrpcService::StreamBuildLog(::grpc::CallbackServerContext *context,
                                 const v1::StreamBuildLogRequest *request)
{
    return new BuildLogReactor(*context, *request, m_auth, m_builds);
}

} // namespace vitrine::adapters::grpc
