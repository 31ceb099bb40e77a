#include "adapters/grpc/system_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

#include <utility>

namespace vitrine::adapters::grpc {

namespace {

google::protobuf::Duration toDuration(qint64 milliseconds)
{
    google::protobuf::Duration duration;
    duration.set_seconds(milliseconds / 1000);
    duration.set_nanos(static_cast<int>(milliseconds % 1000) * 1'000'000);
    return duration;
}

} // namespace

SystemGrpcService::SystemGrpcService(usecases::AuthService &auth, SystemFacts facts)
    : m_auth(auth)
    , m_facts(std::move(facts))
{
}

::grpc::Status SystemGrpcService::GetSystemInfo(::grpc::ServerContext *context,
                                                const v1::GetSystemInfoRequest * /*request*/,
                                                v1::SystemInfo *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        response->set_version(toStd(m_facts.version));
        *response->mutable_server_time() = toTimestamp(QDateTime::currentDateTimeUtc());
        *response->mutable_started_at() = toTimestamp(m_facts.startedAt);
        response->set_database(toStd(m_facts.database));
        response->set_allow_local_repos(m_facts.allowLocalRepos);
        toPb(caller.user, response->mutable_caller());
        response->set_webhook_base_url(toStd(m_facts.webhookBaseUrl));
        response->set_site_scheme(toStd(m_facts.siteScheme));
        response->set_site_port(m_facts.sitePort);
    });
}

void SystemGrpcService::servePlatformStatus(usecases::PlatformStatusService &status)
{
    m_platformStatus = &status;
}

::grpc::Status SystemGrpcService::GetPlatformStatus(::grpc::ServerContext *context,
                                                    const v1::GetPlatformStatusRequest * /*request*/,
                                                    v1::PlatformStatus *response)
{
    if (!m_platformStatus)
        return {::grpc::StatusCode::UNIMPLEMENTED, "this server does not report its platform status"};
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::PlatformStatus status = m_platformStatus->status(caller);
        *response->mutable_server_time() = toTimestamp(status.serverTime);
        for (const usecases::BuilderStatus &builder : status.builders) {
            v1::BuilderStatus *out = response->add_builders();
            out->set_id(toStd(builder.id));
            out->set_name(toStd(builder.name));
            out->set_remote(builder.remote);
            out->set_slot_count(builder.slotCount);
            out->set_busy_slots(builder.busySlots());
            for (const QString &buildId : builder.buildIds)
                out->add_build_ids(toStd(buildId));
        }
        response->set_queued_builds(status.queuedBuilds);
        response->set_running_builds(status.runningBuilds);

        v1::BuildFigures *recent = response->mutable_recent_builds();
        recent->mutable_window()->set_seconds(status.recentWindow.count());
        recent->set_succeeded(status.recentBuilds.succeeded);
        recent->set_failed(status.recentBuilds.failed);
        recent->set_canceled(status.recentBuilds.canceled);
        if (status.recentBuilds.durationP50Ms)
            *recent->mutable_duration_p50() = toDuration(*status.recentBuilds.durationP50Ms);
        if (status.recentBuilds.durationP90Ms)
            *recent->mutable_duration_p90() = toDuration(*status.recentBuilds.durationP90Ms);

        response->set_static_applications(status.staticApplications);
        response->set_runtime_applications(status.runtimeApplications);
        for (auto it = status.instancesByState.cbegin(); it != status.instancesByState.cend(); ++it)
            (*response->mutable_instances_by_state())[toStd(domain::instanceStateName(it.key()))] =
                it.value();
        response->set_open_alerts(status.openAlerts);

        v1::DiskUse *disk = response->mutable_disk();
        disk->set_artifacts_bytes(status.disk.artifactsBytes);
        disk->set_sites_bytes(status.disk.sitesBytes);
        disk->set_build_logs_bytes(status.disk.buildLogsBytes);
        disk->set_runtime_logs_bytes(status.disk.runtimeLogsBytes);
        disk->set_total_bytes(status.disk.totalBytes);
        disk->set_free_bytes(status.disk.freeBytes);
    });
}

} // namespace vitrine::adapters::grpc
