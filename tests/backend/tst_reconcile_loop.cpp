#include "domain/error.h"
#include "usecases/reconcile_loop.h"

#include <QTest>

#include <atomic>
#include <map>
#include <mutex>
#include <semaphore>

using namespace std::chrono_literals;
using vitrine::usecases::ReconcileLoop;

namespace {

// Counts reconciles per key, and can hold one key's reconcile until released.
class Recorder {
public:
    void reconcile(const QString &key)
    {
        {
            std::lock_guard lock(m_mutex);
            ++m_runs[key];
            if (++m_concurrent[key] > 1)
                m_overlapped = true;
        }
        if (key == m_heldKey) {
            m_entered.release();
            m_release.acquire();
        }
        std::this_thread::sleep_for(1ms);
        std::lock_guard lock(m_mutex);
        --m_concurrent[key];
    }

    int runs(const QString &key) const
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_runs.find(key);
        return it == m_runs.end() ? 0 : it->second;
    }

    bool overlapped() const
    {
        std::lock_guard lock(m_mutex);
        return m_overlapped;
    }

    QString m_heldKey;
    std::binary_semaphore m_entered{0};
    std::binary_semaphore m_release{0};

private:
    mutable std::mutex m_mutex;
    std::map<QString, int> m_runs;
    std::map<QString, int> m_concurrent;
    bool m_overlapped = false;
};

ReconcileLoop::Options options(std::chrono::milliseconds fullPass = 0ms, int workers = 1)
{
    ReconcileLoop::Options result;
    result.name = QStringLiteral("test");
    result.fullPassInterval = fullPass;
    result.workers = workers;
    result.initialRetryDelay = 10ms;
    result.maxRetryDelay = 40ms;
    return result;
}

} // namespace

class TestReconcileLoop : public QObject {
    Q_OBJECT

private slots:
    void startRunsAFullPass()
    {
        Recorder recorder;
        ReconcileLoop loop(
            options(),
            [] {
                return QStringList{QStringLiteral("a"), QStringLiteral("b")};
            },
            [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        QTRY_COMPARE(recorder.runs(QStringLiteral("a")), 1);
        QTRY_COMPARE(recorder.runs(QStringLiteral("b")), 1);
    }

    void periodicPassRunsAgain()
    {
        Recorder recorder;
        ReconcileLoop loop(
            options(20ms), [] { return QStringList{QStringLiteral("a")}; },
            [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        QTRY_VERIFY(recorder.runs(QStringLiteral("a")) >= 3);
    }

    void triggersMergeWhileRunning()
    {
        Recorder recorder;
        recorder.m_heldKey = QStringLiteral("held");
        ReconcileLoop loop(
            options(), [] { return QStringList{}; }, [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        loop.trigger(QStringLiteral("held"));
        recorder.m_entered.acquire();
        for (int i = 0; i < 5; ++i)
            loop.trigger(QStringLiteral("held"));
        recorder.m_heldKey.clear();
        recorder.m_release.release();
        QTRY_COMPARE(loop.completedCount(), quint64(2));
        QTest::qWait(50);
        QCOMPARE(recorder.runs(QStringLiteral("held")), 2);
    }

    void aKeyNeverRunsTwiceAtOnce()
    {
        Recorder recorder;
        ReconcileLoop loop(
            options(0ms, 4), [] { return QStringList{}; },
            [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        for (int i = 0; i < 200; ++i)
            loop.trigger(QStringLiteral("key%1").arg(i % 3));
        QTRY_VERIFY(loop.completedCount() >= 3);
        QTest::qWait(100);
        QVERIFY(!recorder.overlapped());
    }

    void failuresAreRetriedAndDoNotStopOtherKeys()
    {
        std::atomic<int> badRuns = 0;
        std::atomic<int> goodRuns = 0;
        ReconcileLoop loop(
            options(),
            [] {
                return QStringList{QStringLiteral("bad"), QStringLiteral("good")};
            },
            [&](const QString &key) {
                if (key == u"bad") {
                    ++badRuns;
                    throw vitrine::domain::Error::internal(QStringLiteral("broken app"));
                }
                ++goodRuns;
            });
        loop.start();
        QTRY_VERIFY(badRuns >= 3);
        QCOMPARE(goodRuns.load(), 1);
    }

    void triggerAfterWaits()
    {
        Recorder recorder;
        ReconcileLoop loop(
            options(), [] { return QStringList{}; }, [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        loop.triggerAfter(QStringLiteral("later"), 100ms);
        QTest::qWait(30);
        QCOMPARE(recorder.runs(QStringLiteral("later")), 0);
        QTRY_COMPARE(recorder.runs(QStringLiteral("later")), 1);
    }

    void stopDropsQueuedWork()
    {
        Recorder recorder;
        recorder.m_heldKey = QStringLiteral("held");
        ReconcileLoop loop(
            options(), [] { return QStringList{}; }, [&](const QString &key) { recorder.reconcile(key); });
        loop.start();
        loop.trigger(QStringLiteral("held"));
        recorder.m_entered.acquire();
        loop.trigger(QStringLiteral("queued"));
        recorder.m_release.release();
        loop.stop();
        QCOMPARE(recorder.runs(QStringLiteral("held")), 1);
        QVERIFY(recorder.runs(QStringLiteral("queued")) <= 1);
    }
};

QTEST_GUILESS_MAIN(TestReconcileLoop)
#include "tst_reconcile_loop.moc"
