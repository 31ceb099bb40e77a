#pragma once

#include "domain/application.h"
#include "domain/build.h"
#include "domain/ports/artifact_archive.h"
#include "domain/ports/build_log_store.h"
#include "domain/ports/git_service.h"
#include "domain/ports/router.h"
#include "domain/ports/store.h"
#include "usecases/application_observer.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/event_hub.h"
#include "usecases/fetch_schedule.h"
#include "usecases/reconcile_loop.h"
#include "usecases/site_publisher.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>

namespace vitrine::usecases {

struct ControllerOptions {
    QString dataDir;                        // sites in DATA/sites/<app name>/<build id>/
    std::chrono::seconds pollInterval{180}; // repo fetch; idle repos back off up to 8x
    int siteRetention = 3;                  // published versions kept per app
    std::chrono::seconds heartbeatTimeout{60};
    // How often the loops that events wake also run on their own, so that a missed event costs at most
    // this delay: scheduling, crash detection, and the rest (registration, deploy sync, routes).
    std::chrono::milliseconds schedulePassInterval{5'000};
    std::chrono::milliseconds crashCheckInterval{10'000};
    std::chrono::milliseconds resyncInterval{60'000};
};

// The reconcile loops between a push and a live site. Each is level-based: it reads the desired state from
// the store, compares it with what is, and acts on the difference; triggers only make it look sooner.
// - repository fetch (per repository): resolves each application's ref to a commit and records it;
// - build registration (per application): an application with no build for (commit, config hash) gets a
//   QUEUED build, and its older QUEUED builds are canceled as superseded;
// - scheduling: while the executor has free slots, takes QUEUED builds in fair order across owners
//   (QUEUED→BUILDING by compare-and-set is the lock) and starts them;
// - crash detection: BUILDING builds without a heartbeat for heartbeatTimeout become FAILED;
// - deploy sync (per application): a static application serves the newest SUCCEEDED build of its current
//   commit and config, published by SitePublisher; runtime applications are not deployed yet;
// - routes: the router serves every published static application at its websites.
// One failing repository or application never stops a loop for the others. Every public method is
// thread-safe and returns quickly.
class Controller final : public ApplicationObserver {
public:
    Controller(domain::Store &store, domain::GitService &git, domain::ArtifactArchive &archive,
               domain::Router &router, BuildExecutor &executor, EventHub &events, BuildLogHub &logHub,
               domain::BuildLogStore &logs, ControllerOptions options);
    ~Controller() override;

    Controller(const Controller &) = delete;
    Controller &operator=(const Controller &) = delete;

    // Starts every loop, each with a full pass.
    void start();
    // Lets the running reconciles finish and stops the loops. Idempotent.
    void stop();

    // A push webhook for the repository: fetch it now.
    void repositoryPushed(const QString &repositoryId);
    // The executor settled a build: deploy it if it is its application's target, and fill the free slot.
    void buildSettled(const domain::Build &build);
    // A build was queued (or a slot freed) elsewhere: schedule now.
    void scheduleNow();

    // ApplicationObserver: a change may mean a new config hash (registration), a new ref (fetch), new
    // websites (routes).
    void applicationChanged(const domain::Application &application) override;
    // Removes the application's site, its builds' artifacts and logs, stops its running build, and takes
    // its routes away.
    void applicationDeleted(const domain::Application &application,
                            const QList<domain::Build> &deletedBuilds) override;

private:
    // repository_fetcher.cpp
    void fetchRepository(const QString &repositoryId);
    // build_registrar.cpp
    void registerBuild(const QString &applicationId);
    // build_scheduler.cpp
    void scheduleBuilds();
    void failStaleBuilds();
    // deploy_sync.cpp
    void syncDeploy(const QString &applicationId);
    void applyRoutes();
    void triggerRoutes();

    QStringList allRepositoryIds();
    QList<domain::Application> allApplications();
    QStringList allApplicationIds();
    // The build's application as the store has it; a deleted one with its id and name only.
    domain::Application applicationOf(const domain::Build &build);
    void publishBuildState(const domain::Application &application, const QString &buildId,
                           domain::BuildState state, const QString &message = {});
    void publishApplicationEvent(domain::EventType type, const domain::Application &application,
                                 const QString &buildId = {});

    domain::Store &m_store;
    domain::GitService &m_git;
    domain::Router &m_router;
    BuildExecutor &m_executor;
    EventHub &m_events;
    BuildLogHub &m_logHub;
    domain::BuildLogStore &m_logs;
    const ControllerOptions m_options;
    SitePublisher m_sites;
    FetchSchedule m_fetchSchedule;

    // Declared last; the destructor stops them all before any member goes, since their reconciles trigger
    // one another.
    ReconcileLoop m_fetchLoop;
    ReconcileLoop m_registrationLoop;
    ReconcileLoop m_scheduleLoop;
    ReconcileLoop m_crashLoop;
    ReconcileLoop m_deployLoop;
    ReconcileLoop m_routesLoop;
};

} // namespace vitrine::usecases
