// Remote builders end to end: a vitrine-server with no build slots of its own, and `vitrine-server builder`
// processes that dial it, build, and die.

#include "git_fixture.h"
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

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>

using namespace vitrine;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;

namespace {

constexpr int kLiveTimeoutMs = 60'000;
// Crash detection runs every 10 s; the heartbeat timeout is 3 s here.
constexpr int kCrashDetectedTimeoutMs = 60'000;

std::string str(const QString &text)
{
    return text.toStdString();
}

template<typename Stub, typename Request, typename Response>
grpc::Status call(const std::shared_ptr<grpc::Channel> &channel, const std::string &token,
                  grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
                  const Request &request, Response *response)
{
    Stub stub(channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub.*method)(&context, request, response);
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
    void createApplication(const QString &name, const QString &repositoryUrl, v1::BuildType type,
                           const QString &buildCommand);
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
                                          v1::BuildType type, const QString &buildCommand)
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
    request.mutable_build()->set_type(type);
    request.mutable_build()->set_build_command(str(buildCommand));
    request.mutable_build()->set_artifact_dir("site");
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
    createApplication(QStringLiteral("remote-site"), siteGit.bareUrl(), v1::BUILD_TYPE_STATIC, {});
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("remote-site")), QByteArray("built remotely\n"),
                              kLiveTimeoutMs);
    const std::optional<v1::Build> built = onlyBuildOf(QStringLiteral("remote-site"));
    QVERIFY(built);
    QCOMPARE(built->state(), v1::BUILD_STATE_SUCCEEDED);

    // A build that runs long enough to lose its builder.
    createApplication(QStringLiteral("slow"), slowGit.bareUrl(), v1::BUILD_TYPE_STATIC_CMD,
                      QStringLiteral("sleep 600; mkdir site"));
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
    createApplication(QStringLiteral("later"), laterGit.bareUrl(), v1::BUILD_TYPE_STATIC, {});
    QTRY_COMPARE_WITH_TIMEOUT(siteOf(QStringLiteral("later")), QByteArray("after the crash\n"),
                              kLiveTimeoutMs);
    QCOMPARE(onlyBuildOf(QStringLiteral("later"))->state(), v1::BUILD_STATE_SUCCEEDED);

    // SIGTERM stops a builder cleanly.
    secondBuilder.terminate();
    QVERIFY(secondBuilder.waitForFinished(30'000));
    QCOMPARE(secondBuilder.exitStatus(), QProcess::NormalExit);
    QCOMPARE(secondBuilder.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestRemoteBuilder)
#include "tst_remote_builder.moc"
