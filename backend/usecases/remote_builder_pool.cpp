#include "usecases/remote_builder_pool.h"

#include "domain/error.h"
#include "usecases/access.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <algorithm>
#include <exception>

namespace vitrine::usecases {

using domain::Build;
using domain::BuildState;
using domain::Error;

namespace {
Q_LOGGING_CATEGORY(lcRemoteBuilders, "vitrine.builder.remote")

QString artifactPathOf(const QString &buildId)
{
    return QStringLiteral("artifacts/%1.tar.gz").arg(buildId);
}
} // namespace

RemoteBuilderPool::RemoteBuilderPool(domain::Store &store, BuildLogHub &logHub, BuildSettler &settler,
                                     RemoteBuilderPoolOptions options,
                                     std::function<void(const domain::Build &)> onSettled)
    : m_store(store)
    , m_logHub(logHub)
    , m_settler(settler)
    , m_options(std::move(options))
    , m_onSettled(std::move(onSettled))
{
}

int RemoteBuilderPool::freeSlots() const
{
    const std::lock_guard lock(m_mutex);
    int free = 0;
    for (const Builder &builder : m_builders)
        free += std::max(0, builder.slotCount - int(builder.builds.size()));
    return free;
}

QList<BuilderStatus> RemoteBuilderPool::builders() const
{
    QList<BuilderStatus> builders;
    const std::lock_guard lock(m_mutex);
    for (auto it = m_builders.cbegin(); it != m_builders.cend(); ++it) {
        QStringList buildIds = it->builds.keys();
        buildIds.sort();
        builders << BuilderStatus{it.key(), it->name, true, it->slotCount, buildIds};
    }
    std::sort(builders.begin(), builders.end(),
              [](const BuilderStatus &a, const BuilderStatus &b) { return a.id < b.id; });
    return builders;
}

void RemoteBuilderPool::start(const Build &build)
{
    const domain::Repository repository = access::requireRepositoryOfBuild(m_store, build);

    const std::lock_guard lock(m_mutex);
    Builder *chosen = nullptr;
    for (Builder &builder : m_builders) {
        const int free = builder.slotCount - int(builder.builds.size());
        if (free > 0 && (!chosen || free > chosen->slotCount - int(chosen->builds.size())))
            chosen = &builder;
    }
    if (!chosen)
        throw Error::failedPrecondition(QStringLiteral("no remote builder has a free slot"));
    Running running;
    running.build = build;
    running.clock.start();
    chosen->builds.insert(build.id, running);
    chosen->link->sendJob(RemoteJob{build, repository.url, m_options.limits});
    qCInfo(lcRemoteBuilders, "build %s of %s went to remote builder %s", qPrintable(build.id),
           qPrintable(build.applicationName), qPrintable(chosen->name));
}

bool RemoteBuilderPool::cancel(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    for (Builder &builder : m_builders) {
        if (builder.builds.contains(buildId)) {
            builder.link->sendCancel(buildId);
            return true;
        }
    }
    return false;
}

QString RemoteBuilderPool::attach(RemoteBuilderLink &link, const QString &name, int slotCount)
{
    if (slotCount < 1)
        throw Error::badRequest(QStringLiteral("slots"), QStringLiteral("must be at least 1"));
    const std::lock_guard lock(m_mutex);
    const QString id = QStringLiteral("%1#%2").arg(name).arg(++m_connections);
    m_builders.insert(id, Builder{&link, name, slotCount, {}});
    qCInfo(lcRemoteBuilders, "remote builder %s connected with %d slots", qPrintable(id), slotCount);
    return id;
}

void RemoteBuilderPool::detach(const QString &builderId)
{
    QStringList abandoned;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_builders.contains(builderId))
            return;
        abandoned = m_builders.take(builderId).builds.keys();
    }
    for (const QString &buildId : std::as_const(abandoned))
        QFile::remove(partialArtifactFile(buildId));
    if (abandoned.isEmpty())
        qCInfo(lcRemoteBuilders, "remote builder %s disconnected", qPrintable(builderId));
    else
        qCWarning(lcRemoteBuilders,
                  "remote builder %s disconnected during builds %s; they fail once their "
                  "heartbeats are overdue",
                  qPrintable(builderId), qPrintable(abandoned.join(QStringLiteral(", "))));
}

bool RemoteBuilderPool::holds(const QString &builderId, const QString &buildId) const
{
    const auto builder = m_builders.constFind(builderId);
    return builder != m_builders.cend() && builder->builds.contains(buildId);
}

