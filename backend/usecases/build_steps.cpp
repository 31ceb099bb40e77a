#include "usecases/build_steps.h"

#include "usecases/builder_logging.h"
#include "usecases/stack_detection.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace vitrine::usecases {

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

// Why a command of the build did not succeed, for people ("build command exited with code 2").
QString commandFailure(const QString &what, const CommandResult &result, const domain::CommandLimits &limits)
{
    switch (result.outcome) {
    case CommandResult::Outcome::Exited:
        return QStringLiteral("%1 %2").arg(what, result.detail);
    case CommandResult::Outcome::TimedOut:
        return QStringLiteral("killed after %1 s").arg(limits.timeoutSeconds);
    case CommandResult::Outcome::OutOfMemory:
        return QStringLiteral("out of memory (limit %1)").arg(formatBytes(limits.memoryBytes));
    case CommandResult::Outcome::FailedToStart:
        return QStringLiteral("%1 failed to start: %2").arg(what, result.detail);
    case CommandResult::Outcome::Canceled:
        break;
    }
    return QStringLiteral("canceled");
}

// The canonical path of the directory `name` (relative to source; empty: source itself). It must be a
// directory inside the source tree; a symbolic link that leads out of it would expose files of the builder's
// host. `what` names it for people: "artifact directory".
QString directoryInside(const QString &source, const QString &name, const QString &what)
{
    const QString relative = name.isEmpty() ? QStringLiteral(".") : name;
    const QFileInfo info(QDir(source).filePath(relative));
    if (!info.exists())
        throw Error::failedPrecondition(
            QStringLiteral("%1 %2 does not exist").arg(what, domain::quoted(relative)));
    if (!info.isDir())
        throw Error::failedPrecondition(
            QStringLiteral("%1 %2 is not a directory").arg(what, domain::quoted(relative)));
    const QString root = QFileInfo(source).canonicalFilePath();
    const QString path = info.canonicalFilePath();
    if (path != root && !path.startsWith(root + QLatin1Char('/')))
        throw Error::failedPrecondition(
            QStringLiteral("%1 %2 leads outside the repository").arg(what, domain::quoted(relative)));
    return path;
}

// `name` inside the context dir, as a path relative to the source root.
QString inContext(const QString &contextDir, const QString &name)
{
    return QDir::cleanPath(contextDir.isEmpty() ? name : QStringLiteral("%1/%2").arg(contextDir, name));
}

// The Dockerfile of a runtime image made from a release, in the folder "release" of the build context: the
// start command runs in /workspace, as it does in the sandbox of the process runtime.
QString releaseDockerfile(const QString &baseImage)
{
    return QStringLiteral("FROM %1\nCOPY release/ /workspace/\nWORKDIR /workspace\n").arg(baseImage);
}

// Removes an image nobody will use; a failure only leaves it to garbage collection.
void removeImageQuietly(domain::ImageBuilder &builder, const QString &image, const QString &buildId)
{
    try {
        builder.removeImage(image);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: the image %s stays: %s", qPrintable(buildId), qPrintable(image),
                  error.what());
    }
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
                       domain::ArtifactArchive &archive, ContainerImageOptions images)
    : m_git(git)
    , m_runner(runner)
    , m_archive(archive)
    , m_images(std::move(images))
{
    if (m_images.runtimeImages && (!m_images.builder || m_images.baseImage.trimmed().isEmpty()))
        throw Error::internal(QStringLiteral("runtime images need an image builder and a base image"));
}

bool BuildSteps::runCommand(const QString &what, const QString &command, const QString &directory,
                            const domain::EnvVars &env, const domain::CommandLimits &limits,
                            BuildReport &report, const std::atomic<bool> &stop)
{
    const auto onLine = [&report](LogStream stream, const QString &line) {
        report.commandLine(stream, line);
    };
    const CommandResult result = m_runner.run(command, directory, env, limits, onLine, stop);
    if (stop)
        return false;
    if (result.outcome != CommandResult::Outcome::Exited || result.exitCode != 0)
        throw Error::failedPrecondition(commandFailure(what, result, limits));
    return true;
}

