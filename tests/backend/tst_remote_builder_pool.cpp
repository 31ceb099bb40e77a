#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "store_fixtures.h"
#include "usecases/remote_builder_pool.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace vitrine::domain;
using vitrine::adapters::logfiles::FileBuildLogStore;
using vitrine::adapters::store::SqlStore;
using vitrine::usecases::BuildLogHub;
using vitrine::usecases::BuildSettler;
using vitrine::usecases::EventHub;
using vitrine::usecases::RemoteBuilderLink;
using vitrine::usecases::RemoteBuilderPool;
using vitrine::usecases::RemoteBuilderPoolOptions;
using vitrine::usecases::RemoteJob;

Q_DECLARE_METATYPE(vitrine::domain::BuildPlan)
Q_DECLARE_METATYPE(std::optional<vitrine::domain::BuildPlan>)

namespace {

// What the pool sent to one builder.
class RecordingLink final : public RemoteBuilderLink {
public:
    void sendJob(const RemoteJob &job) override { jobs << job; }
    void sendCancel(const QString &buildId) override { cancels << buildId; }

    QList<RemoteJob> jobs;
    QStringList cancels;
};

} // namespace

class TestRemoteBuilderPool : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void buildsGoWhereMostSlotsAreFree();
    void successStoresTheArtifact_data();
    void successStoresTheArtifact();
    void failureKeepsTheReason();
    void oversizedArtifactFails();
    void reportsAboutOtherBuildsAreIgnored();
    void disconnectLeavesBuildsToCrashDetection();
    void cancelReachesTheBuilder();
    void heartbeatOfASettledBuildCancelsIt();

private:
    void makePool(qint64 maxArtifactBytes = 256LL << 20);
    Build buildingBuild();
    BuildState stateOf(const QString &buildId) { return m_store->findBuildById(buildId)->state; }

    std::unique_ptr<QTemporaryDir> m_root;
    std::unique_ptr<SqlStore> m_store;
    std::unique_ptr<FileBuildLogStore> m_logStore;
    std::unique_ptr<BuildLogHub> m_logHub;
    std::unique_ptr<EventHub> m_eventHub;
    std::unique_ptr<BuildSettler> m_settler;
    Application m_application;
    QList<Build> m_settled;
    std::unique_ptr<RemoteBuilderPool> m_pool;
};

void TestRemoteBuilderPool::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    m_store = std::make_unique<SqlStore>(QStringLiteral("sqlite:") +
                                         m_root->filePath(QStringLiteral("vitrine.db")));
    m_logStore = std::make_unique<FileBuildLogStore>(m_root->filePath(QStringLiteral("logs")));
    m_logHub = std::make_unique<BuildLogHub>(*m_logStore);
    m_eventHub = std::make_unique<EventHub>();
    m_settler = std::make_unique<BuildSettler>(*m_store, *m_logHub, *m_eventHub, nullptr, m_root->path());

    const User owner = vitrine::tests::addUser(*m_store, QStringLiteral("alice"), Role::Member);
    const Repository repository = vitrine::tests::addRepository(
        *m_store, QStringLiteral("site"), QStringLiteral("https://git.example/site.git"), {owner.id});
    m_application =
        vitrine::tests::newApplication(repository, QStringLiteral("site"), QStringLiteral("config-hash"));
    m_store->insertApplication(m_application);
}

void TestRemoteBuilderPool::cleanup()
{
    m_pool.reset();
    m_settled.clear();
}

void TestRemoteBuilderPool::makePool(qint64 maxArtifactBytes)
{
    RemoteBuilderPoolOptions options;
    options.dataDir = m_root->path();
    options.maxArtifactBytes = maxArtifactBytes;
    m_pool = std::make_unique<RemoteBuilderPool>(*m_store, *m_logHub, *m_settler, options,
                                                 [this](const Build &build) { m_settled << build; });
}

Build TestRemoteBuilderPool::buildingBuild()
{
    Build build;
    build.id = newId(idprefix::kBuild);
    build.applicationId = m_application.id;
    build.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    build.configHash = m_application.configHash;
    build.ownerKey = m_application.ownerIds.first();
    m_store->insertBuild(build);
    if (!m_store->transitionBuild(build.id, BuildState::Queued, BuildState::Building, {}))
        qFatal("the new build %s could not be moved to BUILDING", qPrintable(build.id));
    return *m_store->findBuildById(build.id);
}

void TestRemoteBuilderPool::buildsGoWhereMostSlotsAreFree()
{
    makePool();
    QCOMPARE(m_pool->freeSlots(), 0);
    QVERIFY_THROWS_EXCEPTION(Error, m_pool->start(buildingBuild()));

    RecordingLink small;
    RecordingLink large;
    m_pool->attach(small, QStringLiteral("small"), 1);
    m_pool->attach(large, QStringLiteral("large"), 2);
    QCOMPARE(m_pool->freeSlots(), 3);

    const Build first = buildingBuild();
    m_pool->start(first);
    QCOMPARE(large.jobs.size(), 1);
    QCOMPARE(large.jobs.first().build.id, first.id);
    QCOMPARE(large.jobs.first().repositoryUrl, QStringLiteral("https://git.example/site.git"));
    m_pool->start(buildingBuild());
    m_pool->start(buildingBuild());
    QCOMPARE(small.jobs.size(), 1);
    QCOMPARE(large.jobs.size(), 2);
    QCOMPARE(m_pool->freeSlots(), 0);
    QVERIFY_THROWS_EXCEPTION(Error, m_pool->start(buildingBuild()));
}

