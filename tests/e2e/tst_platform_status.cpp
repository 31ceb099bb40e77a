// SystemService's admin console figures and client facts, against a real server that builds for real.

#include "git_fixture.h"
#include "grpc_calls.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"
#include "vitrine/v1/system.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <string>

using namespace vitrine;
using vitrine::tests::call;
using vitrine::tests::createMemberToken;
using vitrine::tests::describe;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;

namespace {

constexpr int kBuildsTimeoutMs = 90'000;

} // namespace

class TestPlatformStatus : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void clientsLearnWhereWebhooksAndWebsitesAre();
    void membersMayNotSeeThePlatform();
    void adminSeesBuildersQueueAndFigures();

private:
    v1::PlatformStatus status();
    void createApplication(const QString &name, const QString &buildCommand);

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_admin;
    std::string m_member;
};

void TestPlatformStatus::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // One slot: a second build waits in the queue while the first runs.
    const QString configPath = m_dir.filePath(QStringLiteral("vitrine.toml"));
    QFile configFile(configPath);
    QVERIFY(configFile.open(QIODevice::WriteOnly));
    configFile.write("[builder]\nslots = 1\n[controller]\npoll_interval_seconds = 3600\n");
    configFile.close();
    m_server =
        std::make_unique<ServerProcess>(ServerProcess::Options{{}, {QStringLiteral("--config"), configPath}});
    QString error;
    QVERIFY2(m_server->start(&error), qUtf8Printable(error));
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    m_admin = str(m_server->adminToken());

    m_member = createMemberToken(m_channel, m_admin, "alice");
    QVERIFY(!m_member.empty());
}

void TestPlatformStatus::cleanupTestCase()
{
    m_channel.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

v1::PlatformStatus TestPlatformStatus::status()
{
    v1::PlatformStatus answer;
    const grpc::Status result = call(m_channel, m_admin, &v1::SystemService::Stub::GetPlatformStatus,
                                     v1::GetPlatformStatusRequest(), &answer);
    if (!result.ok())
        qWarning("GetPlatformStatus failed: %s", describe(result).constData());
    return answer;
}

void TestPlatformStatus::createApplication(const QString &name, const QString &buildCommand)
{
    v1::CreateApplicationRequest request;
    request.set_name(str(name));
    request.set_repository("site-repo");
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    request.mutable_build()->set_build_command(str(buildCommand));
    request.mutable_build()->set_artifact_dir("out");
    v1::Application created;
    const grpc::Status result =
        call(m_channel, m_admin, &v1::ApplicationService::Stub::CreateApplication, request, &created);
    QVERIFY2(result.ok(), describe(result).constData());
}

void TestPlatformStatus::clientsLearnWhereWebhooksAndWebsitesAre()
{
    v1::SystemInfo info;
    QVERIFY(
        call(m_channel, m_member, &v1::SystemService::Stub::GetSystemInfo, v1::GetSystemInfoRequest(), &info)
            .ok());
    QCOMPARE(QString::fromStdString(info.webhook_base_url()),
             QStringLiteral("http://%1/webhooks/").arg(m_server->httpAddress()));
    QCOMPARE(info.site_scheme(), "http");
    QCOMPARE(QString::number(info.site_port()), m_server->routerAddress().section(u':', -1));
}

void TestPlatformStatus::membersMayNotSeeThePlatform()
{
    v1::PlatformStatus answer;
    const grpc::Status result = call(m_channel, m_member, &v1::SystemService::Stub::GetPlatformStatus,
                                     v1::GetPlatformStatusRequest(), &answer);
    QCOMPARE(result.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    QVERIFY2(QString::fromStdString(result.error_message()).contains(QStringLiteral("only admins")),
             describe(result).constData());
}

void TestPlatformStatus::adminSeesBuildersQueueAndFigures()
{
    const v1::PlatformStatus idle = status();
    QCOMPARE(idle.builders_size(), 1);
    QCOMPARE(idle.builders(0).id(), "local");
    QVERIFY(!idle.builders(0).remote());
    QCOMPARE(idle.builders(0).slot_count(), 1);
    QCOMPARE(idle.builders(0).busy_slots(), 0);
    QCOMPARE(idle.queued_builds(), 0);
    QCOMPARE(idle.recent_builds().window().seconds(), 24 * 3600);
    QCOMPARE(idle.recent_builds().succeeded(), 0);
    QVERIFY(!idle.recent_builds().has_duration_p50());
    QVERIFY(idle.disk().total_bytes() > 0); // the database at least
    QVERIFY(idle.disk().free_bytes() > 0);

    QTemporaryDir repositoryDir;
    GitFixture git(repositoryDir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "hello\n"}}, QStringLiteral("init"));
    v1::CreateRepositoryRequest repository;
    repository.set_name("site-repo");
    repository.set_url(str(git.bareUrl()));
    v1::Repository createdRepository;
    QVERIFY(call(m_channel, m_admin, &v1::RepositoryService::Stub::CreateRepository, repository,
                 &createdRepository)
                .ok());
    // The first build holds the only slot long enough for the second to be seen waiting.
    createApplication(QStringLiteral("slow"), QStringLiteral("sleep 15; mkdir out; cp index.html out/"));
    createApplication(QStringLiteral("quick"), QStringLiteral("mkdir out; cp index.html out/"));

    QTRY_VERIFY_WITH_TIMEOUT(status().queued_builds() == 1, kBuildsTimeoutMs);
    const v1::PlatformStatus busy = status();
    QCOMPARE(busy.running_builds(), 1);
    QCOMPARE(busy.builders(0).busy_slots(), 1);
    QCOMPARE(busy.builders(0).build_ids_size(), 1);
    QCOMPARE(busy.static_applications(), 2);
    QCOMPARE(busy.runtime_applications(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(status().recent_builds().succeeded(), 2, kBuildsTimeoutMs);
    const v1::PlatformStatus done = status();
    QCOMPARE(done.queued_builds(), 0);
    QCOMPARE(done.running_builds(), 0);
    QCOMPARE(done.builders(0).busy_slots(), 0);
    QCOMPARE(done.recent_builds().failed(), 0);
    QVERIFY(done.recent_builds().has_duration_p50());
    QVERIFY(done.recent_builds().has_duration_p90());
    QVERIFY(done.recent_builds().duration_p90().seconds() >= done.recent_builds().duration_p50().seconds());
    QCOMPARE(done.open_alerts(), 0);
    QVERIFY(done.disk().total_bytes() > 0);

    // An application's disk use counts its artifact, its published site and its build log, as of a walk at
    // most 30 s old.
    const auto quickDiskBytes = [this] {
        v1::GetApplicationRequest get;
        get.set_application("quick");
        v1::Application quick;
        return call(m_channel, m_admin, &v1::ApplicationService::Stub::GetApplication, get, &quick).ok()
                   ? quick.disk_bytes()
                   : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(quickDiskBytes() > 0, 45'000);
    QVERIFY(quickDiskBytes() < status().disk().total_bytes());
}

QTEST_GUILESS_MAIN(TestPlatformStatus)
#include "tst_platform_status.moc"