bool BuildSteps::pack(const QString &source, const QString &artifactDir, const QString &archiveFile,
                      BuildReport &report, const std::atomic<bool> &stop)
{
    const QString artifact = directoryInside(source, artifactDir, QStringLiteral("artifact directory"));
    qint64 fileCount = 0;
    qint64 totalBytes = 0;
    QDirIterator files(artifact, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        ++fileCount;
        totalBytes += files.fileInfo().size();
    }
    const QString shownDir = QDir::cleanPath(artifactDir.isEmpty() ? QStringLiteral(".") : artifactDir);
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
        return false;
    }
    return true;
}

std::optional<QString> BuildSteps::buildImage(const domain::Build &build, domain::ImageBuildSpec spec,
                                              BuildReport &report, const std::atomic<bool> &stop)
{
    spec.applicationId = build.applicationId;
    spec.applicationName = build.applicationName;
    spec.buildId = build.id;
    const auto onLine = [&report](LogStream stream, const QString &line) {
        report.commandLine(stream, line);
    };
    std::optional<QString> image = m_images.builder->build(spec, onLine, stop);
    if (image && stop) {
        removeImageQuietly(*m_images.builder, *image, build.id);
        return std::nullopt;
    }
    return image;
}

std::optional<BuildOutcome> BuildSteps::runDockerfileBuild(const domain::Build &build,
                                                           const QString &workspace,
                                                           const QString &archiveFile, BuildReport &report,
                                                           const std::atomic<bool> &stop)
{
    const domain::BuildConfig &config = build.config;
    domain::ImageBuildSpec spec;
    spec.contextDirectory = workspace + QStringLiteral("/src");
    spec.contextSubdir = config.contextDir;
    if (!config.dockerfile.isEmpty())
        spec.dockerfile = config.dockerfile;
    spec.buildArgs = build.env;
    report.announce(
        QStringLiteral("==> Building the image from %1").arg(inContext(config.contextDir, spec.dockerfile)));
    const std::optional<QString> image = buildImage(build, spec, report, stop);
    if (!image)
        return std::nullopt;
    report.announce(QStringLiteral("==> Built the image %1").arg(*image));
    if (config.type == BuildType::RuntimeDockerfile)
        return BuildOutcome::succeeded({domain::DeployType::Runtime, config.startCommand}, *image);

    // static-dockerfile: the folder of the image is the artifact; the image is not needed afterwards.
    const QString artifactDir =
        QDir::cleanPath(config.artifactDir.isEmpty() ? QStringLiteral(".") : config.artifactDir);
    const QString inImage = QDir::cleanPath(QLatin1Char('/') + artifactDir);
    const QString extracted = workspace + QStringLiteral("/image");
    try {
        if (inImage == u"/")
            throw Error::failedPrecondition(
                QStringLiteral(
                    "artifact_dir %1 names the whole image; name the folder the Dockerfile writes the "
                    "site to, such as \"site\" for /site")
                    .arg(domain::quoted(config.artifactDir)));
        report.announce(QStringLiteral("==> Copying %1 out of the image").arg(inImage));
        m_images.builder->extractDirectory(*image, inImage, QDir(extracted).filePath(artifactDir));
    } catch (...) {
        removeImageQuietly(*m_images.builder, *image, build.id);
        throw;
    }
    removeImageQuietly(*m_images.builder, *image, build.id);
    if (stop)
        return std::nullopt;
    if (!pack(extracted, artifactDir, archiveFile, report, stop))
        return std::nullopt;
    return BuildOutcome::succeeded({domain::DeployType::Static, {}});
}

