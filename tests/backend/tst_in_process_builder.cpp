#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/sandbox/bubblewrap_command_runner.h"
#include "adapters/store/sql_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "file_tree.h"
#include "git_fixture.h"
#include "recording_notifier.h"
#include "store_fixtures.h"
#include "usecases/in_process_builder.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

using namespace vitrine::domain;
using vitrine::adapters::archive::LibarchiveArtifactArchive;
using vitrine::adapters::git::Libgit2GitService;
using vitrine::adapters::logfiles::FileBuildLogStore;
using vitrine::adapters::sandbox::BubblewrapCommandRunner;
using vitrine::adapters::store::SqlStore;
using vitrine::tests::filesIn;
using vitrine::tests::GitFixture;
using vitrine::tests::RecordingNotifier;
using vitrine::tests::Tree;
using vitrine::usecases::BuilderOptions;
using vitrine::usecases::BuildLogHub;
using vitrine::usecases::EventHub;
using vitrine::usecases::EventSubscription;
using vitrine::usecases::InProcessBuilder;

Q_DECLARE_METATYPE(vitrine::domain::BuildType)
Q_DECLARE_METATYPE(vitrine::domain::DeployType)
Q_DECLARE_METATYPE(vitrine::domain::BuildPlan)

namespace {

// How long a test waits for a build to settle before it gives up: generous, the machine is shared.
constexpr int kSettleTimeoutMs = 60'000;

// Whether any process has an argument that contains marker.
bool processWithMarkerRuns(const QByteArray &marker)
{
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(marker))
            return true;
    }
    return false;
}

BuildConfig staticConfig(const QString &artifactDir)
{
    BuildConfig config;
    config.type = BuildType::Static;
    config.artifactDir = artifactDir;
    return config;
}

BuildConfig commandConfig(const QString &command, const QString &artifactDir = QStringLiteral("dist"))
{
    BuildConfig config;
    config.type = BuildType::StaticCmd;
    config.buildCommand = command;
    config.artifactDir = artifactDir;
    return config;
}

} // namespace

class TestInProcessBuilder : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void staticBuildPublishesTheCommittedFiles_data();
    void staticBuildPublishesTheCommittedFiles();
    void commandBuildLogsItsOutputInOrder();
    void failingCommandFails_data();
    void failingCommandFails();
    void badArtifactDirFails_data();
    void badArtifactDirFails();
    void runtimeCommandBuildPublishesTheWholeTree_data();
    void runtimeCommandBuildPublishesTheWholeTree();
    void runtimeCommandBuildNeedsAStartCommand();
    void autoBuildFollowsTheDetectedPlan_data();
    void autoBuildFollowsTheDetectedPlan();
    void autoBuildFails_data();
    void autoBuildFails();
    void dockerfileBuildWithoutAnEngineFails_data();
    void dockerfileBuildWithoutAnEngineFails();
    void cancelStopsTheBuild();
    void buildSettledElsewhereStopsAtTheNextHeartbeat();
    void freeSlotsFollowRunningBuilds();
    void destructionCancelsRunningBuilds();

private:
    void makeBuilder(int slotCount = 2, int timeoutSeconds = 600);
    // A build of the app at `commit`, QUEUED and then moved to BUILDING as the scheduler does. Its deploy
    // type is the one the build type implies, runtime for auto, unless given.
    Build buildingBuild(const BuildConfig &config, const QString &commit, const EnvVars &env = {},
                        std::optional<DeployType> deployType = std::nullopt);
    // The files of the build's artifact.
    Tree artifactFiles(const Build &build);
    // A building build of a fresh commit whose command says "started" and then sleeps until stopped, tagged
    // with marker so processWithMarkerRuns finds its processes.
    Build sleepingBuild(const QByteArray &marker);
    // Starts the build and waits until onSettled reported it; returns it as stored.
    Build runToTheEnd(const Build &build);
    bool settled(const QString &buildId);
    void waitForLogLine(const QString &buildId, const QString &text);
    QStringList logTexts(const QString &buildId);
    QList<Event> buildEvents();
    QString dataPath(const QString &relative) const { return QDir(m_dataDir).filePath(relative); }

    std::unique_ptr<QTemporaryDir> m_root;
    QString m_dataDir;
    std::unique_ptr<SqlStore> m_store;
    std::unique_ptr<FileBuildLogStore> m_logStore;
    std::unique_ptr<BuildLogHub> m_logHub;
    std::unique_ptr<EventHub> m_eventHub;
    std::unique_ptr<EventSubscription> m_events;
    std::unique_ptr<GitFixture> m_git;
    Libgit2GitService m_gitService;
    BubblewrapCommandRunner m_runner;
    LibarchiveArtifactArchive m_archive;
    std::unique_ptr<RecordingNotifier> m_notifier;
    User m_owner;
    Application m_application;

    std::mutex m_settledMutex; // guards the two members below, written from builder threads
    QList<Build> m_settled;
    QList<int> m_freeSlotsWhenSettled;
    std::unique_ptr<InProcessBuilder> m_builder; // last: destroyed first, while what it uses still exists
};

