// The build log pipeline: one builder appends lines to one build while many watchers follow it, the way
// gRPC reactors drive their subscriptions (poll until empty, then wait for onReady). Prints the rate through
// the pipeline and the latency from append() to delivery. See README.md.
#include "adapters/logfiles/file_build_log_store.h"
#include "domain/ids.h"
#include "usecases/build_log_hub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

using vitrine::adapters::logfiles::FileBuildLogStore;
using vitrine::domain::BuildState;
using vitrine::domain::LogLine;
using vitrine::domain::LogStream;
using vitrine::usecases::BuildLogEnd;
using vitrine::usecases::BuildLogHub;
using vitrine::usecases::BuildLogSubscription;
using Clock = std::chrono::steady_clock;

namespace {

qint64 nanosecondsNow()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Latencies in microseconds, one bucket per microsecond up to kMaxMicros, the rest in the last.
class LatencyHistogram {
public:
    static constexpr qint64 kMaxMicros = 1'000'000;

    LatencyHistogram()
        : m_buckets(kMaxMicros + 1, 0)
    {
    }

    void add(qint64 nanoseconds)
    {
        ++m_buckets[size_t(std::clamp<qint64>(nanoseconds / 1000, 0, kMaxMicros))];
    }

    void merge(const LatencyHistogram &other)
    {
        for (size_t i = 0; i < m_buckets.size(); ++i)
            m_buckets[i] += other.m_buckets[i];
    }

    quint64 count() const
    {
        quint64 total = 0;
        for (const quint64 n : m_buckets)
            total += n;
        return total;
    }

    // In microseconds.
    qint64 percentile(double p) const
    {
        const auto wanted = quint64(double(count()) * p);
        quint64 seen = 0;
        for (size_t i = 0; i < m_buckets.size(); ++i) {
            seen += m_buckets[i];
            if (seen > wanted)
                return qint64(i);
        }
        return kMaxMicros;
    }

private:
    std::vector<quint64> m_buckets;
};

// One thread serving some of the watchers, as a gRPC completion thread serves its reactors.
class WatcherThread {
public:
    WatcherThread(BuildLogHub &hub, const QString &buildId, const std::vector<qint64> &appendedAt,
                  int watchers)
        : m_hub(hub)
        , m_buildId(buildId)
        , m_appendedAt(appendedAt)
    {
        for (int i = 0; i < watchers; ++i) {
            m_subscriptions.push_back(subscribe(i, 0));
            m_ready.push_back(i);
        }
    }

    void run()
    {
        int finished = 0;
        while (finished < int(m_subscriptions.size())) {
            int index = 0;
            {
                std::unique_lock lock(m_mutex);
                m_wakeup.wait(lock, [this] { return !m_ready.empty(); });
                index = m_ready.front();
                m_ready.pop_front();
            }
            for (;;) {
                const auto batch = m_subscriptions[size_t(index)]->poll();
                const qint64 now = nanosecondsNow();
                for (const LogLine &line : batch.lines)
                    m_latencies.add(now - m_appendedAt[size_t(line.seq)]);
                m_delivered += quint64(batch.lines.size());
                if (!batch.lines.isEmpty())
                    continue;
                if (batch.end && batch.end->reason == BuildLogEnd::Reason::FellBehind) {
                    // What a client does: subscribe again from where it was.
                    ++m_fellBehind;
                    m_subscriptions[size_t(index)] = subscribe(index, batch.end->lastSeq);
                    continue;
                }
                if (batch.end)
                    ++finished;
                break;
            }
        }
    }

    const LatencyHistogram &latencies() const { return m_latencies; }
    quint64 delivered() const { return m_delivered; }
    int fellBehind() const { return m_fellBehind; }

private:
    std::unique_ptr<BuildLogSubscription> subscribe(int index, qint64 afterSeq)
    {
        return m_hub.subscribe(m_buildId, afterSeq, std::nullopt, [this, index] {
            bool wasIdle = false;
            {
                const std::lock_guard lock(m_mutex);
                wasIdle = m_ready.empty();
                m_ready.push_back(index);
            }
            // A busy thread gets to it without a system call.
            if (wasIdle)
                m_wakeup.notify_one();
        });
    }

