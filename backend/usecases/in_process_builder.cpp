#include "usecases/in_process_builder.h"

#include "domain/error.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QUrl>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <optional>

namespace vitrine::usecases {

using domain::Build;
using domain::BuildState;
using domain::BuildType;
using domain::CommandResult;
using domain::Error;
using domain::LogStream;

namespace {
Q_LOGGING_CATEGORY(lcBuilder, "vitrine.builder")

const QString kCanceledReason = QStringLiteral("canceled");

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
    return kCanceledReason;
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

// Removes a workspace, also what a build left read-only (a folder without write permission keeps its
// entries from being removed).
void removeTree(const QString &path)
{
    if (!QFileInfo::exists(path))
        return;
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

QString userMessage(const Error &error, const QString &buildId)
{
    if (error.kind() != domain::ErrorKind::Internal)
        return error.message();
    qCWarning(lcBuilder, "build %s: %s", qPrintable(buildId), qPrintable(error.message()));
    return QStringLiteral("internal error");
}

} // namespace

struct InProcessBuilder::Outcome {
    BuildState state = BuildState::Failed;
    QString reason;       // FAILED, CANCELED
    QString artifactPath; // SUCCEEDED: relative to the data dir
};

struct InProcessBuilder::Job {
    // Why the build was told to stop before its steps ended. The first reason wins.
    enum class StopReason { None, Canceled, NoLongerBuilding, ShuttingDown, LogFailed };

    explicit Job(Build build)
        : build(std::move(build))
    {
    }

    void requestStop(StopReason reason)
    {
        StopReason none = StopReason::None;
        stopReason.compare_exchange_strong(none, reason);
        stop = true;
    }

    // How a build that was told to stop settles.
    Outcome stoppedOutcome() const
    {
        switch (stopReason.load()) {
        case StopReason::LogFailed:
            return {BuildState::Failed, logFailure, {}};
        case StopReason::ShuttingDown:
            return {BuildState::Canceled, QStringLiteral("canceled: the server shut down"), {}};
        case StopReason::None:
        case StopReason::Canceled:
        case StopReason::NoLongerBuilding: // the store's state wins: settling will find the build settled
            break;
        }
        return {BuildState::Canceled, kCanceledReason, {}};
    }

    const Build build;
    std::atomic<bool> stop{false}; // the command runner kills the build's processes when it turns true
    std::atomic<StopReason> stopReason{StopReason::None};
    std::atomic<bool> settling{false}; // the steps are over: heartbeats would only race the settling CAS
    QString logFailure;                // LogFailed: why; written by the command's line callback only
};

InProcessBuilder::InProcessBuilder(domain::Store &store, domain::GitService &git,
                                   domain::CommandRunner &runner, domain::ArtifactArchive &archive,
                                   BuildLogHub &logHub, EventHub &eventHub, domain::Notifier *notifier,
                                   BuilderOptions options,
                                   std::function<void(const domain::Build &)> onSettled)
    : m_store(store)
    , m_git(git)
    , m_runner(runner)
    , m_archive(archive)
    , m_logHub(logHub)
    , m_eventHub(eventHub)
    , m_notifier(notifier)
    , m_options(std::move(options))
    , m_onSettled(std::move(onSettled))
{
    for (int i = 0; i < std::max(1, m_options.slotCount); ++i)
        m_workers.emplace_back([this] { runWorker(); });
    m_heartbeat = std::thread([this] { runHeartbeats(); });
}

InProcessBuilder::~InProcessBuilder()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (const std::shared_ptr<Job> &job : std::as_const(m_jobs))
            job->requestStop(Job::StopReason::ShuttingDown);
    }
    m_jobWaiting.notify_all();
    m_stopHeartbeats.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
    m_heartbeat.join();
}

int InProcessBuilder::freeSlots() const
{
    const std::lock_guard lock(m_mutex);
    return std::max(0, std::max(1, m_options.slotCount) - int(m_jobs.size()));
}

void InProcessBuilder::start(const Build &build)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopping)
            throw Error::failedPrecondition(QStringLiteral("the builder is shutting down"));
        if (m_jobs.contains(build.id))
            throw Error::failedPrecondition(QStringLiteral("build %1 is already running here").arg(build.id));
        if (m_jobs.size() >= std::max(1, m_options.slotCount))
            throw Error::failedPrecondition(QStringLiteral("no builder slot is free"));
        auto job = std::make_shared<Job>(build);
        m_jobs.insert(build.id, job);
        m_waiting.push_back(std::move(job));
    }
    m_jobWaiting.notify_one();
}

bool InProcessBuilder::cancel(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    const std::shared_ptr<Job> job = m_jobs.value(buildId);
    if (!job)
        return false;
    job->requestStop(Job::StopReason::Canceled);
    return true;
}

