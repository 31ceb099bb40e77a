// Push to live: a real vitrine-server with its embedded Caddy, a local bare git repository, signed GitHub
// webhooks. Each round commits new content, posts the webhook and polls the app through the router until the
// new content is served; prints p50/p90/p95 of webhook → served. Two apps: a trivial static site (default),
// or with --runtime a small python3 HTTP app run by the process backend, whose own start time (outside the
// sandbox) is measured too, to tell the platform's share from the app's.

#include "git_fixture.h"
#include "http_request.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace vitrine;

namespace {

constexpr int kServedTimeoutMs = 60'000;
constexpr int kPollIntervalMs = 5;
constexpr int kListenPollIntervalMs = 2;
const QString kSecret = QStringLiteral("bench secret");
const QString kSiteHost = QStringLiteral("bench.localhost");
const QString kStartCommand = QStringLiteral("python3 -u app.py");

// The runtime app: answers every GET with its release's VERSION file, as it is.
const QByteArray kRuntimeAppSource = R"(import http.server, os

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open("VERSION", "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)";

enum class AppKind { Static, Runtime };

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

template<typename Stub, typename Request, typename Response>
Response call(const std::shared_ptr<grpc::Channel> &channel, const std::string &token,
              grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
              const Request &request)
{
    Stub stub(channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Response response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok())
        fail(QStringLiteral("gRPC call failed: %1").arg(QString::fromStdString(status.error_message())));
    return response;
}

// The commit of one round: `content` is what the app must then serve.
QMap<QString, QByteArray> roundFiles(AppKind kind, const QByteArray &content)
{
    if (kind == AppKind::Static)
        return {{QStringLiteral("site/index.html"), content}};
    return {{QStringLiteral("app.py"), kRuntimeAppSource}, {QStringLiteral("VERSION"), content}};
}

void setBuildConfig(AppKind kind, v1::BuildConfig *build)
{
    if (kind == AppKind::Static) {
        build->set_type(v1::BUILD_TYPE_STATIC);
        build->set_artifact_dir("site");
    } else {
        build->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
        build->set_start_command(kStartCommand.toStdString());
    }
}

// Polls the app until it serves `content`; returns the milliseconds that took.
double waitUntilServed(const QString &routerAddress, const QByteArray &content)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kServedTimeoutMs) {
        const tests::HttpReply reply = tests::getThroughRouter(routerAddress, kSiteHost);
        if (reply.status == 200 && reply.body == content)
            return double(timer.nsecsElapsed()) / 1e6;
        QThread::msleep(kPollIntervalMs);
    }
    fail(QStringLiteral("the app did not serve %1 within %2 s")
             .arg(QString::fromUtf8(content.trimmed()))
             .arg(kServedTimeoutMs / 1000));
}

// When the server finished building `commit` of the bench app (milliseconds since the epoch).
qint64 buildFinishedAt(const std::shared_ptr<grpc::Channel> &channel, const std::string &token,
                       const QString &commit)
{
    v1::ListBuildsRequest request;
    request.set_application("bench");
    request.add_states(v1::BUILD_STATE_SUCCEEDED);
    request.mutable_page()->set_page_size(5); // newest first: the round's build is among the last few
    const auto builds = call(channel, token, &v1::BuildService::Stub::ListBuilds, request);
    for (const v1::Build &build : builds.builds()) {
        if (QString::fromStdString(build.commit()) == commit)
            return google::protobuf::util::TimeUtil::TimestampToMilliseconds(build.finished_at());
    }
    fail(QStringLiteral("no succeeded build of commit %1").arg(commit));
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        fail(QStringLiteral("no free loopback port: %1").arg(probe.errorString()));
    return probe.serverPort();
}

