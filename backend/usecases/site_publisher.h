#pragma once

#include "domain/application.h"
#include "domain/build.h"
#include "domain/ports/artifact_archive.h"

#include <QString>
#include <QStringList>

namespace vitrine::usecases {

// Published versions of applications on disk: each is a build's artifact unpacked into
// DATA/<folder>/<application name>/<build id>/ — static sites as the router serves them ("sites"), runtime
// releases as their instances run them ("releases"). A version appears whole or not at all (the archive
// unpacks beside it and is renamed into place), so switching to it is atomic. Calls for one application must
// not overlap; different applications may be handled at once.
class SitePublisher {
public:
    // retention: how many versions prune() keeps per application (at least one).
    SitePublisher(domain::ArtifactArchive &archive, QString dataDir, QString folder, int retention,
                  domain::ExtractLimits limits = {});

    // Where the version of this build is (or would be) published.
    QString siteDirectory(const QString &applicationName, const QString &buildId) const;

    // Publishes the build's artifact (DATA/<artifactPath>) and returns its directory; a version published
    // before is reused as it is. Throws FailedPrecondition when the build has no artifact, and what
    // ArtifactArchive::unpack throws for a refused one.
    QString publish(const domain::Application &application, const domain::Build &build);

    // Removes the application's older versions: keeps every version in servedBuildIds, then the newest
    // others while fewer than `retention` are kept. Failures to remove are logged and left for the next call.
    void prune(const QString &applicationName, const QStringList &servedBuildIds);

    // Removes every version of the application.
    void removeApplication(const QString &applicationName);

private:
    QString applicationDirectory(const QString &applicationName) const;

    domain::ArtifactArchive &m_archive;
    QString m_dataDir;
    QString m_folder;
    int m_retention;
    domain::ExtractLimits m_limits;
};

} // namespace vitrine::usecases
