#include "usecases/metrics_recorder.h"

#include "domain/error.h"
#include "usecases/access.h"
#include "usecases/watcher_wakeup.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

namespace vitrine::usecases {

namespace {

Q_LOGGING_CATEGORY(lcMetrics, "vitrine.metrics")

qint64 millisecondsOf(std::chrono::milliseconds duration)
{
    return duration.count();
}

qint32 microcoresOf(double cores)
{
    return qint32(std::clamp(std::round(cores * 1e6), 0.0, double(std::numeric_limits<qint32>::max())));
}

} // namespace

namespace detail {

// A point as the series keep it: small, since a busy application holds about a thousand. CPU in millionths
// of a core, so that the cores shown are the decimals measured (0.2, not 0.20000000298).
struct StoredPoint {
    qint64 timeMs = 0;
    qint64 memoryBytes = 0;
    qint64 requests = 0;
    qint32 cpuMicrocores = 0;
    qint32 restarts = 0;
};

// The span of a coarser tier that samples are still being added to.
struct OpenSpan {
    qint64 startMs = 0;
    int samples = 0; // 0: no span open
    double cpuSum = 0;
    double memorySum = 0;
    qint64 requests = 0;
    qint32 maxRestarts = 0;

    StoredPoint point() const
    {
        return {startMs, qint64(memorySum / samples), requests, microcoresOf(cpuSum / samples), maxRestarts};
    }
};

struct TierSeries {
    std::deque<StoredPoint> points; // closed spans, oldest first
    OpenSpan open;
};

struct Series {
    QString applicationName;
    std::deque<StoredPoint> samples; // oldest first
    std::vector<TierSeries> tiers;   // as MetricsOptions::tiers
    double cpuSecondsTotal = 0;
    qint64 restartsTotal = 0;
    qint64 requestsTotal = 0;

    bool empty() const
    {
        return samples.empty() && std::all_of(tiers.cbegin(), tiers.cend(), [](const TierSeries &tier) {
                   return tier.points.empty() && tier.open.samples == 0;
               });
    }
};

struct MetricsSubscriber : WatcherWakeup {
    QString applicationId;  // set once, before the subscriber is shared
    bool forgotten = false; // guarded by the state's lock: the application was deleted
};

struct MetricsState {
    explicit MetricsState(const MetricsOptions &options)
        : sampleSeconds(int(std::max<qint64>(1, millisecondsOf(options.sampleInterval) / 1000)))
        , sampleRetentionMs(millisecondsOf(options.sampleRetention))
        , tiers(options.tiers)
        , clock(options.clock)
    {
    }

    const int sampleSeconds;
    const qint64 sampleRetentionMs;
    const QList<MetricsTier> tiers;
    const std::function<QDateTime()> clock;

    mutable std::mutex mutex;                                                    // guards what follows
    QHash<QString, Series> series;                                               // by application id
    QHash<QString, std::vector<std::shared_ptr<MetricsSubscriber>>> subscribers; // by application id
    qint64 lastSampleMs = 0;
    PlatformMetrics platform;

