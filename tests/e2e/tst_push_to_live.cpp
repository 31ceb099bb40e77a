// Push to live end to end: a real vitrine-server with its embedded Caddy, local bare git repositories, signed
// webhooks, gRPC clients that watch logs and events, and a local HTTP server that receives the notifications.

#include "git_fixture.h"
#include "grpc_calls.h"
#include "http_request.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace vitrine;
using vitrine::tests::authorize;
using vitrine::tests::call;
using vitrine::tests::createMemberToken;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;

namespace {

// A push becomes live within seconds; the margin is for a loaded CI machine.
constexpr int kLiveTimeoutMs = 60'000;
constexpr int kBurstTimeoutMs = 180'000;
const QString kWebhookSecret = QStringLiteral("push-to-live secret");

// Whether a process whose command line contains `marker` runs on this machine (in any pid namespace).
bool processRunsWith(const QString &marker)
{
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (cmdline.open(QIODevice::ReadOnly) &&
            cmdline.readAll().replace('\0', ' ').contains(marker.toUtf8()))
            return true;
    }
    return false;
}

// One StreamBuildLog call on a thread of its own, collecting what it receives.
class LogWatcher {
public:
    LogWatcher(std::shared_ptr<grpc::Channel> channel, const std::string &token, const std::string &buildId,
               qint64 afterSeq)
        : m_afterSeq(afterSeq)
    {
        authorize(m_context, token);
        m_thread = std::thread([this, channel = std::move(channel), buildId] {
            v1::BuildService::Stub stub(channel);
            v1::StreamBuildLogRequest request;
            request.set_build_id(buildId);
            request.set_after_seq(m_afterSeq);
            std::unique_ptr<grpc::ClientReader<v1::BuildLogEvent>> reader =
                stub.StreamBuildLog(&m_context, request);
            v1::BuildLogEvent event;
            while (reader->Read(&event)) {
                const std::lock_guard lock(m_mutex);
                if (event.has_line())
                    m_lines.push_back(event.line());
                else if (event.has_final())
                    m_final = event.final();
                else if (event.has_fell_behind())
                    m_fellBehind = true;
            }
            const grpc::Status status = reader->Finish();
            const std::lock_guard lock(m_mutex);
            m_status = status;
            m_done = true;
        });
    }

    ~LogWatcher()
    {
        m_context.TryCancel();
        m_thread.join();
    }

    qint64 afterSeq() const { return m_afterSeq; }
    int lineCount() const
    {
        const std::lock_guard lock(m_mutex);
        return int(m_lines.size());
    }
    bool done() const
    {
        const std::lock_guard lock(m_mutex);
        return m_done;
    }
    std::vector<v1::LogLine> lines() const
    {
        const std::lock_guard lock(m_mutex);
        return m_lines;
    }
    std::optional<v1::Build> finalBuild() const
    {
        const std::lock_guard lock(m_mutex);
        return m_final;
    }
    bool fellBehind() const
    {
        const std::lock_guard lock(m_mutex);
        return m_fellBehind;
    }
    grpc::Status status() const
    {
        const std::lock_guard lock(m_mutex);
        return m_status;
    }

private:
    const qint64 m_afterSeq;
    grpc::ClientContext m_context;
    mutable std::mutex m_mutex;
    std::vector<v1::LogLine> m_lines;
    std::optional<v1::Build> m_final;
    bool m_fellBehind = false;
    bool m_done = false;
    grpc::Status m_status;
    std::thread m_thread;
};

// One WatchEvents call for live events, on a thread of its own.
class EventWatcher {
public:
    EventWatcher(std::shared_ptr<grpc::Channel> channel, const std::string &token)
    {
        authorize(m_context, token);
        m_thread = std::thread([this, channel = std::move(channel)] {
            v1::EventService::Stub stub(channel);
            const v1::WatchEventsRequest request;
            std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub.WatchEvents(&m_context, request);
            v1::Event event;
            while (reader->Read(&event)) {
                const std::lock_guard lock(m_mutex);
                m_events.push_back(event);
            }
            reader->Finish();
        });
    }

    ~EventWatcher()
    {
        m_context.TryCancel();
        m_thread.join();
    }

