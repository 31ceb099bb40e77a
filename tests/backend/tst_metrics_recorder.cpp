#include "fake_store.h"
#include "scripted_runtime.h"
#include "store_fixtures.h"
#include "usecases/metrics_recorder.h"
#include "verify_error.h"

#include <QTest>

#include <atomic>

using namespace vitrine;
using domain::InstanceState;
using usecases::MetricsPoint;
using usecases::MetricsRecorder;
using vitrine::tests::ScriptedBackend;
using vitrine::tests::ScriptedRouter;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

const QString kCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");

using CpuSeconds = QMap<QString, double>; // by instance id

usecases::Caller callerOf(domain::Store &store, const QString &name)
{
    return {*store.findUserByName(name)};
}

// A store with admin "root", members "alice" (owns runtime app "api" and static site "site") and "bob"; a
// scripted backend and router; and a recorder on a clock the test moves.
class Fixture {
public:
    explicit Fixture(usecases::MetricsOptions options = {})
    {
        tests::addUser(store, QStringLiteral("root"), domain::Role::Admin);
        const domain::User alice = tests::addUser(store, QStringLiteral("alice"), domain::Role::Member);
        tests::addUser(store, QStringLiteral("bob"), domain::Role::Member);
        const domain::Repository repository = tests::addRepository(
            store, QStringLiteral("code"), QStringLiteral("https://git.example/code.git"), {alice.id});
        domain::Application api =
            tests::newApplication(repository, QStringLiteral("api"), QStringLiteral("h1"));
        api.deployType = domain::DeployType::Runtime;
        store.insertApplication(api);
        apiId = api.id;
        domain::Application site =
            tests::newApplication(repository, QStringLiteral("site"), QStringLiteral("h2"));
        store.insertApplication(site);
        siteId = site.id;

        options.clock = [this] { return clock; };
        recorder = std::make_unique<MetricsRecorder>(backend, router, store, std::move(options));
    }

    // Advances the clock and samples.
    void sampleAfter(std::chrono::seconds elapsed)
    {
        clock = clock.addSecs(elapsed.count());
        recorder->sampleNow();
    }

    ScriptedBackend::Instance apiInstance(double cpuSeconds, qint64 memoryBytes = 0, int restarts = 0) const
    {
        return {apiId, QStringLiteral("api"), InstanceState::Running, cpuSeconds, memoryBytes, restarts};
    }

    QList<MetricsPoint> recentPoints(const QString &applicationId) const
    {
        return recorder->query(applicationId, clock.addSecs(-60), clock).points;
    }

    usecases::ApplicationMetrics latestOf(const QString &applicationId) const
    {
        for (const usecases::ApplicationMetrics &metrics : recorder->latest()) {
            if (metrics.applicationId == applicationId)
                return metrics;
        }
        return {};
    }

    tests::FakeStore store;
    ScriptedBackend backend;
    ScriptedRouter router;
    QDateTime clock = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
    std::unique_ptr<MetricsRecorder> recorder;
    QString apiId;
    QString siteId;
};

// Everything the subscription has now, as a reactor would take it.
QList<MetricsPoint> drain(usecases::MetricsSubscription &subscription)
{
    QList<MetricsPoint> points;
    for (;;) {
        const usecases::MetricsBatch batch = subscription.poll();
        if (batch.points.isEmpty())
            return points;
        points += batch.points;
    }
}

} // namespace

class TestMetricsRecorder : public QObject {
    Q_OBJECT

private slots:
    void cpuIsTheRateOverTheInterval_data()
    {
        // Instance id → CPU seconds at the first and at the second sample, 5 s apart (absent: no instance).
        QTest::addColumn<CpuSeconds>("before");
        QTest::addColumn<CpuSeconds>("after");
        QTest::addColumn<double>("expectedCores");

        using Seconds = CpuSeconds;
        QTest::newRow("half a core") << Seconds{{u"a"_s, 10}} << Seconds{{u"a"_s, 12.5}} << 0.5;
        QTest::newRow("instances add up")
            << Seconds{{u"a"_s, 10}, {u"b"_s, 1}} << Seconds{{u"a"_s, 15}, {u"b"_s, 6}} << 2.0;
        QTest::newRow("a new instance used its time within the interval")
            << Seconds{{u"a"_s, 10}} << Seconds{{u"a"_s, 11}, {u"b"_s, 1.5}} << 0.5;
        QTest::newRow("a gone instance no longer counts")
            << Seconds{{u"a"_s, 10}, {u"b"_s, 3}} << Seconds{{u"a"_s, 12}} << 0.4;
        QTest::newRow("a count that went back started over")
            << Seconds{{u"a"_s, 10}} << Seconds{{u"a"_s, 1}} << 0.2;
        QTest::newRow("idle") << Seconds{{u"a"_s, 10}} << Seconds{{u"a"_s, 10}} << 0.0;
    }

