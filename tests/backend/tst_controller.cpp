#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "domain/ids.h"
#include "git_fixture.h"
#include "store_fixtures.h"
#include "usecases/application_service.h"
#include "usecases/build_executor.h"
#include "usecases/controller.h"
#include "usecases/event_hub.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <mutex>

using namespace std::chrono_literals;
using namespace vitrine;
using domain::BuildState;

namespace {

// Records what the scheduler starts; the test settles the builds itself.
class FakeExecutor final : public usecases::BuildExecutor {
public:
    int freeSlots() const override
    {
        std::lock_guard lock(m_mutex);
        return m_slots - int(m_running.size());
    }
    void start(const domain::Build &build) override
    {
        std::lock_guard lock(m_mutex);
        m_running.append(build.id);
        m_started.append(build);
    }
    bool cancel(const QString &buildId) override
    {
        std::lock_guard lock(m_mutex);
        m_canceled.append(buildId);
        return m_running.removeOne(buildId);
    }
    QList<usecases::BuilderStatus> builders() const override
    {
        std::lock_guard lock(m_mutex);
        return {{QStringLiteral("fake"), QStringLiteral("fake"), false, m_slots, m_running}};
    }

    void setSlots(int count)
    {
        std::lock_guard lock(m_mutex);
        m_slots = count;
    }
    void finished(const QString &buildId)
    {
        std::lock_guard lock(m_mutex);
        m_running.removeOne(buildId);
    }
    QList<domain::Build> started() const
    {
        std::lock_guard lock(m_mutex);
        return m_started;
    }
    QStringList canceled() const
    {
        std::lock_guard lock(m_mutex);
        return m_canceled;
    }

private:
    mutable std::mutex m_mutex;
    int m_slots = 0;
    QStringList m_running;
    QList<domain::Build> m_started;
    QStringList m_canceled;
};

// Runs nothing: an instance is RUNNING at once on a made-up port, unless its start command says "never
// healthy" (then ERRORED). Tells the observer, as a backend does, from the converging thread.
class FakeRuntime final : public domain::RuntimeBackend {
public:
    void setObserver(domain::RuntimeObserver *observer) override { m_observer = observer; }

    void converge(const QString &applicationId, const QList<domain::InstanceSpec> &desired) override
    {
        QList<domain::InstanceStatus> changed;
        {
            std::lock_guard lock(m_mutex);
            QStringList wanted;
            for (const domain::InstanceSpec &spec : desired)
                wanted.append(spec.instanceId);
            m_instances.removeIf([&](const auto &entry) {
                return entry.value().applicationId == applicationId && !wanted.contains(entry.key());
            });
            for (const domain::InstanceSpec &spec : desired) {
                if (m_instances.contains(spec.instanceId))
                    continue;
                domain::InstanceStatus status;
                status.instanceId = spec.instanceId;
                status.applicationId = spec.applicationId;
                status.applicationName = spec.applicationName;
                status.buildId = spec.buildId;
                const bool healthy = !spec.startCommand.contains(QStringLiteral("never healthy"));
                status.state = healthy ? domain::InstanceState::Running : domain::InstanceState::Errored;
                status.upstream = QStringLiteral("127.0.0.1:%1").arg(m_nextPort++);
                m_instances.insert(spec.instanceId, status);
                m_started.append(spec);
                changed.append(status);
            }
        }
        for (const domain::InstanceStatus &status : changed)
            m_observer->instanceStateChanged(status);
    }

    QList<domain::InstanceStatus> instances(const QString &applicationId) override
    {
        std::lock_guard lock(m_mutex);
        QList<domain::InstanceStatus> result;
        for (const domain::InstanceStatus &status : std::as_const(m_instances)) {
            if (applicationId.isEmpty() || status.applicationId == applicationId)
                result.append(status);
        }
        return result;
    }

    QList<domain::InstanceUsage> sampleUsage() override { return {}; }
    QString name() const override { return QStringLiteral("fake"); }

