#include "adapters/grpc/pb_conversion.h"

#include "domain/error.h"
#include "domain/validation.h"

#include <QTimeZone>

#include <limits>

namespace vitrine::adapters::grpc {

namespace {

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z.
constexpr qint64 kMinTimestampSeconds = -62135596800;
constexpr qint64 kMaxTimestampSeconds = 253402300799;
constexpr qint32 kNanosPerMilli = 1000000;

domain::Error unknownEnumValue(const QString &field, int value)
{
    return domain::Error::badRequest(field, QStringLiteral("unknown value %1").arg(value));
}

} // namespace

QStringList toQStringList(const Repeated<std::string> &texts)
{
    QStringList list;
    list.reserve(texts.size());
    for (const std::string &text : texts)
        list.append(toQString(text));
    return list;
}

google::protobuf::Timestamp toTimestamp(const QDateTime &time)
{
    google::protobuf::Timestamp timestamp;
    if (time.isNull())
        return timestamp;
    const qint64 msecs = time.toMSecsSinceEpoch();
    // Floor division: a time before 1970 still has non-negative nanos.
    qint64 seconds = msecs / 1000;
    qint64 millis = msecs % 1000;
    if (millis < 0) {
        seconds -= 1;
        millis += 1000;
    }
    timestamp.set_seconds(seconds);
    timestamp.set_nanos(qint32(millis) * kNanosPerMilli);
    return timestamp;
}

QDateTime fromTimestamp(const QString &field, const google::protobuf::Timestamp &timestamp)
{
    if (timestamp.seconds() < kMinTimestampSeconds || timestamp.seconds() > kMaxTimestampSeconds ||
        timestamp.nanos() < 0 || timestamp.nanos() >= 1000 * kNanosPerMilli) {
        throw domain::Error::badRequest(field, QStringLiteral("is not a valid timestamp"));
    }
    return QDateTime::fromMSecsSinceEpoch(timestamp.seconds() * 1000 + timestamp.nanos() / kNanosPerMilli,
                                          QTimeZone::utc());
}

v1::Role toPb(domain::Role role)
{
    switch (role) {
    case domain::Role::Member:
        return v1::ROLE_MEMBER;
    case domain::Role::Admin:
        return v1::ROLE_ADMIN;
    }
    return v1::ROLE_UNSPECIFIED;
}

std::optional<domain::Role> fromPb(const QString &field, v1::Role role)
{
    switch (role) {
    case v1::ROLE_UNSPECIFIED:
        return std::nullopt;
    case v1::ROLE_MEMBER:
        return domain::Role::Member;
    case v1::ROLE_ADMIN:
        return domain::Role::Admin;
    default:
        throw unknownEnumValue(field, role);
    }
}

v1::DeployType toPb(domain::DeployType type)
{
    switch (type) {
    case domain::DeployType::Static:
        return v1::DEPLOY_TYPE_STATIC;
    case domain::DeployType::Runtime:
        return v1::DEPLOY_TYPE_RUNTIME;
    }
    return v1::DEPLOY_TYPE_UNSPECIFIED;
}

std::optional<domain::DeployType> fromPb(const QString &field, v1::DeployType type)
{
    switch (type) {
    case v1::DEPLOY_TYPE_UNSPECIFIED:
        return std::nullopt;
    case v1::DEPLOY_TYPE_STATIC:
        return domain::DeployType::Static;
    case v1::DEPLOY_TYPE_RUNTIME:
        return domain::DeployType::Runtime;
    default:
        throw unknownEnumValue(field, type);
    }
}

v1::BuildType toPb(domain::BuildType type)
{
    switch (type) {
    case domain::BuildType::Static:
        return v1::BUILD_TYPE_STATIC;
    case domain::BuildType::StaticCmd:
        return v1::BUILD_TYPE_STATIC_CMD;
    case domain::BuildType::StaticDockerfile:
        return v1::BUILD_TYPE_STATIC_DOCKERFILE;
    case domain::BuildType::RuntimeCmd:
        return v1::BUILD_TYPE_RUNTIME_CMD;
    case domain::BuildType::RuntimeDockerfile:
        return v1::BUILD_TYPE_RUNTIME_DOCKERFILE;
    case domain::BuildType::Auto:
        return v1::BUILD_TYPE_AUTO;
    }
    return v1::BUILD_TYPE_UNSPECIFIED;
}

std::optional<domain::BuildType> fromPb(const QString &field, v1::BuildType type)
{
    switch (type) {
    case v1::BUILD_TYPE_UNSPECIFIED:
        return std::nullopt;
    case v1::BUILD_TYPE_STATIC:
        return domain::BuildType::Static;
    case v1::BUILD_TYPE_STATIC_CMD:
        return domain::BuildType::StaticCmd;
    case v1::BUILD_TYPE_STATIC_DOCKERFILE:
        return domain::BuildType::StaticDockerfile;
    case v1::BUILD_TYPE_RUNTIME_CMD:
        return domain::BuildType::RuntimeCmd;
    case v1::BUILD_TYPE_RUNTIME_DOCKERFILE:
        return domain::BuildType::RuntimeDockerfile;
    case v1::BUILD_TYPE_AUTO:
        return domain::BuildType::Auto;
    default:
        throw unknownEnumValue(field, type);
    }
}

v1::BuildState toPb(domain::BuildState state)
{
    switch (state) {
    case domain::BuildState::Queued:
        return v1::BUILD_STATE_QUEUED;
    case domain::BuildState::Building:
        return v1::BUILD_STATE_BUILDING;
    case domain::BuildState::Succeeded:
        return v1::BUILD_STATE_SUCCEEDED;
    case domain::BuildState::Failed:
        return v1::BUILD_STATE_FAILED;
    case domain::BuildState::Canceled:
        return v1::BUILD_STATE_CANCELED;
    }
    return v1::BUILD_STATE_UNSPECIFIED;
}

std::optional<domain::BuildState> fromPb(const QString &field, v1::BuildState state)
{
    switch (state) {
    case v1::BUILD_STATE_UNSPECIFIED:
        return std::nullopt;
    case v1::BUILD_STATE_QUEUED:
        return domain::BuildState::Queued;
    case v1::BUILD_STATE_BUILDING:
        return domain::BuildState::Building;
    case v1::BUILD_STATE_SUCCEEDED:
        return domain::BuildState::Succeeded;
    case v1::BUILD_STATE_FAILED:
        return domain::BuildState::Failed;
    case v1::BUILD_STATE_CANCELED:
        return domain::BuildState::Canceled;
    default:
        throw unknownEnumValue(field, state);
    }
}

v1::LogStream toPb(domain::LogStream stream)
{
    switch (stream) {
    case domain::LogStream::Stdout:
        return v1::LOG_STREAM_STDOUT;
    case domain::LogStream::Stderr:
        return v1::LOG_STREAM_STDERR;
    case domain::LogStream::System:
        return v1::LOG_STREAM_SYSTEM;
    }
    return v1::LOG_STREAM_UNSPECIFIED;
}

std::optional<domain::LogStream> fromPb(const QString &field, v1::LogStream stream)
{
    switch (stream) {
    case v1::LOG_STREAM_UNSPECIFIED:
        return std::nullopt;
    case v1::LOG_STREAM_STDOUT:
        return domain::LogStream::Stdout;
    case v1::LOG_STREAM_STDERR:
        return domain::LogStream::Stderr;
    case v1::LOG_STREAM_SYSTEM:
        return domain::LogStream::System;
    default:
        throw unknownEnumValue(field, stream);
    }
}

v1::EventType toPb(domain::EventType type)
{
    switch (type) {
    case domain::EventType::BuildStateChanged:
        return v1::EVENT_TYPE_BUILD_STATE_CHANGED;
    case domain::EventType::ApplicationChanged:
        return v1::EVENT_TYPE_APPLICATION_CHANGED;
    case domain::EventType::ApplicationDeleted:
        return v1::EVENT_TYPE_APPLICATION_DELETED;
    case domain::EventType::ApplicationDeployed:
        return v1::EVENT_TYPE_APPLICATION_DEPLOYED;
    case domain::EventType::AlertOpened:
        return v1::EVENT_TYPE_ALERT_OPENED;
    case domain::EventType::ApplicationStateChanged:
        return v1::EVENT_TYPE_APPLICATION_STATE_CHANGED;
    }
    return v1::EVENT_TYPE_UNSPECIFIED;
}

std::optional<domain::EventType> fromPb(const QString &field, v1::EventType type)
{
    switch (type) {
    case v1::EVENT_TYPE_UNSPECIFIED:
        return std::nullopt;
    case v1::EVENT_TYPE_BUILD_STATE_CHANGED:
        return domain::EventType::BuildStateChanged;
    case v1::EVENT_TYPE_APPLICATION_CHANGED:
        return domain::EventType::ApplicationChanged;
    case v1::EVENT_TYPE_APPLICATION_DELETED:
        return domain::EventType::ApplicationDeleted;
    case v1::EVENT_TYPE_APPLICATION_DEPLOYED:
        return domain::EventType::ApplicationDeployed;
    case v1::EVENT_TYPE_ALERT_OPENED:
        return domain::EventType::AlertOpened;
    case v1::EVENT_TYPE_APPLICATION_STATE_CHANGED:
        return domain::EventType::ApplicationStateChanged;
    default:
        throw unknownEnumValue(field, type);
    }
}

domain::BuildConfig fromPb(const QString &field, const v1::BuildConfig &build)
{
    const QString typeField = field + QStringLiteral(".type");
    const std::optional<domain::BuildType> type = fromPb(typeField, build.type());
    if (!type)
        throw domain::Error::badRequest(typeField, QStringLiteral("required"));
    if (build.port() > std::numeric_limits<quint16>::max())
        throw domain::Error::badRequest(field + QStringLiteral(".port"),
                                        QStringLiteral("must be at most 65535"));

    domain::BuildConfig config;
    config.type = *type;
    config.buildCommand = toQString(build.build_command());
    config.startCommand = toQString(build.start_command());
    config.artifactDir = toQString(build.artifact_dir());
    config.dockerfile = toQString(build.dockerfile());
    config.contextDir = toQString(build.context_dir());
    config.port = quint16(build.port());
    return config;
}

QList<domain::Website> fromPb(const QString &field, const Repeated<v1::Website> &websites)
{
    domain::validateCount(field, websites.size(), domain::kMaxWebsites, u"websites");
    QList<domain::Website> list;
    list.reserve(websites.size());
    for (const v1::Website &website : websites) {
        domain::Website converted;
        converted.fqdn = toQString(website.fqdn());
        if (!website.path_prefix().empty())
            converted.pathPrefix = toQString(website.path_prefix());
        converted.stripPrefix = website.strip_prefix();
        list.append(converted);
    }
    return list;
}

domain::EnvVars fromPb(const QString &field, const Repeated<v1::EnvVar> &env)
{
    // Counted before anything is converted, so a flood of entries costs nothing.
    domain::validateCount(field, env.size(), domain::kMaxEnvVars, u"env vars");
    domain::EnvVars vars;
    for (const v1::EnvVar &var : env) {
        const QString key = toQString(var.key());
        if (vars.contains(key))
            throw domain::Error::badRequest(
                field, QStringLiteral("%1 is given more than once").arg(domain::quoted(key)));
        vars.insert(key, toQString(var.value()));
    }
    return vars;
}

usecases::PageRequest fromPb(const v1::PageRequest &page)
{
    return usecases::PageRequest{page.page_size(), toQString(page.page_token())};
}

void toPb(const domain::User &user, v1::User *out)
{
    out->set_id(toStd(user.id));
    out->set_name(toStd(user.name));
    out->set_role(toPb(user.role));
    *out->mutable_created_at() = toTimestamp(user.createdAt);
}

void toPb(const domain::Token &token, v1::Token *out)
{
    out->set_id(toStd(token.id));
    out->set_user_id(toStd(token.userId));
    out->set_user_name(toStd(token.userName));
    out->set_description(toStd(token.description));
    *out->mutable_created_at() = toTimestamp(token.createdAt);
    if (!token.expiresAt.isNull())
        *out->mutable_expires_at() = toTimestamp(token.expiresAt);
    if (!token.revokedAt.isNull())
        *out->mutable_revoked_at() = toTimestamp(token.revokedAt);
    if (!token.lastUsedAt.isNull())
        *out->mutable_last_used_at() = toTimestamp(token.lastUsedAt);
}

void toPb(const domain::Repository &repository, v1::Repository *out)
{
    out->set_id(toStd(repository.id));
    out->set_name(toStd(repository.name));
    out->set_url(toStd(repository.url));
    out->set_has_webhook_secret(!repository.webhookSecret.isEmpty());
    for (const QString &owner : repository.ownerNames)
        out->add_owners(toStd(owner));
    *out->mutable_created_at() = toTimestamp(repository.createdAt);
    *out->mutable_updated_at() = toTimestamp(repository.updatedAt);
}

void toPb(const domain::Application &application, v1::Application *out)
{
    out->set_id(toStd(application.id));
    out->set_name(toStd(application.name));
    out->set_repository_id(toStd(application.repositoryId));
    out->set_repository_name(toStd(application.repositoryName));
    out->set_ref(toStd(application.ref));
    out->set_deploy_type(toPb(application.deployType));

    toPb(application.build, out->mutable_build());

    for (const domain::Website &website : application.websites) {
        v1::Website *converted = out->add_websites();
        converted->set_fqdn(toStd(website.fqdn));
        converted->set_path_prefix(toStd(website.pathPrefix));
        converted->set_strip_prefix(website.stripPrefix);
    }
    for (const QString &owner : application.ownerNames)
        out->add_owners(toStd(owner));
    out->set_running(application.running);
    out->set_auto_sleep_seconds(application.autoSleepSeconds);
    out->set_config_hash(toStd(application.configHash));
    *out->mutable_created_at() = toTimestamp(application.createdAt);
    *out->mutable_updated_at() = toTimestamp(application.updatedAt);
    out->set_env_var_count(int(application.env.size()));
    out->set_spa_fallback(application.spaFallback);
    out->set_current_commit(toStd(application.currentCommit));
    out->set_current_build_id(toStd(application.currentBuildId));
    out->set_stopped_reason(toStd(application.stoppedReason));
    out->set_health_check_path(toStd(application.healthCheckPath));
    out->set_memory_limit_mb(application.memoryLimitMb);
    out->set_cpu_millicores(application.cpuMillicores);
    out->set_pinned_build_id(toStd(application.pinnedBuildId));
    out->set_runtime_state(toStd(application.runtimeState));
    out->set_restart_count(application.restartCount);
    out->set_disk_bytes(application.diskBytes);
    if (application.latestBuild) {
        out->set_latest_build_id(toStd(application.latestBuild->id));
        out->set_latest_build_state(toStd(domain::buildStateName(application.latestBuild->state)));
        out->set_latest_build_failure_reason(toStd(application.latestBuild->failureReason));
        *out->mutable_latest_build_queued_at() = toTimestamp(application.latestBuild->queuedAt);
    }
}

void toPb(const domain::EnvVars &env, Repeated<v1::EnvVar> *out)
{
    for (auto var = env.cbegin(); var != env.cend(); ++var) {
        v1::EnvVar *converted = out->Add();
        converted->set_key(toStd(var.key()));
        converted->set_value(toStd(var.value()));
    }
}

void toPb(const domain::BuildConfig &build, v1::BuildConfig *out)
{
    out->set_type(toPb(build.type));
    out->set_build_command(toStd(build.buildCommand));
    out->set_start_command(toStd(build.startCommand));
    out->set_artifact_dir(toStd(build.artifactDir));
    out->set_dockerfile(toStd(build.dockerfile));
    out->set_context_dir(toStd(build.contextDir));
    out->set_port(build.port);
}

void toPb(const domain::Build &build, v1::Build *out)
{
    out->set_id(toStd(build.id));
    out->set_application_id(toStd(build.applicationId));
    out->set_application_name(toStd(build.applicationName));
    out->set_commit(toStd(build.commit));
    out->set_config_hash(toStd(build.configHash));
    out->set_state(toPb(build.state));
    out->set_failure_reason(toStd(build.failureReason));
    *out->mutable_queued_at() = toTimestamp(build.queuedAt);
    if (!build.startedAt.isNull())
        *out->mutable_started_at() = toTimestamp(build.startedAt);
    if (!build.finishedAt.isNull())
        *out->mutable_finished_at() = toTimestamp(build.finishedAt);
    toPb(build.config, out->mutable_config());
    out->set_deploy_type(toPb(build.deployType));
    out->set_start_command(toStd(build.startCommand));
    out->set_image(toStd(build.image));
}

void toPb(const domain::LogLine &line, v1::LogLine *out)
{
    out->set_seq(line.seq);
    *out->mutable_time() = toTimestamp(line.at);
    out->set_stream(toPb(line.stream));
    out->set_text(toStd(line.text));
}

void toPb(const domain::Event &event, v1::Event *out)
{
    out->set_seq(event.seq);
    *out->mutable_time() = toTimestamp(event.at);
    out->set_type(toPb(event.type));
    out->set_application_id(toStd(event.applicationId));
    out->set_application_name(toStd(event.applicationName));
    out->set_build_id(toStd(event.buildId));
    out->set_state(toStd(event.state));
    out->set_message(toStd(event.message));
    out->set_alert_id(toStd(event.alertId));
}

domain::Build fromPb(const QString &field, const v1::Build &build)
{
    const QString stateField = field + QStringLiteral(".state");
    const std::optional<domain::BuildState> state = fromPb(stateField, build.state());
    if (!state)
        throw domain::Error::badRequest(stateField, QStringLiteral("required"));

    domain::Build converted;
    converted.id = toQString(build.id());
    converted.applicationId = toQString(build.application_id());
    converted.applicationName = toQString(build.application_name());
    converted.commit = toQString(build.commit());
    converted.configHash = toQString(build.config_hash());
    converted.state = *state;
    converted.failureReason = toQString(build.failure_reason());
    converted.queuedAt = fromTimestamp(field + QStringLiteral(".queued_at"), build.queued_at());
    if (build.has_started_at())
        converted.startedAt = fromTimestamp(field + QStringLiteral(".started_at"), build.started_at());
    if (build.has_finished_at())
        converted.finishedAt = fromTimestamp(field + QStringLiteral(".finished_at"), build.finished_at());
    if (build.has_config())
        converted.config = fromPb(field + QStringLiteral(".config"), build.config());
    if (const auto deployType = fromPb(field + QStringLiteral(".deploy_type"), build.deploy_type()))
        converted.deployType = *deployType;
    converted.startCommand = toQString(build.start_command());
    converted.image = toQString(build.image());
    return converted;
}

domain::LogLine fromPb(const QString &field, const v1::LogLine &line)
{
    const QString streamField = field + QStringLiteral(".stream");
    const std::optional<domain::LogStream> stream = fromPb(streamField, line.stream());
    if (!stream)
        throw domain::Error::badRequest(streamField, QStringLiteral("required"));
    if (line.seq() < 1)
        throw domain::Error::badRequest(field + QStringLiteral(".seq"), QStringLiteral("must be at least 1"));

    domain::LogLine converted;
    converted.seq = line.seq();
    converted.at = fromTimestamp(field + QStringLiteral(".time"), line.time());
    converted.stream = *stream;
    converted.text = toQString(line.text());
    return converted;
}

domain::Event fromPb(const QString &field, const v1::Event &event)
{
    const QString typeField = field + QStringLiteral(".type");
    const std::optional<domain::EventType> type = fromPb(typeField, event.type());
    if (!type)
        throw domain::Error::badRequest(typeField, QStringLiteral("required"));

    domain::Event converted;
    converted.seq = event.seq();
    converted.at = fromTimestamp(field + QStringLiteral(".time"), event.time());
    converted.type = *type;
    converted.applicationId = toQString(event.application_id());
    converted.applicationName = toQString(event.application_name());
    converted.buildId = toQString(event.build_id());
    converted.state = toQString(event.state());
    converted.message = toQString(event.message());
    converted.alertId = toQString(event.alert_id());
    return converted;
}

} // namespace vitrine::adapters::grpc
