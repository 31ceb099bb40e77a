#include "fake_store.h"
#include "recording_notifier.h"
#include "store_fixtures.h"
#include "usecases/alert_monitor.h"

#include <QTest>

#include <memory>

using namespace vitrine;
using domain::Alert;
using domain::AlertKind;
using domain::Application;
using domain::Event;
using domain::EventType;
using domain::InstanceExit;
using domain::InstanceStatus;
using domain::Notification;
using tests::RecordingNotifier;
using usecases::AlertMonitor;
using usecases::AlertPolicy;
using usecases::RestartHistory;
using namespace std::chrono_literals;

namespace {

const QString kCommit = QStringLiteral("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b");

class RecordingObserver final : public usecases::ApplicationObserver {
public:
    void applicationChanged(const Application &application) override { changed << application; }
    void applicationDeleted(const Application &, const QList<domain::Build> &) override {}

    QList<Application> changed;
};

InstanceExit crash(int exitCode = 1)
{
    InstanceExit exit;
    exit.exitCode = exitCode;
    exit.willRestart = true;
    exit.detail = QStringLiteral("exit code %1").arg(exitCode);
    return exit;
}

InstanceExit outOfMemory()
{
    InstanceExit exit;
    exit.signal = 9;
    exit.outOfMemory = true;
    exit.willRestart = true;
    exit.detail = QStringLiteral("out of memory (limit 64 MiB)");
    return exit;
}

QList<EventType> typesOf(const QList<Event> &events)
{
    QList<EventType> types;
    for (const Event &event : events)
        types << event.type;
    return types;
}

} // namespace

