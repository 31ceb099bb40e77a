#include "adapters/logfiles/file_build_log_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "log_lines.h"
#include "usecases/build_log_hub.h"

#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using vitrine::adapters::logfiles::FileBuildLogStore;
using vitrine::domain::BuildState;
using vitrine::domain::LogLine;
using vitrine::domain::LogStream;
using vitrine::tests::range;
using vitrine::usecases::BuildLogEnd;
using vitrine::usecases::BuildLogHub;
using vitrine::usecases::BuildLogSubscription;

namespace {

QString newBuildId()
{
    return vitrine::domain::newId(vitrine::domain::idprefix::kBuild);
}

// Text that a user would notice garbled: tabs, newlines, backslashes, non-ASCII.
QString textOf(qint64 seq)
{
    return QStringLiteral("step %1:\tok \\ fin\nsuite ✓").arg(seq);
}

void appendLines(BuildLogHub &hub, const QString &buildId, qint64 from, qint64 to)
{
    for (qint64 seq = from; seq <= to; ++seq) {
        const LogLine line =
            hub.append(buildId, seq % 2 ? LogStream::Stdout : LogStream::Stderr, textOf(seq));
        QCOMPARE(line.seq, seq);
    }
}

// A watcher as the gRPC reactor drives one: poll until a batch comes back empty.
struct Watcher {
    Watcher(BuildLogHub &hub, const QString &buildId, qint64 afterSeq,
            std::optional<BuildState> finalStateIfFinished = std::nullopt)
        : subscription(hub.subscribe(buildId, afterSeq, finalStateIfFinished, [this] { ++wakes; }))
    {
    }

    void drain()
    {
        for (;;) {
            // An odd batch size, so that batches end anywhere.
            const vitrine::usecases::BuildLogBatch batch = subscription->poll(7);
            if (batch.lines.isEmpty()) {
                end = batch.end;
                return;
            }
            for (const LogLine &line : batch.lines) {
                seqs.append(line.seq);
                if (line.text != textOf(line.seq))
                    garbled.append(line.seq);
            }
        }
    }

    std::unique_ptr<BuildLogSubscription> subscription;
    QList<qint64> seqs;
    QList<qint64> garbled;
    std::optional<BuildLogEnd> end;
    std::atomic<int> wakes = 0;
};

} // namespace

