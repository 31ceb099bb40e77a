#include "adapters/logfiles/file_build_log_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "fake_store.h"
#include "store_fixtures.h"
#include "usecases/build_service.h"
#include "verify_error.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace vitrine;
using domain::BuildState;
using domain::ErrorKind;
using usecases::Caller;

namespace {

// Runs nothing; remembers which builds it "runs" and which it was asked to cancel.
class FakeExecutor final : public usecases::BuildExecutor {
public:
    QSet<QString> running;
    QStringList cancelRequests;

    int freeSlots() const override { return 1; }
    void start(const domain::Build &build) override { running.insert(build.id); }
    bool cancel(const QString &buildId) override
    {
        cancelRequests.append(buildId);
        return running.contains(buildId);
    }
    QList<usecases::BuilderStatus> builders() const override
    {
        return {{QStringLiteral("fake"), QStringLiteral("fake"), false, 1, running.values()}};
    }
};

const QString kCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");

// An admin "root", members "alice" and "bob"; alice owns the application "site", bob owns "blog".
struct Platform {
    tests::FakeStore store;
    FakeExecutor executor;
    usecases::EventHub events;
    QTemporaryDir logDirectory;
    adapters::logfiles::FileBuildLogStore logStore{logDirectory.path()};
    usecases::BuildLogHub logs{logStore};
    int scheduleRequests = 0;
    usecases::BuildService builds{store, executor, events, [this] { ++scheduleRequests; }, logs};
    std::unique_ptr<usecases::EventSubscription> watcher =
        events.subscribe([](const domain::Event &) { return true; }, std::nullopt, [] {});

    Platform()
    {
        tests::addUser(store, QStringLiteral("root"), domain::Role::Admin);
        tests::addUser(store, QStringLiteral("alice"), domain::Role::Member);
        tests::addUser(store, QStringLiteral("bob"), domain::Role::Member);
        addApplication(QStringLiteral("site"), QStringLiteral("alice"));
        addApplication(QStringLiteral("blog"), QStringLiteral("bob"));
    }

    void addApplication(const QString &name, const QString &owner)
    {
        const domain::Repository repository = tests::addRepository(
            store, name + QStringLiteral("-repo"), QStringLiteral("https://git.example/%1.git").arg(name),
            {store.findUserByName(owner)->id});
        domain::Application application =
            tests::newApplication(repository, name, QStringLiteral("hash-of-") + name);
        application.build.type = domain::BuildType::StaticCmd;
        application.build.buildCommand = QStringLiteral("make");
        application.env = {{QStringLiteral("MODE"), QStringLiteral("prod")}};
        store.insertApplication(application);
    }

    Caller caller(const QString &name) { return Caller{*store.findUserByName(name)}; }

    // A build of the application in that state, queued `age` seconds ago.
    QString addBuild(const QString &applicationName, BuildState state, int age = 0)
    {
        const domain::Application application = *store.findApplicationByName(applicationName);
        domain::Build build = tests::newBuild(application, kCommit, state);
        build.queuedAt = QDateTime::currentDateTimeUtc().addSecs(-age);
        store.insertBuild(build);
        return build.id;
    }

    BuildState stateOf(const QString &buildId) { return store.findBuildById(buildId)->state; }

    // The build events published so far that were not taken yet: "BUILD_ID state".
    QStringList takeEvents()
    {
        QStringList taken;
        for (const domain::Event &event : watcher->poll().events)
            taken.append(event.buildId + u' ' + event.state);
        return taken;
    }
};

QStringList idsOf(const QList<usecases::BuildView> &views)
{
    QStringList ids;
    for (const usecases::BuildView &view : views)
        ids.append(view.build.id);
    return ids;
}

} // namespace

class TestBuildService : public QObject {
    Q_OBJECT

private slots:
    void onlyOwnersAndAdminsReachABuild_data();
    void onlyOwnersAndAdminsReachABuild();
    void listShowsTheCallersBuildsNewestFirst();
    void listFiltersByApplicationAndState();
    void listPagesThroughEveryBuild();
    void cancel_data();
    void cancel();
    void retryQueuesTheCurrentCommitAndSupersedes();
    void retryNeedsACommit();
    void queuedBuildsKnowTheirFairPosition();
};

void TestBuildService::onlyOwnersAndAdminsReachABuild_data()
{
    QTest::addColumn<QString>("callerName");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("owner") << QStringLiteral("alice") << true;
    QTest::newRow("admin") << QStringLiteral("root") << true;
    QTest::newRow("other member") << QStringLiteral("bob") << false;
}