    qint64 nowMs() const { return (clock ? clock() : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch(); }
};

} // namespace detail

using detail::MetricsState;
using detail::MetricsSubscriber;
using detail::Series;
using detail::StoredPoint;
using detail::TierSeries;

namespace {

MetricsPoint toPoint(const StoredPoint &stored, int resolutionSeconds)
{
    return {QDateTime::fromMSecsSinceEpoch(stored.timeMs, Qt::UTC),
            resolutionSeconds,
            stored.cpuMicrocores / 1e6,
            stored.memoryBytes,
            stored.restarts,
            stored.requests};
}

void appendInRange(const std::deque<StoredPoint> &points, qint64 fromMs, qint64 toMs, int resolutionSeconds,
                   QList<MetricsPoint> &out)
{
    const auto first =
        std::lower_bound(points.cbegin(), points.cend(), fromMs,
                         [](const StoredPoint &point, qint64 ms) { return point.timeMs < ms; });
    for (auto point = first; point != points.cend() && point->timeMs <= toMs; ++point)
        out.append(toPoint(*point, resolutionSeconds));
}

void closeOpenSpan(TierSeries &tier)
{
    if (tier.open.samples == 0)
        return;
    tier.points.push_back(tier.open.point());
    tier.open = {};
}

void addToTier(TierSeries &tier, qint64 resolutionMs, const StoredPoint &sample)
{
    const qint64 startMs = sample.timeMs - sample.timeMs % resolutionMs;
    if (tier.open.samples > 0 && tier.open.startMs != startMs)
        closeOpenSpan(tier);
    if (tier.open.samples == 0)
        tier.open.startMs = startMs;
    ++tier.open.samples;
    tier.open.cpuSum += sample.cpuMicrocores / 1e6;
    tier.open.memorySum += double(sample.memoryBytes);
    tier.open.requests += sample.requests;
    tier.open.maxRestarts = std::max(tier.open.maxRestarts, sample.restarts);
}

void dropOlderThan(std::deque<StoredPoint> &points, qint64 oldestMs)
{
    while (!points.empty() && points.front().timeMs < oldestMs)
        points.pop_front();
}

// Closes the spans that have ended and drops what aged out. Under the state's lock.
void trim(const MetricsState &state, Series &series, qint64 nowMs)
{
    dropOlderThan(series.samples, nowMs - state.sampleRetentionMs);
    for (qsizetype i = 0; i < state.tiers.size(); ++i) {
        TierSeries &tier = series.tiers[size_t(i)];
        const qint64 resolutionMs = qint64(state.tiers[i].resolution.count()) * 1000;
        if (tier.open.samples > 0 && tier.open.startMs + resolutionMs <= nowMs)
            closeOpenSpan(tier);
        dropOlderThan(tier.points, nowMs - qint64(state.tiers[i].retention.count()) * 1000);
    }
}

// The points of the finest tier that keeps them back to fromMs. Under the state's lock.
MetricsSeries queryLocked(const MetricsState &state, const QString &applicationId, qint64 fromMs, qint64 toMs)
{
    MetricsSeries result;
    result.applicationId = applicationId;
    const qint64 nowMs = state.nowMs();
    qsizetype tierIndex = -1; // the samples themselves
    if (fromMs < nowMs - state.sampleRetentionMs) {
        tierIndex = state.tiers.size() - 1;
        for (qsizetype i = 0; i < state.tiers.size(); ++i) {
            if (fromMs >= nowMs - qint64(state.tiers[i].retention.count()) * 1000) {
                tierIndex = i;
                break;
            }
        }
    }
    result.resolutionSeconds =
        tierIndex < 0 ? state.sampleSeconds : int(state.tiers[tierIndex].resolution.count());

    const auto found = state.series.constFind(applicationId);
    if (found == state.series.cend())
        return result;
    result.applicationName = found->applicationName;
    if (tierIndex < 0) {
        appendInRange(found->samples, fromMs, toMs, result.resolutionSeconds, result.points);
        return result;
    }
    const TierSeries &tier = found->tiers[size_t(tierIndex)];
    appendInRange(tier.points, fromMs, toMs, result.resolutionSeconds, result.points);
    if (tier.open.samples > 0 && tier.open.startMs >= fromMs && tier.open.startMs <= toMs)
        result.points.append(toPoint(tier.open.point(), result.resolutionSeconds));
    return result;
}

// Logs when a source of the samples starts failing and when it recovers, not at every sample.
class SourceHealth {
public:
    explicit SourceHealth(const char *what)
        : m_what(what)
    {
    }

    void failed(const std::exception &error)
    {
        if (m_failing)
            return;
        m_failing = true;
        qCWarning(lcMetrics).noquote()
            << "cannot read" << m_what << "for the metrics:" << QString::fromUtf8(error.what());
    }

