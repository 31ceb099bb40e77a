#include "adapters/grpc/builder_protocol.h"

#include "adapters/grpc/pb_conversion.h"
#include "domain/error.h"

namespace vitrine::adapters::grpc {

namespace {
QString str(const std::string &text)
{
    return QString::fromStdString(text);
}
} // namespace

v1::BuilderJob toPb(const usecases::RemoteJob &job)
{
    v1::BuilderJob message;
    message.set_build_id(job.build.id.toStdString());
    message.set_application_name(job.build.applicationName.toStdString());
    message.set_repository_url(job.repositoryUrl.toStdString());
    message.set_commit(job.build.commit.toStdString());
    message.set_type(domain::buildTypeName(job.build.config.type).toStdString());
    message.set_build_command(job.build.config.buildCommand.toStdString());
    message.set_artifact_dir(job.build.config.artifactDir.toStdString());
    for (auto variable = job.build.env.cbegin(); variable != job.build.env.cend(); ++variable)
        (*message.mutable_env())[variable.key().toStdString()] = variable.value().toStdString();
    message.set_timeout_seconds(job.limits.timeoutSeconds);
    message.set_memory_bytes(job.limits.memoryBytes);
    message.set_start_command(job.build.config.startCommand.toStdString());
    message.set_context_dir(job.build.config.contextDir.toStdString());
    message.set_deploy_type(toPb(job.build.deployType));
    return message;
}

usecases::RemoteJob fromPb(const v1::BuilderJob &message)
{
    usecases::RemoteJob job;
    job.build.id = str(message.build_id());
    job.build.applicationName = str(message.application_name());
    job.build.commit = str(message.commit());
    job.build.state = domain::BuildState::Building;
    const std::optional<domain::BuildType> type = domain::buildTypeFromName(str(message.type()));
    if (!type)
        throw domain::Error::badRequest(
            QStringLiteral("type"),
            QStringLiteral("unknown build type %1").arg(domain::quoted(str(message.type()))));
    job.build.config.type = *type;
    job.build.config.buildCommand = str(message.build_command());
    job.build.config.artifactDir = str(message.artifact_dir());
    for (const auto &[name, value] : message.env())
        job.build.env.insert(str(name), str(value));
    job.repositoryUrl = str(message.repository_url());
    job.limits.timeoutSeconds = message.timeout_seconds();
    job.limits.memoryBytes = message.memory_bytes();
    job.build.config.startCommand = str(message.start_command());
    job.build.config.contextDir = str(message.context_dir());
    // Unspecified: what the build type implies, and for auto the applications' default, runtime.
    job.build.deployType =
        fromPb(QStringLiteral("deploy_type"), message.deploy_type())
            .value_or(domain::impliedDeployType(*type).value_or(domain::DeployType::Runtime));
    return job;
}

v1::BuilderPlan toPb(const domain::BuildPlan &plan)
{
    v1::BuilderPlan message;
    message.set_deploy_type(toPb(plan.deployType));
    message.set_start_command(plan.startCommand.toStdString());
    return message;
}

std::optional<domain::BuildPlan> planFromPb(const v1::BuilderResult &result)
{
    if (!result.has_plan())
        return std::nullopt;
    const std::optional<domain::DeployType> deployType =
        fromPb(QStringLiteral("result.plan.deploy_type"), result.plan().deploy_type());
    if (!deployType)
        throw domain::Error::badRequest(QStringLiteral("result.plan.deploy_type"),
                                        QStringLiteral("is missing"));
    return domain::BuildPlan{*deployType, str(result.plan().start_command())};
}

} // namespace vitrine::adapters::grpc