QString RemoteBuilderPool::partialArtifactFile(const QString &buildId) const
{
    return QDir(m_options.dataDir).filePath(artifactPathOf(buildId) + QStringLiteral(".part"));
}

void RemoteBuilderPool::logLine(const QString &builderId, const QString &buildId, domain::LogStream stream,
                                const QString &text)
{
    {
        const std::lock_guard lock(m_mutex);
        if (!holds(builderId, buildId))
            return;
    }
    try {
        m_logHub.append(buildId, stream, text);
    } catch (const std::exception &error) {
        qCWarning(lcRemoteBuilders, "build %s: cannot write to the log: %s", qPrintable(buildId),
                  error.what());
    }
}

void RemoteBuilderPool::heartbeat(const QString &builderId, const QStringList &buildIds)
{
    QStringList held;
    {
        const std::lock_guard lock(m_mutex);
        for (const QString &buildId : buildIds) {
            if (holds(builderId, buildId))
                held.append(buildId);
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &buildId : std::as_const(held)) {
        try {
            if (!m_store.recordBuildHeartbeat(buildId, now)) {
                qCInfo(lcRemoteBuilders, "build %s is no longer BUILDING in the store; stopping it",
                       qPrintable(buildId));
                cancel(buildId);
            }
        } catch (const std::exception &error) {
            qCWarning(lcRemoteBuilders, "heartbeat of build %s failed: %s", qPrintable(buildId),
                      error.what());
        }
    }
}

void RemoteBuilderPool::artifactChunk(const QString &builderId, const QString &buildId,
                                      const QByteArray &data)
{
    bool first = false;
    {
        const std::lock_guard lock(m_mutex);
        if (!holds(builderId, buildId))
            return;
        Running &running = m_builders[builderId].builds[buildId];
        if (running.artifactTooLarge)
            return;
        first = running.artifactBytes == 0;
        running.artifactBytes += data.size();
        if (running.artifactBytes > m_options.maxArtifactBytes) {
            running.artifactTooLarge = true;
            QFile::remove(partialArtifactFile(buildId));
            return;
        }
    }
    const QString file = partialArtifactFile(buildId);
    QDir().mkpath(QFileInfo(file).path());
    QFile out(file);
    if (!out.open(first ? QIODevice::WriteOnly | QIODevice::Truncate : QIODevice::Append) ||
        out.write(data) != data.size()) {
        qCWarning(lcRemoteBuilders, "build %s: cannot write the artifact %s: %s", qPrintable(buildId),
                  qPrintable(file), qPrintable(out.errorString()));
    }
}

void RemoteBuilderPool::result(const QString &builderId, const QString &buildId, BuildState state,
                               const QString &failureReason, const std::optional<domain::BuildPlan> &plan)
{
    Running running;
    {
        const std::lock_guard lock(m_mutex);
        if (!holds(builderId, buildId))
            return;
        running = m_builders[builderId].builds.take(buildId);
    }
    BuildOutcome outcome{state, failureReason, {}, {}};
    if (!domain::isFinished(state)) {
        outcome = BuildOutcome::failed(QStringLiteral("the remote builder reported no final state"));
    } else if (state == BuildState::Succeeded) {
        const QString partial = partialArtifactFile(buildId);
        const QString artifact = QDir(m_options.dataDir).filePath(artifactPathOf(buildId));
        if (running.artifactTooLarge) {
            outcome = BuildOutcome::failed(
                QStringLiteral("the artifact is larger than %1 MiB").arg(m_options.maxArtifactBytes >> 20));
        } else if (running.artifactBytes == 0 || (QFile::exists(artifact) && !QFile::remove(artifact)) ||
                   !QFile::rename(partial, artifact)) {
            qCWarning(lcRemoteBuilders, "build %s: the artifact from %s could not be stored",
                      qPrintable(buildId), qPrintable(builderId));
            outcome = BuildOutcome::failed(QStringLiteral("internal error"));
        } else {
            outcome.artifactPath = artifactPathOf(buildId);
            outcome.plan = plan;
        }
    }
    QFile::remove(partialArtifactFile(buildId));

    const Build settled = m_settler.settle(running.build, outcome, running.clock.elapsed());
    if (!m_onSettled)
        return;
    try {
        m_onSettled(settled);
    } catch (const std::exception &error) {
        qCWarning(lcRemoteBuilders, "after build %s settled: %s", qPrintable(buildId), error.what());
    }
}

} // namespace vitrine::usecases