    bool sawApplicationEvent(const std::string &application) const
    {
        const std::lock_guard lock(m_mutex);
        return std::any_of(m_events.begin(), m_events.end(),
                           [&](const v1::Event &event) { return event.application_name() == application; });
    }

    bool sawBuildState(const std::string &buildId, const std::string &state) const
    {
        const std::lock_guard lock(m_mutex);
        return std::any_of(m_events.begin(), m_events.end(), [&](const v1::Event &event) {
            return event.type() == v1::EVENT_TYPE_BUILD_STATE_CHANGED && event.build_id() == buildId &&
                   event.state() == state;
        });
    }

private:
    grpc::ClientContext m_context;
    mutable std::mutex m_mutex;
    std::vector<v1::Event> m_events;
    std::thread m_thread;
};

} // namespace

class TestPushToLive : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void pushedCommitGoesLive();
    void failedBuildIsReported();
    void logWatchersSeeEveryLine();
    void cancelStopsTheBuild();
    void burstDoesNotStarveOthers();
    void busyRouterPortIsReported();

private:
    void createRepository(const std::string &token, const QString &name, const QString &url,
                          const QString &secret = {});
    void createApplication(const std::string &token, const QString &name, const QString &repository,
                           v1::BuildType type, const QString &buildCommand, const QString &artifactDir);
    // Every build of the application, newest first (the admin's view).
    std::vector<v1::Build> buildsOf(const QString &application);
    // The application's only build so far, once it exists.
    std::optional<v1::Build> firstBuildOf(const QString &application);
    v1::BuildState stateOf(const std::string &buildId);
    QByteArray siteOf(const QString &application);
    bool notified(const QString &buildId, const QString &state);

    QTemporaryDir m_dir;
    QHttpServer m_notificationReceiver;
    std::vector<QJsonObject> m_notifications;
    std::unique_ptr<ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_admin;
    std::string m_alice;
    std::string m_bob;
};

void TestPushToLive::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_notificationReceiver.route(QStringLiteral("/notify"), QHttpServerRequest::Method::Post,
                                 [this](const QHttpServerRequest &request) {
                                     m_notifications.push_back(
                                         QJsonDocument::fromJson(request.body()).object());
                                     return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
                                 });
    const quint16 receiverPort = m_notificationReceiver.listen(QHostAddress::LocalHost, 0);
    QVERIFY(receiverPort != 0);

    // One builder slot makes the queue order observable; a long poll interval leaves every fetch to the
    // webhooks and to application changes, so that "nothing changed" means something.
    const QString config = QStringLiteral("[builder]\n"
                                          "slots = 1\n"
                                          "[controller]\n"
                                          "poll_interval_seconds = 3600\n"
                                          "[[notifications]]\n"
                                          "url = \"http://127.0.0.1:%1/notify\"\n")
                               .arg(receiverPort);
    const QString configPath = m_dir.filePath(QStringLiteral("vitrine.toml"));
    QFile configFile(configPath);
    QVERIFY(configFile.open(QIODevice::WriteOnly));
    configFile.write(config.toUtf8());
    configFile.close();

    m_server =
        std::make_unique<ServerProcess>(ServerProcess::Options{{}, {QStringLiteral("--config"), configPath}});
    QString error;
    QVERIFY2(m_server->start(&error), qUtf8Printable(error));
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    m_admin = str(m_server->adminToken());
    m_alice = createMemberToken(m_channel, m_admin, "alice");
    m_bob = createMemberToken(m_channel, m_admin, "bob");
    QVERIFY(!m_alice.empty() && !m_bob.empty());
}

void TestPushToLive::cleanupTestCase()
{
    m_channel.reset();
    if (m_server) {
        QCOMPARE(m_server->stop(), 0);
        QVERIFY2(m_server->output().contains(QStringLiteral("vitrine.server stopped")),
                 qUtf8Printable(m_server->output()));
    }
}

void TestPushToLive::createRepository(const std::string &token, const QString &name, const QString &url,
                                      const QString &secret)
{
    v1::CreateRepositoryRequest request;
    request.set_name(str(name));
    request.set_url(str(url));
    request.set_webhook_secret(str(secret));
    v1::Repository created;
    VERIFY_OK(call(m_channel, token, &v1::RepositoryService::Stub::CreateRepository, request, &created));
}

