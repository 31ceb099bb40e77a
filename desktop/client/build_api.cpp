#include "client/build_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/builds.grpc.pb.h"

#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

BuildSummary toBuildSummary(const pb::Build &build)
{
    BuildSummary summary;
    summary.id = QString::fromStdString(build.id());
    summary.commit = QString::fromStdString(build.commit());
    summary.state = toBuildState(build.state());
    summary.queuePosition = build.queue_position();
    summary.failureReason = QString::fromStdString(build.failure_reason());
    summary.queuedAt = toDateTime(build.has_queued_at(), build.queued_at());
    summary.startedAt = toDateTime(build.has_started_at(), build.started_at());
    summary.finishedAt = toDateTime(build.has_finished_at(), build.finished_at());
    summary.deployType = toDeployType(build.deploy_type());
    return summary;
}

QList<BuildSummary> toBuildSummaries(const pb::ListBuildsResponse &reply)
{
    QList<BuildSummary> summaries;
    summaries.reserve(reply.builds_size());
    for (const pb::Build &build : reply.builds())
        summaries.append(toBuildSummary(build));
    return summaries;
}

} // namespace

void listBuilds(ApiClient &client, QObject *receiver, const QString &application,
                ResultHandler<QList<BuildSummary>> done)
{
    pb::ListBuildsRequest request;
    request.set_application(application.toStdString());
    request.mutable_page()->set_page_size(kListedBuildCount);
    runCall(client, receiver, &pb::BuildService::Stub::ListBuilds, std::move(request), toBuildSummaries,
            std::move(done));
}

void cancelBuild(ApiClient &client, QObject *receiver, const QString &buildId,
                 ResultHandler<BuildSummary> done)
{
    pb::CancelBuildRequest request;
    request.set_build_id(buildId.toStdString());
    runCall(client, receiver, &pb::BuildService::Stub::CancelBuild, std::move(request), toBuildSummary,
            std::move(done));
}

void retryBuild(ApiClient &client, QObject *receiver, const QString &application,
                ResultHandler<BuildSummary> done)
{
    pb::RetryBuildRequest request;
    request.set_application(application.toStdString());
    runCall(client, receiver, &pb::BuildService::Stub::RetryBuild, std::move(request), toBuildSummary,
            std::move(done));
}

} // namespace vitrine::desktop
