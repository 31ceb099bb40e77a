#pragma once

#include "domain/application.h"
#include "domain/log_line.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace vitrine::adapters::docker {

class DockerClient;

// What to build: a folder of the build's checkout sent to the engine as the build context.
struct ImageBuildRequest {
    QString contextDirectory; // the checkout at the build's commit
    QString contextSubdir;    // the app's context dir, relative to the checkout; empty: the checkout itself
    QString dockerfile = QStringLiteral("Dockerfile"); // relative to the context
    QString tag;                                       // "vitrine/app:build-id" (see imageTag)
    QMap<QString, QString> labels;                     // on the image (see imageLabels)
    domain::EnvVars buildArgs;                         // the app's env vars; a Dockerfile reads them with ARG
    // When not empty: the Dockerfile to build with (one generated for runtime-cmd or auto over a base
    // image), sent beside the context's files; `dockerfile` is then not used.
    QString generatedDockerfile;
};

struct BuiltImage {
    QString imageId; // "sha256:…"
    QString tag;
};

// An image as the engine lists it.
struct EngineImage {
    QString id;
    QStringList tags; // as the engine names them ("docker.io/vitrine/app:…" on Podman)
    QMap<QString, QString> labels;
    qint64 sizeBytes = 0;
    QDateTime created;
};

// "vitrine/NAME:BUILD-ID", lowercased as image references must be.
QString imageTag(const QString &applicationName, const QString &buildId);
// vitrine.managed=true, vitrine.application-id, vitrine.build-id: what GC and deletion look for.
QMap<QString, QString> imageLabels(const QString &applicationId, const QString &buildId);

// Builds images through the engine's /build and reads files out of them, for the Dockerfile build types.
// Every method may be called from any thread. An engine that cannot be reached throws domain::Error
// (FailedPrecondition) as DockerClient does.
class EngineImageBuilder {
public:
    using LineHandler = std::function<void(domain::LogStream stream, const QString &line)>;

    explicit EngineImageBuilder(DockerClient &client);

    // Sends the context (every file, folder and symbolic link under it, except .git; a link that leads out
    // of the context or nowhere is left out, and a System line says so) and builds it. The engine's output
    // comes to onLine line by line (Stdout) as it arrives, on the calling thread. Returns the image, or
    // nothing when `cancel` turned true: the request is then aborted within about 100 ms and no image carries
    // the tag. Throws domain::Error: BadRequest (naming build.context_dir or build.dockerfile) when either is
    // not a path inside the checkout, before anything reaches the engine; FailedPrecondition when the context
    // dir or the Dockerfile does not exist, or with the engine's message when the build fails.
    std::optional<BuiltImage> build(const ImageBuildRequest &request, const LineHandler &onLine,
                                    const std::atomic_bool &cancel);

    // Copies the folder directoryInImage (an absolute path) out of `image` into targetDirectory (created
    // when missing), so that targetDirectory holds its contents: through a container created from the image
    // (never started, labelled vitrine.managed=true, removed afterwards). Files, folders and links only;
    // nothing is written outside targetDirectory. Throws domain::Error: BadRequest when directoryInImage is
    // not absolute or is "/"; FailedPrecondition naming it when the image has no such folder.
    void extractDirectory(const QString &image, const QString &directoryInImage,
                          const QString &targetDirectory);

    // Removes the tag, or the image when given its id or its only tag. An image that does not exist is no
    // error. Throws FailedPrecondition with the engine's message when it refuses (a container uses it).
    void removeImage(const QString &image);

    // The images carrying every label of labelFilters ("key" or "key=value").
    QList<EngineImage> imagesOf(const QStringList &labelFilters);

private:
    DockerClient &m_client;
};

} // namespace vitrine::adapters::docker
