// Runtime apps end to end: a real vitrine-server running python3 web apps on the process backend behind its
// embedded Caddy, built from local git repositories.

#include "alert_event_watcher.h"
#include "git_fixture.h"
#include "grpc_calls.h"
#include "http_request.h"
#include "server_process.h"
#include "vitrine/v1/alerts.grpc.pb.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"
#include "vitrine/v1/metrics.grpc.pb.h"
#include "vitrine/v1/output.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace vitrine;
using vitrine::tests::AlertEventWatcher;
using vitrine::tests::call;
using vitrine::tests::GitFixture;
using vitrine::tests::readStream;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;

namespace {

// A build and start take seconds; the margin is for a loaded CI machine.
constexpr int kLiveTimeoutMs = 60'000;

// Answers every GET with $GREETING and the release's VERSION file; logs each request on stdout.
const QByteArray kAppSource = R"(import http.server, os, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open("VERSION") as f:
            version = f.read().strip()
        body = (os.environ.get("GREETING", "") + " " + version).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print("served", self.path, flush=True)

    def log_message(self, *args):
        pass

print("listening on", os.environ["PORT"], flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)";

// Sends GET requests to one website without pause on a thread of its own, counting the answers.
class LoadGenerator {
public:
    LoadGenerator(QString routerAddress, QString host)
        : m_thread([this, routerAddress = std::move(routerAddress), host = std::move(host)] {
            while (!m_stop) {
                const tests::HttpReply reply = tests::getThroughRouter(routerAddress, host);
                if (reply.status == 200)
                    ++m_succeeded;
                else
                    ++m_failed;
            }
        })
    {
    }
    ~LoadGenerator() { stop(); }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    int succeeded() const { return m_succeeded; }
    int failed() const { return m_failed; }

private:
    std::atomic<bool> m_stop = false;
    std::atomic<int> m_succeeded = 0;
    std::atomic<int> m_failed = 0;
    std::thread m_thread;
};

} // namespace

class TestRuntimeApps : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void appAnswersWithItsEnvAndSurvivesRestart();
    void redeployUnderLoadLosesNoRequest();
    void aCrashLoopIsAlertedAndStopped();
    void anAppOverItsMemoryLimitIsKilledAndAlerted();
    void outputStreamsAndResumesWithoutLossOrDuplicates();
    void metricsAreRecordedAndExported();
    void sleepingAppWakesOnRequest();
    void appsRunAgainAfterServerRestart();

private:
    // A repository with the python app at VERSION `version`, and an app running it; returns the repo's git.
    GitFixture &createApp(const QString &name, const QString &version, const QString &startCommand,
                          const QMap<QString, QString> &env = {}, quint32 autoSleepSeconds = 0,
                          quint32 memoryLimitMb = 0);
    void push(const QString &name, const QString &version);
    v1::Application application(const QString &name);
    QByteArray answerOf(const QString &name);
    void setEnv(const QString &name, const QString &key, const QString &value);
    void act(const QString &name,
             grpc::Status (v1::ApplicationService::Stub::*method)(grpc::ClientContext *,
                                                                  const v1::ApplicationActionRequest &,
                                                                  v1::Application *));

    bool alerted(const std::string &application, const std::string &kind);

    QTemporaryDir m_dir;
    QHttpServer m_notificationReceiver;
    std::vector<QJsonObject> m_notifications;
    std::unique_ptr<ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_token;
    std::map<QString, std::unique_ptr<GitFixture>> m_repositories;
};

void TestRuntimeApps::initTestCase()
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

    // Short timeouts, thresholds and intervals, so that failed deploys, crash loops, sleep and metrics show
    // within the test.
    QFile config(m_dir.filePath(QStringLiteral("vitrine.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        QStringLiteral("[runtime]\nhealth_timeout_seconds = 5\nsleep_check_seconds = 1\n"
                       "[metrics]\ninterval_seconds = 1\n"
                       "[alerts]\nrestart_count = 2\nauto_stop_restarts = 3\nrestart_window_seconds = 300\n"
                       "[[notifications]]\nurl = \"http://127.0.0.1:%1/notify\"\n")
            .arg(receiverPort)
            .toUtf8());
    config.close();
    ServerProcess::Options options;
    options.extraArgs = {QStringLiteral("--config"), config.fileName()};
    m_server = std::make_unique<ServerProcess>(options);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    m_token = str(m_server->adminToken());
}

