#include "usecases/application_service.h"

#include "domain/config_hash.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "domain/validation.h"
#include "usecases/access.h"

#include <utility>

namespace vitrine::usecases {

using domain::Error;

namespace {

// Where an application without websites is published: NAME.localhost at "/".
QList<domain::Website> defaultWebsites(const QString &applicationName)
{
    domain::Website website;
    website.fqdn = applicationName + QStringLiteral(".localhost");
    return {website};
}

// The websites as the member gave them, normalized (so "Blog.Example." and "blog.example" are one) and
// validated.
QList<domain::Website> checkedWebsites(const QList<domain::Website> &requested)
{
    QList<domain::Website> websites;
    websites.reserve(requested.size());
    for (const domain::Website &website : requested)
        websites.append(domain::normalizedWebsite(website));
    domain::validateWebsites(QStringLiteral("websites"), websites);
    return websites;
}

// A referenced repository that does not exist is bad input of the request, like an unknown owner.
domain::Repository referencedRepository(domain::Store &store, const Caller &caller,
                                        const QString &repositoryRef)
{
    const QString field = QStringLiteral("repository");
    if (repositoryRef.isEmpty())
        throw Error::badRequest(field, QStringLiteral("must not be empty"));
    const auto repository = access::findRepository(store, repositoryRef);
    if (!repository)
        throw Error::badRequest(field,
                                QStringLiteral("repository %1 not found").arg(domain::quoted(repositoryRef)));
    if (!access::canSee(caller, repository->ownerIds))
        throw Error::forbidden(
            QStringLiteral("you are not an owner of repository %1").arg(domain::quoted(repositoryRef)));
    return *repository;
}

void validateSpaFallback(bool spaFallback, domain::DeployType deployType)
{
    if (spaFallback && deployType != domain::DeployType::Static)
        throw Error::badRequest(QStringLiteral("spa_fallback"),
                                QStringLiteral("only applies to static deploys; a runtime app routes its "
                                               "own paths"));
}

void validateRuntimeSettings(const QString &healthCheckPath, quint32 memoryLimitMb, quint32 cpuMillicores)
{
    domain::validateHealthCheckPath(QStringLiteral("health_check_path"), healthCheckPath);
    domain::validateMemoryLimitMb(QStringLiteral("memory_limit_mb"), memoryLimitMb);
    domain::validateCpuMillicores(QStringLiteral("cpu_millicores"), cpuMillicores);
}

// The health check and the limits tell how a runtime instance runs; a static site runs none.
void refuseRuntimeSettingsOnStatic(bool healthCheckPathGiven, bool memoryLimitGiven, bool cpuLimitGiven)
{
    const auto refuse = [](const QString &field) {
        throw Error::badRequest(field, QStringLiteral("only applies to runtime deploys; a static site runs "
                                                      "no process"));
    };
    if (healthCheckPathGiven)
        refuse(QStringLiteral("health_check_path"));
    if (memoryLimitGiven)
        refuse(QStringLiteral("memory_limit_mb"));
    if (cpuLimitGiven)
        refuse(QStringLiteral("cpu_millicores"));
}

QString describe(const QString &applicationRef)
{
    return QStringLiteral("application %1").arg(domain::quoted(applicationRef));
}

Error staticSite(const QString &applicationRef)
{
    return Error::failedPrecondition(
        QStringLiteral("%1 is a static site: it is served whenever it has a build")
            .arg(describe(applicationRef)));
}

} // namespace

ApplicationService::ApplicationService(domain::Store &store)
    : m_store(store)
{
}

void ApplicationService::setObserver(ApplicationObserver *observer)
{
    m_observer = observer;
}

void ApplicationService::setRuntimeControl(RuntimeControl *runtime)
{
    m_runtime = runtime;
}

void ApplicationService::setDiskUsage(DiskUsageMeter *disk)
{
    m_disk = disk;
}

domain::Application ApplicationService::changed(const domain::Application &application)
{
    if (m_observer)
        m_observer->applicationChanged(application);
    return application;
}

QList<domain::Application> ApplicationService::withStatus(QList<domain::Application> applications)
{
    QStringList ids;
    for (const domain::Application &application : applications)
        ids << application.id;
    const QHash<QString, domain::Build> latestBuilds = m_store.latestBuilds(ids);
    const DiskUsage disk = m_disk ? m_disk->lastMeasured() : DiskUsage{};
    for (domain::Application &application : applications) {
        if (m_runtime && application.deployType == domain::DeployType::Runtime) {
            const RuntimeStatus status = m_runtime->runtimeStatus(application.id);
            application.runtimeState = domain::instanceStateName(status.state);
            application.restartCount = status.restartCount;
        }
        const auto latest = latestBuilds.constFind(application.id);
        if (latest != latestBuilds.cend())
            application.latestBuild =
                domain::LatestBuild{latest->id, latest->state, latest->failureReason, latest->queuedAt};
        application.diskBytes = disk.byApplication.value(application.id).totalBytes();
    }
    return applications;
}

domain::Application ApplicationService::withStatus(domain::Application application)
{
    return withStatus(QList{std::move(application)}).takeFirst();
}

domain::Application ApplicationService::create(const Caller &caller, const NewApplication &request)
{
    domain::validateName(QStringLiteral("name"), request.name);
    domain::validateRef(QStringLiteral("ref"), request.ref);
    const domain::DeployType deployType = request.deployType.value_or(
        domain::impliedDeployType(request.build.type).value_or(domain::DeployType::Runtime));
    const domain::BuildConfig build = domain::withDefaults(request.build);
    domain::validateBuildConfig(QStringLiteral("build"), build, deployType);
    validateSpaFallback(request.spaFallback, deployType);
    validateRuntimeSettings(request.healthCheckPath, request.memoryLimitMb, request.cpuMillicores);
    if (deployType == domain::DeployType::Static)
        refuseRuntimeSettingsOnStatic(!request.healthCheckPath.isEmpty(), request.memoryLimitMb != 0,
                                      request.cpuMillicores != 0);
    const QList<domain::Website> websites =
        request.websites.isEmpty() ? defaultWebsites(request.name) : checkedWebsites(request.websites);
    domain::validateEnvVars(QStringLiteral("env"), request.env);
    const QStringList ownerIds = access::resolveOwners(m_store, caller, request.ownerNames);
    const domain::Repository repository = referencedRepository(m_store, caller, request.repositoryRef);
    if (m_store.findApplicationByName(request.name))
        throw Error::alreadyExists(QStringLiteral("application '%1' already exists").arg(request.name));

    domain::Application application;
    application.id = domain::newId(domain::idprefix::kApplication);
    application.name = request.name;
    application.repositoryId = repository.id;
    application.ref = request.ref;
    application.deployType = deployType;
    application.build = build;
    application.websites = websites;
    application.env = request.env;
    application.ownerIds = ownerIds;
    application.autoSleepSeconds = request.autoSleepSeconds;
    application.spaFallback = request.spaFallback;
    application.healthCheckPath = request.healthCheckPath;
    application.memoryLimitMb = request.memoryLimitMb;
    application.cpuMillicores = request.cpuMillicores;
    application.configHash = domain::configHash(application.build, application.env);
    application.createdAt = access::nowUtc();
    application.updatedAt = application.createdAt;
    m_store.insertApplication(application);
    return withStatus(changed(access::requireApplication(m_store, application.id)));
}

domain::Application ApplicationService::get(const Caller &caller, const QString &applicationRef)
{
    domain::Application application = access::requireVisibleApplication(m_store, caller, applicationRef);
    if (m_disk)
        m_disk->current(); // withStatus reads what it measured
    return withStatus(std::move(application));
}

Page<domain::Application> ApplicationService::list(const Caller &caller, const QString &ownerName,
                                                   const QString &repositoryRef, const PageRequest &page)
{
    const domain::PageQuery query = toPageQuery(page);
    domain::ApplicationFilter filter;
    filter.ownerId = access::listOwnerId(m_store, caller, ownerName, QStringLiteral("applications"));
    if (!repositoryRef.isEmpty()) {
        const auto repository = access::findRepository(m_store, repositoryRef);
        if (!repository)
            throw Error::badRequest(
                QStringLiteral("repository"),
                QStringLiteral("repository %1 not found").arg(domain::quoted(repositoryRef)));
        filter.repositoryId = repository->id;
    }
    Page<domain::Application> applications = toPage(m_store.listApplications(filter, query), query);
    applications.items = withStatus(std::move(applications.items));
    return applications;
}

domain::Application ApplicationService::update(const Caller &caller, const QString &applicationRef,
                                               const ApplicationChanges &changes)
{
    if (changes.ref)
        domain::validateRef(QStringLiteral("ref"), *changes.ref);
    std::optional<domain::BuildConfig> build;
    if (changes.build)
        build = domain::withDefaults(*changes.build);
    std::optional<QList<domain::Website>> websites;
    if (changes.websites && !changes.websites->isEmpty())
        websites = checkedWebsites(*changes.websites);
    const std::optional<QStringList> ownerIds =
        access::resolveOwnerChange(m_store, caller, changes.ownerNames);
    validateRuntimeSettings(changes.healthCheckPath.value_or(QString()), changes.memoryLimitMb.value_or(0),
                            changes.cpuMillicores.value_or(0));

    return withStatus(changed(access::retryOnConflict(describe(applicationRef), [&] {
        domain::Application application = access::requireVisibleApplication(m_store, caller, applicationRef);
        if (changes.ref)
            application.ref = *changes.ref;
        if (build) {
            application.build = *build;
            // A new build type carries its deploy type along unless the request says otherwise.
            application.deployType = domain::impliedDeployType(build->type).value_or(application.deployType);
        }
        if (changes.deployType)
            application.deployType = *changes.deployType;
        domain::validateBuildConfig(QStringLiteral("build"), application.build, application.deployType);
        if (changes.websites)
            application.websites = websites ? *websites : defaultWebsites(application.name);
        if (ownerIds)
            application.ownerIds = *ownerIds;
        if (changes.autoSleepSeconds)
            application.autoSleepSeconds = *changes.autoSleepSeconds;
        if (changes.spaFallback) {
            validateSpaFallback(*changes.spaFallback, application.deployType);
            application.spaFallback = *changes.spaFallback;
        } else if (application.deployType != domain::DeployType::Static) {
            application.spaFallback = false;
        }
        if (application.deployType == domain::DeployType::Static) {
            refuseRuntimeSettingsOnStatic(!changes.healthCheckPath.value_or(QString()).isEmpty(),
                                          changes.memoryLimitMb.value_or(0) != 0,
                                          changes.cpuMillicores.value_or(0) != 0);
            application.healthCheckPath.clear();
            application.memoryLimitMb = 0;
            application.cpuMillicores = 0;
        } else {
            application.healthCheckPath = changes.healthCheckPath.value_or(application.healthCheckPath);
            application.memoryLimitMb = changes.memoryLimitMb.value_or(application.memoryLimitMb);
            application.cpuMillicores = changes.cpuMillicores.value_or(application.cpuMillicores);
        }
        application.configHash = domain::configHash(application.build, application.env);
        m_store.updateApplication(application);
        return access::requireApplication(m_store, application.id);
    })));
}

void ApplicationService::remove(const Caller &caller, const QString &applicationRef)
{
    const domain::Application application =
        access::requireVisibleApplication(m_store, caller, applicationRef);
    const QList<domain::Build> deletedBuilds = m_store.deleteBuildsOfApplication(application.id);
    m_store.deleteApplication(application.id);
    if (m_observer)
        m_observer->applicationDeleted(application, deletedBuilds);
}

domain::Application ApplicationService::setEnv(const Caller &caller, const QString &applicationRef,
                                               const domain::EnvVars &vars)
{
    domain::validateEnvVars(QStringLiteral("env"), vars);
    return withStatus(changed(access::retryOnConflict(describe(applicationRef), [&] {
        domain::Application application = access::requireVisibleApplication(m_store, caller, applicationRef);
        application.env.insert(vars);
        domain::validateCount(QStringLiteral("env"), application.env.size(), domain::kMaxEnvVars,
                              u"env vars per application");
        application.configHash = domain::configHash(application.build, application.env);
        m_store.updateApplication(application);
        return access::requireApplication(m_store, application.id);
    })));
}

domain::Application ApplicationService::unsetEnv(const Caller &caller, const QString &applicationRef,
                                                 const QStringList &keys)
{
    domain::validateCount(QStringLiteral("keys"), keys.size(), domain::kMaxEnvVars, u"keys");
    for (qsizetype i = 0; i < keys.size(); ++i)
        domain::validateEnvKey(QStringLiteral("keys[%1]").arg(i), keys[i]);
    return withStatus(changed(access::retryOnConflict(describe(applicationRef), [&] {
        domain::Application application = access::requireVisibleApplication(m_store, caller, applicationRef);
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (!application.env.contains(keys[i]))
                throw Error::badRequest(QStringLiteral("keys[%1]").arg(i),
                                        QStringLiteral("%1 is not set").arg(domain::quoted(keys[i])));
        }
        for (const QString &key : keys)
            application.env.remove(key);
        application.configHash = domain::configHash(application.build, application.env);
        m_store.updateApplication(application);
        return access::requireApplication(m_store, application.id);
    })));
}