void InProcessBuilder::runWorker()
{
    for (;;) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock lock(m_mutex);
            m_jobWaiting.wait(lock, [this] { return m_stopping || !m_waiting.empty(); });
            // Builds already started run even while stopping: they are canceled and settle as such.
            if (m_waiting.empty())
                return;
            job = std::move(m_waiting.front());
            m_waiting.pop_front();
        }
        runJob(*job);
    }
}

void InProcessBuilder::runHeartbeats()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_stopHeartbeats.wait_for(lock, m_options.heartbeatInterval, [this] { return m_stopping; }))
            return;
        const QList<std::shared_ptr<Job>> jobs = m_jobs.values();
        lock.unlock();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const std::shared_ptr<Job> &job : jobs) {
            if (job->settling)
                continue;
            try {
                if (!m_store.recordBuildHeartbeat(job->build.id, now)) {
                    qCInfo(lcBuilder, "build %s is no longer BUILDING in the store; stopping it",
                           qPrintable(job->build.id));
                    job->requestStop(Job::StopReason::NoLongerBuilding);
                }
            } catch (const std::exception &error) {
                // A missed heartbeat costs nothing until the timeout; the next one may get through.
                qCWarning(lcBuilder, "heartbeat of build %s failed: %s", qPrintable(job->build.id),
                          error.what());
            }
        }
        lock.lock();
    }
}

void InProcessBuilder::announce(const QString &buildId, const QString &text)
{
    try {
        m_logHub.append(buildId, LogStream::System, text);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: cannot write to the log: %s", qPrintable(buildId), error.what());
    }
}

