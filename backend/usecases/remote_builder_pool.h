#pragma once

#include "domain/build.h"
#include "domain/log_line.h"
#include "domain/ports/command_runner.h"
#include "domain/ports/store.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/build_settler.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <mutex>
#include <optional>

namespace vitrine::usecases {

// What a remote builder needs to run one build.
struct RemoteJob {
    domain::Build build;
    QString repositoryUrl;
    domain::CommandLimits limits;
};

// One connected remote builder as the pool sees it; the transport implements it. Both calls only queue the
// message (they must neither block nor call back into the pool).
class RemoteBuilderLink {
public:
    virtual ~RemoteBuilderLink() = default;
    virtual void sendJob(const RemoteJob &job) = 0;
    virtual void sendCancel(const QString &buildId) = 0;
};

struct RemoteBuilderPoolOptions {
    QString dataDir;              // artifacts in DATA/artifacts/<build id>.tar.gz
    domain::CommandLimits limits; // per-build time and memory limit, sent with every job
    qint64 maxArtifactBytes = 256LL << 20;
};

// The builders on other machines, as one BuildExecutor: its free slots are those of every connected
// builder, and start() hands the build to the builder with the most free slots. What the builders report
// lands where the in-process builder puts it: log lines in the BuildLogHub, heartbeats in the store, the
// artifact under DATA/artifacts/, and the result is settled by the BuildSettler and then passed to
// onSettled. A builder that disconnects leaves its builds BUILDING without heartbeats: crash detection
// fails them after the heartbeat timeout.
//
// Every method may be called from any thread.
class RemoteBuilderPool final : public BuildExecutor {
public:
    RemoteBuilderPool(domain::Store &store, BuildLogHub &logHub, BuildSettler &settler,
                      RemoteBuilderPoolOptions options, std::function<void(const domain::Build &)> onSettled);

    int freeSlots() const override;
    // Throws FailedPrecondition when no builder has a free slot.
    void start(const domain::Build &build) override;
    bool cancel(const QString &buildId) override;
    QList<BuilderStatus> builders() const override;

    // A builder said hello; the link stays valid until detach(). Returns the builder's id for the calls
    // below. Throws a bad request for slots < 1.
    QString attach(RemoteBuilderLink &link, const QString &name, int slotCount);
    void detach(const QString &builderId);

    // Reports of a builder about the builds it holds; reports about other builds are ignored.
    void logLine(const QString &builderId, const QString &buildId, domain::LogStream stream,
                 const QString &text);
    void heartbeat(const QString &builderId, const QStringList &buildIds);
    void artifactChunk(const QString &builderId, const QString &buildId, const QByteArray &data);
    // plan: how a build that succeeded deploys (none: as registered, from a builder that does not say).
    void result(const QString &builderId, const QString &buildId, domain::BuildState state,
                const QString &failureReason, const std::optional<domain::BuildPlan> &plan);

private:
    struct Running {
        domain::Build build;
        QElapsedTimer clock;
        qint64 artifactBytes = 0;
        bool artifactTooLarge = false;
    };
    struct Builder {
        RemoteBuilderLink *link = nullptr;
        QString name;
        int slotCount = 0;
        QHash<QString, Running> builds;
    };

    QString partialArtifactFile(const QString &buildId) const;
    bool holds(const QString &builderId, const QString &buildId) const;

    domain::Store &m_store;
    BuildLogHub &m_logHub;
    BuildSettler &m_settler;
    const RemoteBuilderPoolOptions m_options;
    const std::function<void(const domain::Build &)> m_onSettled;

    mutable std::mutex m_mutex; // guards the members below
    QHash<QString, Builder> m_builders;
    int m_connections = 0; // numbers the builder ids
};

} // namespace vitrine::usecases
