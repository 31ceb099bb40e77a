#include "adapters/logfiles/file_runtime_log_store.h"
#include "domain/ids.h"
#include "log_lines.h"
#include "usecases/runtime_log_hub.h"

#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using vitrine::adapters::logfiles::FileRuntimeLogStore;
using vitrine::adapters::logfiles::RuntimeLogRetention;
using vitrine::domain::LogLine;
using vitrine::domain::LogStream;
using vitrine::tests::range;
using vitrine::usecases::RuntimeLogBatch;
using vitrine::usecases::RuntimeLogEnd;
using vitrine::usecases::RuntimeLogHub;
using vitrine::usecases::RuntimeLogStart;
using vitrine::usecases::RuntimeLogSubscription;

Q_DECLARE_METATYPE(RuntimeLogStart)

namespace {

// Keeps a few hundred lines: a few thousand overtake it.
constexpr RuntimeLogRetention kSmallRetention{.maxBytes = 16 * 1024, .segmentBytes = 2 * 1024};

QString newApplicationId()
{
    return vitrine::domain::newId(vitrine::domain::idprefix::kApplication);
}

// Text that a user would notice garbled: tabs, newlines, backslashes, non-ASCII.
QString textOf(qint64 seq)
{
    return QStringLiteral("request %1:\t200 \\ ok\nnext ✓").arg(seq);
}

void appendLines(RuntimeLogHub &hub, const QString &applicationId, qint64 from, qint64 to)
{
    for (qint64 seq = from; seq <= to; ++seq) {
        const std::optional<LogLine> line =
            hub.append(applicationId, seq % 2 ? LogStream::Stdout : LogStream::Stderr, textOf(seq));
        QVERIFY(line);
        QCOMPARE(line->seq, seq);
    }
}

// A watcher as the gRPC reactor drives one: poll until a batch comes back empty.
struct Watcher {
    Watcher(RuntimeLogHub &hub, const QString &applicationId, RuntimeLogStart start, bool follow)
        : subscription(hub.subscribe(applicationId, start, follow, [this] { ++wakes; }))
    {
    }

    void drain()
    {
        for (;;) {
            // An odd batch size, so that batches end anywhere.
            const RuntimeLogBatch batch = subscription->poll(7);
            dropped += batch.droppedLines;
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

    std::unique_ptr<RuntimeLogSubscription> subscription;
    QList<qint64> seqs;
    QList<qint64> garbled;
    qint64 dropped = 0;
    std::optional<RuntimeLogEnd> end;
    std::atomic<int> wakes = 0;
};

} // namespace

class TestRuntimeLogHub : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<FileRuntimeLogStore>(m_dir.filePath(QStringLiteral("runtime-logs")));
    }

    void aFollowerGetsTheBacklogThenLiveLines()
    {
        RuntimeLogHub hub(*m_store);
        const QString applicationId = newApplicationId();
        appendLines(hub, applicationId, 1, 50);

        Watcher follower(hub, applicationId, RuntimeLogStart::tail(10), true);
        follower.drain();
        QCOMPARE(follower.seqs, range(41, 50));
        QVERIFY(!follower.end);
        QCOMPARE(follower.wakes.load(), 0);

        appendLines(hub, applicationId, 51, 53);
        QCOMPARE(follower.wakes.load(), 1); // once for all three: it had not asked again yet
        follower.drain();
        appendLines(hub, applicationId, 54, 60);
        QCOMPARE(follower.wakes.load(), 2);
        follower.drain();
        QCOMPARE(follower.seqs, range(41, 60));
        QVERIFY(follower.garbled.isEmpty());
        QVERIFY(!follower.end);

        follower.subscription->cancel();
        appendLines(hub, applicationId, 61, 62);
        QCOMPARE(follower.wakes.load(), 2);
    }

    void withoutFollowTheBacklogEnds_data()
    {
        QTest::addColumn<RuntimeLogStart>("start");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::newRow("the last 10") << RuntimeLogStart::tail(10) << range(41, 50);
        QTest::newRow("more than there are") << RuntimeLogStart::tail(1000) << range(1, 50);
        QTest::newRow("no backlog") << RuntimeLogStart::tail(0) << QList<qint64>();
        QTest::newRow("from the start") << RuntimeLogStart::after(0) << range(1, 50);
        QTest::newRow("resuming") << RuntimeLogStart::after(45) << range(46, 50);
        QTest::newRow("after the last line") << RuntimeLogStart::after(50) << QList<qint64>();
    }

    void withoutFollowTheBacklogEnds()
    {
        QFETCH(RuntimeLogStart, start);
        QFETCH(QList<qint64>, expected);
        RuntimeLogHub hub(*m_store);
        const QString applicationId = newApplicationId();
        appendLines(hub, applicationId, 1, 50);

        Watcher watcher(hub, applicationId, start, false);
        // Lines that come after the subscription are not part of its backlog.
        appendLines(hub, applicationId, 51, 55);
        watcher.drain();
        QCOMPARE(watcher.seqs, expected);
        QVERIFY(watcher.end);
        QCOMPARE(watcher.end->reason, RuntimeLogEnd::Reason::BacklogDone);
        QCOMPARE(watcher.end->lastSeq, expected.isEmpty() ? std::max<qint64>(0, start.afterSeq.value_or(50))
                                                          : expected.constLast());
        QCOMPARE(watcher.dropped, 0);
    }

