#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>

namespace vitrine::desktop {

// One point of an application's metrics (MetricsService's MetricsSample): a sample as it was taken, or a
// downsampled point that aggregates the samples of [time, time + resolutionSeconds).
struct MetricsSample {
    QDateTime time;
    int resolutionSeconds = 0;
    double cpuCores = 0; // 1.0: one core busy all the time
    qint64 memoryBytes = 0;
    int restarts = 0;
    qint64 requests = 0; // during the span

    bool operator==(const MetricsSample &) const = default;
};

// What QueryMetrics gives for a time range: the points of the finest tier that still keeps all of it.
struct MetricsSeries {
    int resolutionSeconds = 0;    // of that tier
    QList<MetricsSample> samples; // oldest first

    bool operator==(const MetricsSeries &) const = default;
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::MetricsSample)