void TestPushToLive::createApplication(const std::string &token, const QString &name,
                                       const QString &repository, v1::BuildType type,
                                       const QString &buildCommand, const QString &artifactDir)
{
    v1::CreateApplicationRequest request;
    request.set_name(str(name));
    request.set_repository(str(repository));
    request.set_ref("main");
    request.mutable_build()->set_type(type);
    request.mutable_build()->set_build_command(str(buildCommand));
    request.mutable_build()->set_artifact_dir(str(artifactDir));
    v1::Application created;
    VERIFY_OK(call(m_channel, token, &v1::ApplicationService::Stub::CreateApplication, request, &created));
}

std::vector<v1::Build> TestPushToLive::buildsOf(const QString &application)
{
    v1::ListBuildsRequest request;
    request.set_application(str(application));
    request.mutable_page()->set_page_size(100);
    v1::ListBuildsResponse response;
    if (!call(m_channel, m_admin, &v1::BuildService::Stub::ListBuilds, request, &response).ok())
        return {};
    return {response.builds().begin(), response.builds().end()};
}

std::optional<v1::Build> TestPushToLive::firstBuildOf(const QString &application)
{
    const std::vector<v1::Build> builds = buildsOf(application);
    if (builds.empty())
        return std::nullopt;
    return builds.back();
}

v1::BuildState TestPushToLive::stateOf(const std::string &buildId)
{
    v1::GetBuildRequest request;
    request.set_build_id(buildId);
    v1::Build build;
    if (!call(m_channel, m_admin, &v1::BuildService::Stub::GetBuild, request, &build).ok())
        return v1::BUILD_STATE_UNSPECIFIED;
    return build.state();
}

QByteArray TestPushToLive::siteOf(const QString &application)
{
    const tests::HttpReply reply =
        tests::getThroughRouter(m_server->routerAddress(), application + QStringLiteral(".localhost"));
    return reply.status == 200 ? reply.body : QByteArray();
}

bool TestPushToLive::notified(const QString &buildId, const QString &state)
{
    return std::any_of(m_notifications.begin(), m_notifications.end(), [&](const QJsonObject &body) {
        return body.value(QStringLiteral("build_id")).toString() == buildId &&
               body.value(QStringLiteral("state")).toString() == state;
    });
}

void TestPushToLive::pushedCommitGoesLive()
{
    QTemporaryDir dir;
    GitFixture git(dir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "version 1\n"}},
               QStringLiteral("v1"));
    createRepository(m_alice, QStringLiteral("hello-repo"), git.bareUrl(), kWebhookSecret);
    createApplication(m_alice, QStringLiteral("hello"), QStringLiteral("hello-repo"), v1::BUILD_TYPE_STATIC,
                      {}, QStringLiteral("site"));
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("hello")), QByteArray("version 1\n"), kLiveTimeoutMs);
    QCOMPARE(buildsOf(QStringLiteral("hello")).size(), size_t(1));

    git.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "version 2\n"}},
               QStringLiteral("v2"));

    const tests::HttpReply forged =
        tests::postGithubPush(m_server->httpAddress(), git.bareUrl(), QStringLiteral("not the secret"));
    QCOMPARE(forged.status, 401);
    // Nothing may happen; give a fetch and a build the time they would take to show if one had started.
    QTest::qWait(3000);
    QCOMPARE(buildsOf(QStringLiteral("hello")).size(), size_t(1));
    QCOMPARE(siteOf(QStringLiteral("hello")), QByteArray("version 1\n"));

    const tests::HttpReply signedPush =
        tests::postGithubPush(m_server->httpAddress(), git.bareUrl(), kWebhookSecret);
    QVERIFY2(
        signedPush.status >= 200 && signedPush.status < 300,
        qUtf8Printable(
            QStringLiteral("HTTP %1: %2").arg(signedPush.status).arg(QString::fromUtf8(signedPush.body))));
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("hello")), QByteArray("version 2\n"), kLiveTimeoutMs);
    QCOMPARE(buildsOf(QStringLiteral("hello")).size(), size_t(2));
}