void TestRuntimeApps::cleanupTestCase()
{
    m_channel.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

GitFixture &TestRuntimeApps::createApp(const QString &name, const QString &version,
                                       const QString &startCommand, const QMap<QString, QString> &env,
                                       quint32 autoSleepSeconds, quint32 memoryLimitMb)
{
    const QString gitDir = m_dir.filePath(name);
    QDir().mkpath(gitDir);
    auto git = std::make_unique<GitFixture>(gitDir);
    git->commit(QStringLiteral("main"),
                {{QStringLiteral("app.py"), kAppSource}, {QStringLiteral("VERSION"), version.toUtf8()}},
                QStringLiteral("first"));

    v1::CreateRepositoryRequest repository;
    repository.set_name(str(name));
    repository.set_url(str(git->bareUrl()));
    v1::Repository createdRepository;
    [&] {
        VERIFY_OK(call(m_channel, m_token, &v1::RepositoryService::Stub::CreateRepository, repository,
                       &createdRepository));
    }();

    v1::CreateApplicationRequest request;
    request.set_name(str(name));
    request.set_repository(str(name));
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    request.mutable_build()->set_start_command(str(startCommand));
    request.set_auto_sleep_seconds(autoSleepSeconds);
    request.set_memory_limit_mb(memoryLimitMb);
    for (auto var = env.cbegin(); var != env.cend(); ++var) {
        v1::EnvVar *added = request.add_env();
        added->set_key(str(var.key()));
        added->set_value(str(var.value()));
    }
    v1::Application created;
    [&] {
        VERIFY_OK(
            call(m_channel, m_token, &v1::ApplicationService::Stub::CreateApplication, request, &created));
    }();
    GitFixture &result = *git;
    m_repositories[name] = std::move(git);
    return result;
}

void TestRuntimeApps::push(const QString &name, const QString &version)
{
    m_repositories.at(name)->commit(
        QStringLiteral("main"),
        {{QStringLiteral("app.py"), kAppSource}, {QStringLiteral("VERSION"), version.toUtf8()}},
        QStringLiteral("version ") + version);
    const tests::HttpReply reply =
        tests::postGithubPush(m_server->httpAddress(), m_repositories.at(name)->bareUrl(), {});
    QVERIFY2(reply.status >= 200 && reply.status < 300, reply.body.constData());
}

v1::Application TestRuntimeApps::application(const QString &name)
{
    v1::GetApplicationRequest request;
    request.set_application(str(name));
    v1::Application application;
    call(m_channel, m_token, &v1::ApplicationService::Stub::GetApplication, request, &application);
    return application;
}

QByteArray TestRuntimeApps::answerOf(const QString &name)
{
    const tests::HttpReply reply =
        tests::getThroughRouter(m_server->routerAddress(), name + QStringLiteral(".localhost"));
    return reply.status == 200 ? reply.body : QByteArray();
}

void TestRuntimeApps::setEnv(const QString &name, const QString &key, const QString &value)
{
    v1::SetEnvVarsRequest request;
    request.set_application(str(name));
    v1::EnvVar *var = request.add_env();
    var->set_key(str(key));
    var->set_value(str(value));
    v1::ListEnvVarsResponse response;
    VERIFY_OK(call(m_channel, m_token, &v1::ApplicationService::Stub::SetEnvVars, request, &response));
}

void TestRuntimeApps::act(const QString &name,
                          grpc::Status (v1::ApplicationService::Stub::*method)(
                              grpc::ClientContext *, const v1::ApplicationActionRequest &, v1::Application *))
{
    v1::ApplicationActionRequest request;
    request.set_application(str(name));
    v1::Application application;
    VERIFY_OK(call(m_channel, m_token, method, request, &application));
}

bool TestRuntimeApps::alerted(const std::string &application, const std::string &kind)
{
    v1::ListAlertsRequest request;
    v1::ListAlertsResponse alerts;
    if (!call(m_channel, m_token, &v1::AlertService::Stub::ListAlerts, request, &alerts).ok())
        return false;
    return std::any_of(alerts.alerts().begin(), alerts.alerts().end(), [&](const v1::Alert &alert) {
        return alert.application_name() == application && alert.kind() == kind;
    });
}

void TestRuntimeApps::appAnswersWithItsEnvAndSurvivesRestart()
{
    createApp(QStringLiteral("hello"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"),
              {{QStringLiteral("GREETING"), QStringLiteral("hi")}});
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("hello")), QByteArray("hi v1"), kLiveTimeoutMs);
    QCOMPARE(application(QStringLiteral("hello")).runtime_state(), std::string("running"));

    setEnv(QStringLiteral("hello"), QStringLiteral("GREETING"), QStringLiteral("hello"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("hello")), QByteArray("hello v1"), kLiveTimeoutMs);

    const std::string servedBefore = application(QStringLiteral("hello")).current_build_id();
    act(QStringLiteral("hello"), &v1::ApplicationService::Stub::RestartApplication);
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("hello")), QByteArray("hello v1"), kLiveTimeoutMs);
    QCOMPARE(application(QStringLiteral("hello")).current_build_id(), servedBefore);

    act(QStringLiteral("hello"), &v1::ApplicationService::Stub::StopApplication);
    QTRY_VERIFY_WITH_TIMEOUT(answerOf(QStringLiteral("hello")).isEmpty(), kLiveTimeoutMs);
    QVERIFY(!application(QStringLiteral("hello")).running());
}