void TestInProcessBuilder::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    m_dataDir = m_root->filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(m_dataDir));
    m_store = std::make_unique<SqlStore>(QStringLiteral("sqlite:") +
                                         m_root->filePath(QStringLiteral("vitrine.db")));
    m_logStore = std::make_unique<FileBuildLogStore>(dataPath(QStringLiteral("logs")));
    m_logHub = std::make_unique<BuildLogHub>(*m_logStore);
    m_eventHub = std::make_unique<EventHub>();
    m_notifier = std::make_unique<RecordingNotifier>();
    m_events = m_eventHub->subscribe([](const Event &) { return true; }, std::nullopt, [] {});
    const QString gitDir = m_root->filePath(QStringLiteral("git"));
    QVERIFY(QDir().mkpath(gitDir));
    m_git = std::make_unique<GitFixture>(gitDir);

    m_owner = vitrine::tests::addUser(*m_store, QStringLiteral("alice"), Role::Member);
    const Repository repository =
        vitrine::tests::addRepository(*m_store, QStringLiteral("site"), m_git->bareUrl(), {m_owner.id});
    m_application =
        vitrine::tests::newApplication(repository, QStringLiteral("site"), QStringLiteral("config-hash"));
    m_application.build = staticConfig(QStringLiteral("."));
    m_application.websites = {Website{QStringLiteral("site.localhost"), QStringLiteral("/"), false}};
    m_store->insertApplication(m_application);
}

void TestInProcessBuilder::cleanup()
{
    m_builder.reset();
    m_settled.clear();
    m_freeSlotsWhenSettled.clear();
    m_events.reset();
}

void TestInProcessBuilder::makeBuilder(int slotCount, int timeoutSeconds)
{
    BuilderOptions options;
    options.slotCount = slotCount;
    options.dataDir = m_dataDir;
    options.limits.timeoutSeconds = timeoutSeconds;
    options.heartbeatInterval = std::chrono::milliseconds(100);
    m_builder = std::make_unique<InProcessBuilder>(*m_store, m_gitService, m_runner, m_archive, *m_logHub,
                                                   *m_eventHub, m_notifier.get(), options,
                                                   [this](const Build &build) {
                                                       const int freeSlots = m_builder->freeSlots();
                                                       const std::lock_guard lock(m_settledMutex);
                                                       m_settled << build;
                                                       m_freeSlotsWhenSettled << freeSlots;
                                                   });
}

Build TestInProcessBuilder::buildingBuild(const BuildConfig &config, const QString &commit,
                                          const EnvVars &env, std::optional<DeployType> deployType)
{
    Build build;
    build.id = newId(idprefix::kBuild);
    build.applicationId = m_application.id;
    build.commit = commit;
    build.configHash = m_application.configHash;
    build.config = config;
    build.env = env;
    build.deployType = deployType.value_or(impliedDeployType(config.type).value_or(DeployType::Runtime));
    build.startCommand = config.startCommand;
    build.ownerKey = m_owner.id;
    m_store->insertBuild(build);
    BuildTransitionFields fields;
    fields.builderId = QStringLiteral("in-process");
    if (!m_store->transitionBuild(build.id, BuildState::Queued, BuildState::Building, fields))
        qFatal("the new build %s could not be moved to BUILDING", qPrintable(build.id));
    return *m_store->findBuildById(build.id);
}

Tree TestInProcessBuilder::artifactFiles(const Build &build)
{
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked-") + build.id);
    m_archive.unpack(dataPath(build.artifactPath), unpacked, {});
    return filesIn(unpacked);
}

bool TestInProcessBuilder::settled(const QString &buildId)
{
    const std::lock_guard lock(m_settledMutex);
    return std::any_of(m_settled.cbegin(), m_settled.cend(),
                       [&](const Build &build) { return build.id == buildId; });
}

