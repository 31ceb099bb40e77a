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

// The steps of one static or static-cmd build, the same in the server's builder slots and in a remote
// builder process: export the commit into WORKSPACE/src, run the build command in the sandbox
// (static-cmd), and pack the artifact dir into archiveFile. Every step is announced ("==> …").
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
    domain::GitService &m_git;
    domain::CommandRunner &m_runner;
    domain::ArtifactArchive &m_archive;
};

// Removes a workspace, also what a build left read-only.
void removeWorkspace(const QString &path);

// The error's message when it is meant for people; "internal error" (and a warning in the log) otherwise.
QString buildErrorMessage(const domain::Error &error, const QString &buildId);

} // namespace vitrine::usecases