domain::Application ApplicationService::setRunning(const Caller &caller, const QString &applicationRef,
                                                   bool running)
{
    // A static application is reported after the retries, so a race with an update does not read as one.
    const std::optional<domain::Application> updated =
        access::retryOnConflict(describe(applicationRef), [&]() -> std::optional<domain::Application> {
            domain::Application application =
                access::requireVisibleApplication(m_store, caller, applicationRef);
            if (application.deployType == domain::DeployType::Static)
                return std::nullopt;
            application.running = running;
            // Starting answers whatever made the platform stop it; a person stopping it needs no reason.
            application.stoppedReason.clear();
            m_store.updateApplication(application);
            return access::requireApplication(m_store, application.id);
        });
    if (!updated)
        throw staticSite(applicationRef);
    return withStatus(changed(*updated));
}

domain::Application ApplicationService::start(const Caller &caller, const QString &applicationRef)
{
    return setRunning(caller, applicationRef, true);
}

domain::Application ApplicationService::stop(const Caller &caller, const QString &applicationRef)
{
    return setRunning(caller, applicationRef, false);
}

domain::Application ApplicationService::restart(const Caller &caller, const QString &applicationRef)
{
    const domain::Application application =
        access::requireVisibleApplication(m_store, caller, applicationRef);
    if (application.deployType == domain::DeployType::Static)
        throw staticSite(applicationRef);
    if (!application.running)
        throw Error::failedPrecondition(
            QStringLiteral("%1 is stopped; start it instead").arg(describe(applicationRef)));
    if (!m_runtime)
        throw Error::internal(QStringLiteral("the application service has no runtime control to restart %1")
                                  .arg(application.id));
    m_runtime->restartApplication(application.id);
    return withStatus(application);
}

