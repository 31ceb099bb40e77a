#include "usecases/disk_usage.h"

#include "usecases/controller_logging.h"

#include <QDir>
#include <QDirIterator>
#include <QStorageInfo>

#include <utility>

namespace vitrine::usecases {

namespace {

// Where one file under the data dir counts: its area's figure in the totals and, when its path names an
// application or one of its builds, that application's.
class FileAttribution {
public:
    FileAttribution(DiskUsage &usage, const QList<domain::Application> &applications,
                    const QList<domain::Build> &builds)
        : m_usage(usage)
    {
        for (const domain::Application &application : applications) {
            m_usage.byApplication[application.id].applicationName = application.name;
            m_idByName.insert(application.name, application.id);
        }
        for (const domain::Build &build : builds)
            m_applicationByBuild.insert(build.id, build.applicationId);
    }

    void count(const QString &relativePath, qint64 size)
    {
        DiskUse &total = m_usage.total;
        total.totalBytes += size;
        const QStringList parts = relativePath.split(u'/');
        if (parts.size() < 2)
            return;
        const QString &area = parts.at(0);
        if (area == u"artifacts") {
            total.artifactsBytes += size;
            if (ApplicationDiskUse *application = ofBuild(parts.at(1).section(u'.', 0, 0)))
                application->artifactsBytes += size;
        } else if (area == u"releases") {
            total.releasesBytes += size;
            if (ApplicationDiskUse *application = ofName(parts.at(1)))
                application->releasesBytes += size;
        } else if (area == u"sites") {
            total.sitesBytes += size;
            if (ApplicationDiskUse *application = ofName(parts.at(1)))
                application->sitesBytes += size;
        } else if (area == u"logs" && parts.size() >= 3 && parts.at(1) == u"builds") {
            total.buildLogsBytes += size;
            if (ApplicationDiskUse *application = ofBuild(parts.at(2).section(u'.', 0, 0)))
                application->buildLogsBytes += size;
        } else if (area == u"logs" && parts.size() >= 3 && parts.at(1) == u"runtime") {
            total.runtimeLogsBytes += size;
            if (ApplicationDiskUse *application = ofId(parts.at(2)))
                application->runtimeLogsBytes += size;
        }
    }

    void countImage(const domain::ManagedImage &image)
    {
        m_usage.total.imagesBytes += image.sizeBytes;
        if (ApplicationDiskUse *application = ofId(image.applicationId))
            application->imagesBytes += image.sizeBytes;
    }

private:
    ApplicationDiskUse *ofId(const QString &applicationId)
    {
        const auto found = m_usage.byApplication.find(applicationId);
        return found == m_usage.byApplication.end() ? nullptr : &found.value();
    }
    ApplicationDiskUse *ofName(const QString &applicationName)
    {
        const auto id = m_idByName.constFind(applicationName);
        return id == m_idByName.cend() ? nullptr : ofId(id.value());
    }
    ApplicationDiskUse *ofBuild(const QString &buildId)
    {
        const auto id = m_applicationByBuild.constFind(buildId);
        return id == m_applicationByBuild.cend() ? nullptr : ofId(id.value());
    }

    DiskUsage &m_usage;
    QHash<QString, QString> m_idByName;
    QHash<QString, QString> m_applicationByBuild;
};

} // namespace

QList<domain::Application> everyApplication(domain::Store &store)
{
    constexpr int kPageSize = 500;
    QList<domain::Application> all;
    domain::PageQuery page;
    page.limit = kPageSize;
    for (;;) {
        const QList<domain::Application> applications = store.listApplications({}, page);
        all.append(applications);
        if (applications.size() < kPageSize)
            return all;
        page.afterName = applications.constLast().name;
    }
}

QList<domain::Build> everyBuild(domain::Store &store)
{
    QList<domain::Build> all;
    domain::BuildPageQuery page;
    page.limit = 500;
    for (;;) {
        const QList<domain::Build> builds = store.listBuilds({}, page);
        all.append(builds);
        if (builds.size() < page.limit)
            return all;
        page.afterQueuedAt = builds.constLast().queuedAt;
        page.afterId = builds.constLast().id;
    }
}

DiskUsageMeter::DiskUsageMeter(domain::Store &store, domain::ImageStore *images, QString dataDir,
                               std::chrono::seconds maxAge)
    : m_store(store)
    , m_images(images)
    , m_dataDir(std::move(dataDir))
    , m_maxAge(maxAge)
{
}

DiskUsage DiskUsageMeter::current()
{
    const std::lock_guard walkLock(m_walkMutex);
    {
        const std::lock_guard lock(m_usageMutex);
        if (m_usage.measured && std::chrono::steady_clock::now() - m_measuredAt < m_maxAge)
            return m_usage;
    }
    return walk();
}

DiskUsage DiskUsageMeter::lastMeasured() const
{
    const std::lock_guard lock(m_usageMutex);
    return m_usage;
}

DiskUsage DiskUsageMeter::measure()
{
    const std::lock_guard walkLock(m_walkMutex);
    return walk();
}

DiskUsage DiskUsageMeter::walk()
{
    DiskUsage usage;
    usage.measured = true;
    FileAttribution attribution(usage, everyApplication(m_store), everyBuild(m_store));
    const QDir data(m_dataDir);
    // Regular files only, not following symbolic links (a link out of the data dir is not its use).
    QDirIterator files(data.path(), QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        attribution.count(data.relativeFilePath(files.filePath()), files.fileInfo().size());
    }
    usage.total.freeBytes = QStorageInfo(data.path()).bytesAvailable();
    if (m_images) {
        try {
            for (const domain::ManagedImage &image : m_images->managedImages())
                attribution.countImage(image);
        } catch (const std::exception &error) {
            // The files still count; the images are counted again on the next walk.
            qCWarning(lcController).noquote() << "cannot measure the images:" << error.what();
        }
    }
    const std::lock_guard lock(m_usageMutex);
    m_usage = usage;
    m_measuredAt = std::chrono::steady_clock::now();
    return usage;
}

} // namespace vitrine::usecases