class TestBuildLogHub : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<FileBuildLogStore>(m_dir.filePath(QStringLiteral("logs/builds")));
    }

    void threeWatchersSeeEveryLineOnceInOrder()
    {
        // Fewer lines kept in memory than the build writes: the later watchers read from the store first.
        BuildLogHub hub(*m_store, 64);
        const QString buildId = newBuildId();

        Watcher fromTheStart(hub, buildId, 0);
        std::unique_ptr<Watcher> joiningMidBuild;
        std::unique_ptr<Watcher> resuming;
        for (qint64 seq = 1; seq <= 300; seq += 10) {
            appendLines(hub, buildId, seq, seq + 9);
            if (seq == 101)
                joiningMidBuild = std::make_unique<Watcher>(hub, buildId, 0);
            if (seq == 151)
                resuming = std::make_unique<Watcher>(hub, buildId, 120);
            for (Watcher *watcher : {&fromTheStart, joiningMidBuild.get(), resuming.get()}) {
                if (watcher)
                    watcher->drain();
            }
        }
        QVERIFY(!fromTheStart.end);
        hub.finish(buildId, BuildState::Succeeded);

        for (Watcher *watcher : {&fromTheStart, joiningMidBuild.get(), resuming.get()}) {
            watcher->drain();
            QVERIFY(watcher->garbled.isEmpty());
            QVERIFY(watcher->end);
            QCOMPARE(watcher->end->reason, BuildLogEnd::Reason::Finished);
            QCOMPARE(watcher->end->finalState, BuildState::Succeeded);
            QCOMPARE(watcher->end->lastSeq, 300);
        }
        QCOMPARE(fromTheStart.seqs, range(1, 300));
        QCOMPARE(joiningMidBuild->seqs, range(1, 300));
        QCOMPARE(resuming->seqs, range(121, 300));
    }

    void aWatcherThatCaughtUpIsWokenOnce()
    {
        BuildLogHub hub(*m_store);
        const QString buildId = newBuildId();
        Watcher watcher(hub, buildId, 0);
        appendLines(hub, buildId, 1, 3);
        QCOMPARE(watcher.wakes.load(), 0); // it had not asked yet
        watcher.drain();
        QCOMPARE(watcher.seqs, range(1, 3));

        appendLines(hub, buildId, 4, 6);
        QCOMPARE(watcher.wakes.load(), 1);
        watcher.drain();
        hub.finish(buildId, BuildState::Canceled);
        QCOMPARE(watcher.wakes.load(), 2);
        watcher.drain();
        QCOMPARE(watcher.seqs, range(1, 6));
        QCOMPARE(watcher.end->finalState, BuildState::Canceled);

        watcher.subscription->cancel();
        QCOMPARE(watcher.subscription->poll().end->reason, BuildLogEnd::Reason::Finished);
    }

    void watchersOfAFinishedBuild_data()
    {
        QTest::addColumn<bool>("hubRestarted");
        QTest::addColumn<qint64>("afterSeq");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::newRow("from the start") << false << qint64(0) << range(1, 50);
        QTest::newRow("resuming") << false << qint64(30) << range(31, 50);
        QTest::newRow("resuming after the last line") << false << qint64(50) << QList<qint64>();
        QTest::newRow("finished before the server restarted") << true << qint64(0) << range(1, 50);
        QTest::newRow("resuming, finished before the restart") << true << qint64(45) << range(46, 50);
    }

    void watchersOfAFinishedBuild()
    {
        QFETCH(bool, hubRestarted);
        QFETCH(qint64, afterSeq);
        QFETCH(QList<qint64>, expected);
        const QString buildId = newBuildId();
        auto hub = std::make_unique<BuildLogHub>(*m_store);
        appendLines(*hub, buildId, 1, 50);
        hub->finish(buildId, BuildState::Failed);
        if (hubRestarted)
            hub = std::make_unique<BuildLogHub>(*m_store);

        // What the caller read from the store about the build.
        Watcher watcher(*hub, buildId, afterSeq, BuildState::Failed);
        watcher.drain();
        QCOMPARE(watcher.seqs, expected);
        QVERIFY(watcher.garbled.isEmpty());
        QVERIFY(watcher.end);
        QCOMPARE(watcher.end->reason, BuildLogEnd::Reason::Finished);
        QCOMPARE(watcher.end->finalState, BuildState::Failed);
    }

    void aBuildThatHasNotStartedYet()
    {
        BuildLogHub hub(*m_store);
        const QString buildId = newBuildId();
        Watcher early(hub, buildId, 0);
        early.drain();
        QVERIFY(early.seqs.isEmpty());
        QVERIFY(!early.end);

        appendLines(hub, buildId, 1, 5);
        hub.finish(buildId, BuildState::Succeeded);
        early.drain();
        QCOMPARE(early.seqs, range(1, 5));
        QCOMPARE(early.end->reason, BuildLogEnd::Reason::Finished);
    }

    void appendAfterFinishIsRefused()
    {
        BuildLogHub hub(*m_store);
        const QString buildId = newBuildId();
        appendLines(hub, buildId, 1, 2);
        hub.finish(buildId, BuildState::Succeeded);
        QVERIFY_THROWS_EXCEPTION(vitrine::domain::Error, hub.append(buildId, LogStream::Stdout, textOf(3)));
        hub.finish(buildId, BuildState::Failed); // the first end stands
        Watcher watcher(hub, buildId, 0);
        watcher.drain();
        QCOMPARE(watcher.seqs, range(1, 2));
        QCOMPARE(watcher.end->finalState, BuildState::Succeeded);
    }

    void numberingContinuesAfterARestart()
    {
        const QString buildId = newBuildId();
        {
            BuildLogHub hub(*m_store);
            appendLines(hub, buildId, 1, 10);
        }
        BuildLogHub hub(*m_store);
        appendLines(hub, buildId, 11, 12);
        hub.finish(buildId, BuildState::Succeeded);
        Watcher watcher(hub, buildId, 0);
        watcher.drain();
        QCOMPARE(watcher.seqs, range(1, 12));
    }

    void aSlowWatcherFallsBehindWithoutHoldingUpTheOthers()
    {
        BuildLogHub hub(*m_store, 50);
        const QString buildId = newBuildId();
        Watcher slow(hub, buildId, 0);
        Watcher fast(hub, buildId, 0);

        appendLines(hub, buildId, 1, 10);
        QCOMPARE(slow.subscription->poll(10).lines.size(), 10);
        for (qint64 seq = 11; seq <= 500; seq += 5) {
            appendLines(hub, buildId, seq, seq + 4);
            fast.drain();
        }
        QCOMPARE(fast.seqs, range(1, 500));
        QVERIFY(!fast.end);

        const auto told = slow.subscription->poll();
        QVERIFY(told.lines.isEmpty());
        QVERIFY(told.end);
        QCOMPARE(told.end->reason, BuildLogEnd::Reason::FellBehind);
        QCOMPARE(told.end->lastSeq, 10);
        QCOMPARE(slow.subscription->poll().end->reason, BuildLogEnd::Reason::FellBehind);

        // It resumes where it stopped, from the store.
        Watcher resumed(hub, buildId, told.end->lastSeq);
        resumed.drain();
        hub.finish(buildId, BuildState::Succeeded);
        resumed.drain();
        fast.drain();
        QCOMPARE(resumed.seqs, range(11, 500));
        QCOMPARE(resumed.end->reason, BuildLogEnd::Reason::Finished);
        QCOMPARE(fast.end->reason, BuildLogEnd::Reason::Finished);
    }

    void subscribingWhileABuilderAppendsNeverLosesOrRepeatsALine()
    {
        constexpr qint64 kLines = 20'000;
        BuildLogHub hub(*m_store, 256);
        const QString buildId = newBuildId();

        std::thread builder([&] {
            for (qint64 seq = 1; seq <= kLines; ++seq) {
                hub.append(buildId, LogStream::Stdout, textOf(seq));
                if (seq % 64 == 0)
                    QThread::yieldCurrentThread();
            }
            hub.finish(buildId, BuildState::Succeeded);
        });

        QSemaphore ready;
        const auto subscribe = [&](qint64 afterSeq) {
            return hub.subscribe(buildId, afterSeq, std::nullopt, [&ready] { ready.release(); });
        };
        // One watcher that follows the whole build, resuming whenever it falls behind, while short-lived
        // watchers come and go from wherever it is.
        qint64 followed = 0;
        int shortLived = 0;
        QList<qint64> outOfOrder;
        std::unique_ptr<BuildLogSubscription> follower = subscribe(0);
        for (bool finished = false; !finished;) {
            const auto batch = follower->poll(100);
            for (const LogLine &line : batch.lines) {
                if (line.seq != followed + 1 || line.text != textOf(line.seq))
                    outOfOrder.append(line.seq);
                followed = line.seq;
            }
            if (!batch.lines.isEmpty())
                continue;
            if (batch.end && batch.end->reason == BuildLogEnd::Reason::FellBehind) {
                QCOMPARE(batch.end->lastSeq, followed);
                follower = subscribe(followed);
                continue;
            }
            finished = batch.end.has_value();

            const qint64 from = std::max<qint64>(0, followed - 300);
            const std::unique_ptr<BuildLogSubscription> visitor = subscribe(from);
            qint64 seen = from;
            for (int polls = 0; polls < 20; ++polls) {
                const auto visit = visitor->poll(50);
                for (const LogLine &line : visit.lines) {
                    if (line.seq != seen + 1)
                        outOfOrder.append(line.seq);
                    seen = line.seq;
                }
                if (visit.lines.isEmpty())
                    break;
            }
            ++shortLived;
            if (!finished)
                QVERIFY(ready.tryAcquire(1, 30'000));
        }
        builder.join();

        QVERIFY2(outOfOrder.isEmpty(), qPrintable(QStringLiteral("%1 lines out of order, the first %2")
                                                      .arg(outOfOrder.size())
                                                      .arg(outOfOrder.value(0))));
        QCOMPARE(followed, kLines);
        QVERIFY(shortLived > 0);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FileBuildLogStore> m_store;
};

QTEST_GUILESS_MAIN(TestBuildLogHub)
#include "tst_build_log_hub.moc"