Build TestInProcessBuilder::sleepingBuild(const QByteArray &marker)
{
    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("a.txt"), "a\n"}}, QStringLiteral("source"));
    return buildingBuild(
        commandConfig(QStringLiteral("echo started; sleep 1000; : %1").arg(QString::fromLatin1(marker))),
        commit);
}

Build TestInProcessBuilder::runToTheEnd(const Build &build)
{
    m_builder->start(build);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(settled(build.id), kSettleTimeoutMs); }();
    return m_store->findBuildById(build.id).value_or(Build{});
}

void TestInProcessBuilder::waitForLogLine(const QString &buildId, const QString &text)
{
    QTRY_VERIFY_WITH_TIMEOUT(logTexts(buildId).contains(text), kSettleTimeoutMs);
}

QStringList TestInProcessBuilder::logTexts(const QString &buildId)
{
    QStringList texts;
    for (const LogLine &line : m_logStore->read(buildId, 0, 100'000))
        texts << line.text;
    return texts;
}

QList<Event> TestInProcessBuilder::buildEvents()
{
    QList<Event> events;
    for (const Event &event : m_events->poll().events) {
        if (event.type == EventType::BuildStateChanged)
            events << event;
    }
    return events;
}

void TestInProcessBuilder::staticBuildPublishesTheCommittedFiles_data()
{
    QTest::addColumn<Tree>("committed");
    QTest::addColumn<QString>("artifactDir");
    QTest::addColumn<Tree>("published");

    const Tree site{{QStringLiteral("public/index.html"), "<h1>home</h1>\n"},
                    {QStringLiteral("public/css/site.css"), "body {}\n"},
                    {QStringLiteral("public/.well-known/security.txt"), "Contact: club\n"},
                    {QStringLiteral("README.md"), "# site\n"}};
    QTest::newRow("a folder of the repository")
        << site << QStringLiteral("public")
        << Tree{{QStringLiteral("index.html"), "<h1>home</h1>\n"},
                {QStringLiteral("css/site.css"), "body {}\n"},
                {QStringLiteral(".well-known/security.txt"), "Contact: club\n"}};
    QTest::newRow("the whole repository") << site << QStringLiteral(".") << site;
    QTest::newRow("a nested folder") << site << QStringLiteral("public/css")
                                     << Tree{{QStringLiteral("site.css"), "body {}\n"}};
}

void TestInProcessBuilder::staticBuildPublishesTheCommittedFiles()
{
    QFETCH(Tree, committed);
    QFETCH(QString, artifactDir);
    QFETCH(Tree, published);

    const QString commit = m_git->commit(QStringLiteral("main"), committed, QStringLiteral("site"));
    makeBuilder();
    const Build build = runToTheEnd(buildingBuild(staticConfig(artifactDir), commit));

    QCOMPARE(build.state, BuildState::Succeeded);
    QCOMPARE(build.artifactPath, QStringLiteral("artifacts/%1.tar.gz").arg(build.id));
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked"));
    m_archive.unpack(dataPath(build.artifactPath), unpacked, {});
    QCOMPARE(filesIn(unpacked), published);
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("work/") + build.id)));

    const QStringList log = logTexts(build.id);
    QCOMPARE(log.value(0), QStringLiteral("==> Fetching %1 from %2").arg(commit.left(7), m_git->bareUrl()));
    const QString fileCount =
        published.size() == 1 ? QStringLiteral("1 file") : QStringLiteral("%1 files").arg(published.size());
    QVERIFY2(log.value(1).startsWith(QStringLiteral("==> Packing %1/ (%2, ").arg(artifactDir, fileCount)),
             qPrintable(log.value(1)));
    QVERIFY2(log.value(2).startsWith(QStringLiteral("==> Build succeeded in ")), qPrintable(log.value(2)));

    const QList<Event> events = buildEvents();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].buildId, build.id);
    QCOMPARE(events[0].state, QStringLiteral("succeeded"));
    QCOMPARE(events[0].applicationName, m_application.name);
    QCOMPARE(events[0].ownerIds, QStringList{m_owner.id});
    const QList<Notification> notifications = m_notifier->notifications();
    QCOMPARE(notifications.size(), 1);
    QCOMPARE(notifications[0].state, BuildState::Succeeded);
    QCOMPARE(notifications[0].commit, commit);
}