    void succeeded()
    {
        if (!m_failing)
            return;
        m_failing = false;
        qCInfo(lcMetrics).noquote() << "reading" << m_what << "for the metrics works again";
    }

private:
    const char *m_what;
    bool m_failing = false;
};

// What one sample found about one application.
struct ApplicationSample {
    QString applicationName;
    double cpuSeconds = 0; // used during the interval
    double cpuCores = 0;   // cpuSeconds over the interval
    qint64 memoryBytes = 0;
    int restarts = 0;         // of its instances now
    qint64 newRestarts = 0;   // during the interval
    qint64 requests = 0;      // during the interval
    bool hasInstance = false; // something of it runs (or restarts): worth a point even without requests
};

using ApplicationSamples = QHash<QString, ApplicationSample>; // by application id

} // namespace

// Between samples: what the rates are measured from, and what the sources said last.
struct MetricsRecorder::Sampler {
    struct InstanceTrack {
        double cpuSeconds = 0;
        int restartCount = 0;
    };

    // Reads the backend into applications: CPU used since the last reading, memory, restarts. The first
    // reading is only the baseline: it adds nothing.
    void readInstances(domain::RuntimeBackend &backend, qint64 nowMs, ApplicationSamples &applications);
    // Adds the requests each application served since the last reading of the router (the first: none).
    void readRequests(domain::Router &router, domain::Store &store, ApplicationSamples &applications);
    // Counts applications and builds into platform.
    void countPlatform(domain::Store &store);
    QString applicationIdOf(domain::Store &store, const QString &name);