void TestRemoteBuilderPool::successStoresTheArtifact_data()
{
    QTest::addColumn<std::optional<BuildPlan>>("reportedPlan");
    QTest::addColumn<BuildPlan>("storedPlan");

    QTest::newRow("with the plan the builder detected")
        << std::optional(BuildPlan{DeployType::Runtime, QStringLiteral("npm start")})
        << BuildPlan{DeployType::Runtime, QStringLiteral("npm start")};
    QTest::newRow("from a builder that tells no plan: as registered")
        << std::optional<BuildPlan>() << BuildPlan{DeployType::Static, {}};
}

void TestRemoteBuilderPool::successStoresTheArtifact()
{
    QFETCH(std::optional<BuildPlan>, reportedPlan);
    QFETCH(BuildPlan, storedPlan);

    makePool();
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);
    QCOMPARE(m_pool->freeSlots(), 0);

    m_pool->logLine(builder, build.id, LogStream::Stdout, QStringLiteral("hello from afar"));
    m_pool->artifactChunk(builder, build.id, "first half, ");
    m_pool->artifactChunk(builder, build.id, "second half");
    m_pool->result(builder, build.id, BuildState::Succeeded, {}, reportedPlan);

    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Succeeded);
    QCOMPARE((BuildPlan{stored.deployType, stored.startCommand}), storedPlan);
    QCOMPARE(stored.artifactPath, QStringLiteral("artifacts/%1.tar.gz").arg(build.id));
    QFile artifact(QDir(m_root->path()).filePath(stored.artifactPath));
    QVERIFY(artifact.open(QIODevice::ReadOnly));
    QCOMPARE(artifact.readAll(), QByteArray("first half, second half"));
    QCOMPARE(m_settled.size(), 1);
    QCOMPARE(m_settled.first().state, BuildState::Succeeded);
    QCOMPARE(m_pool->freeSlots(), 1);
}

void TestRemoteBuilderPool::failureKeepsTheReason()
{
    makePool();
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);
    m_pool->result(builder, build.id, BuildState::Failed, QStringLiteral("build command exited with code 2"),
                   std::nullopt);

    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Failed);
    QCOMPARE(stored.failureReason, QStringLiteral("build command exited with code 2"));
    QVERIFY(stored.artifactPath.isEmpty());
}

void TestRemoteBuilderPool::oversizedArtifactFails()
{
    makePool(8);
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);
    m_pool->artifactChunk(builder, build.id, "12345");
    m_pool->artifactChunk(builder, build.id, "67890");
    m_pool->result(builder, build.id, BuildState::Succeeded, {},
                   BuildPlan{DeployType::Runtime, QStringLiteral("npm start")});

    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Failed);
    QVERIFY2(stored.failureReason.contains(QStringLiteral("artifact is larger")),
             qPrintable(stored.failureReason));
    QCOMPARE(stored.startCommand, QString()); // a failed build keeps the deploy it was registered with
    QVERIFY(QDir(m_root->filePath(QStringLiteral("artifacts"))).isEmpty());
}

void TestRemoteBuilderPool::reportsAboutOtherBuildsAreIgnored()
{
    makePool();
    RecordingLink holder;
    m_pool->attach(holder, QStringLiteral("holder"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);
    RecordingLink other;
    const QString stranger = m_pool->attach(other, QStringLiteral("stranger"), 1);

    m_pool->artifactChunk(stranger, build.id, "not mine");
    m_pool->result(stranger, build.id, BuildState::Succeeded, {}, std::nullopt);
    QCOMPARE(stateOf(build.id), BuildState::Building);
    QVERIFY(m_settled.isEmpty());
    QVERIFY(QDir(m_root->filePath(QStringLiteral("artifacts"))).isEmpty());
}

void TestRemoteBuilderPool::disconnectLeavesBuildsToCrashDetection()
{
    makePool();
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 2);
    const Build build = buildingBuild();
    m_pool->start(build);
    m_pool->artifactChunk(builder, build.id, "partial");
    m_pool->detach(builder);

    QCOMPARE(m_pool->freeSlots(), 0);
    QVERIFY(!m_pool->cancel(build.id));
    m_pool->result(builder, build.id, BuildState::Succeeded, {}, std::nullopt);
    QCOMPARE(stateOf(build.id), BuildState::Building);
    QVERIFY(QDir(m_root->filePath(QStringLiteral("artifacts"))).isEmpty());
}

void TestRemoteBuilderPool::cancelReachesTheBuilder()
{
    makePool();
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);

    QVERIFY(!m_pool->cancel(QStringLiteral("bld_unknown")));
    QVERIFY(m_pool->cancel(build.id));
    QCOMPARE(link.cancels, QStringList{build.id});
    m_pool->result(builder, build.id, BuildState::Canceled, QStringLiteral("canceled"), std::nullopt);
    QCOMPARE(stateOf(build.id), BuildState::Canceled);
}

void TestRemoteBuilderPool::heartbeatOfASettledBuildCancelsIt()
{
    makePool();
    RecordingLink link;
    const QString builder = m_pool->attach(link, QStringLiteral("remote"), 1);
    const Build build = buildingBuild();
    m_pool->start(build);

    m_pool->heartbeat(builder, {build.id});
    QVERIFY(link.cancels.isEmpty());
    QVERIFY(m_store->transitionBuild(build.id, BuildState::Building, BuildState::Failed, {}));
    m_pool->heartbeat(builder, {build.id});
    QCOMPARE(link.cancels, QStringList{build.id});
}

QTEST_GUILESS_MAIN(TestRemoteBuilderPool)
#include "tst_remote_builder_pool.moc"
