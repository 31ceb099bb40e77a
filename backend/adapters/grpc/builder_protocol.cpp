#include "adapters/grpc/builder_protocol.h"

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
    return job;
}

} // namespace vitrine::adapters::grpc
