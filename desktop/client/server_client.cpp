#include "client/server_client.h"

#include "client/connection_channel.h"
#include "client/in_flight_call.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/system.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QDateTime>
#include <QMetaObject>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

// The server caps a page at this size; asking for the most keeps the round trips few.
constexpr int kPageSize = 1000;

struct RefreshResult {
    std::optional<ServerInfo> serverInfo;
    std::optional<QList<ApplicationSummary>> applications;
    QString error; // set when a step failed; the steps before it still report what they got
};

void prepare(grpc::ClientContext &context, const ConnectionSettings &settings)
{
    context.AddMetadata("authorization", "Bearer " + settings.token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + settings.callTimeout);
}

// Spelled as vitrinectl's --type.
QString buildTypeName(pb::BuildType type)
{
    switch (type) {
    case pb::BUILD_TYPE_STATIC:
        return QStringLiteral("static");
    case pb::BUILD_TYPE_STATIC_CMD:
        return QStringLiteral("static-cmd");
    case pb::BUILD_TYPE_STATIC_DOCKERFILE:
        return QStringLiteral("static-dockerfile");
    case pb::BUILD_TYPE_RUNTIME_CMD:
        return QStringLiteral("runtime-cmd");
    case pb::BUILD_TYPE_RUNTIME_DOCKERFILE:
        return QStringLiteral("runtime-dockerfile");
    case pb::BUILD_TYPE_AUTO:
        return QStringLiteral("auto");
    default:
        return {};
    }
}

QString websiteText(const pb::Website &website)
{
    const QString fqdn = QString::fromStdString(website.fqdn());
    const QString prefix = QString::fromStdString(website.path_prefix());
    return prefix.isEmpty() || prefix == QLatin1String("/") ? fqdn : fqdn + prefix;
}

ApplicationSummary toSummary(const pb::Application &application)
{
    ApplicationSummary summary;
    summary.name = QString::fromStdString(application.name());
    summary.repository = QString::fromStdString(application.repository_name());
    summary.ref = QString::fromStdString(application.ref());
    summary.buildType = buildTypeName(application.build().type());
    for (const pb::Website &website : application.websites())
        summary.websites.append(websiteText(website));
    for (const std::string &owner : application.owners())
        summary.owners.append(QString::fromStdString(owner));
    summary.id = QString::fromStdString(application.id());
    switch (application.deploy_type()) {
    case pb::DEPLOY_TYPE_STATIC:
        summary.deployType = DeployType::Static;
        break;
    case pb::DEPLOY_TYPE_RUNTIME:
        summary.deployType = DeployType::Runtime;
        break;
    default:
        break;
    }
    summary.running = application.running();
    summary.runtimeState = QString::fromStdString(application.runtime_state());
    summary.restartCount = application.restart_count();
    summary.currentBuildId = QString::fromStdString(application.current_build_id());
    summary.stoppedReason = QString::fromStdString(application.stopped_reason());
    if (application.has_updated_at())
        summary.lastChange = QDateTime::fromMSecsSinceEpoch(application.updated_at().seconds() * 1000 +
                                                                application.updated_at().nanos() / 1'000'000,
                                                            Qt::UTC);
    return summary;
}

ServerInfo toServerInfo(const pb::SystemInfo &info)
{
    return ServerInfo{
        .version = QString::fromStdString(info.version()),
        .database = QString::fromStdString(info.database()),
        .userName = QString::fromStdString(info.caller().name()),
        .userIsAdmin = info.caller().role() == pb::ROLE_ADMIN,
    };
}

// Blocks for up to one call timeout per call: run it on a worker thread only.
RefreshResult fetchOverview(const ConnectionSettings &settings, const std::shared_ptr<grpc::Channel> &channel,
                            const QString &channelError, InFlightCall &inFlight)
{
    RefreshResult result;
    if (settings.token.isEmpty()) {
        result.error = ServerClient::tr("No token: set VITRINE_TOKEN or start with --token.");
        return result;
    }
    if (!channel) {
        result.error = channelError;
        return result;
    }

    const auto system = pb::SystemService::NewStub(channel);
    {
        grpc::ClientContext context;
        prepare(context, settings);
        pb::SystemInfo reply;
        const grpc::Status status = inFlight.run(
            context, [&] { return system->GetSystemInfo(&context, pb::GetSystemInfoRequest(), &reply); });
        if (!status.ok()) {
            result.error = describeCallFailure(status, settings);
            return result;
        }
        result.serverInfo = toServerInfo(reply);
    }

    const auto applications = pb::ApplicationService::NewStub(channel);
    QList<ApplicationSummary> summaries;
    std::string pageToken;
    do {
        pb::ListApplicationsRequest request;
        request.mutable_page()->set_page_size(kPageSize);
        request.mutable_page()->set_page_token(pageToken);
        grpc::ClientContext context;
        prepare(context, settings);
        pb::ListApplicationsResponse reply;
        const grpc::Status status =
            inFlight.run(context, [&] { return applications->ListApplications(&context, request, &reply); });
        if (!status.ok()) {
            result.error = describeCallFailure(status, settings);
            return result;
        }
        for (const pb::Application &application : reply.applications())
            summaries.append(toSummary(application));
        pageToken = reply.next_page_token();
    } while (!pageToken.empty());
    result.applications = std::move(summaries);
    return result;
}

} // namespace

ServerClient::ServerClient(ConnectionSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_inFlight(std::make_unique<InFlightCall>())
{
    // One worker: a later refresh never overtakes an earlier one.
    m_workers.setMaxThreadCount(1);
}

ServerClient::~ServerClient()
{
    m_workers.clear();
    m_inFlight->cancel();
    m_workers.waitForDone();
}

void ServerClient::refresh()
{
    m_workers.start([this] {
        if (!m_channel && m_channelError.isEmpty())
            m_channel = openChannel(m_settings, &m_channelError);
        RefreshResult result = fetchOverview(m_settings, m_channel, m_channelError, *m_inFlight);
        // Back on the client's thread; the destructor waits for this worker, so `this` is still alive here,
        // and an invocation still queued when the client goes is dropped with it.
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result)] {
                if (result.serverInfo)
                    emit serverInfoReceived(*result.serverInfo);
                if (result.applications)
                    emit applicationsReceived(*result.applications);
                if (!result.error.isEmpty())
                    emit refreshFailed(result.error);
                emit refreshFinished();
            },
            Qt::QueuedConnection);
    });
}

} // namespace vitrine::desktop
