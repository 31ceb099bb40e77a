#pragma once

#include "domain/build.h"
#include "domain/ports/runtime_backend.h"
#include "domain/ports/store.h"
#include "usecases/build_executor.h"
#include "usecases/caller.h"
#include "usecases/metrics_recorder.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <chrono>
#include <mutex>

namespace vitrine::usecases {

// Bytes under the data dir by what holds them, and the free space of its file system.
struct DiskUse {
    qint64 artifactsBytes = 0;   // DATA/artifacts: the builds' tarballs
    qint64 sitesBytes = 0;       // DATA/sites: the published websites
    qint64 buildLogsBytes = 0;   // DATA/logs/builds
    qint64 runtimeLogsBytes = 0; // DATA/logs/runtime
    qint64 totalBytes = 0;       // everything under DATA, the above included
    qint64 freeBytes = 0;
};

struct PlatformStatus {
    QDateTime serverTime;
    QList<BuilderStatus> builders;
    int queuedBuilds = 0;
    int runningBuilds = 0;
    std::chrono::seconds recentWindow{0};
    domain::BuildFigures recentBuilds; // the builds that finished within recentWindow before serverTime
    int staticApplications = 0;
    int runtimeApplications = 0;
    QMap<domain::InstanceState, int> instancesByState;
    int openAlerts = 0;
    DiskUse disk;
};

struct PlatformStatusOptions {
    QString dataDir;
    std::chrono::seconds recentWindow{24 * 3600};
    // A console may refresh every few seconds, and walking a large data dir takes a while: the disk use is
    // measured at most this often and served from the last walk in between.
    std::chrono::seconds diskScanInterval{30};
};

// The platform as the admin console shows it: the builders, the build queue, the last day's builds, the
// fleet and the disk. Thread-safe; the store, the executor and the recorder must outlive it.
class PlatformStatusService {
public:
    PlatformStatusService(domain::Store &store, const BuildExecutor &executor, const MetricsRecorder &metrics,
                          PlatformStatusOptions options);

    // Forbidden unless the caller is an admin. Walks the data dir when the last walk is older than
    // diskScanInterval, on the calling thread.
    PlatformStatus status(const Caller &caller);

private:
    DiskUse diskUse();

    domain::Store &m_store;
    const BuildExecutor &m_executor;
    const MetricsRecorder &m_metrics;
    const PlatformStatusOptions m_options;

    std::mutex m_diskMutex; // guards the two below; a second caller waits for a walk in progress
    DiskUse m_disk;
    std::chrono::steady_clock::time_point m_diskMeasuredAt{};
    bool m_diskMeasured = false;
};

} // namespace vitrine::usecases