void TestInProcessBuilder::commandBuildLogsItsOutputInOrder()
{
    const QString commit = m_git->commit(QStringLiteral("main"), {{QStringLiteral("page.txt"), "from git\n"}},
                                         QStringLiteral("source"));
    makeBuilder();
    const QString command = QStringLiteral("echo \"building for $AUDIENCE\"; echo warning >&2; mkdir dist; "
                                           "cp page.txt dist/index.html; echo done");
    const Build build = runToTheEnd(buildingBuild(
        commandConfig(command), commit, {{QStringLiteral("AUDIENCE"), QStringLiteral("the club")}}));

    QCOMPARE(build.state, BuildState::Succeeded);
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked"));
    m_archive.unpack(dataPath(build.artifactPath), unpacked, {});
    QCOMPARE(filesIn(unpacked), (Tree{{QStringLiteral("index.html"), "from git\n"}}));

    const QList<LogLine> log = m_logStore->read(build.id, 0, 1000);
    QCOMPARE(log.size(), 7);
    for (int i = 0; i < log.size(); ++i)
        QCOMPARE(log[i].seq, qint64(i + 1));
    QCOMPARE(log[1].text, QStringLiteral("==> Running: ") + command);
    QCOMPARE(log[1].stream, LogStream::System);
    QStringList output;
    for (const LogLine &line : log.mid(2, 3))
        output << (line.stream == LogStream::Stderr ? QStringLiteral("err: ") : QStringLiteral("out: ")) +
                      line.text;
    QCOMPARE(output, (QStringList{QStringLiteral("out: building for the club"),
                                  QStringLiteral("err: warning"), QStringLiteral("out: done")}));
    QCOMPARE(log[5].text, QStringLiteral("==> Packing dist/ (1 file, 9 B)"));
    QCOMPARE(log[6].stream, LogStream::System);
}

void TestInProcessBuilder::failingCommandFails_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("timeoutSeconds");
    QTest::addColumn<QString>("reason");

    QTest::newRow("non-zero exit") << QStringLiteral("echo about to fail; exit 2") << 600
                                   << QStringLiteral("build command exited with code 2");
    QTest::newRow("unknown tool") << QStringLiteral("no-such-tool") << 600
                                  << QStringLiteral("build command exited with code 127");
    QTest::newRow("time limit") << QStringLiteral("sleep 60") << 1 << QStringLiteral("killed after 1 s");
    QTest::newRow("no artifact dir") << QStringLiteral("true") << 600
                                     << QStringLiteral("artifact directory 'dist' does not exist");
}

void TestInProcessBuilder::failingCommandFails()
{
    QFETCH(QString, command);
    QFETCH(int, timeoutSeconds);
    QFETCH(QString, reason);

    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("a.txt"), "a\n"}}, QStringLiteral("source"));
    makeBuilder(2, timeoutSeconds);
    const Build build = runToTheEnd(buildingBuild(commandConfig(command), commit));

    QCOMPARE(build.state, BuildState::Failed);
    QCOMPARE(build.failureReason, reason);
    QVERIFY(build.artifactPath.isEmpty());
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("artifacts/%1.tar.gz").arg(build.id))));
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("work/") + build.id)));
    QCOMPARE(logTexts(build.id).constLast(), QStringLiteral("==> Build failed: ") + reason);

    const QList<Event> events = buildEvents();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].state, QStringLiteral("failed"));
    QCOMPARE(events[0].message, reason);
    QCOMPARE(events[0].ownerIds, QStringList{m_owner.id});
    const QList<Notification> notifications = m_notifier->notifications();
    QCOMPARE(notifications.size(), 1);
    QCOMPARE(notifications[0].buildId, build.id);
    QCOMPARE(notifications[0].state, BuildState::Failed);
    QCOMPARE(notifications[0].reason, reason);
    QCOMPARE(notifications[0].applicationName, m_application.name);
}

void TestInProcessBuilder::badArtifactDirFails_data()
{
    QTest::addColumn<QString>("artifactDir");
    QTest::addColumn<QString>("reason");

    QTest::newRow("missing") << QStringLiteral("public")
                             << QStringLiteral("artifact directory 'public' does not exist");
    QTest::newRow("a file") << QStringLiteral("README.md")
                            << QStringLiteral("artifact directory 'README.md' is not a directory");
    QTest::newRow("a link out of the repository")
        << QStringLiteral("escape")
        << QStringLiteral("artifact directory 'escape' leads outside the repository");
}

