#pragma once

#include "domain/application.h"
#include "domain/log_line.h"

#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace vitrine::domain {

// One image to build through the container engine.
struct ImageBuildSpec {
    QString applicationId;   // the image is tagged and labelled after its app and build, so that garbage
    QString applicationName; // collection and app deletion find it
    QString buildId;
    QString contextDirectory; // the folder the context's paths are relative to (the checkout, the release)
    QString contextSubdir;    // relative to contextDirectory and inside it; empty: contextDirectory itself
    QString dockerfile = QStringLiteral("Dockerfile"); // relative to the context
    // When not empty: the Dockerfile to build with (one generated over a base image), sent beside the
    // context's files; `dockerfile` is then not used.
    QString generatedDockerfile;
    EnvVars buildArgs; // the app's env vars; a Dockerfile reads them with ARG
};

// Builds container images and reads files out of them, for the Dockerfile build types and for the images
// the docker runtime runs. Every method may be called from any thread. Failures throw Error: BadRequest
// naming the field (build.context_dir, build.dockerfile, build.artifact_dir) when a path is refused,
// FailedPrecondition with the engine's message (or when the engine cannot be reached).
class ImageBuilder {
public:
    using LineHandler = std::function<void(LogStream stream, const QString &line)>;

    virtual ~ImageBuilder() = default;

    // Builds the image; the engine's output comes to onLine line by line as it arrives, on the calling
    // thread. Returns the image reference to run containers from ("vitrine/app:build-id"), or nothing when
    // `cancel` turned true: the engine build is then aborted promptly and no image carries the reference.
    virtual std::optional<QString> build(const ImageBuildSpec &spec, const LineHandler &onLine,
                                         const std::atomic_bool &cancel) = 0;

    // Copies the folder directoryInImage (absolute, not "/") out of `image` into targetDirectory (created
    // when missing), so that targetDirectory holds its contents. FailedPrecondition naming the folder when
    // the image has no such folder.
    virtual void extractDirectory(const QString &image, const QString &directoryInImage,
                                  const QString &targetDirectory) = 0;

    // Removes the image (given as build() returned it). An image that does not exist is no error.
    virtual void removeImage(const QString &image) = 0;
};

} // namespace vitrine::domain