std::optional<BuildOutcome> BuildSteps::run(const domain::Build &build, const QString &repositoryUrl,
                                            const domain::CommandLimits &limits, const QString &workspace,
                                            const QString &archiveFile, BuildReport &report,
                                            const std::atomic<bool> &stop)
{
    const domain::BuildConfig &config = build.config;
    const bool dockerfileBuild =
        config.type == BuildType::StaticDockerfile || config.type == BuildType::RuntimeDockerfile;
    if (dockerfileBuild && !m_images.builder)
        return BuildOutcome::failed(m_images.unavailableReason);
    if (config.type == BuildType::RuntimeCmd && config.startCommand.trimmed().isEmpty())
        return BuildOutcome::failed(
            QStringLiteral("a runtime-cmd build needs a start command; set one in the app's build config"));
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
    if (dockerfileBuild)
        return runDockerfileBuild(build, workspace, archiveFile, report, stop);

    QString artifactDir = config.artifactDir;
    domain::BuildPlan plan{domain::DeployType::Static, {}};
    switch (config.type) {
    case BuildType::Static:
        break;
    case BuildType::StaticCmd:
        report.announce(QStringLiteral("==> Running: %1").arg(config.buildCommand));
        if (!runCommand(QStringLiteral("build command"), config.buildCommand, source, build.env, limits,
                        report, stop))
            return std::nullopt;
        break;
    case BuildType::RuntimeCmd: {
        const QString context =
            directoryInside(source, config.contextDir, QStringLiteral("context directory"));
        if (!config.buildCommand.isEmpty()) {
            report.announce(QStringLiteral("==> Running: %1").arg(config.buildCommand));
            if (!runCommand(QStringLiteral("build command"), config.buildCommand, context, build.env, limits,
                            report, stop))
                return std::nullopt;
        }
        artifactDir = inContext(config.contextDir, QStringLiteral("."));
        plan = {domain::DeployType::Runtime, config.startCommand};
        break;
    }
    case BuildType::Auto: {
        const QString context =
            directoryInside(source, config.contextDir, QStringLiteral("context directory"));
        const StackPlan stack = detectStack(context, build.deployType);
        report.announce(QStringLiteral("==> ") + describeDetection(stack));
        report.announce(QStringLiteral("==> ") + describePlan(stack));
        domain::EnvVars env = stack.toolEnv;
        env.insert(build.env);
        if (!stack.installCommand.isEmpty()) {
            report.announce(QStringLiteral("==> Installing: %1").arg(stack.installCommand));
            if (!runCommand(QStringLiteral("install command"), stack.installCommand, context, env, limits,
                            report, stop))
                return std::nullopt;
        }
        if (!stack.buildCommand.isEmpty()) {
            report.announce(QStringLiteral("==> Running: %1").arg(stack.buildCommand));
            if (!runCommand(QStringLiteral("build command"), stack.buildCommand, context, env, limits, report,
                            stop))
                return std::nullopt;
        }
        plan = stack.plan;
        artifactDir = inContext(config.contextDir, QStringLiteral("."));
        if (plan.deployType == domain::DeployType::Static) {
            const auto found = std::find_if(
                stack.artifactDirs.cbegin(), stack.artifactDirs.cend(),
                [&context](const QString &dir) { return QFileInfo(QDir(context).filePath(dir)).isDir(); });
            if (found == stack.artifactDirs.cend()) {
                QStringList dirs;
                for (const QString &dir : stack.artifactDirs)
                    dirs << dir + QLatin1Char('/');
                throw Error::failedPrecondition(
                    QStringLiteral("no site to publish: none of %1 exists after the build")
                        .arg(dirs.join(QStringLiteral(", "))));
            }
            artifactDir = inContext(config.contextDir, *found);
        }
        break;
    }
    case BuildType::StaticDockerfile:
    case BuildType::RuntimeDockerfile:
        Q_UNREACHABLE();
    }

    if (!pack(source, artifactDir, archiveFile, report, stop))
        return std::nullopt;
    if (!m_images.runtimeImages || plan.deployType != domain::DeployType::Runtime)
        return BuildOutcome::succeeded(plan);

    // The release moves into a folder of the context (it was packed already): the generated Dockerfile,
    // sent beside it, stays out of the image.
    const QString release = directoryInside(source, artifactDir, QStringLiteral("release directory"));
    domain::ImageBuildSpec spec;
    spec.contextDirectory = workspace + QStringLiteral("/image-context");
    if (!QDir().mkpath(spec.contextDirectory) ||
        !QDir().rename(release, spec.contextDirectory + QStringLiteral("/release")))
        throw Error::internal(
            QStringLiteral("cannot move the release %1 into the image context").arg(release));
    spec.generatedDockerfile = releaseDockerfile(m_images.baseImage);
    report.announce(QStringLiteral("==> Building the image: the release over %1").arg(m_images.baseImage));
    const std::optional<QString> image = buildImage(build, spec, report, stop);
    if (!image) {
        QFile::remove(archiveFile);
        return std::nullopt;
    }
    report.announce(QStringLiteral("==> Built the image %1").arg(*image));
    return BuildOutcome::succeeded(plan, *image);
}

} // namespace vitrine::usecases
