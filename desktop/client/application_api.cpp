#include "client/application_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/applications.grpc.pb.h"

#include <string>
#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

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
    summary.deployType = toDeployType(application.deploy_type());
    summary.running = application.running();
    summary.runtimeState = QString::fromStdString(application.runtime_state());
    summary.restartCount = application.restart_count();
    summary.currentBuildId = QString::fromStdString(application.current_build_id());
    summary.stoppedReason = QString::fromStdString(application.stopped_reason());
    summary.latestBuildId = QString::fromStdString(application.latest_build_id());
    summary.latestBuildState = buildStateFromName(QString::fromStdString(application.latest_build_state()));
    summary.latestBuildMessage = QString::fromStdString(application.latest_build_failure_reason());
    summary.lastChange = toDateTime(application.has_updated_at(), application.updated_at());
    return summary;
}

ApplicationDetails toDetails(const pb::Application &application)
{
    ApplicationDetails details;
    details.summary = toSummary(application);
    for (const pb::Website &website : application.websites()) {
        const QString prefix = QString::fromStdString(website.path_prefix());
        details.websites.append({QString::fromStdString(website.fqdn()),
                                 prefix.isEmpty() ? QStringLiteral("/") : prefix, website.strip_prefix()});
    }
    details.currentCommit = QString::fromStdString(application.current_commit());
    details.pinnedBuildId = QString::fromStdString(application.pinned_build_id());
    details.envVarCount = application.env_var_count();
    details.memoryLimitMb = static_cast<int>(application.memory_limit_mb());
    details.cpuMillicores = static_cast<int>(application.cpu_millicores());
    details.autoSleepSeconds = static_cast<int>(application.auto_sleep_seconds());
    return details;
}

pb::ApplicationActionRequest actionOn(const QString &application)
{
    pb::ApplicationActionRequest request;
    request.set_application(application.toStdString());
    return request;
}

} // namespace

void listApplications(ApiClient &client, QObject *receiver, ResultHandler<QList<ApplicationSummary>> done)
{
    listAllPages(
        client, receiver, &pb::ApplicationService::Stub::ListApplications, pb::ListApplicationsRequest(),
        [](const pb::ListApplicationsResponse &reply) -> const auto & { return reply.applications(); },
        toSummary, std::move(done));
}

void getApplication(ApiClient &client, QObject *receiver, const QString &application,
                    ResultHandler<ApplicationDetails> done)
{
    pb::GetApplicationRequest request;
    request.set_application(application.toStdString());
    runCall(client, receiver, &pb::ApplicationService::Stub::GetApplication, std::move(request), toDetails,
            std::move(done));
}

void startApplication(ApiClient &client, QObject *receiver, const QString &application,
                      ResultHandler<ApplicationDetails> done)
{
    runCall(client, receiver, &pb::ApplicationService::Stub::StartApplication, actionOn(application),
            toDetails, std::move(done));
}

void stopApplication(ApiClient &client, QObject *receiver, const QString &application,
                     ResultHandler<ApplicationDetails> done)
{
    runCall(client, receiver, &pb::ApplicationService::Stub::StopApplication, actionOn(application),
            toDetails, std::move(done));
}

void restartApplication(ApiClient &client, QObject *receiver, const QString &application,
                        ResultHandler<ApplicationDetails> done)
{
    runCall(client, receiver, &pb::ApplicationService::Stub::RestartApplication, actionOn(application),
            toDetails, std::move(done));
}

void rollbackApplication(ApiClient &client, QObject *receiver, const QString &application,
                         const QString &buildId, ResultHandler<ApplicationDetails> done)
{
    pb::RollbackApplicationRequest request;
    request.set_application(application.toStdString());
    request.set_build_id(buildId.toStdString());
    runCall(client, receiver, &pb::ApplicationService::Stub::RollbackApplication, std::move(request),
            toDetails, std::move(done));
}

void deleteApplication(ApiClient &client, QObject *receiver, const QString &application,
                       ResultHandler<Done> done)
{
    pb::DeleteApplicationRequest request;
    request.set_application(application.toStdString());
    runCall(client, receiver, &pb::ApplicationService::Stub::DeleteApplication, std::move(request), toDone,
            std::move(done));
}

} // namespace vitrine::desktop