void TestInProcessBuilder::badArtifactDirFails()
{
    QFETCH(QString, artifactDir);
    QFETCH(QString, reason);

    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("README.md"), "# site\n"}},
                      QStringLiteral("source"), {}, {{QStringLiteral("escape"), QStringLiteral("/etc")}});
    makeBuilder();
    const Build build = runToTheEnd(buildingBuild(staticConfig(artifactDir), commit));

    QCOMPARE(build.state, BuildState::Failed);
    QCOMPARE(build.failureReason, reason);
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("work/") + build.id)));
}

void TestInProcessBuilder::runtimeCommandBuildPublishesTheWholeTree_data()
{
    QTest::addColumn<Tree>("committed");
    QTest::addColumn<QString>("contextDir");
    QTest::addColumn<QString>("buildCommand");
    QTest::addColumn<Tree>("published");
    QTest::addColumn<QString>("packing");

    const Tree app{{QStringLiteral("app.py"), "print('hi')\n"}, {QStringLiteral("lib/util.py"), "x = 1\n"}};
    Tree built = app;
    built.insert(QStringLiteral("version.txt"), "built\n");
    QTest::newRow("with a build command") << app << QString() << QStringLiteral("echo built > version.txt")
                                          << built << QStringLiteral("==> Packing ./ (3 files, ");
    QTest::newRow("without a build command")
        << app << QString() << QString() << app << QStringLiteral("==> Packing ./ (2 files, ");
    QTest::newRow("in a context dir")
        << Tree{{QStringLiteral("server/app.py"), "print('hi')\n"},
                {QStringLiteral("docs/notes.md"), "# notes\n"}}
        << QStringLiteral("server") << QStringLiteral("echo built > version.txt")
        << Tree{{QStringLiteral("app.py"), "print('hi')\n"}, {QStringLiteral("version.txt"), "built\n"}}
        << QStringLiteral("==> Packing server/ (2 files, ");
}

void TestInProcessBuilder::runtimeCommandBuildPublishesTheWholeTree()
{
    QFETCH(Tree, committed);
    QFETCH(QString, contextDir);
    QFETCH(QString, buildCommand);
    QFETCH(Tree, published);
    QFETCH(QString, packing);

    const QString commit = m_git->commit(QStringLiteral("main"), committed, QStringLiteral("app"));
    makeBuilder();
    BuildConfig config;
    config.type = BuildType::RuntimeCmd;
    config.buildCommand = buildCommand;
    config.startCommand = QStringLiteral("python3 app.py");
    config.contextDir = contextDir;
    const Build build = runToTheEnd(buildingBuild(config, commit));

    QCOMPARE(build.state, BuildState::Succeeded);
    QCOMPARE(build.deployType, DeployType::Runtime);
    QCOMPARE(build.startCommand, QStringLiteral("python3 app.py"));
    QCOMPARE(artifactFiles(build), published);
    const QStringList log = logTexts(build.id);
    QCOMPARE(log.contains(QStringLiteral("==> Running: ") + buildCommand), !buildCommand.isEmpty());
    QVERIFY2(
        std::any_of(log.cbegin(), log.cend(), [&](const QString &line) { return line.startsWith(packing); }),
        qPrintable(log.join(QLatin1Char('\n'))));
    QCOMPARE(buildEvents().value(0).state, QStringLiteral("succeeded"));
}

void TestInProcessBuilder::runtimeCommandBuildNeedsAStartCommand()
{
    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("app.py"), "x\n"}}, QStringLiteral("app"));
    makeBuilder();
    BuildConfig config;
    config.type = BuildType::RuntimeCmd;
    config.buildCommand = QStringLiteral("true");
    const Build build = runToTheEnd(buildingBuild(config, commit));

    const QString reason =
        QStringLiteral("a runtime-cmd build needs a start command; set one in the app's build config");
    QCOMPARE(build.state, BuildState::Failed);
    QCOMPARE(build.failureReason, reason);
    QVERIFY(build.artifactPath.isEmpty());
    QCOMPARE(logTexts(build.id), QStringList{QStringLiteral("==> Build failed: ") + reason});
}