void TestRuntimeApps::redeployUnderLoadLosesNoRequest()
{
    createApp(QStringLiteral("steady"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("steady")), QByteArray(" v1"), kLiveTimeoutMs);

    LoadGenerator load(m_server->routerAddress(), QStringLiteral("steady.localhost"));
    push(QStringLiteral("steady"), QStringLiteral("v2"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("steady")), QByteArray(" v2"), kLiveTimeoutMs);
    // Past the old instance's drain period too.
    QTest::qWait(3'000);
    load.stop();
    QVERIFY(load.succeeded() > 0);
    QCOMPARE(load.failed(), 0);

    // A version that never listens: the deploy fails and v2 keeps serving.
    v1::UpdateApplicationRequest broken;
    broken.set_application("steady");
    broken.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    broken.mutable_build()->set_start_command("sleep 3600");
    v1::Application updated;
    VERIFY_OK(call(m_channel, m_token, &v1::ApplicationService::Stub::UpdateApplication, broken, &updated));
    const std::string servedBefore = application(QStringLiteral("steady")).current_build_id();

    v1::ListAlertsRequest alertsRequest;
    v1::ListAlertsResponse alerts;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            alerts.Clear();
            call(m_channel, m_token, &v1::AlertService::Stub::ListAlerts, alertsRequest, &alerts);
            for (const v1::Alert &alert : alerts.alerts()) {
                if (alert.application_name() == "steady" && alert.kind() == "deploy-failed")
                    return true;
            }
            return false;
        }(),
        3 * kLiveTimeoutMs);
    QCOMPARE(answerOf(QStringLiteral("steady")), QByteArray(" v2"));
    QCOMPARE(application(QStringLiteral("steady")).current_build_id(), servedBefore);
}

