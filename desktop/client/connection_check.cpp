#include "client/connection_check.h"

#include "client/connection_channel.h"
#include "client/in_flight_call.h"
#include "vitrine/v1/system.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QMetaObject>

#include <chrono>
#include <optional>
#include <utility>

namespace vitrine::desktop {

namespace {

struct CheckResult {
    std::optional<ServerInfo> info;
    QString error;
};

// Blocks for up to one call timeout: run it on a worker thread only.
CheckResult checkConnection(const ConnectionSettings &settings, InFlightCall &inFlight)
{
    if (settings.token.isEmpty())
        return {.info = std::nullopt, .error = ConnectionCheck::tr("No token: paste your API token first.")};

    QString error;
    const std::shared_ptr<grpc::Channel> channel = openChannel(settings, &error);
    if (!channel)
        return {.info = std::nullopt, .error = error};

    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + settings.token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + settings.callTimeout);
    const auto stub = ::vitrine::v1::SystemService::NewStub(channel);
    ::vitrine::v1::SystemInfo reply;
    const grpc::Status status = inFlight.run(context, [&] {
        return stub->GetSystemInfo(&context, ::vitrine::v1::GetSystemInfoRequest(), &reply);
    });
    if (!status.ok())
        return {.info = std::nullopt, .error = describeCallFailure(status, settings)};
    return {.info = ServerInfo{.version = QString::fromStdString(reply.version()),
                               .database = QString::fromStdString(reply.database()),
                               .userName = QString::fromStdString(reply.caller().name()),
                               .userIsAdmin = reply.caller().role() == ::vitrine::v1::ROLE_ADMIN},
            .error = {}};
}

} // namespace

ConnectionCheck::ConnectionCheck(QObject *parent)
    : QObject(parent)
    , m_inFlight(std::make_unique<InFlightCall>())
{
    // One worker: a later check never overtakes an earlier one.
    m_workers.setMaxThreadCount(1);
}

ConnectionCheck::~ConnectionCheck()
{
    m_workers.clear();
    m_inFlight->cancel();
    m_workers.waitForDone();
}

void ConnectionCheck::start(const ConnectionSettings &settings)
{
    m_workers.start([this, settings] {
        CheckResult result = checkConnection(settings, *m_inFlight);
        // Back on this object's thread; the destructor waits for this worker, so `this` is still alive
        // here, and an invocation still queued when the check goes is dropped with it.
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result)] {
                if (result.info)
                    emit succeeded(*result.info);
                else
                    emit failed(result.error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace vitrine::desktop
