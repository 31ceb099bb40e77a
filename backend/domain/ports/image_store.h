#pragma once

#include <QList>
#include <QString>

namespace vitrine::domain {

// An image Vitrine built, as its labels name it.
struct ManagedImage {
    QString id;
    QString applicationId; // label vitrine.application-id
    QString buildId;       // label vitrine.build-id
    qint64 sizeBytes = 0;
};

// The container engine's images that Vitrine built: what garbage collection and application deletion look
// at. Safe to call from any thread.
class ImageStore {
public:
    virtual ~ImageStore() = default;

    // Every image labelled vitrine.managed=true, and only those: an image someone else made is never listed.
    // Throws Error (FailedPrecondition) when the engine cannot be asked.
    virtual QList<ManagedImage> managedImages() = 0;
    // Removes the image (by id) with its tags. One that is gone already is no error. Throws Error
    // (FailedPrecondition) when the engine refuses, as it does while a container uses the image.
    virtual void removeImage(const QString &imageId) = 0;
};

} // namespace vitrine::domain