void TestRuntimeApps::aCrashLoopIsAlertedAndStopped()
{
    const AlertEventWatcher alertEvents(m_channel, m_token);
    createApp(QStringLiteral("crashy"), QStringLiteral("v1"), QStringLiteral("echo starting; exit 3"));
    QTRY_VERIFY_WITH_TIMEOUT(!application(QStringLiteral("crashy")).running(), 5 * kLiveTimeoutMs);
    const v1::Application stopped = application(QStringLiteral("crashy"));
    QVERIFY2(QString::fromStdString(stopped.stopped_reason()).contains(QStringLiteral("restarts")),
             stopped.stopped_reason().c_str());

    v1::ListAlertsRequest request;
    v1::ListAlertsResponse alerts;
    VERIFY_OK(call(m_channel, m_token, &v1::AlertService::Stub::ListAlerts, request, &alerts));
    bool restartLoop = false;
    for (const v1::Alert &alert : alerts.alerts())
        restartLoop = restartLoop || (alert.application_name() == "crashy" && alert.kind() == "restart-loop");
    QVERIFY(restartLoop);
    QTRY_VERIFY(alertEvents.saw("crashy", "restart-loop"));
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(m_notifications.begin(), m_notifications.end(),
                    [](const QJsonObject &notification) {
                        return notification.value(QStringLiteral("type")).toString() == u"alert" &&
                               notification.value(QStringLiteral("application")).toString() == u"crashy";
                    }),
        kLiveTimeoutMs);

    // The owner can start it again.
    act(QStringLiteral("crashy"), &v1::ApplicationService::Stub::StartApplication);
    QVERIFY(application(QStringLiteral("crashy")).running());
    QVERIFY(application(QStringLiteral("crashy")).stopped_reason().empty());
    act(QStringLiteral("crashy"), &v1::ApplicationService::Stub::StopApplication);
}

