#include "usecases/in_process_builder.h"

#include "domain/error.h"
#include "usecases/access.h"
#include "usecases/builder_logging.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSysInfo>

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>

namespace vitrine::usecases {

using domain::Build;
using domain::BuildState;
using domain::Error;
using domain::LogStream;

namespace {
const QString kCanceledReason = QStringLiteral("canceled");

} // namespace

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
    BuildOutcome stoppedOutcome() const
    {
        switch (stopReason.load()) {
        case StopReason::LogFailed:
            return BuildOutcome::failed(logFailure);
        case StopReason::ShuttingDown:
            return BuildOutcome::canceled(QStringLiteral("canceled: the server shut down"));
        case StopReason::None:
        case StopReason::Canceled:
        case StopReason::NoLongerBuilding: // the store's state wins: settling will find the build settled
            break;
        }
        return BuildOutcome::canceled(kCanceledReason);
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
    , m_logHub(logHub)
    , m_steps(git, runner, archive, options.images)
    , m_settler(store, logHub, eventHub, notifier, options.dataDir)
    , m_options(std::move(options))
    , m_onSettled(std::move(onSettled))
{
    for (int i = 0; i < m_options.slotCount; ++i)
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
    return std::max(0, m_options.slotCount - int(m_jobs.size()));
}

QList<BuilderStatus> InProcessBuilder::builders() const
{
    BuilderStatus local{QStringLiteral("local"), QSysInfo::machineHostName(), false, m_options.slotCount, {}};
    const std::lock_guard lock(m_mutex);
    local.buildIds = m_jobs.keys();
    local.buildIds.sort();
    return {local};
}

void InProcessBuilder::start(const Build &build)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_stopping)
            throw Error::failedPrecondition(QStringLiteral("the builder is shutting down"));
        if (m_jobs.contains(build.id))
            throw Error::failedPrecondition(QStringLiteral("build %1 is already running here").arg(build.id));
        if (m_jobs.size() >= m_options.slotCount)
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

namespace {

// The log of one build held here: its System lines never fail the build, while a command line that cannot be
// written stops it (LogFailed).
template<typename Job>
class JobReport final : public BuildReport {
public:
    JobReport(BuildLogHub &logHub, Job &job)
        : m_logHub(logHub)
        , m_job(job)
    {
    }

    void announce(const QString &text) override
    {
        try {
            m_logHub.append(m_job.build.id, LogStream::System, text);
        } catch (const std::exception &error) {
            qCWarning(lcBuilder, "build %s: cannot write to the log: %s", qPrintable(m_job.build.id),
                      error.what());
        }
    }

    void commandLine(LogStream stream, const QString &text) override
    {
        if (m_job.stopReason == Job::StopReason::LogFailed)
            return;
        try {
            m_logHub.append(m_job.build.id, stream, text);
        } catch (const Error &error) {
            m_job.logFailure = buildErrorMessage(error, m_job.build.id);
            m_job.requestStop(Job::StopReason::LogFailed);
        } catch (const std::exception &error) {
            qCWarning(lcBuilder, "build %s: cannot write to the log: %s", qPrintable(m_job.build.id),
                      error.what());
            m_job.logFailure = QStringLiteral("internal error");
            m_job.requestStop(Job::StopReason::LogFailed);
        }
    }

private:
    BuildLogHub &m_logHub;
    Job &m_job;
};

} // namespace

BuildOutcome InProcessBuilder::runSteps(Job &job, const QString &workspace)
{
    const Build &build = job.build;
    const domain::Repository repository = access::requireRepositoryOfBuild(m_store, build);

    const QString artifactPath = QStringLiteral("artifacts/%1.tar.gz").arg(build.id);
    JobReport<Job> report(m_logHub, job);
    const QString archiveFile = QDir(m_options.dataDir).filePath(artifactPath);
    std::optional<BuildOutcome> outcome =
        m_steps.run(build, repository.url, m_options.limits, workspace, archiveFile, report, job.stop);
    if (!outcome)
        return job.stoppedOutcome();
    // A runtime-dockerfile build has no artifact: its image is the release.
    if (outcome->state == BuildState::Succeeded && QFileInfo::exists(archiveFile))
        outcome->artifactPath = artifactPath;
    return *outcome;
}

void InProcessBuilder::runJob(Job &job)
{
    const Build &build = job.build;
    QElapsedTimer clock;
    clock.start();
    const QString workspace = QDir(m_options.dataDir).filePath(QStringLiteral("work/%1").arg(build.id));

    BuildOutcome outcome;
    try {
        outcome = runSteps(job, workspace);
    } catch (const Error &error) {
        outcome = BuildOutcome::failed(buildErrorMessage(error, build.id));
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: %s", qPrintable(build.id), error.what());
        outcome = BuildOutcome::failed(QStringLiteral("internal error"));
    }

    job.settling = true;
    const Build settled = m_settler.settle(build, outcome, clock.elapsed());
    removeWorkspace(workspace);

    bool stopping = false;
    {
        const std::lock_guard lock(m_mutex);
        m_jobs.remove(build.id);
        stopping = m_stopping;
    }
    if (stopping || !m_onSettled)
        return;
    try {
        m_onSettled(settled);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "after build %s settled: %s", qPrintable(build.id), error.what());
    }
}

} // namespace vitrine::usecases
