#pragma once

#include "adapters/docker/engine_image_builder.h"
#include "domain/ports/image_store.h"

namespace vitrine::adapters::docker {

// The images Vitrine built, as the engine lists them by the labels imageLabels() puts on them.
class EngineImageStore final : public domain::ImageStore {
public:
    explicit EngineImageStore(EngineImageBuilder &builder);

    QList<domain::ManagedImage> managedImages() override;
    void removeImage(const QString &imageId) override;

private:
    EngineImageBuilder &m_builder;
};

} // namespace vitrine::adapters::docker
