#include "usecases/garbage_collector.h"

#include "domain/ids.h"
#include "usecases/controller_logging.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLocale>

#include <algorithm>
#include <utility>

namespace vitrine::usecases {

namespace {

const QString kPassKey = QStringLiteral("pass");
const QString kDeletedImagesKey = QStringLiteral("deleted-images");

ReconcileLoop::Options loopOptions(std::chrono::seconds interval)
{
    ReconcileLoop::Options options;
    options.name = QStringLiteral("garbage-collection");
    options.fullPassInterval = interval;
    return options;
}

// The bytes of a file, or of the regular files under a folder (links are not followed: what they lead to is
// not freed with them).
qint64 sizeOf(const QFileInfo &info)
{
    if (info.isSymLink() || !info.isDir())
        return info.isSymLink() ? 0 : info.size();
    qint64 bytes = 0;
    QDirIterator files(info.filePath(), QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        bytes += files.fileInfo().size();
    }
    return bytes;
}

void logFreed(const QString &what, const CollectedGarbage &freed)
{
    if (freed.count == 0)
        return;
    qCInfo(lcController).noquote()
        << what << "freed" << QLocale::c().formattedDataSize(freed.bytes)
        << QStringLiteral("(%1 bytes) in %2 items").arg(freed.bytes).arg(freed.count);
}

} // namespace

GarbageCollector::GarbageCollector(domain::Store &store, domain::BuildLogStore &logs,
                                   domain::ImageStore *images, DiskUsageMeter &disk,
                                   GarbageCollectorOptions options)
    : m_store(store)
    , m_logs(logs)
    , m_images(images)
    , m_disk(disk)
    , m_options(std::move(options))
    , m_loop(
          loopOptions(m_options.interval), [] { return QStringList{kPassKey}; },
          [this](const QString &key) {
              if (key == kPassKey) {
                  collect();
                  return;
              }
              CollectedGarbage freed;
              collectDeletedApplicationImages(freed);
              logFreed(QStringLiteral("removing the images of deleted applications"), freed);
              const std::lock_guard lock(m_deletedMutex);
              if (!m_deletedApplicationIds.isEmpty())
                  m_loop.triggerAfter(kDeletedImagesKey, m_options.deletedImagesRetry);
          })
{
}

GarbageCollector::~GarbageCollector()
{
    stop();
}

void GarbageCollector::start()
{
    m_loop.start();
}

void GarbageCollector::stop()
{
    m_loop.stop();
}

void GarbageCollector::applicationDeleted(const QString &applicationId)
{
    if (!m_images)
        return;
    {
        const std::lock_guard lock(m_deletedMutex);
        m_deletedApplicationIds.insert(applicationId);
    }
    // Its containers are stopped and removed off the controller's thread: give them a moment.
    m_loop.triggerAfter(kDeletedImagesKey, m_options.deletedImagesRetry);
}

CollectedGarbage GarbageCollector::collect()
{
    const std::lock_guard passLock(m_passMutex);
    CollectedGarbage freed;
    const QList<domain::Application> applications = everyApplication(m_store);
    const QHash<QString, QString> deployable = m_store.deployableBuildIds();
    QHash<QString, QList<domain::Build>> buildsByApplication; // each newest first, as the store lists them
    QSet<QString> buildingIds;
    for (const domain::Build &build : everyBuild(m_store)) {
        buildsByApplication[build.applicationId].append(build);
        if (build.state == domain::BuildState::Building)
            buildingIds.insert(build.id);
    }

    QSet<QString> removableBuildIds;
    for (const domain::Application &application : applications) {
        const QList<domain::Build> builds = buildsByApplication.value(application.id);
        const QSet<QString> kept = keptBuilds(application, builds, deployable);
        for (const domain::Build &build : builds) {
            if (kept.contains(build.id) || !domain::looksLikeId(build.id, domain::idprefix::kBuild))
                continue;
            removableBuildIds.insert(build.id);
            try {
                collectBuild(build, freed);
            } catch (const std::exception &error) {
                qCWarning(lcController).noquote()
                    << "garbage collection of build" << build.id << "failed:" << error.what();
            }
        }
    }
    collectWorkspaces(buildingIds, freed);
    collectImages(removableBuildIds, freed);
    collectDeletedApplicationImages(freed);
    logFreed(QStringLiteral("garbage collection"), freed);
    m_disk.measure();
    return freed;
}

QSet<QString> GarbageCollector::keptBuilds(const domain::Application &application,
                                           const QList<domain::Build> &builds,
                                           const QHash<QString, QString> &deployable) const
{
    QSet<QString> kept;
    for (const QString &id :
         {application.currentBuildId, application.pinnedBuildId, deployable.value(application.id)}) {
        if (!id.isEmpty())
            kept.insert(id);
    }
    const QString served =
        application.pinnedBuildId.isEmpty() ? application.currentBuildId : application.pinnedBuildId;
    const bool servedListed = std::any_of(builds.cbegin(), builds.cend(),
                                          [&](const domain::Build &build) { return build.id == served; });
    // Rollback candidates are the builds before the served one; with none served, the newest.
    bool beforeServed = !servedListed;
    int rollbackBuilds = 0;
    for (const domain::Build &build : builds) {
        if (!domain::isFinished(build.state))
            kept.insert(build.id);
        if (build.id == served) {
            beforeServed = true;
            continue;
        }
        if (beforeServed && build.state == domain::BuildState::Succeeded &&
            rollbackBuilds < std::max(1, m_options.keepBuilds) && !kept.contains(build.id)) {
            kept.insert(build.id);
            ++rollbackBuilds;
        }
    }
    return kept;
}

void GarbageCollector::collectBuild(const domain::Build &build, CollectedGarbage &freed)
{
    removePath(QStringLiteral("artifacts/%1.tar.gz").arg(build.id), freed);
    // Application names are DNS labels: one path component each.
    if (!build.applicationName.isEmpty() && !build.applicationName.contains(u'/') &&
        !build.applicationName.startsWith(u'.')) {
        removePath(QStringLiteral("releases/%1/%2").arg(build.applicationName, build.id), freed);
        removePath(QStringLiteral("sites/%1/%2").arg(build.applicationName, build.id), freed);
    }
    const QDateTime logsExpireBefore =
        QDateTime::currentDateTimeUtc().addSecs(-std::chrono::seconds(m_options.buildLogAge).count());
    if (domain::isFinished(build.state) && build.finishedAt.isValid() &&
        build.finishedAt < logsExpireBefore) {
        const QFileInfo log(
            QDir(m_options.dataDir).filePath(QStringLiteral("logs/builds/%1.log").arg(build.id)));
        if (log.exists()) {
            const qint64 bytes = log.size();
            m_logs.remove(build.id);
            freed.bytes += bytes;
            ++freed.count;
        }
    }
}

void GarbageCollector::collectWorkspaces(const QSet<QString> &buildingIds, CollectedGarbage &freed)
{
    const QDir work(QDir(m_options.dataDir).filePath(QStringLiteral("work")));
    for (const QFileInfo &entry : work.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
        const QString buildId = entry.fileName();
        if (!domain::looksLikeId(buildId, domain::idprefix::kBuild) || buildingIds.contains(buildId))
            continue;
        try {
            // The list above may be older than a build that started since: ask again before removing.
            const std::optional<domain::Build> build = m_store.findBuildById(buildId);
            if (build && !domain::isFinished(build->state))
                continue;
            removePath(QStringLiteral("work/%1").arg(buildId), freed);
        } catch (const std::exception &error) {
            qCWarning(lcController).noquote()
                << "garbage collection of workspace" << buildId << "failed:" << error.what();
        }
    }
}

void GarbageCollector::collectImages(const QSet<QString> &removableBuildIds, CollectedGarbage &freed)
{
    if (!m_images || removableBuildIds.isEmpty())
        return;
    try {
        for (const domain::ManagedImage &image : m_images->managedImages()) {
            if (!removableBuildIds.contains(image.buildId))
                continue;
            try {
                m_images->removeImage(image.id);
                freed.bytes += image.sizeBytes;
                ++freed.count;
            } catch (const std::exception &error) {
                qCWarning(lcController).noquote() << "cannot remove image" << image.id << "of build"
                                                  << image.buildId << ":" << error.what();
            }
        }
    } catch (const std::exception &error) {
        qCWarning(lcController).noquote() << "cannot list the images to collect:" << error.what();
    }
}

void GarbageCollector::collectDeletedApplicationImages(CollectedGarbage &freed)
{
    QSet<QString> deleted;
    {
        const std::lock_guard lock(m_deletedMutex);
        deleted = m_deletedApplicationIds;
    }
    if (!m_images || deleted.isEmpty())
        return;
    QSet<QString> done = deleted;
    try {
        for (const domain::ManagedImage &image : m_images->managedImages()) {
            if (!deleted.contains(image.applicationId))
                continue;
            try {
                m_images->removeImage(image.id);
                freed.bytes += image.sizeBytes;
                ++freed.count;
            } catch (const std::exception &error) {
                done.remove(image.applicationId);
                qCInfo(lcController).noquote() << "image" << image.id << "of deleted application"
                                               << image.applicationId << "stays for now:" << error.what();
            }
        }
    } catch (const std::exception &error) {
        qCWarning(lcController).noquote()
            << "cannot list the images of deleted applications:" << error.what();
        return;
    }
    const std::lock_guard lock(m_deletedMutex);
    m_deletedApplicationIds.subtract(done);
}

void GarbageCollector::removePath(const QString &relativePath, CollectedGarbage &freed)
{
    const QFileInfo info(QDir(m_options.dataDir).filePath(relativePath));
    if (!info.exists() && !info.isSymLink())
        return;
    const qint64 bytes = sizeOf(info);
    const bool removed = info.isDir() && !info.isSymLink() ? QDir(info.filePath()).removeRecursively()
                                                           : QFile::remove(info.filePath());
    if (!removed) {
        qCWarning(lcController).noquote() << "garbage collection could not remove" << info.filePath();
        return;
    }
    freed.bytes += bytes;
    ++freed.count;
}

} // namespace vitrine::usecases
