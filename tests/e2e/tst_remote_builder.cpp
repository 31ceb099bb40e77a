// Remote builders end to end: a vitrine-server with no build slots of its own, and `vitrine-server builder`
// processes that dial it, build, and die.

#include "git_fixture.h"
#include "grpc_calls.h"
#include "http_request.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>
#include <string>

using namespace vitrine;
using vitrine::tests::call;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;

namespace {

constexpr int kLiveTimeoutMs = 60'000;
// Crash detection runs every 10 s; the heartbeat timeout is 3 s here.
constexpr int kCrashDetectedTimeoutMs = 60'000;

// A build that publishes the repository's site/ folder.
v1::BuildConfig siteBuild(v1::BuildType type, const QString &buildCommand = {})
{
    v1::BuildConfig build;
    build.set_type(type);
    build.set_build_command(str(buildCommand));
    build.set_artifact_dir("site");
    return build;
}

} // namespace

class TestRemoteBuilder : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void remoteBuilderBuildsAndSurvivesACrash();

private:
    // Starts `vitrine-server builder` against the server; waits until it has connected.
    bool startBuilder(QProcess &builder, QString *error);
    // Unspecified deploy type: the one the build type implies (runtime for auto).
    void createApplication(const QString &name, const QString &repositoryUrl, const v1::BuildConfig &build,
                           v1::DeployType deployType = v1::DEPLOY_TYPE_UNSPECIFIED);
    std::optional<v1::Build> onlyBuildOf(const QString &application);
    QByteArray siteOf(const QString &application);

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_admin;
};

void TestRemoteBuilder::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString config = QStringLiteral("[builder]\n"
                                          "slots = 0\n"
                                          "[controller]\n"
                                          "poll_interval_seconds = 3600\n"
                                          "heartbeat_timeout_seconds = 3\n");
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
}