void TestPushToLive::failedBuildIsReported()
{
    QTemporaryDir dir;
    GitFixture git(dir.path());
    git.commit(
        QStringLiteral("main"),
        {{QStringLiteral("site/index.html"), "beacon\n"}, {QStringLiteral("README"), "broken on purpose\n"}},
        QStringLiteral("init"));
    createRepository(m_alice, QStringLiteral("broken-repo"), git.bareUrl());

    // A watcher sees the events published once its call reached the server: change another application
    // until the watcher hears of it, so that it surely hears of the failure.
    const EventWatcher events(m_channel, m_alice);
    createApplication(m_alice, QStringLiteral("beacon"), QStringLiteral("broken-repo"), v1::BUILD_TYPE_STATIC,
                      {}, QStringLiteral("site"));
    for (quint32 change = 1; !events.sawApplicationEvent("beacon"); ++change) {
        QVERIFY2(change < 300, "WatchEvents reported no change of the application");
        v1::UpdateApplicationRequest update;
        update.set_application("beacon");
        update.set_auto_sleep_seconds(change);
        v1::Application updated;
        VERIFY_OK(
            call(m_channel, m_alice, &v1::ApplicationService::Stub::UpdateApplication, update, &updated));
        QTest::qWait(100);
    }
    createApplication(
        m_alice, QStringLiteral("broken"), QStringLiteral("broken-repo"), v1::BUILD_TYPE_STATIC_CMD,
        QStringLiteral("echo compiling; echo 'syntax error' >&2; exit 3"), QStringLiteral("out"));

    QTRY_VERIFY_WITH_TIMEOUT(firstBuildOf(QStringLiteral("broken")).has_value(), kLiveTimeoutMs);
    const std::string buildId = firstBuildOf(QStringLiteral("broken"))->id();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(buildId), v1::BUILD_STATE_FAILED, kLiveTimeoutMs);
    QVERIFY(!firstBuildOf(QStringLiteral("broken"))->failure_reason().empty());
    QTRY_VERIFY_WITH_TIMEOUT(events.sawBuildState(buildId, "failed"), kLiveTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(notified(QString::fromStdString(buildId), QStringLiteral("failed")),
                             kLiveTimeoutMs);
    QVERIFY(siteOf(QStringLiteral("broken")).isEmpty());

    // The application and the applications list tell of the failure without asking for the builds.
    const std::string failureReason = firstBuildOf(QStringLiteral("broken"))->failure_reason();
    v1::GetApplicationRequest get;
    get.set_application("broken");
    v1::Application shown;
    VERIFY_OK(call(m_channel, m_alice, &v1::ApplicationService::Stub::GetApplication, get, &shown));
    v1::ListApplicationsResponse listed;
    VERIFY_OK(call(m_channel, m_alice, &v1::ApplicationService::Stub::ListApplications,
                   v1::ListApplicationsRequest(), &listed));
    const auto listedBroken =
        std::find_if(listed.applications().begin(), listed.applications().end(),
                     [](const v1::Application &application) { return application.name() == "broken"; });
    QVERIFY(listedBroken != listed.applications().end());
    for (const v1::Application &application : {shown, *listedBroken}) {
        QCOMPARE(application.latest_build_id(), buildId);
        QCOMPARE(application.latest_build_state(), "failed");
        QCOMPARE(application.latest_build_failure_reason(), failureReason);
        QVERIFY(application.has_latest_build_queued_at());
    }
}

