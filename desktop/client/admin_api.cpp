#include "client/admin_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/alerts.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/system.grpc.pb.h"
#include "vitrine/v1/tokens.grpc.pb.h"
#include "vitrine/v1/users.grpc.pb.h"

#include <string>
#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

QString text(const std::string &value)
{
    return QString::fromStdString(value);
}

PlatformStatus toPlatformStatus(const pb::PlatformStatus &reply)
{
    PlatformStatus status;
    status.serverTime = toDateTime(reply.server_time());
    for (const pb::BuilderStatus &builder : reply.builders()) {
        BuilderStatus converted{.id = text(builder.id()),
                                .name = text(builder.name()),
                                .remote = builder.remote(),
                                .slotCount = builder.slot_count(),
                                .busySlots = builder.busy_slots()};
        for (const std::string &buildId : builder.build_ids())
            converted.buildIds.append(text(buildId));
        status.builders.append(std::move(converted));
    }
    status.queuedBuilds = reply.queued_builds();
    status.runningBuilds = reply.running_builds();
    const pb::BuildFigures &recent = reply.recent_builds();
    status.recentBuilds.windowSeconds = recent.window().seconds();
    status.recentBuilds.succeeded = recent.succeeded();
    status.recentBuilds.failed = recent.failed();
    status.recentBuilds.canceled = recent.canceled();
    if (recent.has_duration_p50())
        status.recentBuilds.durationP50Ms = toMilliseconds(recent.duration_p50());
    if (recent.has_duration_p90())
        status.recentBuilds.durationP90Ms = toMilliseconds(recent.duration_p90());
    status.staticApplications = reply.static_applications();
    status.runtimeApplications = reply.runtime_applications();
    for (const auto &[state, count] : reply.instances_by_state())
        status.instancesByState.insert(text(state), count);
    status.openAlerts = reply.open_alerts();
    const pb::DiskUse &disk = reply.disk();
    status.disk = {.artifactsBytes = disk.artifacts_bytes(),
                   .sitesBytes = disk.sites_bytes(),
                   .buildLogsBytes = disk.build_logs_bytes(),
                   .runtimeLogsBytes = disk.runtime_logs_bytes(),
                   .totalBytes = disk.total_bytes(),
                   .freeBytes = disk.free_bytes()};
    return status;
}

QueuedBuild toQueuedBuild(const pb::Build &build)
{
    return {.id = text(build.id()),
            .applicationName = text(build.application_name()),
            .commit = text(build.commit()),
            .state = toBuildState(build.state()),
            .queuePosition = build.queue_position(),
            .queuedAt = toDateTime(build.has_queued_at(), build.queued_at()),
            .startedAt = toDateTime(build.has_started_at(), build.started_at())};
}

Alert toAlert(const pb::Alert &alert)
{
    return {.id = text(alert.id()),
            .applicationName = text(alert.application_name()),
            .kind = text(alert.kind()),
            .message = text(alert.message()),
            .openedAt = toDateTime(alert.has_opened_at(), alert.opened_at()),
            .acknowledgedAt = toDateTime(alert.has_acknowledged_at(), alert.acknowledged_at()),
            .acknowledgedBy = text(alert.acknowledged_by()),
            .applicationId = text(alert.application_id()),
            .buildId = text(alert.build_id())};
}

UserAccount toUserAccount(const pb::User &user)
{
    return {.id = text(user.id()),
            .name = text(user.name()),
            .admin = user.role() == pb::ROLE_ADMIN,
            .createdAt = toDateTime(user.has_created_at(), user.created_at())};
}

ApiToken toApiToken(const pb::Token &token)
{
    return {.id = text(token.id()),
            .userName = text(token.user_name()),
            .description = text(token.description()),
            .createdAt = toDateTime(token.has_created_at(), token.created_at()),
            .expiresAt = toDateTime(token.has_expires_at(), token.expires_at()),
            .revokedAt = toDateTime(token.has_revoked_at(), token.revoked_at()),
            .lastUsedAt = toDateTime(token.has_last_used_at(), token.last_used_at())};
}

} // namespace

void fetchPlatformStatus(ApiClient &client, QObject *receiver, ResultHandler<PlatformStatus> done)
{
    runCall(client, receiver, &pb::SystemService::Stub::GetPlatformStatus, pb::GetPlatformStatusRequest(),
            toPlatformStatus, std::move(done));
}