class TestAlertMonitor : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_store = std::make_unique<tests::FakeStore>();
        m_events = std::make_unique<usecases::EventHub>();
        m_notifier = std::make_unique<RecordingNotifier>();
        m_observer = std::make_unique<RecordingObserver>();
        m_zoe = tests::addUser(*m_store, QStringLiteral("zoe"), domain::Role::Member);
        const domain::Repository repository = tests::addRepository(
            *m_store, QStringLiteral("site"), QStringLiteral("https://git.example.org/site.git"), {m_zoe.id});
        m_blog = tests::newApplication(repository, QStringLiteral("blog"), QStringLiteral("hash-1"));
        m_store->insertApplication(m_blog);
        m_blog = *m_store->findApplicationById(m_blog.id);
        domain::Build build = tests::newBuild(m_blog, kCommit, domain::BuildState::Succeeded);
        m_store->insertBuild(build);
        m_buildId = build.id;
        m_watcher = m_events->subscribe([](const Event &) { return true; }, std::nullopt, {});
    }

    void cleanup()
    {
        m_watcher.reset();
        m_monitor.reset();
    }

    void restartLoopOpensExactlyOneAlert()
    {
        AlertMonitor &monitor = makeMonitor({3, 300s, 0});

        for (int i = 0; i < 2; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash());
        QVERIFY(alerts().isEmpty());
        QVERIFY(newEvents().isEmpty());

        for (int i = 0; i < 4; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash(i == 3 ? 3 : 1));

        const QList<Alert> opened = alerts();
        QCOMPARE(opened.size(), 1);
        const Alert &alert = opened.first();
        QCOMPARE(alert.kind, AlertKind::RestartLoop);
        QCOMPARE(alert.applicationId, m_blog.id);
        QCOMPARE(alert.applicationName, QStringLiteral("blog"));
        QCOMPARE(alert.buildId, m_buildId);
        QCOMPARE(alert.message, QStringLiteral("restarted 3 times in 300 s; last exit: exit code 1"));
        QVERIFY(alert.isOpen());

        const QList<Event> events = newEvents();
        QCOMPARE(typesOf(events), QList<EventType>{EventType::AlertOpened});
        QCOMPARE(events[0].alertId, alert.id);
        QCOMPARE(events[0].applicationName, QStringLiteral("blog"));
        QCOMPARE(events[0].buildId, m_buildId);
        QCOMPARE(events[0].state, QStringLiteral("restart-loop"));
        QCOMPARE(events[0].message, alert.message);
        QCOMPARE(events[0].ownerIds, QStringList{m_zoe.id});

        const QList<Notification> notifications = m_notifier->notifications();
        QCOMPARE(notifications.size(), 1);
        QVERIFY(notifications[0].isAlert());
        QCOMPARE(*notifications[0].alertKind, AlertKind::RestartLoop);
        QCOMPARE(notifications[0].alertId, alert.id);
        QCOMPARE(notifications[0].applicationName, QStringLiteral("blog"));
        QCOMPARE(notifications[0].buildId, m_buildId);
        QCOMPARE(notifications[0].commit, kCommit);
        QCOMPARE(notifications[0].reason, alert.message);
        QCOMPARE(notifications[0].at, alert.openedAt);
        QVERIFY(m_observer->changed.isEmpty());
    }

    void exitsWithoutARestartAreNoRestartLoop()
    {
        AlertMonitor &monitor = makeMonitor({2, 300s, 3});
        InstanceExit unhealthy;
        unhealthy.signal = 9;
        unhealthy.detail = QStringLiteral("not healthy after 60 s");
        for (int i = 0; i < 5; ++i)
            monitor.instanceExited(statusOf(m_buildId), unhealthy);

        QVERIFY(alerts().isEmpty());
        QVERIFY(m_observer->changed.isEmpty());
        QVERIFY(m_store->findApplicationById(m_blog.id)->running);
    }

    void anAcknowledgedAlertLetsTheNextOneOpen()
    {
        AlertMonitor &monitor = makeMonitor({2, 300s, 0});
        for (int i = 0; i < 2; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash());
        QCOMPARE(alerts().size(), 1);
        QVERIFY(m_store->acknowledgeAlert(alerts().first().id, m_zoe.id, QDateTime::currentDateTimeUtc()));

        monitor.instanceExited(statusOf(m_buildId), crash());

        const QList<Alert> all = alerts();
        QCOMPARE(all.size(), 2);
        QCOMPARE(openAlerts().size(), 1);
        QCOMPARE(openAlerts().first().message,
                 QStringLiteral("restarted 3 times in 300 s; last exit: exit code 1"));
    }

    void eachBuildHasItsOwnCountAndAlert()
    {
        AlertMonitor &monitor = makeMonitor({2, 300s, 0});
        domain::Build next = tests::newBuild(m_blog, kCommit, domain::BuildState::Succeeded);
        m_store->insertBuild(next);

        monitor.instanceExited(statusOf(m_buildId), crash());
        monitor.instanceExited(statusOf(next.id), crash());
        QVERIFY(alerts().isEmpty());
        monitor.instanceExited(statusOf(m_buildId), crash());
        monitor.instanceExited(statusOf(next.id), crash());

        QStringList builds;
        for (const Alert &alert : alerts())
            builds << alert.buildId;
        builds.sort();
        QStringList expected{m_buildId, next.id};
        expected.sort();
        QCOMPARE(builds, expected);
    }

    void outOfMemoryOpensAnAlert()
    {
        AlertMonitor &monitor = makeMonitor({5, 300s, 10});

        monitor.instanceExited(statusOf(m_buildId), outOfMemory());
        monitor.instanceExited(statusOf(m_buildId), outOfMemory());

        const QList<Alert> opened = alerts();
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened[0].kind, AlertKind::OutOfMemory);
        QCOMPARE(opened[0].buildId, m_buildId);
        QCOMPARE(opened[0].message, QStringLiteral("killed: out of memory (limit 64 MiB)"));
        const QList<Event> events = newEvents();
        QCOMPARE(typesOf(events), QList<EventType>{EventType::AlertOpened});
        QCOMPARE(events[0].state, QStringLiteral("out-of-memory"));
        QCOMPARE(m_notifier->notifications().size(), 1);
        QCOMPARE(*m_notifier->notifications()[0].alertKind, AlertKind::OutOfMemory);
    }

    void policyThresholds_data()
    {
        QTest::addColumn<int>("restartLoopCount");
        QTest::addColumn<int>("autoStopRestarts");
        QTest::addColumn<int>("exits");
        QTest::addColumn<bool>("alerted");
        QTest::addColumn<bool>("stopped");

        QTest::newRow("below both") << 5 << 10 << 4 << false << false;
        QTest::newRow("restart loop") << 5 << 10 << 5 << true << false;
        QTest::newRow("past the stop threshold") << 5 << 10 << 10 << true << true;
        QTest::newRow("alerts off") << 0 << 10 << 9 << false << false;
        QTest::newRow("stopping off") << 5 << 0 << 50 << true << false;
        // A stop is always explained by an alert, whatever the alert threshold says.
        QTest::newRow("stop before the alert threshold") << 10 << 3 << 3 << true << true;
    }

    void policyThresholds()
    {
        QFETCH(int, restartLoopCount);
        QFETCH(int, autoStopRestarts);
        QFETCH(int, exits);
        QFETCH(bool, alerted);
        QFETCH(bool, stopped);
        AlertMonitor &monitor = makeMonitor({restartLoopCount, 300s, autoStopRestarts});

        for (int i = 0; i < exits; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash());

        QCOMPARE(alerts().size(), alerted ? 1 : 0);
        QCOMPARE(!m_store->findApplicationById(m_blog.id)->running, stopped);
        QCOMPARE(m_observer->changed.size(), stopped ? 1 : 0);
    }

    void autoStopSaysWhyAndTellsTheObserver()
    {
        AlertMonitor &monitor = makeMonitor({2, 300s, 3});
        m_store->racesToLose = 1; // an owner's edit lands in between: the stop is retried on the fresh copy
        m_store->concurrentChange = [](Application &application) { application.autoSleepSeconds = 600; };

        for (int i = 0; i < 3; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash(2));

        const Application stored = *m_store->findApplicationById(m_blog.id);
        QVERIFY(!stored.running);
        const QString reason = QStringLiteral("stopped after 3 restarts in 300 s; last exit: exit code 2");
        QCOMPARE(stored.stoppedReason, reason);
        QCOMPARE(stored.autoSleepSeconds, 600u);
        QCOMPARE(m_observer->changed.size(), 1);
        QVERIFY(!m_observer->changed[0].running);
        QCOMPARE(m_observer->changed[0].stoppedReason, reason);
        QCOMPARE(m_observer->changed[0].version, stored.version);
        QCOMPARE(alerts().size(), 1);

        // The owner starts it again: it gets a fresh count, not a stop at its next exit.
        Application started = stored;
        started.running = true;
        started.stoppedReason.clear();
        m_store->updateApplication(started);
        monitor.instanceExited(statusOf(m_buildId), crash(2));
        monitor.instanceExited(statusOf(m_buildId), crash(2));
        QVERIFY(m_store->findApplicationById(m_blog.id)->running);
        QCOMPARE(m_observer->changed.size(), 1);
    }

    void anApplicationStoppedMeanwhileKeepsItsReason()
    {
        AlertMonitor &monitor = makeMonitor({2, 300s, 2});
        Application stopped = m_blog;
        stopped.running = false;
        m_store->updateApplication(stopped);

        for (int i = 0; i < 2; ++i)
            monitor.instanceExited(statusOf(m_buildId), crash());

        QVERIFY(m_store->findApplicationById(m_blog.id)->stoppedReason.isEmpty());
        QVERIFY(m_observer->changed.isEmpty());
    }

    void deployFailedOpensOneAlertPerBuild()
    {
        AlertMonitor &monitor = makeMonitor({});
        const QString reason = QStringLiteral("the new version did not answer on its port within 60 s");
        domain::Build next = tests::newBuild(m_blog, kCommit, domain::BuildState::Succeeded);
        m_store->insertBuild(next);

        monitor.deployFailed(m_blog.id, m_buildId, reason);
        monitor.deployFailed(m_blog.id, m_buildId, reason);
        QCOMPARE(alerts().size(), 1);
        QCOMPARE(alerts()[0].kind, AlertKind::DeployFailed);
        QCOMPARE(alerts()[0].message, reason);
        QCOMPARE(alerts()[0].buildId, m_buildId);
        const QList<Event> events = newEvents();
        QCOMPARE(typesOf(events), QList<EventType>{EventType::AlertOpened});
        QCOMPARE(events[0].state, QStringLiteral("deploy-failed"));
        QCOMPARE(m_notifier->notifications().size(), 1);

        monitor.deployFailed(m_blog.id, next.id, reason);
        QCOMPARE(alerts().size(), 2);
        QVERIFY(m_store->findApplicationById(m_blog.id)->running);
    }

    void aDeletedApplicationIsLeftAlone()
    {
        AlertMonitor &monitor = makeMonitor({1, 300s, 1});
        m_store->deleteApplication(m_blog.id);

        monitor.instanceExited(statusOf(m_buildId), outOfMemory());
        monitor.deployFailed(m_blog.id, m_buildId, QStringLiteral("never healthy"));

        QVERIFY(newEvents().isEmpty());
        QVERIFY(m_notifier->notifications().isEmpty());
        QVERIFY(m_observer->changed.isEmpty());
    }

    void worksWithoutANotifier()
    {
        m_monitor = std::make_unique<AlertMonitor>(*m_store, *m_events, nullptr, *m_observer,
                                                   AlertPolicy{1, 300s, 0});
        m_monitor->instanceExited(statusOf(m_buildId), crash());
        QCOMPARE(alerts().size(), 1);
        QCOMPARE(typesOf(newEvents()), QList<EventType>{EventType::AlertOpened});
    }

    void restartHistoryCountsWithinTheWindow_data()
    {
        QTest::addColumn<QList<int>>("exitSeconds");
        QTest::addColumn<QList<int>>("counts");

        QTest::newRow("close together") << QList<int>{0, 10, 20} << QList<int>{1, 2, 3};
        QTest::newRow("one window apart") << QList<int>{0, 60, 120} << QList<int>{1, 1, 1};
        QTest::newRow("sliding") << QList<int>{0, 30, 59, 61, 100} << QList<int>{1, 2, 3, 3, 3};
    }

    void restartHistoryCountsWithinTheWindow()
    {
        QFETCH(QList<int>, exitSeconds);
        QFETCH(QList<int>, counts);
        RestartHistory history(60s);
        const RestartHistory::Clock::time_point start{};
        const QString app = QStringLiteral("app_1");
        const QString build = QStringLiteral("bld_1");

        QList<int> got;
        for (const int second : exitSeconds)
            got << history.recordExit(app, build, start + std::chrono::seconds(second));

        QCOMPARE(got, counts);
    }

    void restartHistoryKeepsBuildsApartAndForgets()
    {
        RestartHistory history(60s);
        const RestartHistory::Clock::time_point start{};
        const QString app = QStringLiteral("app_1");

        QCOMPARE(history.recordExit(app, QStringLiteral("bld_1"), start), 1);
        QCOMPARE(history.recordExit(app, QStringLiteral("bld_2"), start + 1s), 1);
        QCOMPARE(history.recordExit(app, QStringLiteral("bld_1"), start + 2s), 2);
        QCOMPARE(history.recordExit(QStringLiteral("app_2"), QStringLiteral("bld_1"), start + 3s), 1);
        history.forget(app, QStringLiteral("bld_1"));
        QCOMPARE(history.recordExit(app, QStringLiteral("bld_1"), start + 4s), 1);
        QCOMPARE(history.recordExit(app, QStringLiteral("bld_2"), start + 5s), 2);
    }

