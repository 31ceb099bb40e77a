#include "usecases/platform_status.h"

#include "domain/error.h"

#include <utility>

namespace vitrine::usecases {

PlatformStatusService::PlatformStatusService(domain::Store &store, const BuildExecutor &executor,
                                             const MetricsRecorder &metrics, DiskUsageMeter &disk,
                                             PlatformStatusOptions options)
    : m_store(store)
    , m_executor(executor)
    , m_metrics(metrics)
    , m_disk(disk)
    , m_options(std::move(options))
{
}

PlatformStatus PlatformStatusService::status(const Caller &caller)
{
    if (!caller.isAdmin())
        throw domain::Error::forbidden(QStringLiteral("only admins can see the platform status"));

    PlatformStatus status;
    status.serverTime = QDateTime::currentDateTimeUtc();
    status.builders = m_executor.builders();
    status.queuedBuilds = int(m_store.listQueuedBuilds().size());
    for (const domain::OwnerBuildActivity &owner : m_store.buildActivityByOwner())
        status.runningBuilds += owner.building;
    status.recentWindow = m_options.recentWindow;
    status.recentBuilds =
        m_store.buildFiguresSince(status.serverTime.addSecs(-m_options.recentWindow.count()));
    const QMap<domain::DeployType, int> applications = m_store.countApplicationsByDeployType();
    status.staticApplications = applications.value(domain::DeployType::Static);
    status.runtimeApplications = applications.value(domain::DeployType::Runtime);
    // As the metrics sampler last counted them, like the vitrine_instances gauge.
    status.instancesByState = m_metrics.platform().instancesByState;
    status.openAlerts = m_store.countOpenAlerts();
    status.disk = m_disk.current().total;
    return status;
}

} // namespace vitrine::usecases
