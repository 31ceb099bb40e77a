#pragma once

#include "domain/application.h"
#include "domain/ports/router.h"
#include "domain/ports/runtime_backend.h"
#include "domain/ports/store.h"
#include "usecases/caller.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace vitrine::usecases {

// What one application did over a span of time.
struct MetricsPoint {
    // When the sample was taken (its values cover the sample interval before); for a downsampled point, the
    // start of the span [time, time + resolutionSeconds) whose samples it aggregates.
    QDateTime time;
    int resolutionSeconds = 0;
    double cpuCores = 0;    // average CPU use: 1.0 is one core busy all the time
    qint64 memoryBytes = 0; // average resident memory of its instances
    int restarts = 0;       // restarts of its instances (the most seen in a downsampled span)
    qint64 requests = 0;    // requests the router passed to it during the span

    bool operator==(const MetricsPoint &) const = default;
};

// One application's points, as a query found them.
struct MetricsSeries {
    QString applicationId;
    QString applicationName;
    int resolutionSeconds = 0;  // of the tier the points come from
    QList<MetricsPoint> points; // oldest first
};

// The state of one application at the last sample, for Prometheus. The totals count from when the
// recorder took its first sample.
struct ApplicationMetrics {
    QString applicationId;
    QString applicationName;
    double cpuCores = 0;    // 0 when nothing of it ran at the last sample
    qint64 memoryBytes = 0; // 0 when nothing of it ran at the last sample
    int restarts = 0;       // restarts of its current instances
    double cpuSecondsTotal = 0;
    qint64 restartsTotal = 0; // every restart seen, also of instances since replaced
    qint64 requestsTotal = 0;
};

// The fleet as a whole, for Prometheus. Counted by the sampler at every sample, so a scrape reads memory
// only.
struct PlatformMetrics {
    bool collected = false; // false until the first sample counted anything
    QMap<domain::DeployType, int> applicationsByDeployType;
    int buildsQueued = 0;
    int buildsBuilding = 0;
    QMap<domain::InstanceState, int> instancesByState;
};

// A coarser tier of the time series: samples aggregated into spans of `resolution` (aligned to the epoch)
// and kept for `retention`.
struct MetricsTier {
    std::chrono::seconds resolution;
    std::chrono::seconds retention;
};

struct MetricsOptions {
    std::chrono::milliseconds sampleInterval{5'000};
    std::chrono::seconds sampleRetention{30 * 60}; // each sample as it was taken, for this long
    QList<MetricsTier> tiers = {
        {std::chrono::seconds(60), std::chrono::seconds(6 * 3600)},
        {std::chrono::seconds(600), std::chrono::seconds(3 * 86400)},
    };                                // finest first
    std::function<QDateTime()> clock; // null: the current UTC time; tests script it
};

// What one poll() of a MetricsSubscription hands over.
struct MetricsBatch {
    QList<MetricsPoint> points; // oldest first, continuing after the previous batch
    bool ended = false;         // only in a batch without points: the application was forgotten
};

namespace detail {
struct MetricsState;
struct MetricsSubscriber;
} // namespace detail

// One watcher of one application's samples, as MetricsRecorder::watch() returns it. Pull based like the
// other streams: poll() until it comes back empty, then wait for onReady. Destroying it (or cancel()) leaves.
class MetricsSubscription {
public:
    ~MetricsSubscription();
    MetricsSubscription(const MetricsSubscription &) = delete;
    MetricsSubscription &operator=(const MetricsSubscription &) = delete;

    // The first poll gives the points since `since` (none when it is null) from the finest tier that reaches
    // back that far; later polls each sample taken since. A watcher slower than sampleRetention skips what is
    // no longer kept. An empty batch arms onReady. Not to be called from two threads at once.
    MetricsBatch poll();

    // When it returns, onReady is not running and will not be called again. Must not be called from
    // onReady, nor while holding a lock that onReady takes.
    void cancel();

private:
    friend class MetricsRecorder;
    MetricsSubscription(std::shared_ptr<detail::MetricsState> state,
                        std::shared_ptr<detail::MetricsSubscriber> subscriber, QDateTime since);

    std::shared_ptr<detail::MetricsState> m_state;
    std::shared_ptr<detail::MetricsSubscriber> m_subscriber;
    QDateTime m_since; // until the first poll
    qint64 m_cursorMs; // every sample up to this time was delivered
    bool m_started = false;
};

// Samples the resource use, restarts and request counts of every application every sampleInterval, and keeps
// each application's recent history in a bounded time series: every sample for sampleRetention, then
// coarser points (averages of CPU and memory, sums of requests, the most restarts) per tier. An application
// gets a point only in samples where something of it runs or it served requests, and a series only once it
// has a point; a series whose points all aged out is dropped, so idle applications cost nothing.
// Thread-safe; the backend, the router and the store must outlive it.
class MetricsRecorder {
public:
    MetricsRecorder(domain::RuntimeBackend &backend, domain::Router &router, domain::Store &store,
                    MetricsOptions options = {});
    ~MetricsRecorder();
    MetricsRecorder(const MetricsRecorder &) = delete;
    MetricsRecorder &operator=(const MetricsRecorder &) = delete;

    // Samples now and then every sampleInterval on a thread of its own, until stop(). Idempotent.
    void start();
    void stop();

    // Takes one sample at the clock's time. The first one only sets the baselines that rates are measured
    // from: it records no points. What a source throws is logged; the sample goes on with the others.
    void sampleNow();

    // The application's points with from <= time <= to (both valid), from the finest tier that keeps them
    // back to `from` (the coarsest when none does). Empty for an application without a series.
    MetricsSeries query(const QString &applicationId, const QDateTime &from, const QDateTime &to) const;
    // As above for an application the caller may see (by id or name): NotFound, Forbidden otherwise. A null
    // `from` is the oldest point kept, a null `to` now; `to` before `from` is BadRequest.
    MetricsSeries query(const Caller &caller, const QString &application, const QDateTime &from,
                        const QDateTime &to) const;

    // The application's points since `since`, then each sample as it is taken (see MetricsSubscription).
    // onReady is called from the sampler's thread, never under the recorder's lock, when a poll that came
    // back empty would now return something; it must be quick and must not block.
    std::unique_ptr<MetricsSubscription> subscribe(const QString &applicationId, const QDateTime &since,
                                                   std::function<void()> onReady);
    // As above for an application the caller may see (by id or name): NotFound, Forbidden otherwise.
    std::unique_ptr<MetricsSubscription> watch(const Caller &caller, const QString &application,
                                               const QDateTime &since, std::function<void()> onReady);

    // Every application with a series, by name.
    QList<ApplicationMetrics> latest() const;
    PlatformMetrics platform() const;

    // The application was deleted: drops its series at once, and ends its watchers' streams.
    void forget(const QString &applicationId);

private:
    struct Sampler; // the sampler's bookkeeping: baselines of the rates, the name cache, failing sources

    void runSampler();
    QDateTime now() const;

    domain::RuntimeBackend &m_backend;
    domain::Router &m_router;
    domain::Store &m_store;
    const MetricsOptions m_options;
    std::shared_ptr<detail::MetricsState> m_state; // shared with the subscriptions, which may outlive it

    std::mutex m_sampleMutex;           // one sample at a time; taken before m_state's lock
    std::unique_ptr<Sampler> m_sampler; // guarded by m_sampleMutex

    std::mutex m_threadMutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace vitrine::usecases
