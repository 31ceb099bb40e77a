// Notifications against a real vitrine-server: a member's failing build reaches that member's tray once, and
// another member hears nothing of it.

#include "client/event_stream.h"
#include "git_fixture.h"
#include "grpc_calls.h"
#include "models/notification_feed.h"
#include "server_process.h"
#include "views/tray_notifier.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::EventStream;
using vitrine::desktop::Notification;
using vitrine::desktop::NotificationFeed;
using vitrine::desktop::StreamStatus;
using vitrine::desktop::TrayNotifier;
using vitrine::tests::call;
using vitrine::tests::createMemberToken;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;
namespace v1 = vitrine::v1;

namespace {

constexpr int kBuildTimeoutMs = 60'000;

// What the desktop app runs for one signed-in member: the event stream, the feed and the tray.
struct MemberDesktop {
    MemberDesktop(const ConnectionSettings &settings, const QString &profileId)
        : stream(settings)
        // The server sends a member only the events of their own applications.
        , feed(profileId, [](const QString &) { return true; })
        , tray(&feed)
        , notified(&feed, &NotificationFeed::notified)
    {
        QObject::connect(&stream, &EventStream::eventsReceived, &tray, &TrayNotifier::applyEvents);
        stream.start();
    }

    EventStream stream;
    NotificationFeed feed;
    TrayNotifier tray;
    QSignalSpy notified;
};

} // namespace

class NotificationsEndToEndTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void aFailedBuildNotifiesItsOwnerOnce();

private:
    // A member and their token; empty when the server refused.
    // The id of the application's build once it failed, or empty on timeout.
    std::string failedBuildOf(const std::string &token, const std::string &application);

    QTemporaryDir m_dir;
    ServerProcess m_server;
    std::shared_ptr<grpc::Channel> m_channel;
};

void NotificationsEndToEndTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("vitrine-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_notifications_e2e"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_channel = grpc::CreateChannel(str(m_server.grpcAddress()), grpc::InsecureChannelCredentials());
}

void NotificationsEndToEndTest::cleanupTestCase()
{
    m_channel.reset();
    QCOMPARE(m_server.stop(), 0);
}

std::string NotificationsEndToEndTest::failedBuildOf(const std::string &token, const std::string &application)
{
    v1::ListBuildsRequest request;
    request.set_application(application);
    request.add_states(v1::BUILD_STATE_FAILED);
    v1::ListBuildsResponse response;
    if (!call(m_channel, token, &v1::BuildService::Stub::ListBuilds, request, &response).ok() ||
        response.builds().empty())
        return {};
    return response.builds(0).id();
}

void NotificationsEndToEndTest::aFailedBuildNotifiesItsOwnerOnce()
{
    const std::string alice = createMemberToken(m_channel, str(m_server.adminToken()), "alice");
    const std::string bob = createMemberToken(m_channel, str(m_server.adminToken()), "bob");
    QVERIFY(!alice.empty() && !bob.empty());

    ConnectionSettings settings;
    settings.serverAddress = m_server.grpcAddress();
    settings.token = QString::fromStdString(alice);
    MemberDesktop aliceDesktop(settings, QStringLiteral("alice-profile"));
    settings.token = QString::fromStdString(bob);
    MemberDesktop bobDesktop(settings, QStringLiteral("bob-profile"));
    // Events reach a watcher once its call is open on the server.
    QTRY_COMPARE_WITH_TIMEOUT(aliceDesktop.stream.status().state, StreamStatus::State::Live, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(bobDesktop.stream.status().state, StreamStatus::State::Live, 10'000);

    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());
    GitFixture git(repositoryDir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("README"), "broken on purpose\n"}},
               QStringLiteral("init"));
    v1::CreateRepositoryRequest repository;
    repository.set_name("broken-repo");
    repository.set_url(str(git.bareUrl()));
    v1::Repository createdRepository;
    VERIFY_OK(call(m_channel, alice, &v1::RepositoryService::Stub::CreateRepository, repository,
                   &createdRepository));
    v1::CreateApplicationRequest application;
    application.set_name("broken");
    application.set_repository(createdRepository.id());
    application.set_ref("main");
    application.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    application.mutable_build()->set_build_command("echo compiling; echo 'syntax error' >&2; exit 1");
    application.mutable_build()->set_artifact_dir("out");
    v1::Application createdApplication;
    VERIFY_OK(call(m_channel, alice, &v1::ApplicationService::Stub::CreateApplication, application,
                   &createdApplication));

    std::string buildId;
    QTRY_VERIFY_WITH_TIMEOUT(!(buildId = failedBuildOf(alice, "broken")).empty(), kBuildTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(aliceDesktop.notified.size(), 1, 10'000);
    // Any duplicate would come within the next batches.
    QTest::qWait(2'000);
    QCOMPARE(aliceDesktop.notified.size(), 1);
    QCOMPARE(bobDesktop.notified.size(), 0);

    const auto notification = aliceDesktop.notified.first().first().value<Notification>();
    QCOMPARE(notification.kind, Notification::Kind::BuildFailed);
    QCOMPARE(notification.buildId, QString::fromStdString(buildId));
    QCOMPARE(notification.applicationName, QStringLiteral("broken"));
    QCOMPARE(notification.applicationId, QString::fromStdString(createdApplication.id()));
    QCOMPARE(notification.title, QStringLiteral("Build of broken failed"));
    QVERIFY(!notification.body.isEmpty());

    // Clicking it opens the build's log at its first error.
    QSignalSpy buildLogRequested(&aliceDesktop.tray, &TrayNotifier::buildLogRequested);
    aliceDesktop.tray.open(notification);
    QCOMPARE(buildLogRequested.size(), 1);
    QCOMPARE(buildLogRequested.first(),
             (QList<QVariant>{QString::fromStdString(buildId), QStringLiteral("broken"), true}));
}

QTEST_MAIN(NotificationsEndToEndTest)
#include "tst_notifications_e2e.moc"
