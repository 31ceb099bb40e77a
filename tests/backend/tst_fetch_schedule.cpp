#include "usecases/fetch_schedule.h"

#include <QTest>

#include <thread>

using namespace std::chrono_literals;
using vitrine::usecases::FetchSchedule;

namespace {
const QString kRepository = QStringLiteral("repo_1");
const QMap<QString, QString> kRefsA{{QStringLiteral("refs/heads/main"), QString(40, u'a')}};
const QMap<QString, QString> kRefsB{{QStringLiteral("refs/heads/main"), QString(40, u'b')}};
} // namespace

class TestFetchSchedule : public QObject {
    Q_OBJECT

private slots:
    void aRepositoryNeverFetchedIsDue()
    {
        const FetchSchedule schedule(10s);
        QVERIFY(schedule.isDue(kRepository, FetchSchedule::Clock::now()));
    }

    void idleRepositoriesBackOffUpToEightTimes()
    {
        FetchSchedule schedule(10s);
        const auto now = FetchSchedule::Clock::now();
        QCOMPARE(schedule.fetched(kRepository, kRefsA, now, now), 10s);
        QVERIFY(!schedule.isDue(kRepository, now + 9s));
        QVERIFY(schedule.isDue(kRepository, now + 10s));
        QCOMPARE(schedule.fetched(kRepository, kRefsA, now, now), 20s);
        QCOMPARE(schedule.fetched(kRepository, kRefsA, now, now), 40s);
        QCOMPARE(schedule.fetched(kRepository, kRefsA, now, now), 80s);
        QCOMPARE(schedule.fetched(kRepository, kRefsA, now, now), 80s);
        QVERIFY(!schedule.isDue(kRepository, now + 79s));
    }

    void changedRefsResetTheInterval()
    {
        FetchSchedule schedule(10s);
        const auto now = FetchSchedule::Clock::now();
        schedule.fetched(kRepository, kRefsA, now, now);
        schedule.fetched(kRepository, kRefsA, now, now);
        QCOMPARE(schedule.fetched(kRepository, kRefsB, now, now), 10s);
    }

    void aPushMakesItDueAndResetsTheInterval()
    {
        FetchSchedule schedule(10s);
        const auto now = FetchSchedule::Clock::now();
        schedule.fetched(kRepository, kRefsA, now, now);
        schedule.fetched(kRepository, kRefsA, now, now);
        schedule.wake(kRepository);
        QVERIFY(schedule.isDue(kRepository, now));
        std::this_thread::sleep_for(1ms);
        const auto afterWake = FetchSchedule::Clock::now();
        QCOMPARE(schedule.fetched(kRepository, kRefsA, afterWake, afterWake), 10s);
    }

    void aPushDuringAFetchIsNotLost()
    {
        // The webhook arrives while a fetch runs: that fetch may have read the refs before the push, so the
        // repository must stay due, for a never-fetched repository too.
        for (const bool fetchedBefore : {false, true}) {
            FetchSchedule schedule(10s);
            if (fetchedBefore)
                schedule.fetched(kRepository, kRefsA, FetchSchedule::Clock::now(),
                                 FetchSchedule::Clock::now());
            const auto fetchStarted = FetchSchedule::Clock::now();
            std::this_thread::sleep_for(1ms);
            schedule.wake(kRepository);
            QCOMPARE(schedule.fetched(kRepository, kRefsA, fetchStarted, FetchSchedule::Clock::now()), 0ms);
            QVERIFY(schedule.isDue(kRepository, FetchSchedule::Clock::now()));
        }
    }

    void failuresBackOffToo()
    {
        FetchSchedule schedule(10s);
        const auto now = FetchSchedule::Clock::now();
        QCOMPARE(schedule.failed(kRepository, now, now), 10s);
        QCOMPARE(schedule.failed(kRepository, now, now), 20s);
        QVERIFY(!schedule.isDue(kRepository, now + 19s));
    }
};

QTEST_GUILESS_MAIN(TestFetchSchedule)
#include "tst_fetch_schedule.moc"