// Starts the runtime app `starts` times as the start command would, but outside the sandbox, and returns
// for each the milliseconds from the start of the process to its port accepting a connection (what the
// platform's health check waits for, with no health path set).
std::vector<double> measureAppStart(const QString &workDir, int starts)
{
    QDir().mkpath(workDir);
    for (const auto &[name, content] : roundFiles(AppKind::Runtime, "local\n").asKeyValueRange()) {
        QFile file(QDir(workDir).filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            fail(QStringLiteral("cannot write %1").arg(file.fileName()));
    }
    std::vector<double> startTimes;
    for (int round = 0; round < starts; ++round) {
        const quint16 port = freeLoopbackPort();
        QProcess app;
        app.setWorkingDirectory(workDir);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PORT"), QString::number(port));
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QElapsedTimer timer;
        timer.start();
        app.start(QStringLiteral("python3"), {QStringLiteral("-u"), QStringLiteral("app.py")});
        if (!app.waitForStarted())
            fail(QStringLiteral("cannot start python3: %1").arg(app.errorString()));
        for (;;) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (socket.waitForConnected(1'000))
                break;
            if (app.state() == QProcess::NotRunning || timer.elapsed() > kServedTimeoutMs)
                fail(QStringLiteral("the app did not listen on port %1 (exit code %2)")
                         .arg(port)
                         .arg(app.exitCode()));
            QThread::msleep(kListenPollIntervalMs);
        }
        startTimes.push_back(double(timer.nsecsElapsed()) / 1e6);
        app.terminate();
        if (!app.waitForFinished(5'000)) {
            app.kill();
            app.waitForFinished();
        }
    }
    return startTimes;
}

double percentile(std::vector<double> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const size_t index = size_t(std::ceil(fraction * double(values.size()))) - 1;
    return values[std::min(index, values.size() - 1)];
}

int run(AppKind kind, int pushes)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        fail(QStringLiteral("cannot create a temporary directory"));

    std::vector<double> appStartTimes;
    if (kind == AppKind::Runtime) {
        // Before the server starts, so that nothing else runs on the machine meanwhile.
        appStartTimes = measureAppStart(dir.filePath(QStringLiteral("app-start")), pushes);
    }

    // Webhooks only: the poll loop must not pick a push up first.
    const QString configPath = dir.filePath(QStringLiteral("vitrine.toml"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly) ||
        config.write("[controller]\npoll_interval_seconds = 3600\n") < 0)
        fail(QStringLiteral("cannot write %1").arg(configPath));
    config.close();

    tests::ServerProcess server({{}, {QStringLiteral("--config"), configPath}});
    QString error;
    if (!server.start(&error))
        fail(error);
    const auto channel =
        grpc::CreateChannel(server.grpcAddress().toStdString(), grpc::InsecureChannelCredentials());
    const std::string admin = server.adminToken().toStdString();

    const QString gitDir = dir.filePath(QStringLiteral("git"));
    QDir().mkpath(gitDir);
    tests::GitFixture git(gitDir);
    QString lastCommit;
    const auto commitContent = [&](int round) {
        const QByteArray content = QStringLiteral("push %1\n").arg(round).toUtf8();
        lastCommit = git.commit(QStringLiteral("main"), roundFiles(kind, content),
                                QStringLiteral("round %1").arg(round));
        return content;
    };
    const QByteArray first = commitContent(0);

    v1::CreateRepositoryRequest repository;
    repository.set_name("bench-repo");
    repository.set_url(git.bareUrl().toStdString());
    repository.set_webhook_secret(kSecret.toStdString());
    call(channel, admin, &v1::RepositoryService::Stub::CreateRepository, repository);
    v1::CreateApplicationRequest application;
    application.set_name("bench");
    application.set_repository("bench-repo");
    application.set_ref("main");
    setBuildConfig(kind, application.mutable_build());
    call(channel, admin, &v1::ApplicationService::Stub::CreateApplication, application);
    const double firstMs = waitUntilServed(server.routerAddress(), first);
    std::printf("first deploy (create app → served): %.0f ms\n", firstMs);

    std::vector<double> latencies;
    std::vector<double> untilBuilt;
    for (int round = 1; round <= pushes; ++round) {
        const QByteArray content = commitContent(round);
        const qint64 webhookAt = QDateTime::currentMSecsSinceEpoch();
        QElapsedTimer timer;
        timer.start();
        const tests::HttpReply delivery = tests::postGithubPush(server.httpAddress(), git.bareUrl(), kSecret);
        if (delivery.status < 200 || delivery.status >= 300)
            fail(QStringLiteral("the webhook was refused: HTTP %1 %2")
                     .arg(delivery.status)
                     .arg(QString::fromUtf8(delivery.body)));
        waitUntilServed(server.routerAddress(), content);
        latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
        untilBuilt.push_back(double(buildFinishedAt(channel, admin, lastCommit) - webhookAt));
        std::printf("push %2d: %.0f ms (build finished after %.0f ms, served %.0f ms later)\n", round,
                    latencies.back(), untilBuilt.back(), latencies.back() - untilBuilt.back());
        std::fflush(stdout);
    }

    std::vector<double> afterBuild(latencies.size());
    std::transform(latencies.begin(), latencies.end(), untilBuilt.begin(), afterBuild.begin(),
                   std::minus<>());
    const double mean = std::accumulate(latencies.begin(), latencies.end(), 0.0) / double(latencies.size());
    const double p50 = percentile(latencies, 0.50);
    std::printf(
        "\nwebhook → new content served, %d pushes: p50 %.0f ms, p90 %.0f ms, p95 %.0f ms, min %.0f ms, "
        "max %.0f ms, mean %.0f ms\n",
        pushes, p50, percentile(latencies, 0.90), percentile(latencies, 0.95),
        *std::min_element(latencies.begin(), latencies.end()),
        *std::max_element(latencies.begin(), latencies.end()), mean);
    std::printf("  webhook → build finished: p50 %.0f ms; build finished → served: p50 %.0f ms\n",
                percentile(untilBuilt, 0.50), percentile(afterBuild, 0.50));
    if (kind == AppKind::Runtime) {
        const double startP50 = percentile(appStartTimes, 0.50);
        std::printf(
            "the app's own start time (%s, process start → port open, outside the sandbox, %d starts): "
            "p50 %.0f ms, min %.0f ms, max %.0f ms\n",
            qPrintable(kStartCommand), int(appStartTimes.size()), startP50,
            *std::min_element(appStartTimes.begin(), appStartTimes.end()),
            *std::max_element(appStartTimes.begin(), appStartTimes.end()));
        std::printf("push to live beyond the app's own start time, at p50: %.0f ms\n", p50 - startP50);
    }
    if (server.stop() != 0)
        fail(QStringLiteral("the server did not stop cleanly; its output:\n%1").arg(server.output()));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Push to live: webhook → new content served, for a static site or a runtime app."));
    parser.addHelpOption();
    const QCommandLineOption pushesOption(QStringLiteral("pushes"),
                                          QStringLiteral("How many pushes (default 20)."),
                                          QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption runtimeOption(
        QStringLiteral("runtime"),
        QStringLiteral("Push a small python3 HTTP app (runtime-cmd) instead of a static site."));
    parser.addOptions({pushesOption, runtimeOption});
    parser.process(application);
    const int pushes = parser.value(pushesOption).toInt();
    if (pushes < 1) {
        std::fprintf(stderr, "bench_push_to_live: --pushes must be a positive number\n");
        return 2;
    }
    try {
        return run(parser.isSet(runtimeOption) ? AppKind::Runtime : AppKind::Static, pushes);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "bench_push_to_live: %s\n", error.what());
        return 1;
    }
}
