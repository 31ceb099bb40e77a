// Push to live for a trivial static site: a real vitrine-server with its embedded Caddy, a local bare git
// repository, signed GitHub webhooks. Each round commits new content, posts the webhook and polls the site
// through the router until the new content is served; prints p50/p95 of webhook → served.

#include "git_fixture.h"
#include "http_request.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
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
const QString kSecret = QStringLiteral("bench secret");
const QString kSiteHost = QStringLiteral("bench.localhost");

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

template<typename Stub, typename Request, typename Response>
void call(const std::shared_ptr<grpc::Channel> &channel, const std::string &token,
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
}

// Polls the site until it serves `content`; returns the milliseconds that took.
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
    fail(QStringLiteral("the site did not serve %1 within %2 s")
             .arg(QString::fromUtf8(content.trimmed()))
             .arg(kServedTimeoutMs / 1000));
}

double percentile(std::vector<double> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const size_t index = size_t(std::ceil(fraction * double(values.size()))) - 1;
    return values[std::min(index, values.size() - 1)];
}

int run(int pushes)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        fail(QStringLiteral("cannot create a temporary directory"));
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

    tests::GitFixture git(dir.path());
    const auto commitContent = [&](int round) {
        const QByteArray content = QStringLiteral("push %1\n").arg(round).toUtf8();
        git.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), content}},
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
    application.mutable_build()->set_type(v1::BUILD_TYPE_STATIC);
    application.mutable_build()->set_artifact_dir("site");
    call(channel, admin, &v1::ApplicationService::Stub::CreateApplication, application);
    const double firstMs = waitUntilServed(server.routerAddress(), first);
    std::printf("first deploy (create app → served): %.0f ms\n", firstMs);

    std::vector<double> latencies;
    for (int round = 1; round <= pushes; ++round) {
        const QByteArray content = commitContent(round);
        QElapsedTimer timer;
        timer.start();
        const tests::HttpReply delivery = tests::postGithubPush(server.httpAddress(), git.bareUrl(), kSecret);
        if (delivery.status < 200 || delivery.status >= 300)
            fail(QStringLiteral("the webhook was refused: HTTP %1 %2")
                     .arg(delivery.status)
                     .arg(QString::fromUtf8(delivery.body)));
        waitUntilServed(server.routerAddress(), content);
        latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
        std::printf("push %2d: %.0f ms\n", round, latencies.back());
        std::fflush(stdout);
    }

    const double mean = std::accumulate(latencies.begin(), latencies.end(), 0.0) / double(latencies.size());
    std::printf(
        "\nwebhook → new content served, %d pushes: p50 %.0f ms, p95 %.0f ms, min %.0f ms, max %.0f ms, "
        "mean %.0f ms\n",
        pushes, percentile(latencies, 0.50), percentile(latencies, 0.95),
        *std::min_element(latencies.begin(), latencies.end()),
        *std::max_element(latencies.begin(), latencies.end()), mean);
    if (server.stop() != 0)
        fail(QStringLiteral("the server did not stop cleanly; its output:\n%1").arg(server.output()));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Push to live: webhook → new static content served."));
    parser.addHelpOption();
    const QCommandLineOption pushesOption(QStringLiteral("pushes"),
                                          QStringLiteral("How many pushes (default 20)."),
                                          QStringLiteral("N"), QStringLiteral("20"));
    parser.addOption(pushesOption);
    parser.process(application);
    const int pushes = parser.value(pushesOption).toInt();
    if (pushes < 1) {
        std::fprintf(stderr, "bench_push_to_live: --pushes must be a positive number\n");
        return 2;
    }
    try {
        return run(pushes);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "bench_push_to_live: %s\n", error.what());
        return 1;
    }
}
