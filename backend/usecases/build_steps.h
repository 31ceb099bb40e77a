#pragma once

#include "domain/build.h"
#include "domain/error.h"
#include "domain/log_line.h"
#include "domain/ports/artifact_archive.h"
#include "domain/ports/command_runner.h"
#include "domain/ports/git_service.h"

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

    static BuildOutcome succeeded(const domain::BuildPlan &plan)
    {
        return {domain::BuildState::Succeeded, {}, {}, plan};
    }
    static BuildOutcome failed(const QString &reason) { return {domain::BuildState::Failed, reason, {}, {}}; }
    static BuildOutcome canceled(const QString &reason)
    {
        return {domain::BuildState::Canceled, reason, {}, {}};
    }
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
// into archiveFile. Every step is announced ("==> …"). A successful outcome carries the plan the build
// deploys with. The Dockerfile types are refused.
class BuildSteps {
public:
    BuildSteps(domain::GitService &git, domain::CommandRunner &runner, domain::ArtifactArchive &archive);

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

    domain::GitService &m_git;
    domain::CommandRunner &m_runner;
    domain::ArtifactArchive &m_archive;
};

// Removes a workspace, also what a build left read-only.
void removeWorkspace(const QString &path);

// The error's message when it is meant for people; "internal error" (and a warning in the log) otherwise.
QString buildErrorMessage(const domain::Error &error, const QString &buildId);

} // namespace vitrine::usecases