void TestBuildService::onlyOwnersAndAdminsReachABuild()
{
    QFETCH(QString, callerName);
    QFETCH(bool, allowed);
    Platform platform;
    platform.store.setApplicationCommit(platform.store.findApplicationByName(QStringLiteral("site"))->id,
                                        kCommit);
    const QString buildId = platform.addBuild(QStringLiteral("site"), BuildState::Queued);
    const Caller caller = platform.caller(callerName);

    if (allowed) {
        QCOMPARE(platform.builds.get(caller, buildId).build.id, buildId);
        QCOMPARE(platform.builds.cancel(caller, buildId).build.state, BuildState::Canceled);
        QCOMPARE(platform.builds.retry(caller, QStringLiteral("site")).build.state, BuildState::Queued);
    } else {
        VERIFY_ERROR(platform.builds.get(caller, buildId), ErrorKind::Forbidden, buildId);
        VERIFY_ERROR(platform.builds.cancel(caller, buildId), ErrorKind::Forbidden, buildId);
        VERIFY_ERROR(platform.builds.retry(caller, QStringLiteral("site")), ErrorKind::Forbidden,
                     QStringLiteral("'site'"));
        VERIFY_ERROR(platform.builds.list(caller, QStringLiteral("site"), {}, {}), ErrorKind::Forbidden,
                     QStringLiteral("'site'"));
        VERIFY_ERROR(platform.builds.watchEvents(caller, QStringLiteral("site"), std::nullopt, [] {}),
                     ErrorKind::Forbidden, QStringLiteral("'site'"));
        QCOMPARE(platform.stateOf(buildId), BuildState::Queued);
    }
    VERIFY_ERROR(platform.builds.get(caller, QStringLiteral("bld_missing")), ErrorKind::NotFound,
                 QStringLiteral("bld_missing"));
}

void TestBuildService::listShowsTheCallersBuildsNewestFirst()
{
    Platform platform;
    const QString older = platform.addBuild(QStringLiteral("site"), BuildState::Succeeded, 20);
    const QString bobs = platform.addBuild(QStringLiteral("blog"), BuildState::Failed, 10);
    const QString newer = platform.addBuild(QStringLiteral("site"), BuildState::Building, 5);

    QCOMPARE(idsOf(platform.builds.list(platform.caller(QStringLiteral("alice")), {}, {}, {}).items),
             QStringList({newer, older}));
    QCOMPARE(idsOf(platform.builds.list(platform.caller(QStringLiteral("bob")), {}, {}, {}).items),
             QStringList({bobs}));
    QCOMPARE(idsOf(platform.builds.list(platform.caller(QStringLiteral("root")), {}, {}, {}).items),
             QStringList({newer, bobs, older}));
}

void TestBuildService::listFiltersByApplicationAndState()
{
    Platform platform;
    const QString succeeded = platform.addBuild(QStringLiteral("site"), BuildState::Succeeded, 20);
    const QString building = platform.addBuild(QStringLiteral("site"), BuildState::Building, 10);
    platform.addBuild(QStringLiteral("blog"), BuildState::Succeeded, 5);
    const Caller admin = platform.caller(QStringLiteral("root"));

    QCOMPARE(idsOf(platform.builds.list(admin, QStringLiteral("site"), {}, {}).items),
             QStringList({building, succeeded}));
    QCOMPARE(idsOf(platform.builds.list(admin, QStringLiteral("site"), {BuildState::Succeeded}, {}).items),
             QStringList({succeeded}));
    VERIFY_ERROR(platform.builds.list(admin, QStringLiteral("nope"), {}, {}), ErrorKind::NotFound,
                 QStringLiteral("nope"));
}

void TestBuildService::listPagesThroughEveryBuild()
{
    Platform platform;
    QStringList expected;
    for (int age = 1; age <= 5; ++age)
        expected.append(platform.addBuild(QStringLiteral("site"), BuildState::Succeeded, age));

    const Caller alice = platform.caller(QStringLiteral("alice"));
    QStringList seen;
    usecases::PageRequest request{.pageSize = 2, .pageToken = {}};
    int pages = 0;
    do {
        const usecases::Page<usecases::BuildView> page = platform.builds.list(alice, {}, {}, request);
        seen += idsOf(page.items);
        request.pageToken = page.nextPageToken;
        ++pages;
    } while (!request.pageToken.isEmpty());
    QCOMPARE(seen, expected);
    QCOMPARE(pages, 3);

    request.pageToken = QStringLiteral("not-a-token");
    VERIFY_ERROR(platform.builds.list(alice, {}, {}, request), ErrorKind::BadRequest,
                 QStringLiteral("page.page_token"));
}

void TestBuildService::cancel_data()
{
    QTest::addColumn<BuildState>("state");
    QTest::addColumn<bool>("runningHere");
    QTest::addColumn<BuildState>("expectedState");
    QTest::addColumn<bool>("expectedEvent");
    QTest::addColumn<QString>("expectedError"); // empty: the cancel succeeds

    QTest::newRow("queued") << BuildState::Queued << false << BuildState::Canceled << true << QString();
    // The executor kills the process tree and settles the build itself, with its own event.
    QTest::newRow("building here") << BuildState::Building << true << BuildState::Building << false
                                   << QString();
    QTest::newRow("building elsewhere")
        << BuildState::Building << false << BuildState::Canceled << true << QString();
    QTest::newRow("succeeded") << BuildState::Succeeded << false << BuildState::Succeeded << false
                               << QStringLiteral("already finished (succeeded)");
    QTest::newRow("failed") << BuildState::Failed << false << BuildState::Failed << false
                            << QStringLiteral("already finished (failed)");
    QTest::newRow("canceled") << BuildState::Canceled << false << BuildState::Canceled << false
                              << QStringLiteral("already finished (canceled)");
}