    BuildLogHub &m_hub;
    const QString m_buildId;
    const std::vector<qint64> &m_appendedAt;
    std::vector<std::unique_ptr<BuildLogSubscription>> m_subscriptions;
    std::mutex m_mutex;
    std::condition_variable m_wakeup;
    std::deque<int> m_ready;
    LatencyHistogram m_latencies;
    quint64 m_delivered = 0;
    int m_fellBehind = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Build log pipeline: one builder, many watchers."));
    parser.addHelpOption();
    const QCommandLineOption linesOption(QStringLiteral("lines"), QStringLiteral("Lines to append."),
                                         QStringLiteral("N"), QStringLiteral("500000"));
    const QCommandLineOption watchersOption(QStringLiteral("watchers"), QStringLiteral("Watchers."),
                                            QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"), QStringLiteral("Watcher threads."),
                                           QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
                                       QStringLiteral("Directory for the log (default: a temporary one)."),
                                       QStringLiteral("PATH"));
    parser.addOptions({linesOption, watchersOption, threadsOption, dirOption});
    parser.process(app);
    const qint64 lines = std::max(1LL, parser.value(linesOption).toLongLong());
    const int watchers = std::max(1, parser.value(watchersOption).toInt());
    const int threads = std::clamp(parser.value(threadsOption).toInt(), 1, watchers);

    QTemporaryDir temporaryDir;
    const QString directory = parser.isSet(dirOption) ? parser.value(dirOption) : temporaryDir.path();
    FileBuildLogStore store(directory);
    BuildLogHub hub(store);
    const QString buildId = vitrine::domain::newId(vitrine::domain::idprefix::kBuild);

    QStringList texts;
    for (int i = 0; i < 16; ++i)
        texts.append(QStringLiteral("[%1/16] Compiling src/module_%1.cpp -O2 -Wall -Wextra").arg(i + 1));

    std::vector<qint64> appendedAt(size_t(lines) + 1, 0);
    std::vector<std::unique_ptr<WatcherThread>> watcherThreads;
    for (int t = 0; t < threads; ++t)
        watcherThreads.push_back(std::make_unique<WatcherThread>(
            hub, buildId, appendedAt, watchers / threads + (t < watchers % threads ? 1 : 0)));

    std::printf("bench_build_log: %lld lines, %d watchers on %d threads, log in %s\n", lines, watchers,
                threads, qPrintable(directory));
    const qint64 start = nanosecondsNow();
    std::vector<std::thread> running;
    for (const auto &watcherThread : watcherThreads)
        running.emplace_back([&watcherThread] { watcherThread->run(); });

    for (qint64 seq = 1; seq <= lines; ++seq) {
        // Written before append() publishes the line, so a watcher that gets it reads the time.
        appendedAt[size_t(seq)] = nanosecondsNow();
        hub.append(buildId, LogStream::Stdout, texts[seq % texts.size()]);
    }
    const qint64 appended = nanosecondsNow();
    hub.finish(buildId, BuildState::Succeeded);
    for (std::thread &thread : running)
        thread.join();
    const qint64 end = nanosecondsNow();

    LatencyHistogram latencies;
    quint64 delivered = 0;
    int fellBehind = 0;
    for (const auto &watcherThread : watcherThreads) {
        latencies.merge(watcherThread->latencies());
        delivered += watcherThread->delivered();
        fellBehind += watcherThread->fellBehind();
    }
    const double appendSeconds = double(appended - start) / 1e9;
    const double totalSeconds = double(end - start) / 1e9;
    std::printf("appended:   %.0f lines/s (%.2f s for %lld lines; log file %.1f MiB)\n",
                double(lines) / appendSeconds, appendSeconds, lines,
                double(QFileInfo(store.pathOf(buildId)).size()) / (1024.0 * 1024.0));
    std::printf(
        "pipeline:   %.0f lines/s appended and delivered to all %d watchers (%.2f s; %.0f deliveries/s)\n",
        double(lines) / totalSeconds, watchers, totalSeconds, double(delivered) / totalSeconds);
    std::printf("delivered:  %llu of %llu line deliveries; %d times a watcher fell behind and resumed\n",
                static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(lines * watchers),
                fellBehind);
    std::printf("latency:    append to delivery p50 %lld us, p99 %lld us, p99.9 %lld us\n",
                latencies.percentile(0.50), latencies.percentile(0.99), latencies.percentile(0.999));
    return delivered == quint64(lines * watchers) ? 0 : 1;
}
