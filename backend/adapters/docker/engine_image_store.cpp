#include "adapters/docker/engine_image_store.h"

namespace vitrine::adapters::docker {

EngineImageStore::EngineImageStore(EngineImageBuilder &builder)
    : m_builder(builder)
{
}

QList<domain::ManagedImage> EngineImageStore::managedImages()
{
    QList<domain::ManagedImage> images;
    for (const EngineImage &image : m_builder.imagesOf({QStringLiteral("vitrine.managed=true")})) {
        // The engine filtered by the label; checked again, as this is what allows removing the image.
        if (image.labels.value(QStringLiteral("vitrine.managed")) != u"true")
            continue;
        images.append({image.id, image.labels.value(QStringLiteral("vitrine.application-id")),
                       image.labels.value(QStringLiteral("vitrine.build-id")), image.sizeBytes});
    }
    return images;
}

void EngineImageStore::removeImage(const QString &imageId)
{
    m_builder.removeImage(imageId);
}

} // namespace vitrine::adapters::docker