void TestPushToLive::logWatchersSeeEveryLine()
{
    constexpr int kLines = 50;
    QTemporaryDir dir;
    GitFixture git(dir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("README"), "counts slowly\n"}},
               QStringLiteral("init"));
    createRepository(m_alice, QStringLiteral("counter-repo"), git.bareUrl());
    createApplication(m_alice, QStringLiteral("counter"), QStringLiteral("counter-repo"),
                      v1::BUILD_TYPE_STATIC_CMD,
                      QStringLiteral("for i in $(seq 1 %1); do echo line $i; sleep 0.05; done; mkdir out; "
                                     "echo counted > out/index.html")
                          .arg(kLines),
                      QStringLiteral("out"));
    QTRY_VERIFY_WITH_TIMEOUT(firstBuildOf(QStringLiteral("counter")).has_value(), kLiveTimeoutMs);
    const std::string buildId = firstBuildOf(QStringLiteral("counter"))->id();

    const auto fromStart = std::make_unique<LogWatcher>(m_channel, m_alice, buildId, 0);
    QTRY_VERIFY_WITH_TIMEOUT(fromStart->lineCount() >= 20, kLiveTimeoutMs);
    const auto joiningMidBuild = std::make_unique<LogWatcher>(m_channel, m_alice, buildId, 0);
    QTRY_VERIFY_WITH_TIMEOUT(fromStart->lineCount() >= 30, kLiveTimeoutMs);
    const qint64 resumeAfter = fromStart->lines()[25].seq();
    const auto resuming = std::make_unique<LogWatcher>(m_channel, m_alice, buildId, resumeAfter);
    QVERIFY2(!fromStart->done(), "the build finished before every watcher had joined");

    for (const LogWatcher *watcher : {fromStart.get(), joiningMidBuild.get(), resuming.get()})
        QTRY_VERIFY_WITH_TIMEOUT(watcher->done(), kLiveTimeoutMs);

    const std::vector<v1::LogLine> all = fromStart->lines();
    int counted = 0;
    for (const v1::LogLine &line : all) {
        if (line.text() == "line " + std::to_string(counted + 1))
            ++counted;
    }
    QCOMPARE(counted, kLines);
    for (const LogWatcher *watcher : {fromStart.get(), joiningMidBuild.get(), resuming.get()}) {
        VERIFY_OK(watcher->status());
        QVERIFY(!watcher->fellBehind());
        const std::vector<v1::LogLine> lines = watcher->lines();
        QVERIFY(!lines.empty());
        // Contiguous from the first line after afterSeq, without duplicates, the same lines for everyone.
        for (size_t i = 0; i < lines.size(); ++i) {
            QCOMPARE(lines[i].seq(), watcher->afterSeq() + qint64(i) + 1);
            const v1::LogLine &reference = all[size_t(lines[i].seq() - 1)];
            QCOMPARE(QString::fromStdString(lines[i].text()), QString::fromStdString(reference.text()));
        }
        QCOMPARE(lines.back().seq(), all.back().seq());
        QVERIFY(watcher->finalBuild().has_value());
        QCOMPARE(watcher->finalBuild()->state(), v1::BUILD_STATE_SUCCEEDED);
    }
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("counter")), QByteArray("counted\n"), kLiveTimeoutMs);
}

void TestPushToLive::cancelStopsTheBuild()
{
    // The sleep's unusual duration finds its process among all others on this machine.
    const QString marker = QStringLiteral("sleep 1000.%1").arg(QCoreApplication::applicationPid());
    QTemporaryDir dir;
    GitFixture git(dir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("README"), "sleeps\n"}}, QStringLiteral("init"));
    createRepository(m_alice, QStringLiteral("sleeper-repo"), git.bareUrl());
    createApplication(m_alice, QStringLiteral("sleeper"), QStringLiteral("sleeper-repo"),
                      v1::BUILD_TYPE_STATIC_CMD, QStringLiteral("echo going to sleep; %1 | cat").arg(marker),
                      QStringLiteral("out"));
    QTRY_VERIFY_WITH_TIMEOUT(firstBuildOf(QStringLiteral("sleeper")).has_value(), kLiveTimeoutMs);
    const std::string buildId = firstBuildOf(QStringLiteral("sleeper"))->id();
    QTRY_VERIFY_WITH_TIMEOUT(processRunsWith(marker), kLiveTimeoutMs);
    QCOMPARE(stateOf(buildId), v1::BUILD_STATE_BUILDING);

    v1::CancelBuildRequest cancel;
    cancel.set_build_id(buildId);
    v1::Build canceled;
    VERIFY_OK(call(m_channel, m_alice, &v1::BuildService::Stub::CancelBuild, cancel, &canceled));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(buildId), v1::BUILD_STATE_CANCELED, kLiveTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!processRunsWith(marker), kLiveTimeoutMs);
}