    QStringList upstreams() const
    {
        std::lock_guard lock(m_mutex);
        QStringList result;
        for (const domain::InstanceStatus &status : m_instances)
            result.append(status.upstream);
        return result;
    }
    QList<domain::InstanceSpec> started() const
    {
        std::lock_guard lock(m_mutex);
        return m_started;
    }

private:
    mutable std::mutex m_mutex;
    domain::RuntimeObserver *m_observer = nullptr;
    QMap<QString, domain::InstanceStatus> m_instances;
    QList<domain::InstanceSpec> m_started;
    int m_nextPort = 20'000;
};

// Keeps the last route set it was given, and checks each one: every upstream it is told to proxy to must be
// running at that moment (so no request fails during a deploy).
class FakeRouter final : public domain::Router {
public:
    explicit FakeRouter(FakeRuntime &runtime)
        : m_runtime(runtime)
    {
    }

    void apply(const QList<domain::Route> &routes) override
    {
        const QStringList running = m_runtime.upstreams();
        std::lock_guard lock(m_mutex);
        for (const domain::Route &route : routes) {
            if (!route.upstream.isEmpty() && !route.wake && !running.contains(route.upstream))
                m_routesToStoppedInstances.append(route.upstream);
        }
        m_routes = routes;
    }

    QHash<QString, domain::RequestActivity> requestActivity() override
    {
        std::lock_guard lock(m_mutex);
        return m_activity;
    }

    void requestServed(const QString &applicationName)
    {
        std::lock_guard lock(m_mutex);
        domain::RequestActivity &activity = m_activity[applicationName];
        ++activity.requests;
        activity.lastRequestAt = QDateTime::currentDateTimeUtc();
    }

    QStringList routesToStoppedInstances() const
    {
        std::lock_guard lock(m_mutex);
        return m_routesToStoppedInstances;
    }

    QList<domain::Route> routes() const
    {
        std::lock_guard lock(m_mutex);
        return m_routes;
    }

private:
    FakeRuntime &m_runtime;
    mutable std::mutex m_mutex;
    QList<domain::Route> m_routes;
    QHash<QString, domain::RequestActivity> m_activity;
    QStringList m_routesToStoppedInstances;
};

QString madeDir(const QString &path)
{
    QDir().mkpath(path);
    return path;
}

// A platform in a temporary folder: a SQLite store with the admin "root" and the members "alice" and
// "bob", a real git remote with a repository "site" owned by alice, and a controller (started by start())
// over real git, archive and log adapters, with a fake executor and router.
struct Platform {
    QTemporaryDir dir;
    tests::GitFixture git{madeDir(dir.filePath(QStringLiteral("git")))};
    adapters::store::SqlStore store{QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("vitrine.db"))};
    adapters::git::Libgit2GitService gitService;
    adapters::archive::LibarchiveArtifactArchive archive;
    adapters::logfiles::FileBuildLogStore logs{dir.filePath(QStringLiteral("data/logs"))};
    usecases::EventHub events;
    usecases::BuildLogHub logHub{logs};
    FakeExecutor executor;
    FakeRuntime runtime;
    FakeRouter router{runtime};
    usecases::ApplicationService applications{store};
    std::unique_ptr<usecases::Controller> controller;
    QString repositoryId;

    Platform()
    {
        tests::addUser(store, QStringLiteral("root"), domain::Role::Admin);
        tests::addUser(store, QStringLiteral("alice"), domain::Role::Member);
        tests::addUser(store, QStringLiteral("bob"), domain::Role::Member);
        repositoryId = addRepository(QStringLiteral("site"), git.bareUrl());
    }

    ~Platform()
    {
        if (controller)
            controller->stop();
    }

    QString dataDir() const { return dir.filePath(QStringLiteral("data")); }

    QString userId(const QString &name) { return store.findUserByName(name)->id; }
    usecases::Caller root() { return usecases::Caller{*store.findUserByName(QStringLiteral("root"))}; }

    QString addRepository(const QString &name, const QString &url)
    {
        return tests::addRepository(store, name, url,
                                    {userId(QStringLiteral("alice")), userId(QStringLiteral("bob"))})
            .id;
    }

    domain::Application createApp(const QString &name, const QString &ref = QStringLiteral("main"),
                                  const QString &owner = QStringLiteral("alice"),
                                  const QString &repository = QStringLiteral("site"))
    {
        usecases::NewApplication request;
        request.name = name;
        request.repositoryRef = repository;
        request.ref = ref;
        request.build.type = domain::BuildType::Static;
        request.ownerNames = {owner};
        return applications.create(root(), request);
    }