void TestInProcessBuilder::autoBuildFollowsTheDetectedPlan_data()
{
    QTest::addColumn<Tree>("committed");
    QTest::addColumn<QString>("contextDir");
    QTest::addColumn<DeployType>("appDeployType");
    QTest::addColumn<QStringList>("announced"); // the lines after "==> Fetching …", up to the packing
    QTest::addColumn<QString>("packing");
    QTest::addColumn<BuildPlan>("plan");
    QTest::addColumn<Tree>("published");
    // What the tools wrote besides: it must be published too, whatever its content.
    QTest::addColumn<QStringList>("toolFiles");

    const Tree python{{QStringLiteral("app.py"), "print('hi')\n"},
                      {QStringLiteral("requirements.txt"), "# none\n"}};
    QTest::newRow("python app") << python << QString() << DeployType::Runtime
                                << QStringList{QStringLiteral(
                                                   "==> Detected Python (requirements.txt, app.py)"),
                                               QStringLiteral("==> Plan: start `python3 app.py`")}
                                << QStringLiteral("==> Packing ./ (2 files, ")
                                << BuildPlan{DeployType::Runtime, QStringLiteral("python3 app.py")} << python
                                << QStringList();

    const Tree site{{QStringLiteral("package.json"),
                     R"({"scripts": {"build": "mkdir -p dist && cp src/index.html dist/"}})"},
                    {QStringLiteral("src/index.html"), "<h1>built</h1>\n"}};
    QTest::newRow("node site built by npm")
        << site << QString() << DeployType::Runtime
        << QStringList{QStringLiteral("==> Detected Node.js (package.json)"),
                       QStringLiteral(
                           "==> Plan: build `npm run build`, publish the first of dist/, build/, out/ "
                           "or public/ that exists"),
                       QStringLiteral("==> Running: npm run build")}
        << QStringLiteral("==> Packing dist/ (1 file, ") << BuildPlan{DeployType::Static, {}}
        << Tree{{QStringLiteral("index.html"), "<h1>built</h1>\n"}} << QStringList();

    QTest::newRow("node project of a static app")
        << Tree{{QStringLiteral("package.json"), R"({"scripts": {"start": "node server.js"}})"},
                {QStringLiteral("server.js"), "x\n"},
                {QStringLiteral("public/index.html"), "<h1>as committed</h1>\n"}}
        << QString() << DeployType::Static
        << QStringList{QStringLiteral("==> Detected Node.js (package.json)"),
                       QStringLiteral(
                           "==> Plan: publish the first of dist/, build/, out/ or public/ that exists")}
        << QStringLiteral("==> Packing public/ (1 file, ") << BuildPlan{DeployType::Static, {}}
        << Tree{{QStringLiteral("index.html"), "<h1>as committed</h1>\n"}} << QStringList();

    const Tree node{
        {QStringLiteral("package.json"),
         R"({"scripts": {"start": "node server.js"}, "dependencies": {"greeting": "file:./greeting"}})"},
        {QStringLiteral("server.js"), "require('greeting');\n"},
        {QStringLiteral("greeting/package.json"), R"({"name": "greeting", "version": "1.0.0"})"},
        {QStringLiteral("greeting/index.js"), "module.exports = 'hi';\n"}};
    QTest::newRow("node app with a dependency")
        << node << QString() << DeployType::Runtime
        << QStringList{QStringLiteral("==> Detected Node.js (package.json)"),
                       QStringLiteral("==> Plan: install `npm install`, start `npm start`"),
                       QStringLiteral("==> Installing: npm install")}
        << QStringLiteral("==> Packing ./ (") << BuildPlan{DeployType::Runtime, QStringLiteral("npm start")}
        << node
        << QStringList{QStringLiteral("package-lock.json"), QStringLiteral("node_modules/.package-lock.json"),
                       QStringLiteral("node_modules/greeting/index.js")};

    QTest::newRow("static files in a context dir")
        << Tree{{QStringLiteral("site/public/index.html"), "<h1>home</h1>\n"},
                {QStringLiteral("site/README.md"), "# site\n"},
                {QStringLiteral("app.py"), "x\n"}}
        << QStringLiteral("site") << DeployType::Runtime
        << QStringList{QStringLiteral("==> Detected static files (public/index.html)"),
                       QStringLiteral("==> Plan: publish public/")}
        << QStringLiteral("==> Packing site/public/ (1 file, ") << BuildPlan{DeployType::Static, {}}
        << Tree{{QStringLiteral("index.html"), "<h1>home</h1>\n"}} << QStringList();
}