void TestRuntimeApps::anAppOverItsMemoryLimitIsKilledAndAlerted()
{
    // Listens, then takes 200 MiB at its first request.
    createApp(QStringLiteral("greedy"), QStringLiteral("v1"),
              QStringLiteral(
                  "python3 -c 'import http.server, os\n"
                  "class H(http.server.BaseHTTPRequestHandler):\n"
                  "    def do_GET(self):\n"
                  "        self.server.hoard = bytearray(200 << 20)\n"
                  "        self.send_response(200); self.end_headers()\n"
                  "http.server.HTTPServer((\"127.0.0.1\", int(os.environ[\"PORT\"])), H).serve_forever()'"),
              {}, 0, 32);
    QTRY_COMPARE_WITH_TIMEOUT(application(QStringLiteral("greedy")).runtime_state(), std::string("running"),
                              kLiveTimeoutMs);
    answerOf(QStringLiteral("greedy"));
    // Where the host lets the server limit memory (a cgroup), the kernel kills it and the alert says so;
    // elsewhere the address-space limit makes the allocation fail, which is no kill.
    if (!QTest::qWaitFor([&] { return alerted("greedy", "out-of-memory"); }, 20'000)) {
        QVERIFY(!QFile::exists(QStringLiteral("/sys/fs/cgroup/memory/memory.limit_in_bytes")) &&
                !QFile::exists(QStringLiteral("/sys/fs/cgroup/cgroup.controllers")));
        QSKIP("this host gives the server no cgroup to limit app memory with");
    }
    act(QStringLiteral("greedy"), &v1::ApplicationService::Stub::StopApplication);
}

void TestRuntimeApps::outputStreamsAndResumesWithoutLossOrDuplicates()
{
    createApp(QStringLiteral("chatty"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("chatty")), QByteArray(" v1"), kLiveTimeoutMs);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(tests::getThroughRouter(m_server->routerAddress(), QStringLiteral("chatty.localhost"),
                                         QStringLiteral("/request-%1").arg(i))
                     .status,
                 200);

    const auto output = [this](std::optional<qint64> afterSeq) {
        std::vector<v1::LogLine> lines;
        for (const v1::StreamOutputResponse &response :
             readStream<v1::StreamOutputResponse>(m_token, 10, [&](grpc::ClientContext *context) {
                 v1::StreamOutputRequest request;
                 request.set_application("chatty");
                 if (afterSeq)
                     request.set_after_seq(*afterSeq);
                 else
                     request.set_tail(1000);
                 return v1::OutputService::Stub(m_channel).StreamOutput(context, request);
             }))
            lines.insert(lines.end(), response.lines().begin(), response.lines().end());
        return lines;
    };
    const auto servedRequests = [](const std::vector<v1::LogLine> &lines) {
        return std::count_if(lines.begin(), lines.end(), [](const v1::LogLine &line) {
            return QString::fromStdString(line.text()).startsWith(QStringLiteral("served /request-"));
        });
    };
    QTRY_COMPARE_WITH_TIMEOUT(servedRequests(output(std::nullopt)), 20, kLiveTimeoutMs);

    const std::vector<v1::LogLine> all = output(std::nullopt);
    for (size_t i = 1; i < all.size(); ++i)
        QCOMPARE(all[i].seq(), all[i - 1].seq() + 1);
    // Resuming in the middle gives exactly the rest.
    const size_t middle = all.size() / 2;
    const std::vector<v1::LogLine> rest = output(all[middle].seq());
    QCOMPARE(rest.size(), all.size() - middle - 1);
    for (size_t i = 0; i < rest.size(); ++i) {
        QCOMPARE(rest[i].seq(), all[middle + 1 + i].seq());
        QCOMPARE(rest[i].text(), all[middle + 1 + i].text());
    }
}

void TestRuntimeApps::metricsAreRecordedAndExported()
{
    createApp(QStringLiteral("measured"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("measured")), QByteArray(" v1"), kLiveTimeoutMs);
    for (int i = 0; i < 10; ++i)
        answerOf(QStringLiteral("measured"));

    v1::QueryMetricsRequest request;
    request.set_application("measured");
    const auto recorded = [&] {
        v1::QueryMetricsResponse metrics;
        call(m_channel, m_token, &v1::MetricsService::Stub::QueryMetrics, request, &metrics);
        qint64 requests = 0;
        bool memory = false;
        for (const v1::MetricsSample &sample : metrics.samples()) {
            requests += sample.requests();
            memory = memory || sample.memory_bytes() > 0;
        }
        return memory && requests >= 10;
    };
    QTRY_VERIFY_WITH_TIMEOUT(recorded(), kLiveTimeoutMs);

    const QUrl metricsUrl(QStringLiteral("http://%1/metrics").arg(m_server->httpAddress()));
    const tests::HttpReply exported = tests::httpRequest(
        "GET", metricsUrl, {{"Authorization", "Bearer " + QByteArray::fromStdString(m_token)}});
    QCOMPARE(exported.status, 200);
    // Prometheus text format: comments, and samples "name{label="value",…} number".
    static const QRegularExpression sampleLine(
        QStringLiteral(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
                       R"([-+]?([0-9.]+([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf)$)"));
    int samples = 0;
    bool measuredApp = false;
    for (const QByteArray &line : exported.body.split('\n')) {
        if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE "))
            continue;
        QVERIFY2(sampleLine.match(QString::fromUtf8(line)).hasMatch(), line.constData());
        ++samples;
        measuredApp = measuredApp || line.contains("app=\"measured\"");
    }
    QVERIFY(samples > 0);
    QVERIFY(measuredApp);
    QCOMPARE(tests::httpRequest("GET", metricsUrl).status, 401);
}

void TestRuntimeApps::sleepingAppWakesOnRequest()
{
    createApp(QStringLiteral("sleepy"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"), {}, 2);
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("sleepy")), QByteArray(" v1"), kLiveTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(application(QStringLiteral("sleepy")).runtime_state(), std::string("sleeping"),
                              kLiveTimeoutMs);

    // The wake handler holds the first request until the app runs, then has it repeated.
    const tests::HttpReply first =
        tests::httpRequest("GET", QUrl(QStringLiteral("http://%1/").arg(m_server->routerAddress())),
                           {{"Host", "sleepy.localhost"}, {"Accept", "text/plain"}}, {}, 30'000);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, QByteArray(" v1"));
}

void TestRuntimeApps::appsRunAgainAfterServerRestart()
{
    createApp(QStringLiteral("durable"), QStringLiteral("v1"), QStringLiteral("python3 -u app.py"));
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("durable")), QByteArray(" v1"), kLiveTimeoutMs);

    QCOMPARE(m_server->stop(), 0);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("durable")), QByteArray(" v1"), 10'000);
}

QTEST_GUILESS_MAIN(TestRuntimeApps)
#include "tst_runtime_apps.moc"