void listQueuedBuilds(ApiClient &client, QObject *receiver, ResultHandler<QList<QueuedBuild>> done)
{
    pb::ListBuildsRequest request;
    request.add_states(pb::BUILD_STATE_QUEUED);
    request.add_states(pb::BUILD_STATE_BUILDING);
    listAllPages(
        client, receiver, &pb::BuildService::Stub::ListBuilds, std::move(request),
        [](const pb::ListBuildsResponse &reply) -> const auto & { return reply.builds(); }, toQueuedBuild,
        std::move(done));
}

void listAlerts(ApiClient &client, QObject *receiver, bool includeAcknowledged,
                ResultHandler<QList<Alert>> done)
{
    pb::ListAlertsRequest request;
    request.set_include_acknowledged(includeAcknowledged);
    listAllPages(
        client, receiver, &pb::AlertService::Stub::ListAlerts, std::move(request),
        [](const pb::ListAlertsResponse &reply) -> const auto & { return reply.alerts(); }, toAlert,
        std::move(done));
}

void acknowledgeAlert(ApiClient &client, QObject *receiver, const QString &alertId, ResultHandler<Alert> done)
{
    pb::AcknowledgeAlertRequest request;
    request.set_alert_id(alertId.toStdString());
    runCall(client, receiver, &pb::AlertService::Stub::AcknowledgeAlert, std::move(request), toAlert,
            std::move(done));
}

void listUsers(ApiClient &client, QObject *receiver, ResultHandler<QList<UserAccount>> done)
{
    listAllPages(
        client, receiver, &pb::UserService::Stub::ListUsers, pb::ListUsersRequest(),
        [](const pb::ListUsersResponse &reply) -> const auto & { return reply.users(); }, toUserAccount,
        std::move(done));
}

void createUser(ApiClient &client, QObject *receiver, const QString &name, bool admin,
                ResultHandler<UserAccount> done)
{
    pb::CreateUserRequest request;
    request.set_name(name.toStdString());
    request.set_role(admin ? pb::ROLE_ADMIN : pb::ROLE_MEMBER);
    runCall(client, receiver, &pb::UserService::Stub::CreateUser, std::move(request), toUserAccount,
            std::move(done));
}

void deleteUser(ApiClient &client, QObject *receiver, const QString &user, ResultHandler<Done> done)
{
    pb::DeleteUserRequest request;
    request.set_user(user.toStdString());
    runCall(client, receiver, &pb::UserService::Stub::DeleteUser, std::move(request), toDone,
            std::move(done));
}

void listTokens(ApiClient &client, QObject *receiver, const QString &user, bool includeInactive,
                ResultHandler<QList<ApiToken>> done)
{
    pb::ListTokensRequest request;
    request.set_user(user.toStdString());
    request.set_include_inactive(includeInactive);
    runCall(
        client, receiver, &pb::TokenService::Stub::ListTokens, std::move(request),
        [](const pb::ListTokensResponse &reply) {
            QList<ApiToken> converted;
            for (const pb::Token &token : reply.tokens())
                converted.append(toApiToken(token));
            return converted;
        },
        std::move(done));
}

void createToken(ApiClient &client, QObject *receiver, const QString &user, const QString &description,
                 std::optional<QDateTime> expiresAt, ResultHandler<CreatedToken> done)
{
    pb::CreateTokenRequest request;
    request.set_user(user.toStdString());
    request.set_description(description.toStdString());
    if (expiresAt)
        *request.mutable_expires_at() = toTimestamp(*expiresAt);
    runCall(
        client, receiver, &pb::TokenService::Stub::CreateToken, std::move(request),
        [](const pb::CreateTokenResponse &reply) {
            return CreatedToken{.token = toApiToken(reply.token()), .secret = text(reply.secret())};
        },
        std::move(done));
}

void revokeToken(ApiClient &client, QObject *receiver, const QString &tokenId, ResultHandler<ApiToken> done)
{
    pb::RevokeTokenRequest request;
    request.set_id(tokenId.toStdString());
    runCall(client, receiver, &pb::TokenService::Stub::RevokeToken, std::move(request), toApiToken,
            std::move(done));
}

} // namespace vitrine::desktop