    bool haveInstances = false;
    bool haveRequests = false;
    qint64 instancesReadMs = 0;
    QHash<QString, InstanceTrack> instances; // by instance id, as last read
    QHash<QString, qint64> requestCounts;    // by application name: the router's count, as last read
    QHash<QString, QString> applicationIds;  // by application name; from the backend or the store
    QSet<QString> forgotten;                 // deleted applications whose instances may still be listed
    PlatformMetrics platform;                // as last counted, each part from the last reading that worked
    SourceHealth backendHealth{"the runtime backend"};
    SourceHealth routerHealth{"the router's request counts"};
    SourceHealth storeHealth{"the store"};
};

void MetricsRecorder::Sampler::readInstances(domain::RuntimeBackend &backend, qint64 nowMs,
                                             ApplicationSamples &applications)
{
    QList<domain::InstanceStatus> statuses;
    QList<domain::InstanceUsage> usage;
    try {
        statuses = backend.instances();
        usage = backend.sampleUsage();
        backendHealth.succeeded();
    } catch (const std::exception &error) {
        backendHealth.failed(error);
        return;
    }

    const bool measure = haveInstances && nowMs > instancesReadMs;
    const double elapsedSeconds = double(nowMs - instancesReadMs) / 1000;
    QHash<QString, InstanceTrack> tracks;
    QSet<QString> forgottenSeen;
    platform.instancesByState.clear();
    for (const domain::InstanceStatus &status : std::as_const(statuses)) {
        ++platform.instancesByState[status.state];
        // An instance between two runs has no usage now: its CPU count so far stays the baseline.
        tracks[status.instanceId] = {instances.value(status.instanceId).cpuSeconds, status.restartCount};
        if (forgotten.contains(status.applicationId)) {
            forgottenSeen.insert(status.applicationId);
            continue;
        }
        applicationIds.insert(status.applicationName, status.applicationId);
        if (!measure)
            continue;
        ApplicationSample &application = applications[status.applicationId];
        application.applicationName = status.applicationName;
        application.hasInstance = true;
        application.restarts += status.restartCount;
        const auto previous = instances.constFind(status.instanceId);
        // A new instance restarted within the interval, as far as the recorder can tell.
        application.newRestarts += previous != instances.cend()
                                       ? std::max(0, status.restartCount - previous->restartCount)
                                       : status.restartCount;
    }
    for (const domain::InstanceUsage &instance : std::as_const(usage)) {
        const auto previous = instances.constFind(instance.instanceId);
        tracks[instance.instanceId].cpuSeconds = instance.cpuSeconds;
        if (!measure || forgotten.contains(instance.applicationId))
            continue;
        ApplicationSample &application = applications[instance.applicationId];
        application.applicationName = instance.applicationName;
        application.hasInstance = true;
        application.memoryBytes += instance.memoryBytes;
        // A new instance used all its CPU time within the interval; one whose count went back started over.
        const double before = previous != instances.cend() && previous->cpuSeconds <= instance.cpuSeconds
                                  ? previous->cpuSeconds
                                  : 0;
        application.cpuSeconds += instance.cpuSeconds - before;
    }
    for (ApplicationSample &application : applications)
        application.cpuCores = measure ? application.cpuSeconds / elapsedSeconds : 0;

    instances = std::move(tracks);
    forgotten = std::move(forgottenSeen);
    haveInstances = true;
    instancesReadMs = nowMs;
}

void MetricsRecorder::Sampler::readRequests(domain::Router &router, domain::Store &store,
                                            ApplicationSamples &applications)
{
    QHash<QString, domain::RequestActivity> activity;
    try {
        activity = router.requestActivity();
        routerHealth.succeeded();
    } catch (const std::exception &error) {
        routerHealth.failed(error);
        return;
    }
    for (auto entry = activity.cbegin(); entry != activity.cend(); ++entry) {
        const qint64 count = entry->requests;
        qint64 &previous = requestCounts[entry.key()];
        // The router counts from its own start: a smaller count means it started over.
        const qint64 requests = count >= previous ? count - previous : count;
        previous = count;
        if (!haveRequests || requests == 0)
            continue;
        const QString applicationId = applicationIdOf(store, entry.key());
        if (applicationId.isEmpty() || forgotten.contains(applicationId))
            continue;
        ApplicationSample &application = applications[applicationId];
        application.applicationName = entry.key();
        application.requests += requests;
    }
    haveRequests = true;
}

void MetricsRecorder::Sampler::countPlatform(domain::Store &store)
{
    try {
        const int queued = int(store.listQueuedBuilds().size());
        int building = 0;
        for (const domain::OwnerBuildActivity &owner : store.buildActivityByOwner())
            building += owner.building;
        platform.buildsQueued = queued;
        platform.buildsBuilding = building;
        platform.applicationsByDeployType = store.countApplicationsByDeployType();
        platform.collected = true;
        storeHealth.succeeded();
    } catch (const std::exception &error) {
        storeHealth.failed(error);
    }
}

QString MetricsRecorder::Sampler::applicationIdOf(domain::Store &store, const QString &name)
{
    const auto cached = applicationIds.constFind(name);
    if (cached != applicationIds.cend())
        return *cached;
    try {
        const std::optional<domain::Application> application = store.findApplicationByName(name);
        storeHealth.succeeded();
        if (!application)
            return {};
        applicationIds.insert(name, application->id);
        return application->id;
    } catch (const std::exception &error) {
        storeHealth.failed(error);
        return {};
    }
}

MetricsSubscription::MetricsSubscription(std::shared_ptr<MetricsState> state,
                                         std::shared_ptr<MetricsSubscriber> subscriber, QDateTime since)
    : m_state(std::move(state))
    , m_subscriber(std::move(subscriber))
    , m_since(std::move(since))
    , m_cursorMs(0)
{
}

MetricsSubscription::~MetricsSubscription()
{
    cancel();
}

void MetricsSubscription::cancel()
{
    {
        const std::lock_guard lock(m_state->mutex);
        const auto found = m_state->subscribers.find(m_subscriber->applicationId);
        if (found != m_state->subscribers.end()) {
            std::erase(*found, m_subscriber);
            if (found->empty())
                m_state->subscribers.erase(found);
        }
    }
    m_subscriber->disable();
}

MetricsBatch MetricsSubscription::poll()
{
    MetricsState &state = *m_state;
    const std::lock_guard lock(state.mutex);
    MetricsBatch batch;
    if (!m_started) {
        m_started = true;
        if (m_since.isValid()) {
            batch.points = queryLocked(state, m_subscriber->applicationId, m_since.toMSecsSinceEpoch(),
                                       std::numeric_limits<qint64>::max())
                               .points;
        }
        // The backlog covers every sample taken so far, a coarse tier's open span included.
        m_cursorMs = state.lastSampleMs;
    } else if (const auto found = state.series.constFind(m_subscriber->applicationId);
               found != state.series.cend()) {
        appendInRange(found->samples, m_cursorMs + 1, std::numeric_limits<qint64>::max(), state.sampleSeconds,
                      batch.points);
        if (!batch.points.isEmpty())
            m_cursorMs = batch.points.constLast().time.toMSecsSinceEpoch();
    }
    if (batch.points.isEmpty()) {
        batch.ended = m_subscriber->forgotten;
        m_subscriber->armed = !batch.ended;
    }
    return batch;
}

MetricsRecorder::MetricsRecorder(domain::RuntimeBackend &backend, domain::Router &router,
                                 domain::Store &store, MetricsOptions options)
    : m_backend(backend)
    , m_router(router)
    , m_store(store)
    , m_options(std::move(options))
    , m_state(std::make_shared<MetricsState>(m_options))
    , m_sampler(std::make_unique<Sampler>())
{
}

MetricsRecorder::~MetricsRecorder()
{
    stop();
}

void MetricsRecorder::start()
{
    const std::lock_guard lock(m_threadMutex);
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { runSampler(); });
}

void MetricsRecorder::stop()
{
    {
        const std::lock_guard lock(m_threadMutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void MetricsRecorder::runSampler()
{
    for (;;) {
        sampleNow();
        std::unique_lock lock(m_threadMutex);
        if (m_wake.wait_for(lock, m_options.sampleInterval, [this] { return m_stopping; }))
            return;
    }
}

QDateTime MetricsRecorder::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentDateTimeUtc();
}

void MetricsRecorder::sampleNow()
{
    const std::lock_guard sampleLock(m_sampleMutex);
    Sampler &sampler = *m_sampler;
    const qint64 nowMs = now().toMSecsSinceEpoch();
    ApplicationSamples applications;
    sampler.readInstances(m_backend, nowMs, applications);
    sampler.readRequests(m_router, m_store, applications);
    sampler.countPlatform(m_store);

    std::vector<std::shared_ptr<MetricsSubscriber>> toWake;
    {
        MetricsState &state = *m_state;
        const std::lock_guard lock(state.mutex);
        // A clock that went back would put points out of order: such a sample only moves the baselines.
        const bool inOrder = nowMs > state.lastSampleMs;
        for (auto entry = applications.cbegin(); inOrder && entry != applications.cend(); ++entry) {
            const ApplicationSample &application = *entry;
            if (!application.hasInstance && application.requests == 0)
                continue;
            Series &series = state.series[entry.key()];
            series.tiers.resize(size_t(state.tiers.size()));
            series.applicationName = application.applicationName;
            const StoredPoint point{nowMs, application.memoryBytes, application.requests,
                                    microcoresOf(application.cpuCores), application.restarts};
            series.samples.push_back(point);
            for (qsizetype i = 0; i < state.tiers.size(); ++i)
                addToTier(series.tiers[size_t(i)], qint64(state.tiers[i].resolution.count()) * 1000, point);
            series.cpuSecondsTotal += application.cpuSeconds;
            series.restartsTotal += application.newRestarts;
            series.requestsTotal += application.requests;
            const auto watchers = state.subscribers.constFind(entry.key());
            if (watchers != state.subscribers.cend()) {
                for (std::shared_ptr<MetricsSubscriber> &watcher : detail::takeArmed(*watchers))
                    toWake.push_back(std::move(watcher));
            }
        }
        for (auto series = state.series.begin(); series != state.series.end();) {
            trim(state, *series, nowMs);
            series = series->empty() ? state.series.erase(series) : std::next(series);
        }
        if (inOrder)
            state.lastSampleMs = nowMs;
        state.platform = sampler.platform;
    }
    detail::wake(toWake);
}

MetricsSeries MetricsRecorder::query(const QString &applicationId, const QDateTime &from,
                                     const QDateTime &to) const
{
    const std::lock_guard lock(m_state->mutex);
    return queryLocked(*m_state, applicationId, from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch());
}

MetricsSeries MetricsRecorder::query(const Caller &caller, const QString &application, const QDateTime &from,
                                     const QDateTime &to) const
{
    if (from.isValid() && to.isValid() && to < from)
        throw domain::Error::badRequest(QStringLiteral("to"), QStringLiteral("must not be before from"));
    const domain::Application found = access::requireVisibleApplication(m_store, caller, application);
    MetricsSeries series = query(found.id, from.isValid() ? from : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC),
                                 to.isValid() ? to : now());
    series.applicationName = found.name;
    return series;
}

std::unique_ptr<MetricsSubscription> MetricsRecorder::subscribe(const QString &applicationId,
                                                                const QDateTime &since,
                                                                std::function<void()> onReady)
{
    auto subscriber = std::make_shared<MetricsSubscriber>();
    subscriber->applicationId = applicationId;
    subscriber->onReady = std::move(onReady);
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->subscribers[applicationId].push_back(subscriber);
    }
    return std::unique_ptr<MetricsSubscription>(
        new MetricsSubscription(m_state, std::move(subscriber), since));
}

std::unique_ptr<MetricsSubscription> MetricsRecorder::watch(const Caller &caller, const QString &application,
                                                            const QDateTime &since,
                                                            std::function<void()> onReady)
{
    const domain::Application found = access::requireVisibleApplication(m_store, caller, application);
    return subscribe(found.id, since, std::move(onReady));
}

QList<ApplicationMetrics> MetricsRecorder::latest() const
{
    QList<ApplicationMetrics> result;
    {
        const std::lock_guard lock(m_state->mutex);
        result.reserve(m_state->series.size());
        for (auto series = m_state->series.cbegin(); series != m_state->series.cend(); ++series) {
            ApplicationMetrics metrics;
            metrics.applicationId = series.key();
            metrics.applicationName = series->applicationName;
            if (!series->samples.empty() && series->samples.back().timeMs == m_state->lastSampleMs) {
                const StoredPoint &last = series->samples.back();
                metrics.cpuCores = last.cpuMicrocores / 1e6;
                metrics.memoryBytes = last.memoryBytes;
                metrics.restarts = last.restarts;
            }
            metrics.cpuSecondsTotal = series->cpuSecondsTotal;
            metrics.restartsTotal = series->restartsTotal;
            metrics.requestsTotal = series->requestsTotal;
            result.append(metrics);
        }
    }
    std::sort(result.begin(), result.end(), [](const ApplicationMetrics &a, const ApplicationMetrics &b) {
        return a.applicationName < b.applicationName;
    });
    return result;
}

PlatformMetrics MetricsRecorder::platform() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->platform;
}

void MetricsRecorder::forget(const QString &applicationId)
{
    const std::lock_guard sampleLock(m_sampleMutex);
    m_sampler->forgotten.insert(applicationId);
    for (auto entry = m_sampler->applicationIds.begin(); entry != m_sampler->applicationIds.end();)
        entry = *entry == applicationId ? m_sampler->applicationIds.erase(entry) : std::next(entry);
    std::vector<std::shared_ptr<MetricsSubscriber>> toWake;
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->series.remove(applicationId);
        const auto watchers = m_state->subscribers.find(applicationId);
        if (watchers != m_state->subscribers.end()) {
            for (const std::shared_ptr<MetricsSubscriber> &watcher : *watchers)
                watcher->forgotten = true;
            toWake = detail::takeArmed(*watchers);
        }
    }
    detail::wake(toWake);
}

} // namespace vitrine::usecases