private:
    AlertMonitor &makeMonitor(AlertPolicy policy)
    {
        m_monitor =
            std::make_unique<AlertMonitor>(*m_store, *m_events, m_notifier.get(), *m_observer, policy);
        return *m_monitor;
    }

    InstanceStatus statusOf(const QString &buildId) const
    {
        InstanceStatus status;
        status.instanceId = buildId + QStringLiteral(".1");
        status.applicationId = m_blog.id;
        status.applicationName = m_blog.name;
        status.buildId = buildId;
        status.state = domain::InstanceState::Restarting;
        return status;
    }

    QList<Alert> alerts(bool openOnly = false)
    {
        domain::AlertFilter filter;
        filter.openOnly = openOnly;
        return m_store->listAlerts(filter, {});
    }

    QList<Alert> openAlerts() { return alerts(true); }

    // The events published since the last call.
    QList<Event> newEvents() { return m_watcher->poll().events; }

    std::unique_ptr<tests::FakeStore> m_store;
    std::unique_ptr<usecases::EventHub> m_events;
    std::unique_ptr<RecordingNotifier> m_notifier;
    std::unique_ptr<RecordingObserver> m_observer;
    std::unique_ptr<AlertMonitor> m_monitor;
    std::unique_ptr<usecases::EventSubscription> m_watcher;
    domain::User m_zoe;
    Application m_blog;
    QString m_buildId;
};

QTEST_GUILESS_MAIN(TestAlertMonitor)
#include "tst_alert_monitor.moc"
