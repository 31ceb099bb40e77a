#include "adapters/docker/engine_image_port.h"

#include "domain/error.h"

namespace vitrine::adapters::docker {

EngineImagePort::EngineImagePort(EngineImageBuilder &builder)
    : m_builder(builder)
{
}

std::optional<QString> EngineImagePort::build(const domain::ImageBuildSpec &spec, const LineHandler &onLine,
                                              const std::atomic_bool &cancel)
{
    // The tag is made of them: without either, images of different builds would share one.
    if (spec.applicationName.isEmpty() || spec.buildId.isEmpty())
        throw domain::Error::internal(
            QStringLiteral("an image of build '%1' needs its application's name and the build id")
                .arg(spec.buildId));
    ImageBuildRequest request;
    request.contextDirectory = spec.contextDirectory;
    request.contextSubdir = spec.contextSubdir;
    request.dockerfile = spec.dockerfile;
    request.generatedDockerfile = spec.generatedDockerfile;
    request.tag = imageTag(spec.applicationName, spec.buildId);
    request.labels = imageLabels(spec.applicationId, spec.buildId);
    request.buildArgs = spec.buildArgs;
    const std::optional<BuiltImage> built = m_builder.build(request, onLine, cancel);
    if (!built)
        return std::nullopt;
    return built->tag;
}

void EngineImagePort::extractDirectory(const QString &image, const QString &directoryInImage,
                                       const QString &targetDirectory)
{
    m_builder.extractDirectory(image, directoryInImage, targetDirectory);
}

void EngineImagePort::removeImage(const QString &image)
{
    m_builder.removeImage(image);
}

} // namespace vitrine::adapters::docker