void TestPushToLive::burstDoesNotStarveOthers()
{
    constexpr int kBurst = 10;
    QTemporaryDir aliceDir;
    GitFixture aliceGit(aliceDir.path());
    aliceGit.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "alice\n"}},
                    QStringLiteral("init"));
    QTemporaryDir bobDir;
    GitFixture bobGit(bobDir.path());
    bobGit.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "bob\n"}},
                  QStringLiteral("init"));
    createRepository(m_alice, QStringLiteral("burst-repo"), aliceGit.bareUrl());
    createRepository(m_bob, QStringLiteral("bobs-repo"), bobGit.bareUrl());

    // The only slot stays taken until every build of the burst waits in the queue.
    const QString marker = QStringLiteral("sleep 1001.%1").arg(QCoreApplication::applicationPid());
    createApplication(m_alice, QStringLiteral("blocker"), QStringLiteral("burst-repo"),
                      v1::BUILD_TYPE_STATIC_CMD, marker, QStringLiteral("out"));
    QTRY_VERIFY_WITH_TIMEOUT(processRunsWith(marker), kLiveTimeoutMs);

    QStringList aliceApplications;
    for (int i = 0; i < kBurst; ++i) {
        aliceApplications.append(QStringLiteral("burst-%1").arg(i));
        createApplication(m_alice, aliceApplications.constLast(), QStringLiteral("burst-repo"),
                          v1::BUILD_TYPE_STATIC, {}, QStringLiteral("site"));
    }
    createApplication(m_bob, QStringLiteral("bobs-site"), QStringLiteral("bobs-repo"), v1::BUILD_TYPE_STATIC,
                      {}, QStringLiteral("site"));
    const auto queued = [&] {
        int count = 0;
        for (const QString &name : aliceApplications + QStringList{QStringLiteral("bobs-site")}) {
            const std::optional<v1::Build> build = firstBuildOf(name);
            count += build && build->state() == v1::BUILD_STATE_QUEUED;
        }
        return count;
    };
    QTRY_COMPARE_WITH_TIMEOUT(queued(), kBurst + 1, kLiveTimeoutMs);

    v1::CancelBuildRequest cancel;
    cancel.set_build_id(firstBuildOf(QStringLiteral("blocker"))->id());
    v1::Build canceled;
    VERIFY_OK(call(m_channel, m_alice, &v1::BuildService::Stub::CancelBuild, cancel, &canceled));

    const auto succeeded = [&] {
        int count = 0;
        for (const QString &name : aliceApplications + QStringList{QStringLiteral("bobs-site")}) {
            const std::optional<v1::Build> build = firstBuildOf(name);
            count += build && build->state() == v1::BUILD_STATE_SUCCEEDED;
        }
        return count;
    };
    QTRY_COMPARE_WITH_TIMEOUT(succeeded(), kBurst + 1, kBurstTimeoutMs);

    const v1::Build bobs = *firstBuildOf(QStringLiteral("bobs-site"));
    int startedBeforeBob = 0;
    for (const QString &name : std::as_const(aliceApplications)) {
        const v1::Build alices = *firstBuildOf(name);
        const auto started = [](const v1::Build &build) {
            return std::make_pair(build.started_at().seconds(), build.started_at().nanos());
        };
        startedBeforeBob += started(alices) < started(bobs);
    }
    // A fair queue alternates between owners: Bob's one build goes first or second, never after Alice's ten.
    QVERIFY2(startedBeforeBob < kBurst,
             qPrintable(QStringLiteral("%1 of Alice's builds started before Bob's").arg(startedBeforeBob)));
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("bobs-site")), QByteArray("bob\n"), kLiveTimeoutMs);
}

void TestPushToLive::busyRouterPortIsReported()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(busy.serverPort());
    ServerProcess server({{}, {QStringLiteral("--router-listen"), address}});
    QString error;
    QVERIFY2(!server.start(&error), "the server started on a busy router port");
    QCOMPARE(server.stop(), 1);
    // The last line is the one that tells the operator why.
    const QString reason = server.output().trimmed().split(u'\n').constLast();
    QVERIFY2(reason.contains(address) && reason.contains(QStringLiteral("--router-listen")),
             qUtf8Printable(server.output()));
}

QTEST_GUILESS_MAIN(TestPushToLive)
#include "tst_push_to_live.moc"
