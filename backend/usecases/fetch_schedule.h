#pragma once

#include <QHash>
#include <QMap>
#include <QString>

#include <chrono>
#include <mutex>

namespace vitrine::usecases {

// When each repository is fetched next. A repository is fetched every pollInterval while its refs change;
// each fetch that finds them as they were (or fails) doubles its interval, up to kMaxBackoffFactor times
// pollInterval, so idle repositories cost little. A push, or a change of one of its applications, makes it
// due at once and brings it back to pollInterval. Thread-safe.
class FetchSchedule {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kMaxBackoffFactor = 8;

    explicit FetchSchedule(std::chrono::milliseconds pollInterval);

    // Whether the repository should be fetched at `now`: it never was, it was woken, or its interval passed.
    bool isDue(const QString &repositoryId, Clock::time_point now) const;
    // A fetch that started at `startedAt` read these refs by `now`. Returns the delay until the repository is
    // due again: zero when it was woken while the fetch ran, since the push that woke it may be newer than
    // what the fetch saw.
    std::chrono::milliseconds fetched(const QString &repositoryId, const QMap<QString, QString> &refs,
                                      Clock::time_point startedAt, Clock::time_point now);
    // A fetch that started at `startedAt` failed by `now`. Returns the delay until the repository is due
    // again (zero when it was woken meanwhile).
    std::chrono::milliseconds failed(const QString &repositoryId, Clock::time_point startedAt,
                                     Clock::time_point now);
    // Due now, at pollInterval again; also when a fetch of it is running.
    void wake(const QString &repositoryId);
    // The repository is gone: drops what is kept about it.
    void forget(const QString &repositoryId);

private:
    struct Entry {
        Clock::time_point due;
        std::chrono::milliseconds interval{0};
        QMap<QString, QString> refs;
        bool fetchedOnce = false;
        Clock::time_point wokenAt = Clock::time_point::min();
    };

    // After a fetch: due at once if woken since it started, else after the entry's interval.
    std::chrono::milliseconds scheduleNext(Entry &entry, Clock::time_point startedAt, Clock::time_point now);

    std::chrono::milliseconds backedOff(std::chrono::milliseconds interval) const;

    const std::chrono::milliseconds m_pollInterval;
    mutable std::mutex m_mutex;
    QHash<QString, Entry> m_entries;
};

} // namespace vitrine::usecases
