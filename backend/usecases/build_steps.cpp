#include "usecases/build_steps.h"

#include "usecases/builder_logging.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <cmath>
#include <iterator>

namespace vitrine::usecases {

using domain::BuildState;
using domain::BuildType;
using domain::CommandResult;
using domain::Error;
using domain::LogStream;

namespace {
// "34 KiB", "1.5 GiB": sizes as people read them.
QString formatBytes(qint64 bytes)
{
    static constexpr const char *kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < int(std::size(kUnits)) - 1) {
        value /= 1024.0;
        ++unit;
    }
    const bool whole = unit == 0 || value >= 10.0 || value == std::floor(value);
    const QString number = whole ? QString::number(std::llround(value)) : QString::number(value, 'f', 1);
    return QStringLiteral("%1 %2").arg(number, QLatin1String(kUnits[unit]));
}

// The repository URL as the log shows it: credentials in the URL stay out of the log.
QString displayUrl(const QString &url)
{
    const QUrl parsed(url);
    if (parsed.isValid() && !parsed.scheme().isEmpty() && !parsed.userInfo().isEmpty())
        return parsed.toString(QUrl::RemoveUserInfo);
    return url;
}

// Why the build command did not succeed, for people.
QString commandFailure(const CommandResult &result, const domain::CommandLimits &limits)
{
    switch (result.outcome) {
    case CommandResult::Outcome::Exited:
        return QStringLiteral("build command %1").arg(result.detail);
    case CommandResult::Outcome::TimedOut:
        return QStringLiteral("killed after %1 s").arg(limits.timeoutSeconds);
    case CommandResult::Outcome::OutOfMemory:
        return QStringLiteral("out of memory (limit %1)").arg(formatBytes(limits.memoryBytes));
    case CommandResult::Outcome::FailedToStart:
        return QStringLiteral("build command failed to start: %1").arg(result.detail);
    case CommandResult::Outcome::Canceled:
        break;
    }
    return QStringLiteral("canceled");
}

// The artifact dir's canonical path. It must be a directory inside the source tree; a symbolic link that
// leads out of it would publish files of the builder's host.
QString artifactDirectory(const QString &source, const QString &artifactDir)
{
    const QString name = artifactDir.isEmpty() ? QStringLiteral(".") : artifactDir;
    const QFileInfo info(QDir(source).filePath(name));
    if (!info.exists())
        throw Error::failedPrecondition(
            QStringLiteral("artifact directory %1 does not exist").arg(domain::quoted(name)));
    if (!info.isDir())
        throw Error::failedPrecondition(
            QStringLiteral("artifact directory %1 is not a directory").arg(domain::quoted(name)));
    const QString root = QFileInfo(source).canonicalFilePath();
    const QString path = info.canonicalFilePath();
    if (path != root && !path.startsWith(root + QLatin1Char('/')))
        throw Error::failedPrecondition(
            QStringLiteral("artifact directory %1 leads outside the repository").arg(domain::quoted(name)));
    return path;
}

} // namespace

void removeWorkspace(const QString &path)
{
    if (!QFileInfo::exists(path))
        return;
    // A folder without write permission keeps its entries from being removed.
    QDirIterator folders(path, QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                         QDirIterator::Subdirectories);
    while (folders.hasNext()) {
        const QString folder = folders.next();
        if (!folders.fileInfo().isSymLink())
            QFile::setPermissions(folder, QFile::permissions(folder) | QFile::ReadOwner | QFile::WriteOwner |
                                              QFile::ExeOwner);
    }
    if (!QDir(path).removeRecursively())
        qCWarning(lcBuilder, "could not remove the workspace %s entirely", qPrintable(path));
}

QString buildErrorMessage(const Error &error, const QString &buildId)
{
    if (error.kind() != domain::ErrorKind::Internal)
        return error.message();
    qCWarning(lcBuilder, "build %s: %s", qPrintable(buildId), qPrintable(error.message()));
    return QStringLiteral("internal error");
}

BuildSteps::BuildSteps(domain::GitService &git, domain::CommandRunner &runner,
                       domain::ArtifactArchive &archive)
    : m_git(git)
    , m_runner(runner)
    , m_archive(archive)
{
}

std::optional<BuildOutcome> BuildSteps::run(const domain::Build &build, const QString &repositoryUrl,
                                            const domain::CommandLimits &limits, const QString &workspace,
                                            const QString &archiveFile, BuildReport &report,
                                            const std::atomic<bool> &stop)
{
    const BuildType type = build.config.type;
    if (type != BuildType::Static && type != BuildType::StaticCmd) {
        throw Error::failedPrecondition(QStringLiteral("build type %1 is not supported by this builder yet")
                                            .arg(domain::buildTypeName(type)));
    }
    if (stop)
        return std::nullopt;

    removeWorkspace(workspace); // left behind by a builder that crashed mid-build
    if (!QDir().mkpath(workspace))
        throw Error::internal(QStringLiteral("cannot create the workspace %1").arg(workspace));
    const QString source = workspace + QStringLiteral("/src");
    report.announce(
        QStringLiteral("==> Fetching %1 from %2").arg(build.commit.left(7), displayUrl(repositoryUrl)));
    m_git.exportCommit(repositoryUrl, build.commit, source);
    if (stop)
        return std::nullopt;

    if (type == BuildType::StaticCmd) {
        report.announce(QStringLiteral("==> Running: %1").arg(build.config.buildCommand));
        const auto onLine = [&report](LogStream stream, const QString &line) {
            report.commandLine(stream, line);
        };
        const CommandResult result =
            m_runner.run(build.config.buildCommand, source, build.env, limits, onLine, stop);
        if (stop)
            return std::nullopt;
        if (result.outcome != CommandResult::Outcome::Exited || result.exitCode != 0)
            return BuildOutcome{BuildState::Failed, commandFailure(result, limits), {}};
    }

    const QString artifact = artifactDirectory(source, build.config.artifactDir);
    qint64 fileCount = 0;
    qint64 totalBytes = 0;
    QDirIterator files(artifact, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        ++fileCount;
        totalBytes += files.fileInfo().size();
    }
    const QString shownDir =
        QDir::cleanPath(build.config.artifactDir.isEmpty() ? QStringLiteral(".") : build.config.artifactDir);
    report.announce(
        QStringLiteral("==> Packing %1/ (%2 %3, %4)")
            .arg(shownDir)
            .arg(fileCount)
            .arg(fileCount == 1 ? QStringLiteral("file") : QStringLiteral("files"), formatBytes(totalBytes)));

    if (!QDir().mkpath(QFileInfo(archiveFile).path()))
        throw Error::internal(
            QStringLiteral("cannot create the artifact folder %1").arg(QFileInfo(archiveFile).path()));
    m_archive.pack(artifact, archiveFile);
    if (stop) {
        QFile::remove(archiveFile);
        return std::nullopt;
    }
    return BuildOutcome{BuildState::Succeeded, {}, {}};
}

} // namespace vitrine::usecases
