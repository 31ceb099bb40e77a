#pragma once

#include "models/metrics_sample.h"

#include <QDateTime>
#include <QList>

#include <chrono>

namespace vitrine::desktop {

// The points a metrics chart shows for a time range ending now: a query's result and the live samples that
// follow, oldest first, one point per time, none older than the range.
class MetricsHistory {
public:
    explicit MetricsHistory(std::chrono::seconds range);

    std::chrono::seconds range() const { return m_range; }
    // Forgets every point and holds `range` from now on.
    void reset(std::chrono::seconds range);

    // Adds `samples` (in any order) at their place in time. A point at a time already held replaces the
    // one held: the newer reading of a span is the more complete one. Then drops what is older than the
    // range before `now`.
    void merge(const QList<MetricsSample> &samples, const QDateTime &now);
    // Drops the points older than the range before `now`.
    void trim(const QDateTime &now);

    // Where the range starts when it ends at `now`.
    QDateTime rangeStart(const QDateTime &now) const;

    const QList<MetricsSample> &samples() const { return m_samples; }
    bool isEmpty() const { return m_samples.isEmpty(); }
    // The newest point's time; null when empty.
    QDateTime newestTime() const;

private:
    std::chrono::seconds m_range;
    QList<MetricsSample> m_samples;
};

} // namespace vitrine::desktop
