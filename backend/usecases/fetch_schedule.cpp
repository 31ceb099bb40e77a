#include "usecases/fetch_schedule.h"

#include <algorithm>

namespace vitrine::usecases {

FetchSchedule::FetchSchedule(std::chrono::milliseconds pollInterval)
    : m_pollInterval(pollInterval)
{
}

bool FetchSchedule::isDue(const QString &repositoryId, Clock::time_point now) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_entries.constFind(repositoryId);
    return it == m_entries.cend() || it->due <= now;
}

std::chrono::milliseconds FetchSchedule::fetched(const QString &repositoryId,
                                                 const QMap<QString, QString> &refs,
                                                 Clock::time_point startedAt, Clock::time_point now)
{
    std::lock_guard lock(m_mutex);
    Entry &entry = m_entries[repositoryId];
    const bool changed = !entry.fetchedOnce || entry.refs != refs;
    entry.interval = changed ? m_pollInterval : backedOff(entry.interval);
    entry.refs = refs;
    entry.fetchedOnce = true;
    return scheduleNext(entry, startedAt, now);
}

std::chrono::milliseconds FetchSchedule::failed(const QString &repositoryId, Clock::time_point startedAt,
                                                Clock::time_point now)
{
    std::lock_guard lock(m_mutex);
    Entry &entry = m_entries[repositoryId];
    entry.interval = backedOff(entry.interval);
    return scheduleNext(entry, startedAt, now);
}

std::chrono::milliseconds FetchSchedule::scheduleNext(Entry &entry, Clock::time_point startedAt,
                                                      Clock::time_point now)
{
    if (entry.wokenAt >= startedAt) {
        entry.interval = m_pollInterval;
        entry.due = Clock::time_point::min();
        return std::chrono::milliseconds{0};
    }
    entry.due = now + entry.interval;
    return entry.interval;
}

void FetchSchedule::wake(const QString &repositoryId)
{
    std::lock_guard lock(m_mutex);
    // Kept even for a repository never fetched: its first fetch may be running now.
    Entry &entry = m_entries[repositoryId];
    entry.due = Clock::time_point::min();
    entry.interval = std::chrono::milliseconds{0};
    entry.wokenAt = Clock::now();
}

void FetchSchedule::forget(const QString &repositoryId)
{
    std::lock_guard lock(m_mutex);
    m_entries.remove(repositoryId);
}

std::chrono::milliseconds FetchSchedule::backedOff(std::chrono::milliseconds interval) const
{
    if (interval < m_pollInterval)
        return m_pollInterval;
    return std::min(interval * 2, m_pollInterval * kMaxBackoffFactor);
}

} // namespace vitrine::usecases