void TestInProcessBuilder::autoBuildFollowsTheDetectedPlan()
{
    QFETCH(Tree, committed);
    QFETCH(QString, contextDir);
    QFETCH(DeployType, appDeployType);
    QFETCH(QStringList, announced);
    QFETCH(QString, packing);
    QFETCH(BuildPlan, plan);
    QFETCH(Tree, published);
    QFETCH(QStringList, toolFiles);

    const QString commit = m_git->commit(QStringLiteral("main"), committed, QStringLiteral("app"));
    makeBuilder();
    BuildConfig config;
    config.type = BuildType::Auto;
    config.contextDir = contextDir;
    const Build build = runToTheEnd(buildingBuild(config, commit, {}, appDeployType));

    QCOMPARE(build.state, BuildState::Succeeded);
    QCOMPARE(build.deployType, plan.deployType);
    QCOMPARE(build.startCommand, plan.startCommand);

    // The plan comes first, then the steps it names, each announced.
    QStringList systemLines;
    for (const LogLine &line : m_logStore->read(build.id, 0, 100'000)) {
        if (line.stream == LogStream::System)
            systemLines << line.text;
    }
    QCOMPARE(systemLines.mid(1, announced.size()), announced);
    QVERIFY2(systemLines.value(announced.size() + 1).startsWith(packing),
             qPrintable(systemLines.join(u'\n')));

    Tree files = artifactFiles(build);
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked-") + build.id);
    for (const QString &path : toolFiles) {
        QVERIFY2(QFileInfo::exists(QDir(unpacked).filePath(path)), qPrintable(path));
        files.remove(path);
    }
    QCOMPARE(files, published);
}

void TestInProcessBuilder::autoBuildFails_data()
{
    QTest::addColumn<Tree>("committed");
    QTest::addColumn<QString>("reason");

    QTest::newRow("nothing recognised")
        << Tree{{QStringLiteral("README.md"), "# notes\n"}}
        << QStringLiteral(
               "no stack recognised: looked for a Procfile web: line, package.json (Node.js), "
               "requirements.txt, pyproject.toml, app.py, main.py or server.py (Python), go.mod (Go), "
               "and index.html at the root or in public/, dist/ or build/ (static files)");
    QTest::newRow("the install fails")
        << Tree{{QStringLiteral("app.py"), "x\n"}, {QStringLiteral("requirements.txt"), "./missing\n"}}
        << QStringLiteral("install command exited with code 1");
    QTest::newRow("the build makes no site")
        << Tree{{QStringLiteral("package.json"), R"({"scripts": {"build": "echo nothing"}})"}}
        << QStringLiteral("no site to publish: none of dist/, build/, out/, public/ exists after the build");
}

void TestInProcessBuilder::autoBuildFails()
{
    QFETCH(Tree, committed);
    QFETCH(QString, reason);

    const QString commit = m_git->commit(QStringLiteral("main"), committed, QStringLiteral("app"));
    makeBuilder();
    BuildConfig config;
    config.type = BuildType::Auto;
    const Build build = runToTheEnd(buildingBuild(config, commit));

    QCOMPARE(build.state, BuildState::Failed);
    QCOMPARE(build.failureReason, reason);
    QCOMPARE(build.startCommand, QString()); // as registered: no plan was stored
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("artifacts/%1.tar.gz").arg(build.id))));
    QCOMPARE(logTexts(build.id).constLast(), QStringLiteral("==> Build failed: ") + reason);
}

void TestInProcessBuilder::dockerfileBuildWithoutAnEngineFails_data()
{
    QTest::addColumn<BuildType>("type");

    QTest::newRow("static-dockerfile") << BuildType::StaticDockerfile;
    QTest::newRow("runtime-dockerfile") << BuildType::RuntimeDockerfile;
}

void TestInProcessBuilder::dockerfileBuildWithoutAnEngineFails()
{
    QFETCH(BuildType, type);

    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("a.txt"), "a\n"}}, QStringLiteral("source"));
    makeBuilder();
    BuildConfig config;
    config.type = type;
    const Build build = runToTheEnd(buildingBuild(config, commit));

    QCOMPARE(build.state, BuildState::Failed);
    QCOMPARE(build.failureReason, vitrine::usecases::kNoContainerEngine);
    QVERIFY(build.failureReason.contains(QStringLiteral("--runtime docker --docker-host")));
    QVERIFY(build.artifactPath.isEmpty());
    QVERIFY(build.image.isEmpty());
}