void TestRemoteBuilder::cleanupTestCase()
{
    m_channel.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

bool TestRemoteBuilder::startBuilder(QProcess &builder, QString *error)
{
    builder.setProcessChannelMode(QProcess::MergedChannels);
    builder.setProgram(QString::fromUtf8(VITRINE_SERVER_BINARY));
    builder.setArguments(
        {QStringLiteral("builder"), QStringLiteral("--controller"), m_server->grpcAddress(),
         QStringLiteral("--token"), m_server->adminToken(), QStringLiteral("--slots"), QStringLiteral("1"),
         QStringLiteral("--work-dir"), m_dir.filePath(QStringLiteral("work")), QStringLiteral("--name"),
         QStringLiteral("test-builder"), QStringLiteral("--heartbeat-seconds"), QStringLiteral("1")});
    builder.start();
    QByteArray output;
    for (int waited = 0; waited < 30'000; waited += 100) {
        builder.waitForReadyRead(100);
        output += builder.readAll();
        if (output.contains(" connected "))
            return true;
        if (builder.state() == QProcess::NotRunning)
            break;
    }
    *error = QStringLiteral("the builder did not connect; its output:\n") + QString::fromUtf8(output);
    return false;
}

void TestRemoteBuilder::createApplication(const QString &name, const QString &repositoryUrl,
                                          const v1::BuildConfig &build, v1::DeployType deployType)
{
    v1::CreateRepositoryRequest repository;
    repository.set_name(str(name + QStringLiteral("-repo")));
    repository.set_url(str(repositoryUrl));
    v1::Repository createdRepository;
    QVERIFY(call(m_channel, m_admin, &v1::RepositoryService::Stub::CreateRepository, repository,
                 &createdRepository)
                .ok());
    v1::CreateApplicationRequest request;
    request.set_name(str(name));
    request.set_repository(repository.name());
    request.set_ref("main");
    request.set_deploy_type(deployType);
    *request.mutable_build() = build;
    v1::Application created;
    QVERIFY(
        call(m_channel, m_admin, &v1::ApplicationService::Stub::CreateApplication, request, &created).ok());
}

std::optional<v1::Build> TestRemoteBuilder::onlyBuildOf(const QString &application)
{
    v1::ListBuildsRequest request;
    request.set_application(str(application));
    v1::ListBuildsResponse response;
    if (!call(m_channel, m_admin, &v1::BuildService::Stub::ListBuilds, request, &response).ok() ||
        response.builds_size() != 1)
        return std::nullopt;
    return response.builds(0);
}

QByteArray TestRemoteBuilder::siteOf(const QString &application)
{
    const tests::HttpReply reply =
        tests::getThroughRouter(m_server->routerAddress(), application + QStringLiteral(".localhost"));
    return reply.status == 200 ? reply.body : QByteArray();
}

void TestRemoteBuilder::remoteBuilderBuildsAndSurvivesACrash()
{
    QTemporaryDir siteDir;
    QTemporaryDir slowDir;
    QTemporaryDir laterDir;
    GitFixture siteGit(siteDir.path());
    siteGit.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "built remotely\n"}},
                   QStringLiteral("v1"));
    GitFixture slowGit(slowDir.path());
    slowGit.commit(QStringLiteral("main"), {{QStringLiteral("README"), "takes its time\n"}},
                   QStringLiteral("v1"));
    GitFixture laterGit(laterDir.path());
    laterGit.commit(QStringLiteral("main"), {{QStringLiteral("site/index.html"), "after the crash\n"}},
                    QStringLiteral("v1"));

    QProcess firstBuilder;
    QString error;
    QVERIFY2(startBuilder(firstBuilder, &error), qUtf8Printable(error));

    // With no slots in the server, only the remote builder can have built it.
    createApplication(QStringLiteral("remote-site"), siteGit.bareUrl(), siteBuild(v1::BUILD_TYPE_STATIC));
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("remote-site")), QByteArray("built remotely\n"),
                              kLiveTimeoutMs);
    const std::optional<v1::Build> built = onlyBuildOf(QStringLiteral("remote-site"));
    QVERIFY(built);
    QCOMPARE(built->state(), v1::BUILD_STATE_SUCCEEDED);

    // A build that runs long enough to lose its builder.
    createApplication(QStringLiteral("slow"), slowGit.bareUrl(),
                      siteBuild(v1::BUILD_TYPE_STATIC_CMD, QStringLiteral("sleep 600; mkdir site")));
    QTRY_VERIFY_WITH_TIMEOUT(onlyBuildOf(QStringLiteral("slow")) &&
                                 onlyBuildOf(QStringLiteral("slow"))->state() == v1::BUILD_STATE_BUILDING,
                             kLiveTimeoutMs);
    const std::string slowBuild = onlyBuildOf(QStringLiteral("slow"))->id();
    QByteArray builderOutput;
    QTRY_VERIFY_WITH_TIMEOUT((builderOutput += firstBuilder.readAll())
                                 .contains("building build=" + QByteArray::fromStdString(slowBuild)),
                             kLiveTimeoutMs);
    ::kill(pid_t(firstBuilder.processId()), SIGKILL);
    QVERIFY(firstBuilder.waitForFinished(10'000));

    QTRY_COMPARE_WITH_TIMEOUT(onlyBuildOf(QStringLiteral("slow"))->state(), v1::BUILD_STATE_FAILED,
                              kCrashDetectedTimeoutMs);
    QVERIFY2(QByteArray::fromStdString(onlyBuildOf(QStringLiteral("slow"))->failure_reason())
                 .contains("heartbeat"),
             onlyBuildOf(QStringLiteral("slow"))->failure_reason().c_str());

    // A new builder takes the next build.
    QProcess secondBuilder;
    QVERIFY2(startBuilder(secondBuilder, &error), qUtf8Printable(error));
    createApplication(QStringLiteral("later"), laterGit.bareUrl(), siteBuild(v1::BUILD_TYPE_STATIC));
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("later")), QByteArray("after the crash\n"),
                              kLiveTimeoutMs);
    QCOMPARE(onlyBuildOf(QStringLiteral("later"))->state(), v1::BUILD_STATE_SUCCEEDED);

    // Auto builds run there too, and the plan they detected comes back with the result.
    v1::BuildConfig autoBuild;
    autoBuild.set_type(v1::BUILD_TYPE_AUTO);
    QTemporaryDir nodeDir;
    GitFixture nodeGit(nodeDir.path());
    nodeGit.commit(QStringLiteral("main"),
                   {{QStringLiteral("package.json"),
                     R"({"scripts": {"build": "mkdir -p dist && cp src/index.html dist/"}})"},
                    {QStringLiteral("src/index.html"), "built by npm\n"}},
                   QStringLiteral("v1"));
    createApplication(QStringLiteral("auto-site"), nodeGit.bareUrl(), autoBuild, v1::DEPLOY_TYPE_STATIC);
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("auto-site")), QByteArray("built by npm\n"),
                              kLiveTimeoutMs);
    QCOMPARE(onlyBuildOf(QStringLiteral("auto-site"))->deploy_type(), v1::DEPLOY_TYPE_STATIC);

    QTemporaryDir pythonDir;
    GitFixture pythonGit(pythonDir.path());
    pythonGit.commit(QStringLiteral("main"),
                     {{QStringLiteral("app.py"),
                       "import http.server, os\n"
                       "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])),\n"
                       "                       http.server.SimpleHTTPRequestHandler).serve_forever()\n"}},
                     QStringLiteral("v1"));
    createApplication(QStringLiteral("auto-app"), pythonGit.bareUrl(), autoBuild);
    QTRY_VERIFY_WITH_TIMEOUT(onlyBuildOf(QStringLiteral("auto-app")) &&
                                 onlyBuildOf(QStringLiteral("auto-app"))->state() ==
                                     v1::BUILD_STATE_SUCCEEDED,
                             kLiveTimeoutMs);
    QCOMPARE(onlyBuildOf(QStringLiteral("auto-app"))->deploy_type(), v1::DEPLOY_TYPE_RUNTIME);
    QCOMPARE(onlyBuildOf(QStringLiteral("auto-app"))->start_command(), "python3 app.py");

    // SIGTERM stops a builder cleanly.
    secondBuilder.terminate();
    QVERIFY(secondBuilder.waitForFinished(30'000));
    QCOMPARE(secondBuilder.exitStatus(), QProcess::NormalExit);
    QCOMPARE(secondBuilder.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestRemoteBuilder)
#include "tst_remote_builder.moc"