    void numberingContinuesAfterARestart()
    {
        const QString applicationId = newApplicationId();
        {
            RuntimeLogHub hub(*m_store);
            appendLines(hub, applicationId, 1, 10);
        }
        FileRuntimeLogStore reopened(m_dir.filePath(QStringLiteral("runtime-logs")));
        RuntimeLogHub hub(reopened);
        appendLines(hub, applicationId, 11, 12);
        Watcher watcher(hub, applicationId, RuntimeLogStart::after(0), false);
        watcher.drain();
        QCOMPARE(watcher.seqs, range(1, 12));
    }

    void aSlowFollowerFallsBehindAndResumes()
    {
        RuntimeLogHub hub(*m_store, 50);
        const QString applicationId = newApplicationId();
        Watcher slow(hub, applicationId, RuntimeLogStart::tail(0), true);
        Watcher fast(hub, applicationId, RuntimeLogStart::tail(0), true);

        appendLines(hub, applicationId, 1, 10);
        QCOMPARE(slow.subscription->poll(10).lines.size(), 10);
        for (qint64 seq = 11; seq <= 500; seq += 5) {
            appendLines(hub, applicationId, seq, seq + 4);
            fast.drain();
        }
        QCOMPARE(fast.seqs, range(1, 500));
        QVERIFY(!fast.end);

        const RuntimeLogBatch told = slow.subscription->poll();
        QVERIFY(told.lines.isEmpty());
        QVERIFY(told.end);
        QCOMPARE(told.end->reason, RuntimeLogEnd::Reason::FellBehind);
        QCOMPARE(told.end->lastSeq, 10);
        QCOMPARE(slow.subscription->poll().end->reason, RuntimeLogEnd::Reason::FellBehind);

        // It resumes where it stopped: the backlog from the store, then live again.
        Watcher resumed(hub, applicationId, RuntimeLogStart::after(told.end->lastSeq), true);
        resumed.drain();
        appendLines(hub, applicationId, 501, 510);
        resumed.drain();
        QCOMPARE(resumed.seqs, range(11, 510));
        QVERIFY(!resumed.end);
        QCOMPARE(resumed.dropped, 0);
    }

