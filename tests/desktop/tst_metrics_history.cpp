// MetricsHistory: a range's points merged from a query and live samples, by time, trimmed to the range.

#include "models/metrics_history.h"

#include <QList>
#include <QPair>
#include <QTest>

#include <chrono>

using namespace std::chrono_literals;
using vitrine::desktop::MetricsHistory;
using vitrine::desktop::MetricsSample;

namespace {

// A point as the rows write it: seconds before kNow, and its CPU value, which tells its source apart.
using Points = QList<QPair<int, double>>;

const QDateTime kNow(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);

QList<MetricsSample> samplesOf(const Points &points)
{
    QList<MetricsSample> samples;
    for (const auto &[secondsBefore, cpu] : points)
        samples.append({.time = kNow.addSecs(-secondsBefore),
                        .resolutionSeconds = 5,
                        .cpuCores = cpu,
                        .memoryBytes = 1 << 20,
                        .restarts = 0,
                        .requests = 3});
    return samples;
}

Points pointsOf(const MetricsHistory &history)
{
    Points points;
    for (const MetricsSample &sample : history.samples())
        points.append({static_cast<int>(sample.time.secsTo(kNow)), sample.cpuCores});
    return points;
}

} // namespace

class MetricsHistoryTest : public QObject {
    Q_OBJECT

private slots:
    void mergesByTime_data();
    void mergesByTime();
    void trimsToTheRangeAsTimeGoesOn_data();
    void trimsToTheRangeAsTimeGoesOn();
    void resetForgetsAndTakesTheNewRange();
};

void MetricsHistoryTest::mergesByTime_data()
{
    QTest::addColumn<int>("rangeSeconds");
    QTest::addColumn<Points>("held");
    QTest::addColumn<Points>("incoming");
    QTest::addColumn<Points>("expected");

    QTest::newRow("a query's points into an empty history")
        << 60 << Points{} << Points{{30, 1}, {20, 1}} << Points{{30, 1}, {20, 1}};
    QTest::newRow("live samples after the query's")
        << 60 << Points{{50, 1}, {40, 1}} << Points{{30, 2}, {20, 2}}
        << Points{{50, 1}, {40, 1}, {30, 2}, {20, 2}};
    QTest::newRow("the resent newest point is held once, as read last")
        << 60 << Points{{50, 1}, {40, 1}} << Points{{40, 2}, {30, 2}} << Points{{50, 1}, {40, 2}, {30, 2}};
    QTest::newRow("an older point goes in its place")
        << 60 << Points{{50, 1}, {30, 1}} << Points{{40, 2}} << Points{{50, 1}, {40, 2}, {30, 1}};
    QTest::newRow("an unordered batch with a repeat")
        << 60 << Points{} << Points{{10, 2}, {30, 2}, {10, 3}} << Points{{30, 2}, {10, 3}};
    QTest::newRow("points older than the range are dropped")
        << 60 << Points{{70, 1}, {50, 1}} << Points{{90, 2}, {20, 2}} << Points{{50, 1}, {20, 2}};
    QTest::newRow("a point at the range's start is kept")
        << 60 << Points{} << Points{{61, 2}, {60, 2}} << Points{{60, 2}};
    QTest::newRow("nothing new changes nothing") << 60 << Points{{50, 1}} << Points{} << Points{{50, 1}};
}

void MetricsHistoryTest::mergesByTime()
{
    QFETCH(int, rangeSeconds);
    QFETCH(Points, held);
    QFETCH(Points, incoming);
    QFETCH(Points, expected);

    MetricsHistory history{std::chrono::seconds(rangeSeconds)};
    // Held points older than the range are there to be dropped: merge them while they were recent.
    history.merge(samplesOf(held), kNow.addSecs(-30));
    history.merge(samplesOf(incoming), kNow);

    QCOMPARE(pointsOf(history), expected);
    QCOMPARE(history.isEmpty(), expected.isEmpty());
    QCOMPARE(history.newestTime(),
             expected.isEmpty() ? QDateTime() : kNow.addSecs(-expected.constLast().first));
}

void MetricsHistoryTest::trimsToTheRangeAsTimeGoesOn_data()
{
    QTest::addColumn<int>("laterSeconds");
    QTest::addColumn<Points>("expected");

    const Points held{{50, 1}, {40, 1}, {30, 1}};
    QTest::newRow("no time passed") << 0 << held;
    QTest::newRow("the oldest point reaches the start") << 10 << held;
    QTest::newRow("the oldest point ages out") << 11 << Points{{40, 1}, {30, 1}};
    QTest::newRow("every point ages out") << 31 << Points{};
}

void MetricsHistoryTest::trimsToTheRangeAsTimeGoesOn()
{
    QFETCH(int, laterSeconds);
    QFETCH(Points, expected);

    MetricsHistory history(1min);
    history.merge(samplesOf({{50, 1}, {40, 1}, {30, 1}}), kNow);
    history.trim(kNow.addSecs(laterSeconds));

    QCOMPARE(pointsOf(history), expected);
}

void MetricsHistoryTest::resetForgetsAndTakesTheNewRange()
{
    MetricsHistory history(15min);
    history.merge(samplesOf({{50, 1}}), kNow);
    QCOMPARE(history.rangeStart(kNow), kNow.addSecs(-15 * 60));

    history.reset(3h);

    QVERIFY(history.isEmpty());
    QCOMPARE(history.newestTime(), QDateTime());
    QCOMPARE(history.range(), std::chrono::seconds(3h));
    QCOMPARE(history.rangeStart(kNow), kNow.addSecs(-3 * 60 * 60));
    history.merge(samplesOf({{2 * 60 * 60, 2}}), kNow);
    QCOMPARE(pointsOf(history), (Points{{2 * 60 * 60, 2}}));
}

QTEST_GUILESS_MAIN(MetricsHistoryTest)

#include "tst_metrics_history.moc"
