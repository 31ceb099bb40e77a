#include "usecases/controller.h"

#include "usecases/alert_monitor.h"
#include "usecases/controller_logging.h"
#include "usecases/garbage_collector.h"
#include "usecases/metrics_recorder.h"
#include "usecases/runtime_log_hub.h"

#include <QDir>
#include <QFile>

namespace vitrine::usecases {

namespace {
const QString kScheduleKey = QStringLiteral("schedule");
const QString kStaleBuildsKey = QStringLiteral("stale-builds");
const QString kRoutesKey = QStringLiteral("routes");
const QString kSleepKey = QStringLiteral("sleep");

// Pages through a store list ordered by name until a short page.
template<typename Item, typename ListPage>
QList<Item> everyPage(ListPage listPage)
{
    constexpr int kPageSize = 500;
    QList<Item> all;
    domain::PageQuery page;
    page.limit = kPageSize;
    for (;;) {
        const QList<Item> items = listPage(page);
        all.append(items);
        if (items.size() < kPageSize)
            return all;
        page.afterName = items.constLast().name;
    }
}

ReconcileLoop::Options loopOptions(const QString &name, std::chrono::milliseconds fullPassInterval,
                                   int workers = 1)
{
    ReconcileLoop::Options options;
    options.name = name;
    options.fullPassInterval = fullPassInterval;
    options.workers = workers;
    return options;
}

} // namespace

Controller::Controller(domain::Store &store, domain::GitService &git, domain::ArtifactArchive &archive,
                       domain::Router &router, domain::RuntimeBackend &runtime, BuildExecutor &executor,
                       EventHub &events, BuildLogHub &logHub, domain::BuildLogStore &logs,
                       ControllerOptions options)
    : m_store(store)
    , m_git(git)
    , m_router(router)
    , m_runtime(runtime)
    , m_executor(executor)
    , m_events(events)
    , m_logHub(logHub)
    , m_logs(logs)
    , m_options(std::move(options))
    , m_sites(archive, m_options.dataDir, QStringLiteral("sites"), m_options.siteRetention)
    , m_releases(archive, m_options.dataDir, QStringLiteral("releases"), m_options.siteRetention)
    , m_fetchSchedule(m_options.pollInterval)
    // Fetches wait on the network: two at once, so one slow remote does not hold up the others.
    , m_fetchLoop(
          loopOptions(QStringLiteral("repo-fetch"), m_options.pollInterval, 2),
          [this] { return allRepositoryIds(); }, [this](const QString &id) { fetchRepository(id); })
    , m_registrationLoop(
          loopOptions(QStringLiteral("build-registration"), m_options.resyncInterval),
          [this] { return allApplicationIds(); }, [this](const QString &id) { registerBuild(id); })
    , m_scheduleLoop(
          loopOptions(QStringLiteral("build-scheduling"), m_options.schedulePassInterval),
          [] { return QStringList{kScheduleKey}; }, [this](const QString &) { scheduleBuilds(); })
    , m_crashLoop(
          loopOptions(QStringLiteral("crash-detection"), m_options.crashCheckInterval),
          [] { return QStringList{kStaleBuildsKey}; }, [this](const QString &) { failStaleBuilds(); })
    // Deploys of runtime apps wait for unpacking and route updates: two at once.
    , m_deployLoop(
          loopOptions(QStringLiteral("deploy-sync"), m_options.resyncInterval, 2),
          [this] { return applicationsToSync(); }, [this](const QString &id) { syncDeploy(id); })
    , m_routesLoop(
          loopOptions(QStringLiteral("routes"), m_options.resyncInterval),
          [] { return QStringList{kRoutesKey}; }, [this](const QString &) { applyRoutes(); })
    , m_sleepLoop(
          loopOptions(QStringLiteral("sleep"), m_options.sleepCheckInterval),
          [] { return QStringList{kSleepKey}; },
          [this](const QString &) { putSleepingApplicationsToSleep(); })
{
}

void Controller::setRuntimeListeners(RuntimeLogHub *output, AlertMonitor *alerts, MetricsRecorder *metrics)
{
    m_output = output;
    m_alerts = alerts;
    m_metrics = metrics;
}

void Controller::setGarbageCollector(GarbageCollector *collector)
{
    m_garbageCollector = collector;
}

Controller::~Controller()
{
    stop();
}

void Controller::setWakeUpstream(const QString &upstream)
{
    m_wakeUpstream = upstream;
}

void Controller::start()
{
    m_runtime.setObserver(this);
    m_routesLoop.start();
    m_deployLoop.start();
    m_crashLoop.start();
    m_scheduleLoop.start();
    m_registrationLoop.start();
    m_fetchLoop.start();
    m_sleepLoop.start();
}

void Controller::stop()
{
    m_sleepLoop.stop();
    m_fetchLoop.stop();
    m_registrationLoop.stop();
    m_scheduleLoop.stop();
    m_crashLoop.stop();
    m_deployLoop.stop();
    m_routesLoop.stop();
}

void Controller::repositoryPushed(const QString &repositoryId)
{
    m_fetchSchedule.wake(repositoryId);
    m_fetchLoop.trigger(repositoryId);
}

void Controller::buildSettled(const domain::Build &build)
{
    m_deployLoop.trigger(build.applicationId);
    scheduleNow();
}

void Controller::scheduleNow()
{
    m_scheduleLoop.trigger(kScheduleKey);
}

void Controller::applicationChanged(const domain::Application &application)
{
    // The ref may be new (fetch), so may the config hash (registration), the websites (routes) and the SPA
    // fallback (routes, through deploy sync).
    m_fetchSchedule.wake(application.repositoryId);
    m_fetchLoop.trigger(application.repositoryId);
    m_registrationLoop.trigger(application.id);
    m_deployLoop.trigger(application.id);
    triggerRoutes();
    publishApplicationEvent(domain::EventType::ApplicationChanged, application);
}

void Controller::applicationDeleted(const domain::Application &application,
                                    const QList<domain::Build> &deletedBuilds)
{
    const QDir dataDir(m_options.dataDir);
    for (const domain::Build &build : deletedBuilds) {
        try {
            // A build stopped here ends its log as it settles; for any other unfinished one nobody would,
            // and its log watchers would wait for ever.
            const bool stoppedHere =
                build.state == domain::BuildState::Building && m_executor.cancel(build.id);
            if (!domain::isFinished(build.state) && !stoppedHere)
                m_logHub.finish(build.id, domain::BuildState::Canceled);
            const QString artifact = dataDir.filePath(build.artifactPath);
            if (!build.artifactPath.isEmpty() && QFile::exists(artifact) && !QFile::remove(artifact))
                qCWarning(lcController).noquote() << "could not remove artifact" << artifact;
            m_logs.remove(build.id);
        } catch (const std::exception &error) {
            // The application is gone already; what is left behind is only disk space.
            qCWarning(lcController).noquote() << "cleaning up build" << build.id << "of deleted application"
                                              << application.name << "failed:" << error.what();
        }
    }
    m_sites.removeApplication(application.name);
    stopRuntime(application.id);
    m_releases.removeApplication(application.name);
    if (m_garbageCollector)
        m_garbageCollector->applicationDeleted(application.id);
    if (m_metrics)
        m_metrics->forget(application.id);
    if (m_output) {
        try {
            m_output->removeApplication(application.id);
        } catch (const std::exception &error) {
            qCWarning(lcController).noquote() << "removing the output of deleted application"
                                              << application.name << "failed:" << error.what();
        }
    }
    triggerRoutes();
    publishApplicationEvent(domain::EventType::ApplicationDeleted, application);
}

void Controller::triggerRoutes()
{
    m_routesLoop.trigger(kRoutesKey);
}

QStringList Controller::allRepositoryIds()
{
    QStringList ids;
    const QList<domain::Repository> repositories = everyPage<domain::Repository>(
        [this](const domain::PageQuery &page) { return m_store.listRepositories({}, page); });
    for (const domain::Repository &repository : repositories)
        ids.append(repository.id);
    return ids;
}

QList<domain::Application> Controller::allApplications()
{
    return everyPage<domain::Application>(
        [this](const domain::PageQuery &page) { return m_store.listApplications({}, page); });
}

QStringList Controller::allApplicationIds()
{
    QStringList ids;
    for (const domain::Application &application : allApplications())
        ids.append(application.id);
    return ids;
}

domain::Application Controller::applicationOf(const domain::Build &build)
{
    if (auto application = m_store.findApplicationById(build.applicationId))
        return *application;
    domain::Application deleted;
    deleted.id = build.applicationId;
    deleted.name = build.applicationName;
    return deleted;
}

void Controller::publishBuildState(const domain::Application &application, const QString &buildId,
                                   domain::BuildState state, const QString &message)
{
    // Builds the controller ends (superseded, crashed) never reach the builder's settle step: end their
    // logs here, or their watchers would wait for ever.
    if (domain::isFinished(state))
        m_logHub.finish(buildId, state);
    domain::Event event;
    event.type = domain::EventType::BuildStateChanged;
    event.applicationId = application.id;
    event.applicationName = application.name;
    event.buildId = buildId;
    event.state = domain::buildStateName(state);
    event.message = message;
    event.ownerIds = application.ownerIds;
    m_events.publish(event);
}

void Controller::publishApplicationEvent(domain::EventType type, const domain::Application &application,
                                         const QString &buildId)
{
    domain::Event event;
    event.type = type;
    event.applicationId = application.id;
    event.applicationName = application.name;
    event.buildId = buildId;
    event.ownerIds = application.ownerIds;
    m_events.publish(event);
}

} // namespace vitrine::usecases
