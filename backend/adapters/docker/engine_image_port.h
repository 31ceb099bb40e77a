#pragma once

#include "adapters/docker/engine_image_builder.h"
#include "domain/ports/image_builder.h"

namespace vitrine::adapters::docker {

// The image builder port over the engine: images are tagged imageTag(app name, build id) and carry
// imageLabels(app id, build id), so that garbage collection and app deletion find them.
class EngineImagePort final : public domain::ImageBuilder {
public:
    explicit EngineImagePort(EngineImageBuilder &builder);

    std::optional<QString> build(const domain::ImageBuildSpec &spec, const LineHandler &onLine,
                                 const std::atomic_bool &cancel) override;
    void extractDirectory(const QString &image, const QString &directoryInImage,
                          const QString &targetDirectory) override;
    void removeImage(const QString &image) override;

private:
    EngineImageBuilder &m_builder;
};

} // namespace vitrine::adapters::docker