    void start(int builderSlots, int siteRetention = 3)
    {
        applications.setObserver(nullptr);
        executor.setSlots(builderSlots);
        usecases::ControllerOptions options;
        options.dataDir = dataDir();
        options.siteRetention = siteRetention;
        options.schedulePassInterval = 100ms;
        options.crashCheckInterval = 100ms;
        options.resyncInterval = 200ms;
        options.drainPeriod = 100ms;
        options.sleepCheckInterval = 100ms;
        controller = std::make_unique<usecases::Controller>(store, gitService, archive, router, runtime,
                                                            executor, events, logHub, logs, options);
        applications.setObserver(controller.get());
        controller->setWakeUpstream(QStringLiteral("127.0.0.1:8081"));
        controller->start();
    }

    domain::Application createRuntimeApp(const QString &name, const QString &startCommand)
    {
        usecases::NewApplication request;
        request.name = name;
        request.repositoryRef = QStringLiteral("site");
        request.ref = QStringLiteral("main");
        request.build.type = domain::BuildType::RuntimeCmd;
        request.build.startCommand = startCommand;
        request.ownerNames = {QStringLiteral("alice")};
        return applications.create(root(), request);
    }

    domain::Application app(const QString &name) { return *store.findApplicationByName(name); }

    // The upstreams the router sends the application's requests to now.
    QStringList upstreamsOf(const QString &name) const
    {
        QStringList upstreams;
        for (const domain::Route &route : router.routes()) {
            if (route.applicationName == name)
                upstreams.append(route.upstream);
        }
        return upstreams;
    }

    QList<domain::Build> builds(const QString &applicationName)
    {
        domain::BuildFilter filter;
        filter.applicationId = app(applicationName).id;
        return store.listBuilds(filter, {}); // newest first
    }

    // A QUEUED build written straight to the store, as a retry would.
    domain::Build insertQueuedBuild(const domain::Application &application, const QDateTime &queuedAt)
    {
        domain::Build build;
        build.id = domain::newId(domain::idprefix::kBuild);
        build.applicationId = application.id;
        build.commit = QString(40, u'c');
        build.configHash = application.configHash;
        build.ownerKey = application.ownerIds.value(0);
        build.queuedAt = queuedAt;
        store.insertBuild(build);
        return build;
    }

    // What a builder does at the end of a static build: packs the files as the build's artifact and
    // settles it SUCCEEDED.
    void succeed(const domain::Build &build, const QByteArray &indexHtml)
    {
        const QString files = madeDir(dir.filePath(QStringLiteral("files/") + build.id));
        QFile index(files + QStringLiteral("/index.html"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write(indexHtml);
        index.close();
        const QString artifactPath = QStringLiteral("artifacts/%1.tar.gz").arg(build.id);
        madeDir(QDir(dataDir()).filePath(QStringLiteral("artifacts")));
        archive.pack(files, QDir(dataDir()).filePath(artifactPath));
        domain::BuildTransitionFields fields;
        fields.artifactPath = artifactPath;
        QVERIFY(store.transitionBuild(build.id, BuildState::Building, BuildState::Succeeded, fields));
        executor.finished(build.id);
        controller->buildSettled(*store.findBuildById(build.id));
    }

    // Commits index.html to main, pushes, waits for its build to start, and succeeds it; returns it.
    domain::Build deployVersion(const QByteArray &indexHtml)
    {
        const qsizetype startedBefore = executor.started().size();
        const QString commit = git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), indexHtml}},
                                          QStringLiteral("version"));
        controller->repositoryPushed(repositoryId);
        [&] { QTRY_COMPARE(executor.started().size(), startedBefore + 1); }();
        const domain::Build build = executor.started().constLast();
        [&] { QCOMPARE(build.commit, commit); }();
        succeed(build, indexHtml);
        [&] { QTRY_COMPARE(app(QStringLiteral("site")).currentBuildId, build.id); }();
        return build;
    }

    QString siteDir(const QString &buildId) const
    {
        return QDir(dataDir()).filePath(QStringLiteral("sites/site/") + buildId);
    }

    QStringList publishedVersions() const
    {
        return QDir(QDir(dataDir()).filePath(QStringLiteral("sites/site")))
            .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    }
};

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every event published from now on, as the test reads them.
struct EventLog {
    explicit EventLog(usecases::EventHub &hub)
        : subscription(hub.subscribe([](const domain::Event &) { return true; }, std::nullopt, [] {}))
    {
    }
    bool has(domain::EventType type, const QString &state = {})
    {
        for (const domain::Event &event : subscription->poll().events)
            seen.append(event);
        return std::any_of(seen.cbegin(), seen.cend(), [&](const domain::Event &event) {
            return event.type == type && (state.isEmpty() || event.state == state);
        });
    }
    std::unique_ptr<usecases::EventSubscription> subscription;
    QList<domain::Event> seen;
};

} // namespace