InProcessBuilder::Outcome InProcessBuilder::runSteps(Job &job, const domain::Application &application,
                                                     const QString &workspace)
{
    const Build &build = job.build;
    const BuildType type = build.config.type;
    if (type != BuildType::Static && type != BuildType::StaticCmd) {
        throw Error::failedPrecondition(QStringLiteral("build type %1 is not supported by this builder yet")
                                            .arg(domain::buildTypeName(type)));
    }
    if (job.stop)
        return job.stoppedOutcome();

    const std::optional<domain::Repository> repository = m_store.findRepositoryById(application.repositoryId);
    if (!repository)
        throw Error::failedPrecondition(QStringLiteral("the application's repository no longer exists"));

    removeTree(workspace); // left behind by a server that crashed mid-build
    if (!QDir().mkpath(workspace))
        throw Error::internal(QStringLiteral("cannot create the workspace %1").arg(workspace));
    const QString source = workspace + QStringLiteral("/src");
    announce(
        build.id,
        QStringLiteral("==> Fetching %1 from %2").arg(build.commit.left(7), displayUrl(repository->url)));
    m_git.exportCommit(repository->url, build.commit, source);
    if (job.stop)
        return job.stoppedOutcome();

    if (type == BuildType::StaticCmd) {
        announce(build.id, QStringLiteral("==> Running: %1").arg(build.config.buildCommand));
        const auto onLine = [this, &job](LogStream stream, const QString &line) {
            if (job.stopReason == Job::StopReason::LogFailed)
                return;
            try {
                m_logHub.append(job.build.id, stream, line);
            } catch (const Error &error) {
                job.logFailure = userMessage(error, job.build.id);
                job.requestStop(Job::StopReason::LogFailed);
            } catch (const std::exception &error) {
                qCWarning(lcBuilder, "build %s: cannot write to the log: %s", qPrintable(job.build.id),
                          error.what());
                job.logFailure = QStringLiteral("internal error");
                job.requestStop(Job::StopReason::LogFailed);
            }
        };
        const CommandResult result =
            m_runner.run(build.config.buildCommand, source, build.env, m_options.limits, onLine, job.stop);
        if (job.stop)
            return job.stoppedOutcome();
        if (result.outcome != CommandResult::Outcome::Exited || result.exitCode != 0)
            return {BuildState::Failed, commandFailure(result, m_options.limits), {}};
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
    announce(build.id, QStringLiteral("==> Packing %1/ (%2 %3, %4)")
                           .arg(shownDir)
                           .arg(fileCount)
                           .arg(fileCount == 1 ? QStringLiteral("file") : QStringLiteral("files"),
                                formatBytes(totalBytes)));

    const QString artifactPath = QStringLiteral("artifacts/%1.tar.gz").arg(build.id);
    const QString archiveFile = QDir(m_options.dataDir).filePath(artifactPath);
    if (!QDir().mkpath(QFileInfo(archiveFile).path()))
        throw Error::internal(
            QStringLiteral("cannot create the artifact folder %1").arg(QFileInfo(archiveFile).path()));
    m_archive.pack(artifact, archiveFile);
    if (job.stop) {
        QFile::remove(archiveFile);
        return job.stoppedOutcome();
    }
    return {BuildState::Succeeded, {}, artifactPath};
}

void InProcessBuilder::runJob(Job &job)
{
    const Build &build = job.build;
    QElapsedTimer clock;
    clock.start();
    const QString workspace = QDir(m_options.dataDir).filePath(QStringLiteral("work/%1").arg(build.id));

    std::optional<domain::Application> application;
    Outcome outcome;
    try {
        application = m_store.findApplicationById(build.applicationId);
        if (!application)
            throw Error::failedPrecondition(QStringLiteral("the application no longer exists"));
        outcome = runSteps(job, *application, workspace);
    } catch (const Error &error) {
        outcome = {BuildState::Failed, userMessage(error, build.id), {}};
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: %s", qPrintable(build.id), error.what());
        outcome = {BuildState::Failed, QStringLiteral("internal error"), {}};
    }

    job.settling = true;
    bool settledHere = false;
    bool storeFailed = false;
    std::optional<Build> stored;
    try {
        domain::BuildTransitionFields fields;
        fields.failureReason = outcome.reason;
        fields.artifactPath = outcome.artifactPath;
        settledHere = m_store.transitionBuild(build.id, BuildState::Building, outcome.state, fields);
        stored = m_store.findBuildById(build.id);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s could not be settled as %s: %s", qPrintable(build.id),
                  qPrintable(domain::buildStateName(outcome.state)), error.what());
        storeFailed = true;
    }
    if (!settledHere && !outcome.artifactPath.isEmpty())
        QFile::remove(QDir(m_options.dataDir).filePath(outcome.artifactPath));

    BuildState finalState = outcome.state;
    if (stored && domain::isFinished(stored->state))
        finalState = stored->state;
    else if (storeFailed)
        finalState = BuildState::Failed; // nobody heartbeats it any more: crash detection will fail it

    if (settledHere) {
        switch (outcome.state) {
        case BuildState::Succeeded:
            announce(build.id,
                     QStringLiteral("==> Build succeeded in %1 s").arg(clock.elapsed() / 1000.0, 0, 'f', 1));
            break;
        case BuildState::Canceled:
            announce(build.id, QStringLiteral("==> Build %1").arg(outcome.reason));
            break;
        default:
            announce(build.id, QStringLiteral("==> Build failed: %1").arg(outcome.reason));
            break;
        }
    } else if (stored) {
        qCInfo(lcBuilder, "build %s was settled elsewhere as %s; keeping that", qPrintable(build.id),
               qPrintable(domain::buildStateName(stored->state)));
        announce(build.id, stored->failureReason.isEmpty()
                               ? QStringLiteral("==> Stopped: the build is already %1")
                                     .arg(domain::buildStateName(stored->state))
                               : QStringLiteral("==> Stopped: the build is already %1 (%2)")
                                     .arg(domain::buildStateName(stored->state), stored->failureReason));
    }
    try {
        m_logHub.finish(build.id, finalState);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: cannot finish the log: %s", qPrintable(build.id), error.what());
    }

    if (settledHere) {
        domain::Event event;
        event.type = domain::EventType::BuildStateChanged;
        event.applicationId = build.applicationId;
        event.applicationName = application ? application->name : build.applicationName;
        event.buildId = build.id;
        event.state = domain::buildStateName(outcome.state);
        event.message = outcome.reason;
        event.ownerIds = application ? application->ownerIds : QStringList();
        m_eventHub.publish(event);

        if (m_notifier && outcome.state != BuildState::Canceled) {
            domain::Notification notification;
            notification.applicationName = event.applicationName;
            notification.buildId = build.id;
            notification.commit = build.commit;
            notification.state = outcome.state;
            notification.reason = outcome.reason;
            notification.at = stored ? stored->finishedAt : QDateTime::currentDateTimeUtc();
            try {
                m_notifier->notify(notification);
            } catch (const std::exception &error) {
                qCWarning(lcBuilder, "build %s: notifying failed: %s", qPrintable(build.id), error.what());
            }
        }
    }

    removeTree(workspace);

    bool stopping = false;
    {
        const std::lock_guard lock(m_mutex);
        m_jobs.remove(build.id);
        stopping = m_stopping;
    }
    if (stopping || !m_onSettled)
        return;
    Build settled = build;
    if (stored) {
        settled = *stored;
    } else {
        settled.state = finalState;
        settled.failureReason = outcome.reason;
        settled.artifactPath = settledHere ? outcome.artifactPath : QString();
    }
    try {
        m_onSettled(settled);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "after build %s settled: %s", qPrintable(build.id), error.what());
    }
}

} // namespace vitrine::usecases
