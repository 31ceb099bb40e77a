// The deploy sync and routes loops of Controller: what each static application serves, and the router's
// view of it.
#include "domain/error.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"

#include <QFileInfo>

#include <optional>

namespace vitrine::usecases {

namespace {
// The build an application should serve: its newest SUCCEEDED build of the current commit and config.
std::optional<domain::Build> deployTarget(domain::Store &store, const domain::Application &application)
{
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
    // Runtime deploys come with the runtime backends.
    if (!application || application->deployType != domain::DeployType::Static)
        return;
    std::optional<domain::Build> target = deployTarget(m_store, *application);
    // Nothing newer to serve yet (or its build failed): keep serving what is served.
    if (!target && !application->currentBuildId.isEmpty())
        target = m_store.findBuildById(application->currentBuildId);
    if (!target)
        return;

    // Also when it is current already: a version lost from disk is published again.
    const bool wasOnDisk = QFileInfo(m_sites.siteDirectory(application->name, target->id)).isDir();
    m_sites.publish(*application, *target);
    if (target->id != application->currentBuildId) {
        try {
            m_store.setApplicationCurrentBuild(application->id, target->id);
        } catch (const domain::Error &error) {
            if (error.kind() == domain::ErrorKind::NotFound) {
                // Deleted while it was being published: take the site away with it.
                m_sites.removeApplication(application->name);
                return;
            }
            throw;
        }
        qCInfo(lcController).noquote() << application->name << "now serves build" << target->id;
        publishApplicationEvent(domain::EventType::ApplicationDeployed, *application, target->id);
        triggerRoutes();
    } else if (!wasOnDisk) {
        triggerRoutes();
    }
    // The version served until the router switches stays too.
    m_sites.prune(application->name, {target->id, application->currentBuildId});
}

void Controller::applyRoutes()
{
    QList<domain::Route> routes;
    for (const domain::Application &application : allApplications()) {
        if (application.deployType != domain::DeployType::Static || application.currentBuildId.isEmpty())
            continue;
        const QString root = m_sites.siteDirectory(application.name, application.currentBuildId);
        if (!QFileInfo(root).isDir())
            continue; // deploy sync publishes it again
        for (const domain::Website &website : application.websites) {
            domain::Route route;
            route.applicationName = application.name;
            route.fqdn = website.fqdn;
            route.pathPrefix = website.pathPrefix;
            route.stripPrefix = website.stripPrefix;
            route.staticRoot = root;
            route.spaFallback = application.spaFallback;
            routes.append(route);
        }
    }
    m_router.apply(routes);
}

} // namespace vitrine::usecases
