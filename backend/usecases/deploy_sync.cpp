// The deploy sync and routes loops of Controller: which build each application serves, static sites
// published, and the router's view of every application.
#include "domain/error.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"

#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <optional>

namespace vitrine::usecases {

namespace {
// The build an application should serve: the build a rollback pinned, else its newest SUCCEEDED build of
// the current commit and config.
std::optional<domain::Build> deployTarget(domain::Store &store, const domain::Application &application)
{
    if (!application.pinnedBuildId.isEmpty()) {
        const auto pinned = store.findBuildById(application.pinnedBuildId);
        if (pinned && pinned->applicationId == application.id &&
            pinned->state == domain::BuildState::Succeeded)
            return pinned;
    }
    if (application.currentCommit.isEmpty())
        return std::nullopt;
    domain::BuildFilter filter;
    filter.applicationId = application.id;
    filter.states = {domain::BuildState::Succeeded};
    domain::BuildPageQuery page;
    for (;;) {
        const QList<domain::Build> builds = store.listBuilds(filter, page);
        for (const domain::Build &build : builds) {
            if (build.commit == application.currentCommit && build.configHash == application.configHash)
                return build;
        }
        if (builds.size() < page.limit)
            return std::nullopt;
        page.afterQueuedAt = builds.constLast().queuedAt;
        page.afterId = builds.constLast().id;
    }
}

} // namespace

void Controller::syncDeploy(const QString &applicationId)
{
    const auto application = m_store.findApplicationById(applicationId);
    if (!application) {
        stopRuntime(applicationId); // deleted
        return;
    }
    std::optional<domain::Build> target = deployTarget(m_store, *application);
    // Nothing newer to serve yet (or its build failed): keep serving what is served.
    if (!target && !application->currentBuildId.isEmpty())
        target = m_store.findBuildById(application->currentBuildId);
    // A runtime build that failed to become healthy is not deployed again until someone acknowledged that
    // (its open alert says so, also after a server restart): the served build stays.
    if (target && target->deployType == domain::DeployType::Runtime &&
        target->id != application->currentBuildId && !application->currentBuildId.isEmpty()) {
        domain::AlertFilter failedDeploys;
        failedDeploys.applicationId = application->id;
        failedDeploys.buildId = target->id;
        failedDeploys.kinds = {domain::AlertKind::DeployFailed};
        failedDeploys.openOnly = true;
        if (!m_store.listAlerts(failedDeploys, {1, {}, {}}).isEmpty())
            target = m_store.findBuildById(application->currentBuildId);
    }
    // The build decides: an auto build may have found a static site in a runtime application.
    if (target ? target->deployType == domain::DeployType::Runtime
               : application->deployType == domain::DeployType::Runtime) {
        syncRuntimeDeploy(*application, target);
        return;
    }
    if (!target)
        return;
    stopRuntime(application->id); // it ran a runtime build before
    syncStaticDeploy(*application, *target);
}

QStringList Controller::applicationsToSync()
{
    const QList<domain::Application> applications = allApplications();
    const QHash<QString, QString> deployable = m_store.deployableBuildIds();
    QSet<QString> liveInstances;
    for (const domain::InstanceStatus &status : m_runtime.instances())
        liveInstances.insert(status.instanceId);

    QStringList outOfSync;
    const std::lock_guard lock(m_runtimeMutex);
    for (const domain::Application &application : applications) {
        const QString target = !application.pinnedBuildId.isEmpty()  ? application.pinnedBuildId
                               : deployable.contains(application.id) ? deployable.value(application.id)
                                                                     : application.currentBuildId;
        if (target.isEmpty())
            continue; // nothing to serve yet
        const auto slot = m_runtimeSlots.constFind(application.id);
        if (slot == m_runtimeSlots.cend()) {
            // Not running anything: a static site, or a runtime app that is stopped or not started yet.
            const bool staticInPlace = target == application.currentBuildId &&
                                       QFileInfo(m_sites.siteDirectory(application.name, target)).isDir();
            if (!staticInPlace)
                outOfSync.append(application.id);
            continue;
        }
        const bool wanted = application.running && !slot->sleeping;
        const bool settled =
            slot->candidate == std::nullopt && slot->retiring.isEmpty() && !slot->restartRequested;
        const bool inPlace = wanted ? settled && slot->serving && slot->serving->buildId == target &&
                                          liveInstances.contains(slot->serving->instanceId)
                                    : !slot->serving && settled;
        // A build whose deploy failed stays out of place until acknowledged: deploy sync checks the alert.
        if (!inPlace)
            outOfSync.append(application.id);
    }
    return outOfSync;
}

void Controller::syncStaticDeploy(const domain::Application &application, const domain::Build &target)
{
    // Also when it is current already: a version lost from disk is published again.
    const bool wasOnDisk = QFileInfo(m_sites.siteDirectory(application.name, target.id)).isDir();
    m_sites.publish(application, target);
    if (target.id != application.currentBuildId) {
        try {
            m_store.setApplicationCurrentBuild(application.id, target.id);
        } catch (const domain::Error &error) {
            if (error.kind() == domain::ErrorKind::NotFound) {
                // Deleted while it was being published: take the site away with it.
                m_sites.removeApplication(application.name);
                return;
            }
            throw;
        }
        qCInfo(lcController).noquote() << application.name << "now serves build" << target.id;
        publishApplicationEvent(domain::EventType::ApplicationDeployed, application, target.id);
        triggerRoutes();
    } else if (!wasOnDisk) {
        triggerRoutes();
    }
    // The version served until the router switches stays too.
    m_sites.prune(application.name, {target.id, application.currentBuildId});
}

void Controller::applyRoutes()
{
    const std::lock_guard routesLock(m_routesMutex);
    quint64 generation = 0;
    {
        // Every switch asked for until now is in what is read below.
        const std::lock_guard runtimeLock(m_runtimeMutex);
        generation = m_routesRequested;
    }
    QList<domain::Route> routes;
    QHash<QString, QString> routedUpstreams;
    for (const domain::Application &application : allApplications()) {
        // One route per website; the target is filled in below.
        const auto addRoutes = [&](const domain::Route &target) {
            for (const domain::Website &website : application.websites) {
                domain::Route route = target;
                route.applicationName = application.name;
                route.fqdn = website.fqdn;
                route.pathPrefix = website.pathPrefix;
                route.stripPrefix = website.stripPrefix;
                routes.append(route);
            }
        };
        bool wake = false;
        if (const std::optional<QString> upstream = runtimeUpstream(application.id, &wake)) {
            domain::Route target;
            target.upstream = *upstream;
            target.wake = wake;
            addRoutes(target);
            if (!wake)
                routedUpstreams.insert(application.id, *upstream);
            continue;
        }
        if (application.currentBuildId.isEmpty())
            continue;
        const QString root = m_sites.siteDirectory(application.name, application.currentBuildId);
        if (!QFileInfo(root).isDir())
            continue; // deploy sync publishes it again
        domain::Route target;
        target.staticRoot = root;
        target.spaFallback = application.spaFallback;
        addRoutes(target);
    }
    m_router.apply(routes);
    const std::lock_guard runtimeLock(m_runtimeMutex);
    m_routedUpstreams = routedUpstreams;
    m_routesApplied = std::max(m_routesApplied, generation);
}

} // namespace vitrine::usecases