    void cpuIsTheRateOverTheInterval()
    {
        QFETCH(CpuSeconds, before);
        QFETCH(CpuSeconds, after);
        QFETCH(double, expectedCores);
        Fixture fixture;
        for (auto instance = before.cbegin(); instance != before.cend(); ++instance)
            fixture.backend.set(instance.key(), fixture.apiInstance(instance.value()));
        fixture.sampleAfter(0s);
        QVERIFY2(fixture.recentPoints(fixture.apiId).isEmpty(), "the first sample is only the baseline");

        for (const QString &instanceId : before.keys())
            fixture.backend.remove(instanceId);
        for (auto instance = after.cbegin(); instance != after.cend(); ++instance)
            fixture.backend.set(instance.key(), fixture.apiInstance(instance.value()));
        fixture.sampleAfter(5s);

        const QList<MetricsPoint> points = fixture.recentPoints(fixture.apiId);
        QCOMPARE(points.size(), 1);
        QCOMPARE(points.first().time, fixture.clock);
        QCOMPARE(points.first().resolutionSeconds, 5);
        QCOMPARE(points.first().cpuCores, expectedCores);
        QCOMPARE(fixture.latestOf(fixture.apiId).cpuCores, expectedCores);
    }

    void anInstanceBetweenRunsKeepsItsCpuBaseline()
    {
        Fixture fixture;
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(10));
        fixture.sampleAfter(0s);
        ScriptedBackend::Instance restarting = fixture.apiInstance(0, 0, 1);
        restarting.state = InstanceState::Restarting;
        restarting.hasProcess = false;
        fixture.backend.set(QStringLiteral("a"), restarting);
        fixture.sampleAfter(5s);
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(11, 0, 1));
        fixture.sampleAfter(5s);

        const QList<MetricsPoint> points = fixture.recentPoints(fixture.apiId);
        QCOMPARE(points.size(), 2);
        QCOMPARE(points.at(0).cpuCores, 0.0);
        QCOMPARE(points.at(0).restarts, 1);
        QCOMPARE(points.at(1).cpuCores, 0.2);
    }

    void memoryAndRestartsAddUpOverInstances()
    {
        Fixture fixture;
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0, 100 << 20, 2));
        fixture.sampleAfter(0s);
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0, 100 << 20, 3));
        ScriptedBackend::Instance restarting = fixture.apiInstance(0, 0, 1);
        restarting.state = InstanceState::Restarting;
        restarting.hasProcess = false;
        fixture.backend.set(QStringLiteral("b"), restarting);
        fixture.backend.set(QStringLiteral("c"), fixture.apiInstance(0, 50 << 20));
        fixture.sampleAfter(5s);

        const MetricsPoint point = fixture.recentPoints(fixture.apiId).value(0);
        QCOMPARE(point.memoryBytes, qint64(150 << 20));
        QCOMPARE(point.restarts, 4);
        const usecases::ApplicationMetrics latest = fixture.latestOf(fixture.apiId);
        QCOMPARE(latest.applicationName, QStringLiteral("api"));
        QCOMPARE(latest.memoryBytes, qint64(150 << 20));
        QCOMPARE(latest.restarts, 4);
        QCOMPARE(latest.restartsTotal, qint64(2)); // "a" restarted once more, "b" once since it appeared

        // A deploy replaced them: the current instances' restarts start over, the total keeps counting.
        fixture.backend.remove(QStringLiteral("a"));
        fixture.backend.remove(QStringLiteral("b"));
        fixture.backend.set(QStringLiteral("c"), fixture.apiInstance(0, 50 << 20, 1));
        fixture.sampleAfter(5s);
        QCOMPARE(fixture.latestOf(fixture.apiId).restarts, 1);
        QCOMPARE(fixture.latestOf(fixture.apiId).restartsTotal, qint64(3));

        const usecases::PlatformMetrics platform = fixture.recorder->platform();
        QCOMPARE(platform.instancesByState.value(InstanceState::Running), 1);
        QCOMPARE(platform.instancesByState.value(InstanceState::Restarting), 0);
    }

    void requestsAreCountedPerInterval()
    {
        Fixture fixture;
        fixture.router.setRequests(QStringLiteral("site"), 40);
        fixture.sampleAfter(0s);
        QVERIFY2(fixture.recorder->latest().isEmpty(), "requests before the first sample are the baseline");

        fixture.router.setRequests(QStringLiteral("site"), 47);
        fixture.router.setRequests(QStringLiteral("gone"), 5); // no such application: not counted anywhere
        fixture.sampleAfter(5s);
        fixture.sampleAfter(5s);                               // nothing new: no point
        fixture.router.setRequests(QStringLiteral("site"), 3); // the router started over
        fixture.sampleAfter(5s);

        const QList<MetricsPoint> points = fixture.recentPoints(fixture.siteId);
        QCOMPARE(points.size(), 2);
        QCOMPARE(points.at(0).requests, qint64(7));
        QCOMPARE(points.at(1).requests, qint64(3));
        QCOMPARE(points.at(1).memoryBytes, qint64(0));
        QCOMPARE(fixture.latestOf(fixture.siteId).requestsTotal, qint64(10));
        QCOMPARE(fixture.recorder->latest().size(), 1);
    }

    void idleApplicationsGetNoSeries()
    {
        Fixture fixture;
        fixture.sampleAfter(0s);
        fixture.sampleAfter(5s);
        fixture.sampleAfter(5s);
        QVERIFY(fixture.recorder->latest().isEmpty());
        QVERIFY(fixture.recentPoints(fixture.apiId).isEmpty());
        QVERIFY(fixture.recentPoints(fixture.siteId).isEmpty());
    }

    void aQueryReadsTheFinestTierThatReachesBack_data()
    {
        QTest::addColumn<int>("sinceSeconds");
        QTest::addColumn<int>("resolutionSeconds");
        QTest::addColumn<int>("points");

        // Samples every 5 s kept 60 s; 10 s points kept 300 s; 60 s points kept 3600 s. Four hours of
        // samples.
        QTest::newRow("samples") << 30 << 5 << 7;
        QTest::newRow("10 s points") << 200 << 10 << 20;
        QTest::newRow("60 s points") << 3000 << 60 << 50;
        QTest::newRow("beyond every tier: the coarsest") << 10'000 << 60 << 60;
    }

    void aQueryReadsTheFinestTierThatReachesBack()
    {
        QFETCH(int, sinceSeconds);
        QFETCH(int, resolutionSeconds);
        QFETCH(int, points);
        usecases::MetricsOptions options;
        options.sampleRetention = 60s;
        options.tiers = {{10s, 300s}, {60s, 3600s}};
        Fixture fixture(options);
        fixture.router.setRequests(QStringLiteral("api"), 0);
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0));
        fixture.sampleAfter(0s);
        for (int sample = 1; sample <= 4 * 720; ++sample)
            fixture.sampleAfter(5s);

        const usecases::MetricsSeries series =
            fixture.recorder->query(fixture.apiId, fixture.clock.addSecs(-sinceSeconds), fixture.clock);
        QCOMPARE(series.resolutionSeconds, resolutionSeconds);
        // The clock sits on a span boundary: the point of the span just begun is there too.
        QCOMPARE(series.points.size(), points + (resolutionSeconds > 5 ? 1 : 0));
        for (const MetricsPoint &point : series.points)
            QCOMPARE(point.resolutionSeconds, resolutionSeconds);
    }

    void downsampledPointsAggregateTheirSamples()
    {
        usecases::MetricsOptions options;
        options.sampleRetention = 60s;
        options.tiers = {{10s, 300s}};
        Fixture fixture(options);
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0, 100, 0));
        fixture.sampleAfter(0s); // 12:00:00, the baseline
        // Two samples in the span 12:00:10–20.
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(1, 100, 1));
        fixture.sampleAfter(10s); // 12:00:10: 0.1 core, restarts 1, 100 bytes
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(4, 300, 2));
        fixture.sampleAfter(5s); // 12:00:15: 0.6 core, restarts 2, 300 bytes
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(4, 300, 1));
        fixture.router.setRequests(QStringLiteral("api"), 9);
        fixture.sampleAfter(5s); // 12:00:20, the next span: 9 requests

        // Ask from beyond the samples' retention, so the 10 s tier answers.
        fixture.clock = fixture.clock.addSecs(100);
        const usecases::MetricsSeries series =
            fixture.recorder->query(fixture.apiId, fixture.clock.addSecs(-200), fixture.clock);
        QCOMPARE(series.resolutionSeconds, 10);
        QCOMPARE(series.points.size(), 2);
        const MetricsPoint first = series.points.at(0);
        QCOMPARE(first.time, QDateTime(QDate(2024, 5, 1), QTime(12, 0, 10), Qt::UTC));
        QCOMPARE(first.cpuCores, 0.35);
        QCOMPARE(first.memoryBytes, qint64(200));
        QCOMPARE(first.restarts, 2);
        QCOMPARE(first.requests, qint64(0));
        QCOMPARE(series.points.at(1).requests, qint64(9));
    }

    void seriesAreBoundedAndDropWhenEverythingAgedOut()
    {
        usecases::MetricsOptions options;
        options.sampleRetention = 60s;
        options.tiers = {{10s, 300s}};
        Fixture fixture(options);
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0));
        fixture.sampleAfter(0s);
        for (int sample = 0; sample < 1000; ++sample)
            fixture.sampleAfter(5s);
        QCOMPARE(
            fixture.recorder->query(fixture.apiId, fixture.clock.addSecs(-59), fixture.clock).points.size(),
            12);
        QVERIFY(
            fixture.recorder->query(fixture.apiId, fixture.clock.addDays(-1), fixture.clock).points.size() <=
            31);

        fixture.backend.remove(QStringLiteral("a"));
        fixture.sampleAfter(5s);
        QCOMPARE(fixture.recorder->latest().size(), 1);
        QCOMPARE(fixture.latestOf(fixture.apiId).memoryBytes, qint64(0));
        fixture.sampleAfter(301s);
        QVERIFY2(fixture.recorder->latest().isEmpty(), "a series whose points all aged out is dropped");
    }

    void watchersGetRecentPointsThenLiveOnes()
    {
        Fixture fixture;
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0));
        fixture.sampleAfter(0s);
        fixture.sampleAfter(5s);
        fixture.sampleAfter(5s);
        fixture.sampleAfter(5s);

        std::atomic<int> wakeups = 0;
        const auto subscription =
            fixture.recorder->subscribe(fixture.apiId, fixture.clock.addSecs(-7), [&] { ++wakeups; });
        QCOMPARE(drain(*subscription).size(), 2);
        QCOMPARE(wakeups, 0);

        fixture.sampleAfter(5s);
        QCOMPARE(wakeups, 1);
        const QList<MetricsPoint> live = drain(*subscription);
        QCOMPARE(live.size(), 1);
        QCOMPARE(live.first().time, fixture.clock);
        QVERIFY(!subscription->poll().ended);
    }

    void forgettingDropsTheSeriesAndEndsWatchers()
    {
        Fixture fixture;
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0));
        fixture.sampleAfter(0s);
        fixture.sampleAfter(5s);
        std::atomic<int> wakeups = 0;
        const auto subscription =
            fixture.recorder->subscribe(fixture.apiId, fixture.clock.addSecs(-60), [&] { ++wakeups; });
        QCOMPARE(drain(*subscription).size(), 1);

        fixture.recorder->forget(fixture.apiId);
        QCOMPARE(wakeups, 1);
        QVERIFY(subscription->poll().ended);
        QVERIFY(fixture.recorder->latest().isEmpty());

        // Its instance is still being stopped: it brings back no series.
        fixture.sampleAfter(5s);
        QVERIFY(fixture.recorder->latest().isEmpty());
    }

    void queriesAreForOwnersAndAdmins_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("application");
        QTest::addColumn<int>("expectedError"); // -1: none

        QTest::newRow("owner by name") << "alice"
                                       << "api" << -1;
        QTest::newRow("admin") << "root"
                               << "api" << -1;
        QTest::newRow("another member") << "bob"
                                        << "api" << int(domain::ErrorKind::Forbidden);
        QTest::newRow("unknown") << "alice"
                                 << "nope" << int(domain::ErrorKind::NotFound);
    }

    void queriesAreForOwnersAndAdmins()
    {
        QFETCH(QString, user);
        QFETCH(QString, application);
        QFETCH(int, expectedError);
        Fixture fixture;
        fixture.backend.set(QStringLiteral("a"), fixture.apiInstance(0));
        fixture.sampleAfter(0s);
        fixture.sampleAfter(5s);
        const usecases::Caller caller = callerOf(fixture.store, user);
        if (expectedError >= 0) {
            VERIFY_ERROR(fixture.recorder->query(caller, application, {}, {}),
                         domain::ErrorKind(expectedError), application);
            VERIFY_ERROR(fixture.recorder->watch(caller, application, {}, [] {}),
                         domain::ErrorKind(expectedError), application);
            return;
        }
        const usecases::MetricsSeries series = fixture.recorder->query(caller, application, {}, {});
        QCOMPARE(series.applicationId, fixture.apiId);
        QCOMPARE(series.applicationName, QStringLiteral("api"));
        QCOMPARE(series.points.size(), 1);
    }

    void theRangeMustBeInOrder()
    {
        Fixture fixture;
        VERIFY_ERROR(fixture.recorder->query(callerOf(fixture.store, QStringLiteral("alice")),
                                             QStringLiteral("api"), fixture.clock, fixture.clock.addSecs(-1)),
                     domain::ErrorKind::BadRequest, QStringLiteral("to"));
    }

    void platformCountsApplicationsAndBuilds()
    {
        Fixture fixture;
        const domain::Application api = *fixture.store.findApplicationById(fixture.apiId);
        fixture.store.insertBuild(tests::newBuild(api, kCommit, domain::BuildState::Queued));
        fixture.store.insertBuild(tests::newBuild(api, kCommit, domain::BuildState::Queued));
        domain::Build building = tests::newBuild(api, kCommit, domain::BuildState::Queued);
        fixture.store.insertBuild(building);
        QVERIFY(fixture.store.transitionBuild(building.id, domain::BuildState::Queued,
                                              domain::BuildState::Building, {}));
        QVERIFY(!fixture.recorder->platform().collected);
        fixture.sampleAfter(0s);

        const usecases::PlatformMetrics platform = fixture.recorder->platform();
        QVERIFY(platform.collected);
        QCOMPARE(platform.applicationsByDeployType.value(domain::DeployType::Runtime), 1);
        QCOMPARE(platform.applicationsByDeployType.value(domain::DeployType::Static), 1);
        QCOMPARE(platform.buildsQueued, 2);
        QCOMPARE(platform.buildsBuilding, 1);
    }

    void theSamplerRunsOnItsOwnUntilStopped()
    {
        // Only the recorder's thread touches the store meanwhile (the fake store is single-threaded).
        ScriptedBackend backend;
        ScriptedRouter router;
        tests::FakeStore store;
        backend.set(QStringLiteral("a"),
                    {QStringLiteral("app_x"), QStringLiteral("x"), InstanceState::Running, 1, 1024, 0});
        usecases::MetricsOptions options;
        options.sampleInterval = 20ms;
        MetricsRecorder recorder(backend, router, store, options);
        std::atomic<int> wakeups = 0;
        const auto subscription = recorder.subscribe(QStringLiteral("app_x"), {}, [&] { ++wakeups; });
        QVERIFY(drain(*subscription).isEmpty());
        recorder.start();
        QTRY_VERIFY(wakeups > 0);
        recorder.stop();
        QCOMPARE(drain(*subscription).value(0).memoryBytes, qint64(1024));
    }
};

QTEST_GUILESS_MAIN(TestMetricsRecorder)
#include "tst_metrics_recorder.moc"
