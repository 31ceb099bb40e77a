#include "usecases/platform_status.h"

#include "domain/error.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QStorageInfo>

#include <utility>

namespace vitrine::usecases {

namespace {

// Where a file under the data dir counts, by its path relative to the data dir.
qint64 *bucketOf(DiskUse &disk, const QString &relativePath)
{
    if (relativePath.startsWith(u"artifacts/"))
        return &disk.artifactsBytes;
    if (relativePath.startsWith(u"sites/"))
        return &disk.sitesBytes;
    if (relativePath.startsWith(u"logs/builds/"))
        return &disk.buildLogsBytes;
    if (relativePath.startsWith(u"logs/runtime/"))
        return &disk.runtimeLogsBytes;
    return nullptr;
}

} // namespace

PlatformStatusService::PlatformStatusService(domain::Store &store, const BuildExecutor &executor,
                                             const MetricsRecorder &metrics, PlatformStatusOptions options)
    : m_store(store)
    , m_executor(executor)
    , m_metrics(metrics)
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
    status.disk = diskUse();
    return status;
}

DiskUse PlatformStatusService::diskUse()
{
    const std::lock_guard lock(m_diskMutex);
    const auto now = std::chrono::steady_clock::now();
    if (m_diskMeasured && now - m_diskMeasuredAt < m_options.diskScanInterval)
        return m_disk;

    const QDir data(m_options.dataDir);
    DiskUse disk;
    // One walk over regular files, not following symbolic links (a link out of the data dir is not its use).
    QDirIterator files(data.path(), QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        const qint64 size = files.fileInfo().size();
        disk.totalBytes += size;
        if (qint64 *bucket = bucketOf(disk, data.relativeFilePath(files.filePath())))
            *bucket += size;
    }
    disk.freeBytes = QStorageInfo(data.path()).bytesAvailable();
    m_disk = disk;
    m_diskMeasuredAt = now;
    m_diskMeasured = true;
    return disk;
}

} // namespace vitrine::usecases
