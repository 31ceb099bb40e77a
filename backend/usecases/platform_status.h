#pragma once

#include "domain/build.h"
#include "domain/ports/runtime_backend.h"
#include "domain/ports/store.h"
#include "usecases/build_executor.h"
#include "usecases/caller.h"
#include "usecases/disk_usage.h"
#include "usecases/metrics_recorder.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <chrono>

namespace vitrine::usecases {

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
    std::chrono::seconds recentWindow{24 * 3600};
};

// The platform as the admin console shows it: the builders, the build queue, the last day's builds, the
// fleet and the disk. Thread-safe; the store, the executor, the recorder and the meter must outlive it.
class PlatformStatusService {
public:
    PlatformStatusService(domain::Store &store, const BuildExecutor &executor, const MetricsRecorder &metrics,
                          DiskUsageMeter &disk, PlatformStatusOptions options = {});

    // Forbidden unless the caller is an admin. Walks the data dir (DiskUsageMeter::current) when the last
    // walk is too old, on the calling thread.
    PlatformStatus status(const Caller &caller);

private:
    domain::Store &m_store;
    const BuildExecutor &m_executor;
    const MetricsRecorder &m_metrics;
    DiskUsageMeter &m_disk;
    const PlatformStatusOptions m_options;
};

} // namespace vitrine::usecases
