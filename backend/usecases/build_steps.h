#pragma once

#include "domain/build.h"
#include "domain/error.h"
#include "domain/log_line.h"
#include "domain/ports/artifact_archive.h"
#include "domain/ports/command_runner.h"
#include "domain/ports/git_service.h"
#include "domain/ports/image_builder.h"

#include <QString>

#include <atomic>
#include <optional>

namespace vitrine::usecases {

// How a build ended, as the steps (or whoever stopped them) see it.
struct BuildOutcome {
    domain::BuildState state = domain::BuildState::Failed;
    QString reason;       // FAILED, CANCELED: for people
    QString artifactPath; // SUCCEEDED: relative to the data dir (set by whoever stores the artifact)
    std::optional<domain::BuildPlan> plan; // SUCCEEDED: how the build deploys (none: as registered)
    QString image = {};                    // SUCCEEDED: the engine image the build produced, if any

    static BuildOutcome succeeded(const domain::BuildPlan &plan, const QString &image = {})
    {
        return {domain::BuildState::Succeeded, {}, {}, plan, image};
    }
    static BuildOutcome failed(const QString &reason)
    {
        return {domain::BuildState::Failed, reason, {}, {}, {}};
    }
    static BuildOutcome canceled(const QString &reason)
    {
        return {domain::BuildState::Canceled, reason, {}, {}, {}};
    }
};

// Why a Dockerfile build fails on a server started without a container engine.
inline const QString kNoContainerEngine =
    QStringLiteral("Dockerfile builds need a container engine: start the server with --runtime docker "
                   "--docker-host unix:///PATH");

// How builds use the container engine.
struct ContainerImageOptions {
    domain::ImageBuilder *builder = nullptr; // none: the Dockerfile types fail with unavailableReason
    QString unavailableReason = kNoContainerEngine;
    // The server runs its apps in containers: a runtime-cmd build, and an auto build that deploys as
    // runtime, also become an image over baseImage with the release at /workspace (the start command runs
    // there through /bin/sh -c). Needs a builder.
    bool runtimeImages = false;
    QString baseImage;
};

// Where the steps report to while they run.
class BuildReport {
public:
    virtual ~BuildReport() = default;
    // A "==> …" line of the builder's own. Must not throw.
    virtual void announce(const QString &text) = 0;
    // One output line of the build command. May stop the build (by turning the stop flag true).
    virtual void commandLine(domain::LogStream stream, const QString &text) = 0;
};

// The steps of one build, the same in the server's builder slots and in a remote builder process: export the
// commit into WORKSPACE/src, then
// - static: pack the artifact dir;
// - static-cmd: run the build command in the sandbox, then pack the artifact dir;
// - runtime-cmd: run the build command (if any) in the sandbox in the context dir (the source root when
// none),
//   then pack the whole context dir: it becomes the release the start command runs in;
// - auto: detect the stack in the context dir (detectStack, with the build's deploy type), announce what was
//   found and the plan, run its install and build commands in the sandbox, and pack what the plan says;
// - runtime-dockerfile: build an image from the context dir's Dockerfile (env vars as build args); no
//   artifact: the image is the release, it runs its own CMD unless the app sets a start command;
// - static-dockerfile: build an image likewise, copy its folder /ARTIFACT_DIR (artifact_dir names a folder
//   of the image, from its root: "site" is /site) out of it and pack that; the image is removed then;
// into archiveFile. With ContainerImageOptions::runtimeImages, a build that deploys as runtime from a
// release also becomes an image: FROM the base image, the release copied to /workspace. Every step is
// announced ("==> …") and the engine's output goes to the log line by line. A successful outcome carries
// the plan the build deploys with and the image, if any.
class BuildSteps {
public:
    BuildSteps(domain::GitService &git, domain::CommandRunner &runner, domain::ArtifactArchive &archive,
               ContainerImageOptions images = {});

    // Returns how the build ended, or nothing when `stop` turned true (the caller knows why, and how such
    // a build settles). Throws domain::Error (or what an adapter throws) when a step fails.
    std::optional<BuildOutcome> run(const domain::Build &build, const QString &repositoryUrl,
                                    const domain::CommandLimits &limits, const QString &workspace,
                                    const QString &archiveFile, BuildReport &report,
                                    const std::atomic<bool> &stop);

private:
    // Runs one command of the build in the sandbox with `directory` as its workspace, its output into the
    // log. Returns false when the build was stopped meanwhile; throws FailedPrecondition, saying why for
    // people
    // ("install command exited with code 1"), when the command did not succeed.
    bool runCommand(const QString &what, const QString &command, const QString &directory,
                    const domain::EnvVars &env, const domain::CommandLimits &limits, BuildReport &report,
                    const std::atomic<bool> &stop);
    // Packs the directory named artifactDir (relative to source, which it must stay inside) into archiveFile.
    // Returns false when the build was stopped meanwhile.
    bool pack(const QString &source, const QString &artifactDir, const QString &archiveFile,
              BuildReport &report, const std::atomic<bool> &stop);
    // Builds one image of the build, its output into the log. Returns the image, or nothing when the build
    // was stopped meanwhile (no image is left then).
    std::optional<QString> buildImage(const domain::Build &build, domain::ImageBuildSpec spec,
                                      BuildReport &report, const std::atomic<bool> &stop);
    // The steps of static-dockerfile and runtime-dockerfile, after the export of the commit.
    std::optional<BuildOutcome> runDockerfileBuild(const domain::Build &build, const QString &workspace,
                                                   const QString &archiveFile, BuildReport &report,
                                                   const std::atomic<bool> &stop);

    domain::GitService &m_git;
    domain::CommandRunner &m_runner;
    domain::ArtifactArchive &m_archive;
    const ContainerImageOptions m_images;
};

// Removes a workspace, also what a build left read-only.
void removeWorkspace(const QString &path);

// The error's message when it is meant for people; "internal error" (and a warning in the log) otherwise.
QString buildErrorMessage(const domain::Error &error, const QString &buildId);

} // namespace vitrine::usecases