class TestController : public QObject {
    Q_OBJECT

private slots:
    void aNewCommitIsRegisteredOnce()
    {
        Platform p;
        const QString commit = p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}},
                                            QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        EventLog events(p.events);
        p.start(0);

        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 1);
        const domain::Build build = p.builds(QStringLiteral("site")).constFirst();
        QCOMPARE(build.state, BuildState::Queued);
        QCOMPARE(build.commit, commit);
        QCOMPARE(build.configHash, p.app(QStringLiteral("site")).configHash);
        QCOMPARE(build.ownerKey, p.userId(QStringLiteral("alice")));
        QTRY_VERIFY(events.has(domain::EventType::BuildStateChanged, QStringLiteral("queued")));

        // Fetched again, with the same commit and config: nothing new to build.
        const QDateTime fetchedAt = p.store.findRepositoryById(p.repositoryId)->lastFetchedAt;
        QTest::qWait(20);
        p.controller->repositoryPushed(p.repositoryId);
        QTRY_VERIFY(p.store.findRepositoryById(p.repositoryId)->lastFetchedAt > fetchedAt);
        QTest::qWait(500); // a few registration passes
        QCOMPARE(p.builds(QStringLiteral("site")).size(), 1);
    }

    void aNewerCommitSupersedesTheQueuedBuild()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        EventLog events(p.events);
        p.start(0);
        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 1);
        const QString first = p.builds(QStringLiteral("site")).constFirst().id;

        const QString second = p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v2"}},
                                            QStringLiteral("second"));
        p.controller->repositoryPushed(p.repositoryId);
        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 2);
        const domain::Build newest = p.builds(QStringLiteral("site")).constFirst();
        QCOMPARE(newest.commit, second);
        QCOMPARE(newest.state, BuildState::Queued);
        // The newer build is written first, then the older one is canceled.
        QTRY_COMPARE(p.store.findBuildById(first)->state, BuildState::Canceled);
        QCOMPARE(p.store.findBuildById(first)->failureReason,
                 QStringLiteral("superseded by a newer commit or config"));
        QTRY_VERIFY(events.has(domain::EventType::BuildStateChanged, QStringLiteral("canceled")));
    }

    void anEnvChangeRegistersANewBuild()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        p.start(0);
        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 1);

        const domain::Application changed = p.applications.setEnv(
            p.root(), QStringLiteral("site"), {{QStringLiteral("GREETING"), QStringLiteral("hello")}});
        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 2);
        const domain::Build newest = p.builds(QStringLiteral("site")).constFirst();
        QCOMPARE(newest.configHash, changed.configHash);
        QCOMPARE(newest.env.value(QStringLiteral("GREETING")), QStringLiteral("hello"));
        QTRY_COMPARE(p.builds(QStringLiteral("site")).constLast().state, BuildState::Canceled);
    }

    void schedulingFillsFreeSlotsFairly()
    {
        Platform p;
        // Refs that do not exist: nothing gets registered but the builds written here.
        const domain::Application aliceApp =
            p.createApp(QStringLiteral("alice-app"), QStringLiteral("none"), QStringLiteral("alice"));
        const domain::Application bobApp =
            p.createApp(QStringLiteral("bob-app"), QStringLiteral("none"), QStringLiteral("bob"));
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-100);
        QStringList aliceBuilds;
        for (int i = 0; i < 10; ++i)
            aliceBuilds.append(p.insertQueuedBuild(aliceApp, start.addSecs(i)).id);
        const QString bobBuild = p.insertQueuedBuild(bobApp, start.addSecs(10)).id;

        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 2);
        QCOMPARE(p.executor.started().at(0).id, aliceBuilds.at(0));
        QCOMPARE(p.executor.started().at(1).id, bobBuild);
        QCOMPARE(p.store.findBuildById(bobBuild)->state, BuildState::Building);
        QTest::qWait(300); // a few scheduling passes: both slots are busy
        QCOMPARE(p.executor.started().size(), 2);

        p.succeed(p.executor.started().at(0), "done");
        QTRY_COMPARE(p.executor.started().size(), 3);
        QCOMPARE(p.executor.started().at(2).id, aliceBuilds.at(1));
    }

    void aBuildWithoutHeartbeatFails()
    {
        Platform p;
        const domain::Application application = p.createApp(QStringLiteral("site"), QStringLiteral("none"));
        const domain::Build build = p.insertQueuedBuild(application, QDateTime::currentDateTimeUtc());
        domain::BuildTransitionFields fields;
        fields.at = QDateTime::currentDateTimeUtc().addSecs(-120);
        fields.builderId = QStringLiteral("gone");
        QVERIFY(p.store.transitionBuild(build.id, BuildState::Queued, BuildState::Building, fields));
        EventLog events(p.events);

        p.start(0);
        QTRY_COMPARE(p.store.findBuildById(build.id)->state, BuildState::Failed);
        QCOMPARE(p.store.findBuildById(build.id)->failureReason,
                 QStringLiteral("the builder stopped sending heartbeats (no heartbeat for 60 s)"));
        QTRY_VERIFY(p.executor.canceled().contains(build.id));
        QTRY_VERIFY(events.has(domain::EventType::BuildStateChanged, QStringLiteral("failed")));
    }

    void aSucceededBuildIsPublishedAndRouted()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        usecases::ApplicationChanges spa;
        spa.spaFallback = true;
        p.applications.update(p.root(), QStringLiteral("site"), spa);
        EventLog events(p.events);
        p.start(2);

        QTRY_COMPARE(p.executor.started().size(), 1);
        const domain::Build build = p.executor.started().constFirst();
        p.succeed(build, "<h1>v1</h1>");

        QTRY_COMPARE(p.app(QStringLiteral("site")).currentBuildId, build.id);
        QTRY_COMPARE(p.router.routes().size(), 1);
        const domain::Route route = p.router.routes().constFirst();
        QCOMPARE(route.applicationName, QStringLiteral("site"));
        QCOMPARE(route.fqdn, QStringLiteral("site.localhost"));
        QCOMPARE(route.pathPrefix, QStringLiteral("/"));
        QCOMPARE(route.staticRoot, p.siteDir(build.id));
        QVERIFY(route.spaFallback);
        QCOMPARE(readFile(route.staticRoot + QStringLiteral("/index.html")), QByteArray("<h1>v1</h1>"));
        QTRY_VERIFY(events.has(domain::EventType::ApplicationDeployed));
    }

    void oldVersionsAreRemovedButNotTheServedOne()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v0"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        p.start(2, 2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        const domain::Build first = p.executor.started().constFirst();
        p.succeed(first, "v0");
        QTRY_COMPARE(p.app(QStringLiteral("site")).currentBuildId, first.id);

        const domain::Build second = p.deployVersion("v1");
        const domain::Build third = p.deployVersion("v2");

        QStringList expected{second.id, third.id};
        expected.sort();
        QTRY_COMPARE(p.publishedVersions(), expected);
        QTRY_COMPARE(p.router.routes().size(), 1);
        QTRY_COMPARE(p.router.routes().constFirst().staticRoot, p.siteDir(third.id));
        QCOMPARE(readFile(p.siteDir(third.id) + QStringLiteral("/index.html")), QByteArray("v2"));
    }

    void deletingAnApplicationRemovesWhatItLeftBehind()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v0"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        const domain::Build build = p.executor.started().constFirst();
        p.logs.append(build.id, domain::LogLine{1, QDateTime::currentDateTimeUtc(), domain::LogStream::Stdout,
                                                QStringLiteral("building")});
        p.succeed(build, "v0");
        QTRY_COMPARE(p.router.routes().size(), 1);
        const QString artifact = QDir(p.dataDir()).filePath(p.store.findBuildById(build.id)->artifactPath);
        QVERIFY(QFile::exists(artifact));
        EventLog events(p.events);

        p.applications.remove(p.root(), QStringLiteral("site"));

        QVERIFY(!QFileInfo::exists(QDir(p.dataDir()).filePath(QStringLiteral("sites/site"))));
        QVERIFY(!QFile::exists(artifact));
        QVERIFY(!QFile::exists(p.logs.pathOf(build.id)));
        QTRY_VERIFY(p.router.routes().isEmpty());
        QTRY_VERIFY(events.has(domain::EventType::ApplicationDeleted));
    }

    void deletingAnApplicationEndsTheLogWatchersOfItsQueuedBuilds()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v0"}}, QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        p.start(0);
        QTRY_COMPARE(p.builds(QStringLiteral("site")).size(), 1);
        const domain::Build queued = p.builds(QStringLiteral("site")).constFirst();
        const auto watcher = p.logHub.subscribe(queued.id, 0, std::nullopt, [] {});
        QVERIFY(!watcher->poll().end);

        p.applications.remove(p.root(), QStringLiteral("site"));

        const usecases::BuildLogBatch batch = watcher->poll();
        QVERIFY(batch.end);
        QCOMPARE(batch.end->reason, usecases::BuildLogEnd::Reason::Finished);
        QCOMPARE(batch.end->finalState, BuildState::Canceled);
    }

    void aRuntimeBuildRunsAndIsRouted()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "print()"}},
                     QStringLiteral("first"));
        p.createRuntimeApp(QStringLiteral("web"), QStringLiteral("python3 app.py"));
        EventLog events(p.events);
        p.start(2);

        QTRY_COMPARE(p.executor.started().size(), 1);
        const domain::Build build = p.executor.started().constFirst();
        QCOMPARE(build.deployType, domain::DeployType::Runtime);
        p.succeed(build, "release");

        QTRY_COMPARE(p.app(QStringLiteral("web")).currentBuildId, build.id);
        QCOMPARE(p.runtime.started().size(), 1);
        const domain::InstanceSpec spec = p.runtime.started().constFirst();
        QCOMPARE(spec.startCommand, QStringLiteral("python3 app.py"));
        QCOMPARE(spec.buildId, build.id);
        QVERIFY(QFileInfo(spec.releaseDirectory + QStringLiteral("/index.html")).isFile());
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")), p.runtime.upstreams());
        QTRY_VERIFY(events.has(domain::EventType::ApplicationDeployed));
        QTRY_VERIFY(events.has(domain::EventType::ApplicationStateChanged, QStringLiteral("running")));
        QCOMPARE(p.controller->runtimeStatus(p.app(QStringLiteral("web")).id).state,
                 domain::InstanceState::Running);
    }

    void aNewVersionTakesOverOnlyOnceItRuns()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "v1"}}, QStringLiteral("first"));
        p.createRuntimeApp(QStringLiteral("web"), QStringLiteral("python3 app.py"));
        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        p.succeed(p.executor.started().constFirst(), "v1");
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")).size(), 1);
        const QString firstUpstream = p.upstreamsOf(QStringLiteral("web")).constFirst();

        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "v2"}}, QStringLiteral("second"));
        p.controller->repositoryPushed(p.repositoryId);
        QTRY_COMPARE(p.executor.started().size(), 2);
        const domain::Build second = p.executor.started().constLast();
        p.succeed(second, "v2");

        QTRY_COMPARE(p.app(QStringLiteral("web")).currentBuildId, second.id);
        QTRY_VERIFY(!p.upstreamsOf(QStringLiteral("web")).contains(firstUpstream));
        QTRY_COMPARE(p.runtime.upstreams(), p.upstreamsOf(QStringLiteral("web"))); // the old one stopped
        QCOMPARE(p.router.routesToStoppedInstances(), QStringList());
    }

    void aVersionThatNeverGetsHealthyLeavesTheOldOneServing()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "v1"}}, QStringLiteral("first"));
        p.createRuntimeApp(QStringLiteral("web"), QStringLiteral("python3 app.py"));
        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        const domain::Build first = p.executor.started().constFirst();
        p.succeed(first, "v1");
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")).size(), 1);
        const QStringList serving = p.upstreamsOf(QStringLiteral("web"));

        usecases::ApplicationChanges broken;
        domain::BuildConfig config = p.app(QStringLiteral("web")).build;
        config.startCommand = QStringLiteral("never healthy");
        broken.build = config;
        p.applications.update(p.root(), QStringLiteral("web"), broken);
        QTRY_COMPARE(p.executor.started().size(), 2);
        p.succeed(p.executor.started().constLast(), "v2");

        QTRY_COMPARE(p.runtime.started().size(), 2);
        QTRY_COMPARE(p.runtime.upstreams(), serving); // the errored one is gone, the old one stays
        QCOMPARE(p.upstreamsOf(QStringLiteral("web")), serving);
        QCOMPARE(p.app(QStringLiteral("web")).currentBuildId, first.id);
    }

    void restartReplacesTheInstanceAndStopStopsIt()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "v1"}}, QStringLiteral("first"));
        const domain::Application web =
            p.createRuntimeApp(QStringLiteral("web"), QStringLiteral("python3 app.py"));
        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        p.succeed(p.executor.started().constFirst(), "v1");
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")).size(), 1);
        const QStringList before = p.upstreamsOf(QStringLiteral("web"));

        p.controller->restartApplication(web.id);
        QTRY_COMPARE(p.runtime.started().size(), 2);
        QTRY_VERIFY(p.upstreamsOf(QStringLiteral("web")) != before);
        QTRY_COMPARE(p.runtime.upstreams(), p.upstreamsOf(QStringLiteral("web")));
        QCOMPARE(p.router.routesToStoppedInstances(), QStringList());

        p.applications.stop(p.root(), QStringLiteral("web"));
        QTRY_COMPARE(p.runtime.upstreams(), QStringList());
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")), QStringList());
    }

    void anIdleApplicationSleepsAndARequestWakesIt()
    {
        Platform p;
        p.git.commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "v1"}}, QStringLiteral("first"));
        p.createRuntimeApp(QStringLiteral("web"), QStringLiteral("python3 app.py"));
        usecases::ApplicationChanges sleepy;
        sleepy.autoSleepSeconds = 1;
        p.applications.update(p.root(), QStringLiteral("web"), sleepy);
        p.start(2);
        QTRY_COMPARE(p.executor.started().size(), 1);
        p.succeed(p.executor.started().constFirst(), "v1");
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")).size(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(p.runtime.upstreams(), QStringList(), 10'000);
        QTRY_COMPARE(p.upstreamsOf(QStringLiteral("web")), QStringList{QStringLiteral("127.0.0.1:8081")});
        QVERIFY(p.router.routes().constFirst().wake);
        QCOMPARE(p.controller->runtimeStatus(p.app(QStringLiteral("web")).id).state,
                 domain::InstanceState::Sleeping);

        QVERIFY(!p.controller->wakeApplication(QStringLiteral("web")));
        QTRY_VERIFY(p.controller->wakeApplication(QStringLiteral("web")));
        QCOMPARE(p.upstreamsOf(QStringLiteral("web")), p.runtime.upstreams());
        QVERIFY(!p.router.routes().constFirst().wake);
    }

    void aBrokenRepositoryDoesNotStopTheOthers()
    {
        Platform p;
        // Sorts first, so the full pass meets it before the good one.
        const QString broken =
            p.addRepository(QStringLiteral("aaa-broken"), p.dir.filePath(QStringLiteral("missing.git")));
        p.createApp(QStringLiteral("broken-app"), QStringLiteral("main"), QStringLiteral("alice"),
                    QStringLiteral("aaa-broken"));
        const QString commit = p.git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}},
                                            QStringLiteral("first"));
        p.createApp(QStringLiteral("site"));
        p.start(0);

        QTRY_COMPARE(p.app(QStringLiteral("site")).currentCommit, commit);
        QTRY_VERIFY(!p.store.findRepositoryById(broken)->lastFetchError.isEmpty());
        QVERIFY(p.store.findRepositoryById(p.repositoryId)->lastFetchError.isEmpty());
        QVERIFY(p.app(QStringLiteral("broken-app")).currentCommit.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestController)
#include "tst_controller.moc"
