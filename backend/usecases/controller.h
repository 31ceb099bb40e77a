#pragma once

#include "domain/application.h"
#include "domain/build.h"
#include "domain/ports/artifact_archive.h"
#include "domain/ports/build_log_store.h"
#include "domain/ports/git_service.h"
#include "domain/ports/router.h"
#include "domain/ports/runtime_backend.h"
#include "domain/ports/store.h"
#include "usecases/application_observer.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/event_hub.h"
#include "usecases/fetch_schedule.h"
#include "usecases/reconcile_loop.h"
#include "usecases/runtime_control.h"
#include "usecases/site_publisher.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <mutex>
#include <optional>

namespace vitrine::usecases {

class AlertMonitor;
class GarbageCollector;
class MetricsRecorder;
class RuntimeLogHub;

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

    // Runtime applications: the limits and health timeout of an instance when the app does not set its own.
    domain::ResourceLimits defaultLimits;
    int healthTimeoutSeconds = 60;
    // A replaced instance keeps running this long after the router switched away from it, so that the
    // requests it is serving finish.
    std::chrono::milliseconds drainPeriod{2'000};
    // How often apps with auto-sleep are checked for idleness.
    std::chrono::milliseconds sleepCheckInterval{10'000};
};

// The reconcile loops between a push and a live site. Each is level-based: it reads the desired state from
// the store, compares it with what is, and acts on the difference; triggers only make it look sooner.
// - repository fetch (per repository): resolves each application's ref to a commit and records it;
// - build registration (per application): an application with no build for (commit, config hash) gets a
//   QUEUED build, and its older QUEUED builds are canceled as superseded;
// - scheduling: while the executor has free slots, takes QUEUED builds in fair order across owners
//   (QUEUED→BUILDING by compare-and-set is the lock) and starts them;
// - crash detection: BUILDING builds without a heartbeat for heartbeatTimeout become FAILED;
// - deploy sync (per application): an application serves the newest SUCCEEDED build of its current commit
//   and config (or the build a rollback pinned). A static build is published by SitePublisher; a runtime
//   build is unpacked as a release and run by the runtime backend: a new instance starts beside the serving
//   one, takes over the route once healthy, and the old one stops after a drain period, so no request fails;
//   one that never gets healthy is a failed deploy (an alert) and the old one keeps serving;
// - routes: the router serves every published static application and every serving runtime instance at
//   their websites, and the wake handler for sleeping ones;
// - sleep: a runtime application with auto-sleep that had no request for that long is stopped until a
//   request wakes it.
// One failing repository or application never stops a loop for the others. Every public method is
// thread-safe and returns quickly.
class Controller final : public ApplicationObserver, public RuntimeControl, public domain::RuntimeObserver {
public:
    Controller(domain::Store &store, domain::GitService &git, domain::ArtifactArchive &archive,
               domain::Router &router, domain::RuntimeBackend &runtime, BuildExecutor &executor,
               EventHub &events, BuildLogHub &logHub, domain::BuildLogStore &logs, ControllerOptions options);
    ~Controller() override;

    Controller(const Controller &) = delete;
    Controller &operator=(const Controller &) = delete;

    // Where runtime output goes, who hears of crashes and failed deploys, and whose series a deleted
    // application leaves. Set before start(); each optional. The controller makes itself the runtime
    // backend's observer on start().
    void setRuntimeListeners(RuntimeLogHub *output, AlertMonitor *alerts, MetricsRecorder *metrics);
    // Who removes a deleted application's images; null (the default): nobody, as no runtime builds them.
    // Set before start().
    void setGarbageCollector(GarbageCollector *collector);

    // "host:port" of the server's wake handler, where the routes of sleeping apps lead. Set before start()
    // (the HTTP server binds its port after the controller exists).
    void setWakeUpstream(const QString &upstream);

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
    // Removes the application's site, its builds' artifacts and logs, stops its running build and its
    // instances, has its images removed, and takes its routes away.
    void applicationDeleted(const domain::Application &application,
                            const QList<domain::Build> &deletedBuilds) override;

    // Deploy sync's periodic pass: the applications whose served build, published site or instances differ
    // from what they should be, found with a few reads for the whole fleet, so that a pass over thousands of
    // applications in their desired state costs little. Thread-safe.
    QStringList applicationsToSync();

    // RuntimeControl
    RuntimeStatus runtimeStatus(const QString &applicationId) override;
    void restartApplication(const QString &applicationId) override;
    bool wakeApplication(const QString &applicationName) override;

    // domain::RuntimeObserver
    void instanceOutput(const QString &applicationId, const QString &instanceId, domain::LogStream stream,
                        const QString &text) override;
    void instanceStateChanged(const domain::InstanceStatus &status) override;
    void instanceExited(const domain::InstanceStatus &status, const domain::InstanceExit &exit) override;

private:
    // What the controller knows of one runtime application's instances. In memory only: after a server
    // restart deploy sync starts over from the store (the backend's instances ended with the server).
    struct RuntimeSlot {
        std::optional<domain::InstanceSpec> serving; // the instance the route leads to
        QString servingUpstream;
        std::optional<domain::InstanceSpec> candidate; // starting; takes over once healthy
        QDateTime candidateSince;
        QList<domain::InstanceSpec> retiring; // replaced; stopped when the drain period is over
        QDateTime retireAt;
        quint64 retireAfterRoutes = 0; // ... and the router has applied this route update (or a later one)
        std::optional<domain::InstanceSpec> failed; // never got healthy: not tried again as it is
        int nextInstanceNumber = 1;
        bool restartRequested = false;
        bool sleeping = false;
        QDateTime awakeSince; // idle time counts from here at the earliest
        // As of the application's last deploy sync (every change of it triggers one): what sleep needs.
        QString applicationName;
        quint32 autoSleepSeconds = 0;
    };

    // repository_fetcher.cpp
    void fetchRepository(const QString &repositoryId);
    // build_registrar.cpp
    void registerBuild(const QString &applicationId);
    // build_scheduler.cpp
    void scheduleBuilds();
    void failStaleBuilds();
    // deploy_sync.cpp
    void syncDeploy(const QString &applicationId);
    void syncStaticDeploy(const domain::Application &application, const domain::Build &target);
    void applyRoutes();
    void triggerRoutes();
    // runtime_deploy.cpp
    void syncRuntimeDeploy(const domain::Application &application,
                           const std::optional<domain::Build> &target);
    domain::InstanceSpec instanceSpec(const domain::Application &application, const domain::Build &build,
                                      const QString &releaseDirectory) const;
    // Stops every instance of the application and forgets them.
    void stopRuntime(const QString &applicationId);
    // The route of a runtime application, if it has one now: its serving instance, or the wake handler.
    std::optional<QString> runtimeUpstream(const QString &applicationId, bool *wake);
    void putSleepingApplicationsToSleep();
    // A line of the application's output; a System line is the platform's own ("==> …").
    void appendOutput(const QString &applicationId, domain::LogStream stream, const QString &text);
    void publishStateEvent(const domain::Application &application, domain::InstanceState state,
                           const QString &message);

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
    domain::RuntimeBackend &m_runtime;
    BuildExecutor &m_executor;
    EventHub &m_events;
    BuildLogHub &m_logHub;
    domain::BuildLogStore &m_logs;
    const ControllerOptions m_options;
    SitePublisher m_sites;
    SitePublisher m_releases;
    FetchSchedule m_fetchSchedule;
    RuntimeLogHub *m_output = nullptr;
    AlertMonitor *m_alerts = nullptr;
    MetricsRecorder *m_metrics = nullptr;
    GarbageCollector *m_garbageCollector = nullptr;
    QString m_wakeUpstream;

    std::mutex m_runtimeMutex;                  // guards the four below
    QHash<QString, RuntimeSlot> m_runtimeSlots; // by application id
    QHash<QString, QString> m_routedUpstreams;  // application id → the upstream the router has now
    quint64 m_routesRequested = 0;              // route updates asked for by deploys
    quint64 m_routesApplied = 0;                // the newest of them the router has
    std::mutex m_routesMutex;                   // one route update at a time

    // Declared last; the destructor stops them all before any member goes, since their reconciles trigger
    // one another.
    ReconcileLoop m_fetchLoop;
    ReconcileLoop m_registrationLoop;
    ReconcileLoop m_scheduleLoop;
    ReconcileLoop m_crashLoop;
    ReconcileLoop m_deployLoop;
    ReconcileLoop m_routesLoop;
    ReconcileLoop m_sleepLoop;
};

} // namespace vitrine::usecases
