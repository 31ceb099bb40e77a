#include "usecases/site_publisher.h"

#include "domain/error.h"
#include "domain/ids.h"
#include "usecases/controller_logging.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace vitrine::usecases {

using domain::Error;

SitePublisher::SitePublisher(domain::ArtifactArchive &archive, QString dataDir, QString folder, int retention,
                             domain::ExtractLimits limits)
    : m_archive(archive)
    , m_dataDir(std::move(dataDir))
    , m_folder(std::move(folder))
    , m_retention(std::max(1, retention))
    , m_limits(limits)
{
}

QString SitePublisher::applicationDirectory(const QString &applicationName) const
{
    // Application names are DNS labels: safe as one path component.
    return QDir(m_dataDir).filePath(m_folder + QLatin1Char('/') + applicationName);
}

QString SitePublisher::siteDirectory(const QString &applicationName, const QString &buildId) const
{
    return QDir(applicationDirectory(applicationName)).filePath(buildId);
}

QString SitePublisher::publish(const domain::Application &application, const domain::Build &build)
{
    if (!domain::looksLikeId(build.id, domain::idprefix::kBuild))
        throw Error::internal(QStringLiteral("not a build id: %1").arg(build.id));
    const QString directory = siteDirectory(application.name, build.id);
    if (QFileInfo(directory).isDir())
        return directory;

    const QString artifactPath = QDir::cleanPath(build.artifactPath);
    if (build.artifactPath.isEmpty())
        throw Error::failedPrecondition(QStringLiteral("build %1 has no artifact to publish").arg(build.id));
    if (QDir::isAbsolutePath(artifactPath) || artifactPath == u".." || artifactPath.startsWith(u"../"))
        throw Error::internal(
            QStringLiteral("artifact path %1 of build %2 leaves the data dir").arg(artifactPath, build.id));

    if (!QDir().mkpath(applicationDirectory(application.name)))
        throw Error::internal(QStringLiteral("cannot create %1").arg(applicationDirectory(application.name)));
    m_archive.unpack(QDir(m_dataDir).filePath(artifactPath), directory, m_limits);
    qCInfo(lcController).noquote() << "published build" << build.id << "of" << application.name << "to"
                                   << directory;
    return directory;
}

void SitePublisher::prune(const QString &applicationName, const QStringList &servedBuildIds)
{
    QDir applicationDir(applicationDirectory(applicationName));
    // Only published versions: the archive's hidden scratch folders belong to a publish in progress.
    QFileInfoList versions;
    for (const QFileInfo &entry : applicationDir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (domain::looksLikeId(entry.fileName(), domain::idprefix::kBuild))
            versions.append(entry);
    }
    std::sort(versions.begin(), versions.end(), [](const QFileInfo &a, const QFileInfo &b) {
        if (a.lastModified() != b.lastModified())
            return a.lastModified() > b.lastModified();
        return a.fileName() > b.fileName();
    });

    qsizetype kept = std::count_if(versions.cbegin(), versions.cend(), [&](const QFileInfo &version) {
        return servedBuildIds.contains(version.fileName());
    });
    for (const QFileInfo &version : std::as_const(versions)) {
        if (servedBuildIds.contains(version.fileName()))
            continue;
        if (kept < m_retention) {
            ++kept;
            continue;
        }
        if (QDir(version.filePath()).removeRecursively())
            qCInfo(lcController).noquote()
                << "removed old version" << version.fileName() << "of" << applicationName;
        else
            qCWarning(lcController).noquote() << "could not remove" << version.filePath();
    }
}

void SitePublisher::removeApplication(const QString &applicationName)
{
    const QString directory = applicationDirectory(applicationName);
    if (QFileInfo::exists(directory) && !QDir(directory).removeRecursively())
        qCWarning(lcController).noquote() << "could not remove" << directory;
}

} // namespace vitrine::usecases
