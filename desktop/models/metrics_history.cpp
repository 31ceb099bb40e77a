#include "models/metrics_history.h"

#include <algorithm>

namespace vitrine::desktop {

namespace {

bool earlier(const MetricsSample &sample, const QDateTime &time)
{
    return sample.time < time;
}

} // namespace

MetricsHistory::MetricsHistory(std::chrono::seconds range)
    : m_range(range)
{
}

void MetricsHistory::reset(std::chrono::seconds range)
{
    m_range = range;
    m_samples.clear();
}

void MetricsHistory::merge(const QList<MetricsSample> &samples, const QDateTime &now)
{
    for (const MetricsSample &sample : samples) {
        // Live samples come after everything held: the common case appends.
        if (m_samples.isEmpty() || m_samples.constLast().time < sample.time) {
            m_samples.append(sample);
            continue;
        }
        const auto place = std::lower_bound(m_samples.begin(), m_samples.end(), sample.time, earlier);
        if (place->time == sample.time)
            *place = sample;
        else
            m_samples.insert(place, sample);
    }
    trim(now);
}

void MetricsHistory::trim(const QDateTime &now)
{
    const auto firstKept = std::lower_bound(m_samples.cbegin(), m_samples.cend(), rangeStart(now), earlier);
    m_samples.erase(m_samples.cbegin(), firstKept);
}

QDateTime MetricsHistory::rangeStart(const QDateTime &now) const
{
    return now.addSecs(-m_range.count());
}

QDateTime MetricsHistory::newestTime() const
{
    return m_samples.isEmpty() ? QDateTime() : m_samples.constLast().time;
}

} // namespace vitrine::desktop