    void resumingBeforeWhatIsKeptIsToldOfTheGap()
    {
        FileRuntimeLogStore store(m_dir.filePath(QStringLiteral("small")), kSmallRetention);
        RuntimeLogHub hub(store);
        const QString applicationId = newApplicationId();
        appendLines(hub, applicationId, 1, 2000);
        const qint64 firstKept = store.firstSeq(applicationId);
        QVERIFY(firstKept > 1);

        Watcher watcher(hub, applicationId, RuntimeLogStart::after(0), true);
        const RuntimeLogBatch first = watcher.subscription->poll(5);
        QCOMPARE(first.droppedLines, firstKept - 1);
        QCOMPARE(first.lines.constFirst().seq, firstKept);
        watcher.drain();
        QCOMPARE(watcher.dropped, 0); // told once
        QCOMPARE(watcher.seqs, range(firstKept + 5, 2000));

        // A tail never reaches before what is kept, so it is no gap.
        Watcher tail(hub, applicationId, RuntimeLogStart::tail(100'000), false);
        tail.drain();
        QCOMPARE(tail.dropped, 0);
        QCOMPARE(tail.seqs, range(firstKept, 2000));
    }

    void retentionOvertakingAReaderIsAGapNotALoss()
    {
        FileRuntimeLogStore store(m_dir.filePath(QStringLiteral("small")), kSmallRetention);
        RuntimeLogHub hub(store);
        const QString applicationId = newApplicationId();
        appendLines(hub, applicationId, 1, 200);

        Watcher reader(hub, applicationId, RuntimeLogStart::after(0), false);
        QCOMPARE(reader.subscription->poll(10).lines.size(), 10);
        // Meanwhile the application writes so much that the lines it was about to read are dropped.
        appendLines(hub, applicationId, 201, 3000);
        reader.drain();
        QCOMPARE(reader.end->reason, RuntimeLogEnd::Reason::BacklogDone);
        QCOMPARE(reader.end->lastSeq, 200);
        QVERIFY(reader.dropped > 0);
        // Every line up to the backlog's end is accounted for: delivered or reported dropped.
        QCOMPARE(10 + reader.seqs.size() + reader.dropped, 200);
        QCOMPARE(reader.seqs, range(201 - reader.seqs.size(), 200));
    }

    void removingTheApplicationEndsItsWatchersAndItsLogs()
    {
        RuntimeLogHub hub(*m_store);
        const QString applicationId = newApplicationId();
        const QString otherId = newApplicationId();
        appendLines(hub, applicationId, 1, 20);
        appendLines(hub, otherId, 1, 5);
        Watcher follower(hub, applicationId, RuntimeLogStart::tail(5), true);
        follower.drain();
        QVERIFY(!follower.end);

        hub.removeApplication(applicationId);
        QCOMPARE(follower.wakes.load(), 1);
        follower.drain();
        QCOMPARE(follower.end->reason, RuntimeLogEnd::Reason::Removed);
        QCOMPARE(follower.end->lastSeq, 20);
        QCOMPARE(m_store->lastSeq(applicationId), 0);

        // Lines that still come from its last instance are dropped, and a late watcher finds it gone.
        QVERIFY(!hub.append(applicationId, LogStream::Stdout, QStringLiteral("bye")));
        QCOMPARE(m_store->lastSeq(applicationId), 0);
        Watcher late(hub, applicationId, RuntimeLogStart::tail(10), true);
        late.drain();
        QVERIFY(late.seqs.isEmpty());
        QCOMPARE(late.end->reason, RuntimeLogEnd::Reason::Removed);

        Watcher other(hub, otherId, RuntimeLogStart::after(0), false);
        other.drain();
        QCOMPARE(other.seqs, range(1, 5));
    }

    void aHugeLineIsCut()
    {
        RuntimeLogHub hub(*m_store);
        const QString applicationId = newApplicationId();
        const QString huge(64 * 1024, u'x');
        const std::optional<LogLine> line = hub.append(applicationId, LogStream::Stdout, huge);
        QVERIFY(line);
        QVERIFY(line->text.startsWith(huge.first(RuntimeLogHub::kMaxLineLength)));
        QVERIFY(line->text.size() < RuntimeLogHub::kMaxLineLength + 16);
        QCOMPARE(m_store->read(applicationId, 0, 1).constFirst().text, line->text);
    }

    void followersResumingWhileTheAppWritesNeverLoseOrRepeatALine()
    {
        constexpr qint64 kLines = 20'000;
        RuntimeLogHub hub(*m_store, 256);
        const QString applicationId = newApplicationId();
        std::atomic<bool> written = false;

        std::thread app([&] {
            for (qint64 seq = 1; seq <= kLines; ++seq) {
                hub.append(applicationId, LogStream::Stdout, textOf(seq));
                if (seq % 64 == 0)
                    QThread::yieldCurrentThread();
            }
            written = true;
        });

        QSemaphore ready;
        const auto subscribe = [&](qint64 afterSeq) {
            return hub.subscribe(applicationId, RuntimeLogStart::after(afterSeq), true,
                                 [&] { ready.release(); });
        };
        // A follower that leaves every 17 batches and resumes after the last line it got, and one that falls
        // behind (the hub keeps few lines for it): together they must still read every line exactly once.
        qint64 followed = 0;
        int resumes = 0;
        QList<qint64> outOfOrder; // lines lost (as minus the count dropped), repeated or garbled
        std::unique_ptr<RuntimeLogSubscription> follower = subscribe(0);
        for (int batches = 0; followed < kLines; ++batches) {
            const RuntimeLogBatch batch = follower->poll(100);
            if (batch.droppedLines != 0)
                outOfOrder.append(-batch.droppedLines);
            for (const LogLine &line : batch.lines) {
                if (line.seq != followed + 1 || line.text != textOf(line.seq))
                    outOfOrder.append(line.seq);
                followed = line.seq;
            }
            if (batch.end || batches % 17 == 0) {
                QVERIFY(!batch.end || batch.end->reason == RuntimeLogEnd::Reason::FellBehind);
                QVERIFY(!batch.end || batch.end->lastSeq == followed);
                follower = subscribe(followed);
                ++resumes;
                continue;
            }
            if (batch.lines.isEmpty()) {
                // Caught up: meanwhile a visitor reads the tail, which must be the lines up to where it ends;
                // then wait for more, unless the app is done.
                Watcher visitor(hub, applicationId, RuntimeLogStart::tail(300), false);
                visitor.drain();
                if (visitor.seqs !=
                    range(visitor.end->lastSeq - visitor.seqs.size() + 1, visitor.end->lastSeq))
                    outOfOrder.append(visitor.end->lastSeq);
                if (!written)
                    QVERIFY(ready.tryAcquire(1, 30'000));
            }
        }
        app.join();

        QVERIFY2(outOfOrder.isEmpty(), qPrintable(QStringLiteral("%1 lines out of order, the first %2")
                                                      .arg(outOfOrder.size())
                                                      .arg(outOfOrder.value(0))));
        QCOMPARE(followed, kLines);
        QVERIFY(resumes > 0);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FileRuntimeLogStore> m_store;
};

QTEST_GUILESS_MAIN(TestRuntimeLogHub)
#include "tst_runtime_log_hub.moc"
