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

    v1::BuildConfig *build = out->mutable_build();
    build->set_type(toPb(application.build.type));
    build->set_build_command(toStd(application.build.buildCommand));
    build->set_start_command(toStd(application.build.startCommand));
    build->set_artifact_dir(toStd(application.build.artifactDir));
    build->set_dockerfile(toStd(application.build.dockerfile));
    build->set_context_dir(toStd(application.build.contextDir));
    build->set_port(application.build.port);

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
}

void toPb(const domain::EnvVars &env, Repeated<v1::EnvVar> *out)
{
    for (auto var = env.cbegin(); var != env.cend(); ++var) {
        v1::EnvVar *converted = out->Add();
        converted->set_key(toStd(var.key()));
        converted->set_value(toStd(var.value()));
    }
}

} // namespace vitrine::adapters::grpc
