#include "client/application_config_api.h"

#include "client/call_scope.h"
#include "client/pb_conversion.h"
#include "vitrine/v1/applications.grpc.pb.h"

#include <string>
#include <utility>

namespace vitrine::desktop {

namespace {

namespace pb = ::vitrine::v1;

std::string str(const QString &text)
{
    return text.toStdString();
}

QString qstr(const std::string &text)
{
    return QString::fromStdString(text);
}

void toPb(const ApplicationConfig &config, pb::BuildConfig *build)
{
    build->set_type(toBuildType(config.buildType));
    build->set_build_command(str(config.buildCommand));
    build->set_start_command(str(config.startCommand));
    build->set_artifact_dir(str(config.artifactDir));
    build->set_dockerfile(str(config.dockerfile));
    build->set_context_dir(str(config.contextDir));
    build->set_port(quint32(config.port));
}

void toPb(const EnvVar &var, pb::EnvVar *out)
{
    out->set_key(str(var.key));
    out->set_value(str(var.value));
}

void toPb(const WebsiteConfig &website, pb::Website *out)
{
    out->set_fqdn(str(website.fqdn));
    out->set_path_prefix(str(website.pathPrefix));
    out->set_strip_prefix(website.stripPrefix);
}

ApplicationConfig toConfig(const pb::Application &application)
{
    ApplicationConfig config;
    config.name = qstr(application.name());
    config.repository = qstr(application.repository_name());
    config.ref = qstr(application.ref());
    const pb::BuildConfig &build = application.build();
    config.buildType = buildTypeName(build.type());
    config.buildCommand = qstr(build.build_command());
    config.startCommand = qstr(build.start_command());
    config.artifactDir = qstr(build.artifact_dir());
    config.dockerfile = qstr(build.dockerfile());
    config.contextDir = qstr(build.context_dir());
    config.port = int(build.port());
    for (const pb::Website &website : application.websites())
        config.websites.append({qstr(website.fqdn()), qstr(website.path_prefix()), website.strip_prefix()});
    config.autoSleepSeconds = int(application.auto_sleep_seconds());
    config.spaFallback = application.spa_fallback();
    config.healthCheckPath = qstr(application.health_check_path());
    config.memoryLimitMb = int(application.memory_limit_mb());
    config.cpuMillicores = int(application.cpu_millicores());
    return config;
}

QList<EnvVar> toEnvVars(const pb::ListEnvVarsResponse &reply)
{
    QList<EnvVar> vars;
    vars.reserve(reply.env_size());
    for (const pb::EnvVar &var : reply.env())
        vars.append({qstr(var.key()), qstr(var.value())});
    return vars;
}

} // namespace

QStringList buildTypeNames()
{
    QStringList names;
    // In the enum's order, which is the order to offer them in.
    for (int value = pb::BuildType_MIN; value <= pb::BuildType_MAX; ++value) {
        if (!pb::BuildType_IsValid(value))
            continue;
        const QString name = buildTypeName(static_cast<pb::BuildType>(value));
        if (!name.isEmpty())
            names.append(name);
    }
    return names;
}

bool isRuntimeBuildType(const QString &buildType)
{
    return buildType.startsWith(u"runtime-") || buildType == u"auto";
}

void createApplication(ApiClient &client, QObject *receiver, const ApplicationConfig &config,
                       ResultHandler<QString> done)
{
    pb::CreateApplicationRequest request;
    request.set_name(str(config.name));
    request.set_repository(str(config.repository));
    request.set_ref(str(config.ref));
    toPb(config, request.mutable_build());
    for (const WebsiteConfig &website : config.websites)
        toPb(website, request.add_websites());
    for (const EnvVar &var : config.env)
        toPb(var, request.add_env());
    request.set_auto_sleep_seconds(quint32(config.autoSleepSeconds));
    request.set_spa_fallback(config.spaFallback);
    request.set_health_check_path(str(config.healthCheckPath));
    request.set_memory_limit_mb(quint32(config.memoryLimitMb));
    request.set_cpu_millicores(quint32(config.cpuMillicores));

    runCall(
        client, receiver, &pb::ApplicationService::Stub::CreateApplication, std::move(request),
        [](const pb::Application &reply) { return qstr(reply.name()); }, std::move(done));
}

void fetchApplicationConfig(ApiClient &client, QObject *receiver, const QString &application,
                            ResultHandler<ApplicationConfig> done)
{
    pb::GetApplicationRequest request;
    request.set_application(str(application));
    runCall(client, receiver, &pb::ApplicationService::Stub::GetApplication, std::move(request), toConfig,
            std::move(done));
}

void updateApplicationConfig(ApiClient &client, QObject *receiver, const QString &application,
                             const ApplicationConfig &config, ResultHandler<ApplicationConfig> done)
{
    pb::UpdateApplicationRequest request;
    request.set_application(str(application));
    request.set_ref(str(config.ref));
    toPb(config, request.mutable_build());
    // Present even when empty: an empty list brings back the default address.
    pb::Websites *websites = request.mutable_websites();
    for (const WebsiteConfig &website : config.websites)
        toPb(website, websites->add_items());
    request.set_auto_sleep_seconds(quint32(config.autoSleepSeconds));
    request.set_spa_fallback(config.spaFallback);
    request.set_health_check_path(str(config.healthCheckPath));
    request.set_memory_limit_mb(quint32(config.memoryLimitMb));
    request.set_cpu_millicores(quint32(config.cpuMillicores));

    runCall(client, receiver, &pb::ApplicationService::Stub::UpdateApplication, std::move(request), toConfig,
            std::move(done));
}

void listEnvVars(ApiClient &client, QObject *receiver, const QString &application,
                 ResultHandler<QList<EnvVar>> done)
{
    pb::ListEnvVarsRequest request;
    request.set_application(str(application));
    runCall(client, receiver, &pb::ApplicationService::Stub::ListEnvVars, std::move(request), toEnvVars,
            std::move(done));
}

void setEnvVars(ApiClient &client, QObject *receiver, const QString &application, const QList<EnvVar> &vars,
                ResultHandler<QList<EnvVar>> done)
{
    pb::SetEnvVarsRequest request;
    request.set_application(str(application));
    for (const EnvVar &var : vars)
        toPb(var, request.add_env());
    runCall(client, receiver, &pb::ApplicationService::Stub::SetEnvVars, std::move(request), toEnvVars,
            std::move(done));
}

void unsetEnvVars(ApiClient &client, QObject *receiver, const QString &application, const QStringList &keys,
                  ResultHandler<QList<EnvVar>> done)
{
    pb::UnsetEnvVarsRequest request;
    request.set_application(str(application));
    for (const QString &key : keys)
        request.add_keys(str(key));
    runCall(client, receiver, &pb::ApplicationService::Stub::UnsetEnvVars, std::move(request), toEnvVars,
            std::move(done));
}

} // namespace vitrine::desktop