void TestInProcessBuilder::cancelStopsTheBuild()
{
    makeBuilder();
    const QByteArray marker = QUuid::createUuid().toByteArray(QUuid::Id128);
    const Build build = sleepingBuild(marker);
    QVERIFY(!m_builder->cancel(build.id)); // not started here yet

    m_builder->start(build);
    waitForLogLine(build.id, QStringLiteral("started"));
    QVERIFY(processWithMarkerRuns(marker));
    QVERIFY(m_builder->cancel(build.id));
    QTRY_VERIFY_WITH_TIMEOUT(settled(build.id), kSettleTimeoutMs);

    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Canceled);
    QCOMPARE(stored.failureReason, QStringLiteral("canceled"));
    QVERIFY(!processWithMarkerRuns(marker));
    QVERIFY(!m_builder->cancel(build.id));
    QVERIFY(!QFileInfo::exists(dataPath(QStringLiteral("work/") + build.id)));
    const QList<Event> events = buildEvents();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].state, QStringLiteral("canceled"));
    QVERIFY(m_notifier->notifications().isEmpty()); // people hear of failures and successes only
}

void TestInProcessBuilder::buildSettledElsewhereStopsAtTheNextHeartbeat()
{
    makeBuilder();
    const QByteArray marker = QUuid::createUuid().toByteArray(QUuid::Id128);
    const Build build = sleepingBuild(marker);
    m_builder->start(build);
    waitForLogLine(build.id, QStringLiteral("started"));

    // As the API would on another path: a compare-and-set from another thread, without telling the builder.
    bool canceledElsewhere = false;
    std::thread api([&] {
        BuildTransitionFields fields;
        fields.failureReason = QStringLiteral("canceled by alice");
        canceledElsewhere =
            m_store->transitionBuild(build.id, BuildState::Building, BuildState::Canceled, fields);
    });
    api.join();
    QVERIFY(canceledElsewhere);
    QTRY_VERIFY_WITH_TIMEOUT(settled(build.id), kSettleTimeoutMs);

    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Canceled);
    QCOMPARE(stored.failureReason, QStringLiteral("canceled by alice"));
    QVERIFY(!processWithMarkerRuns(marker));
    QCOMPARE(logTexts(build.id).constLast(),
             QStringLiteral("==> Stopped: the build is already canceled (canceled by alice)"));
    QVERIFY(buildEvents().isEmpty()); // whoever changed the state tells the watchers
}

void TestInProcessBuilder::freeSlotsFollowRunningBuilds()
{
    const QString commit =
        m_git->commit(QStringLiteral("main"), {{QStringLiteral("a.txt"), "a\n"}}, QStringLiteral("source"));
    makeBuilder(2);
    QCOMPARE(m_builder->freeSlots(), 2);
    const BuildConfig longBuild = commandConfig(QStringLiteral("echo started; sleep 1000"));
    const Build first = buildingBuild(longBuild, commit);
    const Build second = buildingBuild(longBuild, commit);
    m_builder->start(first);
    QCOMPARE(m_builder->freeSlots(), 1);
    m_builder->start(second);
    QCOMPARE(m_builder->freeSlots(), 0);
    const Build third = buildingBuild(longBuild, commit);
    try {
        m_builder->start(third);
        QFAIL("a third build started on two slots");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
    }
    waitForLogLine(first.id, QStringLiteral("started"));
    waitForLogLine(second.id, QStringLiteral("started"));

    QVERIFY(m_builder->cancel(first.id));
    QTRY_VERIFY_WITH_TIMEOUT(settled(first.id), kSettleTimeoutMs);
    QCOMPARE(m_builder->freeSlots(), 1);
    QVERIFY(m_builder->cancel(second.id));
    QTRY_VERIFY_WITH_TIMEOUT(settled(second.id), kSettleTimeoutMs);
    QCOMPARE(m_builder->freeSlots(), 2);
    // A build's slot is free again by the time the controller hears it settled, to schedule the next.
    const std::lock_guard lock(m_settledMutex);
    QCOMPARE(m_freeSlotsWhenSettled.value(0), 1);
    QCOMPARE(m_freeSlotsWhenSettled.value(1), 2);
}

void TestInProcessBuilder::destructionCancelsRunningBuilds()
{
    makeBuilder();
    const QByteArray marker = QUuid::createUuid().toByteArray(QUuid::Id128);
    const Build build = sleepingBuild(marker);
    m_builder->start(build);
    waitForLogLine(build.id, QStringLiteral("started"));

    m_builder.reset();
    const Build stored = *m_store->findBuildById(build.id);
    QCOMPARE(stored.state, BuildState::Canceled);
    QCOMPARE(stored.failureReason, QStringLiteral("canceled: the server shut down"));
    QVERIFY(!processWithMarkerRuns(marker));
    QVERIFY(!settled(build.id)); // onSettled is not called while the builder goes away
}

QTEST_GUILESS_MAIN(TestInProcessBuilder)
#include "tst_in_process_builder.moc"