void TestBuildService::cancel()
{
    QFETCH(BuildState, state);
    QFETCH(bool, runningHere);
    QFETCH(BuildState, expectedState);
    QFETCH(bool, expectedEvent);
    QFETCH(QString, expectedError);
    Platform platform;
    const QString buildId = platform.addBuild(QStringLiteral("site"), state);
    if (runningHere)
        platform.executor.running.insert(buildId);
    const Caller alice = platform.caller(QStringLiteral("alice"));

    if (expectedError.isEmpty()) {
        const usecases::BuildView view = platform.builds.cancel(alice, buildId);
        QCOMPARE(view.build.state, expectedState);
        if (expectedState == BuildState::Canceled)
            QCOMPARE(view.build.failureReason, QStringLiteral("canceled by alice"));
    } else {
        VERIFY_ERROR(platform.builds.cancel(alice, buildId), ErrorKind::FailedPrecondition, expectedError);
    }
    QCOMPARE(platform.stateOf(buildId), expectedState);
    QCOMPARE(platform.executor.cancelRequests.contains(buildId), state == BuildState::Building);
    QCOMPARE(platform.takeEvents(),
             expectedEvent ? QStringList({buildId + QStringLiteral(" canceled")}) : QStringList());
}

void TestBuildService::retryQueuesTheCurrentCommitAndSupersedes()
{
    Platform platform;
    const domain::Application site = *platform.store.findApplicationByName(QStringLiteral("site"));
    platform.store.setApplicationCommit(site.id, kCommit);
    const QString waiting = platform.addBuild(QStringLiteral("site"), BuildState::Queued, 30);
    const QString succeeded = platform.addBuild(QStringLiteral("site"), BuildState::Succeeded, 60);

    const usecases::BuildView retried =
        platform.builds.retry(platform.caller(QStringLiteral("alice")), QStringLiteral("site"));

    QVERIFY(retried.build.id != waiting && retried.build.id != succeeded);
    QCOMPARE(retried.build.state, BuildState::Queued);
    QCOMPARE(retried.build.commit, kCommit);
    QCOMPARE(retried.build.configHash, site.configHash);
    QCOMPARE(retried.build.config.buildCommand, QStringLiteral("make"));
    QCOMPARE(retried.build.env, site.env);
    QCOMPARE(retried.build.applicationName, QStringLiteral("site"));
    QCOMPARE(retried.queuePosition, 1);
    QCOMPARE(platform.stateOf(waiting), BuildState::Canceled);
    QVERIFY(platform.store.findBuildById(waiting)->failureReason.contains(retried.build.id));
    QCOMPARE(platform.stateOf(succeeded), BuildState::Succeeded);
    QCOMPARE(platform.takeEvents(), QStringList({retried.build.id + QStringLiteral(" queued"),
                                                 waiting + QStringLiteral(" canceled")}));
    QCOMPARE(platform.scheduleRequests, 1);
}

void TestBuildService::retryNeedsACommit()
{
    Platform platform;
    VERIFY_ERROR(platform.builds.retry(platform.caller(QStringLiteral("alice")), QStringLiteral("site")),
                 ErrorKind::FailedPrecondition, QStringLiteral("no commit"));
    QVERIFY(platform.builds.list(platform.caller(QStringLiteral("root")), {}, {}, {}).items.isEmpty());
    QCOMPARE(platform.scheduleRequests, 0);
}

void TestBuildService::queuedBuildsKnowTheirFairPosition()
{
    Platform platform;
    // alice's burst came first, bob's single build after it: bob's still goes second.
    const QString alice1 = platform.addBuild(QStringLiteral("site"), BuildState::Queued, 40);
    const QString alice2 = platform.addBuild(QStringLiteral("site"), BuildState::Queued, 30);
    const QString alice3 = platform.addBuild(QStringLiteral("site"), BuildState::Queued, 20);
    const QString bobs = platform.addBuild(QStringLiteral("blog"), BuildState::Queued, 10);
    const QString finished = platform.addBuild(QStringLiteral("blog"), BuildState::Succeeded, 5);
    const Caller admin = platform.caller(QStringLiteral("root"));

    QCOMPARE(platform.builds.get(admin, alice1).queuePosition, 1);
    QCOMPARE(platform.builds.get(admin, bobs).queuePosition, 2);
    QCOMPARE(platform.builds.get(admin, alice2).queuePosition, 3);
    QCOMPARE(platform.builds.get(admin, alice3).queuePosition, 4);
    QCOMPARE(platform.builds.get(admin, finished).queuePosition, 0);

    QHash<QString, int> listed;
    for (const usecases::BuildView &view : platform.builds.list(admin, {}, {}, {}).items)
        listed.insert(view.build.id, view.queuePosition);
    QCOMPARE(listed.value(bobs), 2);
    QCOMPARE(listed.value(alice3), 4);
    QCOMPARE(listed.value(finished), 0);
}

QTEST_GUILESS_MAIN(TestBuildService)
#include "tst_build_service.moc"
