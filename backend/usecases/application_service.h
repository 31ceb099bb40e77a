#pragma once

#include "domain/application.h"
#include "domain/ports/store.h"
#include "usecases/application_observer.h"
#include "usecases/caller.h"
#include "usecases/disk_usage.h"
#include "usecases/paging.h"
#include "usecases/runtime_control.h"

#include <QStringList>

#include <optional>

namespace vitrine::usecases {

struct NewApplication {
    QString name;
    QString repositoryRef; // id or name; the caller must own it (or be an admin)
    QString ref;
    std::optional<domain::DeployType> deployType; // unset: implied by the build type (auto: runtime)
    domain::BuildConfig build;
    QList<domain::Website> websites; // empty: NAME.localhost at "/"
    domain::EnvVars env;
    QStringList ownerNames; // empty: the caller
    quint32 autoSleepSeconds = 0;
    bool spaFallback = false; // static deploys only
    // Runtime deploys only; empty and 0: the server's defaults.
    QString healthCheckPath;
    quint32 memoryLimitMb = 0;
    quint32 cpuMillicores = 0;
};

struct ApplicationChanges {
    std::optional<QString> ref;
    std::optional<domain::DeployType> deployType;
    std::optional<domain::BuildConfig> build;
    std::optional<QList<domain::Website>> websites;
    std::optional<QStringList> ownerNames;
    std::optional<quint32> autoSleepSeconds;
    std::optional<bool> spaFallback;
    std::optional<QString> healthCheckPath;
    std::optional<quint32> memoryLimitMb;
    std::optional<quint32> cpuMillicores;
};

// Applications and their env vars. Owners see and change theirs, admins all. Every change that touches the
// build config or the env vars recomputes the config hash. Bad input throws BadRequest naming the field as
// the API spells it ("websites[1].path_prefix", "build.start_command", "env.FOO"). SPA fallback only applies
// to static deploys: asking for it on a runtime deploy is BadRequest, and an update that makes the app a
// runtime deploy turns it off. The health check path and the resource limits are the other way round: runtime
// deploys only, cleared when an app becomes static.
//
// Every application returned carries its runtime state and restart count as the RuntimeControl sees them now
// (runtime deploys; empty and 0 for static ones).
class ApplicationService {
public:
    explicit ApplicationService(domain::Store &store);

    // Told after every change this service makes (create, update, env changes, delete); null: nobody. Set it
    // before the service takes requests.
    void setObserver(ApplicationObserver *observer);
    // Where runtime state comes from and restarts go; null: runtime state stays empty and restart is an
    // internal error. Set it before the service takes requests.
    void setRuntimeControl(RuntimeControl *runtime);
    // Where disk use comes from; null: it stays 0. Set it before the service takes requests.
    void setDiskUsage(DiskUsageMeter *disk);

    domain::Application create(const Caller &caller, const NewApplication &request);
    // applicationRef: an id or a name. Not visible to the caller: Forbidden. Its disk use is at most
    // DiskUsageMeter's maxAge old (a walk may run first, on the calling thread); every other call returns the
    // last walk's figure.
    domain::Application get(const Caller &caller, const QString &applicationRef);
    // ownerName / repositoryRef narrow the list; members always get only their own.
    Page<domain::Application> list(const Caller &caller, const QString &ownerName,
                                   const QString &repositoryRef, const PageRequest &page);
    domain::Application update(const Caller &caller, const QString &applicationRef,
                               const ApplicationChanges &changes);
    // Deletes the application with its builds; the observer learns which builds went, to remove their
    // artifacts and logs.
    void remove(const Caller &caller, const QString &applicationRef);

    // Adds vars to the application's env vars, replacing those with the same keys. More than
    // domain::kMaxEnvVars in all: BadRequest, and nothing is changed.
    domain::Application setEnv(const Caller &caller, const QString &applicationRef,
                               const domain::EnvVars &vars);
    // Unknown keys: BadRequest, and nothing is removed.
    domain::Application unsetEnv(const Caller &caller, const QString &applicationRef,
                                 const QStringList &keys);

    // Runtime deploys, for owners and admins. A static application is FailedPrecondition: it is served
    // whenever it has a build.
    // start: the application should run, and the reason the platform stopped it, if any, is cleared.
    domain::Application start(const Caller &caller, const QString &applicationRef);
    // stop: the application should not run; a person stopped it, so no reason is kept.
    domain::Application stop(const Caller &caller, const QString &applicationRef);
    // restart: a new instance replaces the running one without downtime. A stopped application is
    // FailedPrecondition.
    domain::Application restart(const Caller &caller, const QString &applicationRef);

    // Serves buildId, an earlier SUCCEEDED build of the application with its artifact still there, until the
    // next commit or config change. A build of another application is BadRequest on "build_id"; one that did
    // not succeed, lost its artifact or deploys another way is FailedPrecondition.
    domain::Application rollback(const Caller &caller, const QString &applicationRef, const QString &buildId);

private:
    // Tells the observer, if any, and returns the application.
    domain::Application changed(const domain::Application &application);
    // The applications with what the store does not hold filled in: the runtime state and restart count,
    // the newest build (one store read for them all) and the disk use of the last walk.
    QList<domain::Application> withStatus(QList<domain::Application> applications);
    domain::Application withStatus(domain::Application application);
    // Sets the running flag and clears the stop reason in a version-checked update; FailedPrecondition for a
    // static application.
    domain::Application setRunning(const Caller &caller, const QString &applicationRef, bool running);

    domain::Store &m_store;
    ApplicationObserver *m_observer = nullptr;
    RuntimeControl *m_runtime = nullptr;
    DiskUsageMeter *m_disk = nullptr;
};

} // namespace vitrine::usecases