domain::Application ApplicationService::rollback(const Caller &caller, const QString &applicationRef,
                                                 const QString &buildId)
{
    const QString field = QStringLiteral("build_id");
    if (buildId.isEmpty())
        throw Error::badRequest(field, QStringLiteral("must not be empty"));
    const domain::Application application =
        access::requireVisibleApplication(m_store, caller, applicationRef);
    // Like an unknown repository in a create, a build that is not the application's is bad input.
    const std::optional<domain::Build> build = m_store.findBuildById(buildId);
    if (!build || build->applicationId != application.id)
        throw Error::badRequest(
            field,
            QStringLiteral("%1 has no build %2").arg(describe(applicationRef), domain::quoted(buildId)));
    if (build->state != domain::BuildState::Succeeded)
        throw Error::failedPrecondition(QStringLiteral("build %1 is %2; only a succeeded build can be served")
                                            .arg(build->id, domain::buildStateName(build->state)));
    // A Dockerfile build runs from its image and never had an artifact.
    if (build->artifactPath.isEmpty() && build->image.isEmpty())
        throw Error::failedPrecondition(
            QStringLiteral("build %1 has no artifact any more; choose a newer build").arg(build->id));
    if (build->deployType != application.deployType)
        throw Error::failedPrecondition(QStringLiteral("build %1 deploys as %2, but %3 is a %4 deploy now")
                                            .arg(build->id, domain::deployTypeName(build->deployType),
                                                 describe(applicationRef),
                                                 domain::deployTypeName(application.deployType)));
    m_store.setApplicationPinnedBuild(application.id, build->id);
    return withStatus(changed(access::requireApplication(m_store, application.id)));
}

} // namespace vitrine::usecases
