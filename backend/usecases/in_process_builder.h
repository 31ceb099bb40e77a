#pragma once

#include "domain/build.h"
#include "domain/ports/artifact_archive.h"
#include "domain/ports/command_runner.h"
#include "domain/ports/git_service.h"
#include "domain/ports/notifier.h"
#include "domain/ports/store.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/build_settler.h"
#include "usecases/build_steps.h"
#include "usecases/event_hub.h"

#include <QHash>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vitrine::usecases {

struct BuilderOptions {
    int slotCount = 2; // parallel builds ("slots" is a Qt keyword macro); 0: none build here
    QString dataDir;   // workspaces in DATA/work/<build id>/, artifacts in DATA/artifacts/<build id>.tar.gz
    domain::CommandLimits limits; // per-build time and memory limit
    // How often a running build proves it is alive (store.recordBuildHeartbeat); well under
    // domain::kBuildHeartbeatTimeoutSeconds.
    std::chrono::milliseconds heartbeatInterval{10'000};
    // The container engine, for the Dockerfile build types and the images of a docker runtime.
    ContainerImageOptions images;
};

// The builder slots inside the server process. Each build runs on one of `slotCount` worker threads:
// it reads the app's repository URL, runs the build's steps (BuildSteps: export the commit into
// DATA/work/<build id>/src, run its commands in the sandbox, pack the artifact into
// DATA/artifacts/<build id>.tar.gz) and settles the build by compare-and-set from BUILDING, with the plan it
// deploys with when it succeeded. Every step is announced in the build log ("==> …") and every output line of
// the commands goes there too. The workspace is removed afterwards, whatever
// happened.
//
// A heartbeat thread records a heartbeat for every build it holds; when the store answers that a build is
// no longer BUILDING (canceled through another path, or declared dead), the build is stopped and keeps the
// state the store has. A build that settled here gets a BuildStateChanged event, a notification when it
// succeeded or failed, and then onSettled with the build as stored. When the store fails while settling,
// the build stays BUILDING without heartbeats, and crash detection fails it.
//
// start(), cancel() and freeSlots() may be called from any thread.
class InProcessBuilder final : public BuildExecutor {
public:
    // onSettled is called from a builder thread once a build has settled and its slot is free again, with
    // the build as stored (as settled here when the store cannot tell). It is not called for builds that
    // settle while the builder is being destroyed. notifier may be null.
    InProcessBuilder(domain::Store &store, domain::GitService &git, domain::CommandRunner &runner,
                     domain::ArtifactArchive &archive, BuildLogHub &logHub, EventHub &eventHub,
                     domain::Notifier *notifier, BuilderOptions options,
                     std::function<void(const domain::Build &)> onSettled);
    // Cancels every build it holds (they settle as CANCELED, "canceled: the server shut down") and joins
    // its threads.
    ~InProcessBuilder() override;

    InProcessBuilder(const InProcessBuilder &) = delete;
    InProcessBuilder &operator=(const InProcessBuilder &) = delete;

    int freeSlots() const override;
    // Throws FailedPrecondition when no slot is free or the build is already held here.
    void start(const domain::Build &build) override;
    bool cancel(const QString &buildId) override;
    // One entry, id "local", named after this machine.
    QList<BuilderStatus> builders() const override;

private:
    struct Job;

    void runWorker();
    void runHeartbeats();
    // Runs the build to its end and settles it; never throws.
    void runJob(Job &job);
    // The steps, up to the state the build should settle in. Throws what a step throws.
    BuildOutcome runSteps(Job &job, const QString &workspace);

    domain::Store &m_store;
    BuildLogHub &m_logHub;
    BuildSteps m_steps;
    BuildSettler m_settler;
    const BuilderOptions m_options;
    const std::function<void(const domain::Build &)> m_onSettled;

    mutable std::mutex m_mutex;                  // guards the members below
    std::condition_variable m_jobWaiting;        // a worker has something to take, or the builder stops
    std::condition_variable m_stopHeartbeats;    // the builder stops
    QHash<QString, std::shared_ptr<Job>> m_jobs; // every build held: waiting for a worker or running
    std::deque<std::shared_ptr<Job>> m_waiting;  // started, not yet taken by a worker
    bool m_stopping = false;
    std::vector<std::thread> m_workers;
    std::thread m_heartbeat;
};

} // namespace vitrine::usecases
