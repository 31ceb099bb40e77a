#include "client/admin_api.h"
#include "client/api_client.h"
#include "client/application_api.h"
#include "client/system_api.h"
#include "git_fixture.h"
#include "grpc_calls.h"
#include "models/application_list_model.h"
#include "server_process.h"
#include "views/admin_console.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"
#include "vitrine/v1/tokens.grpc.pb.h"
#include "vitrine/v1/users.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace vitrine::desktop;
using vitrine::tests::call;
using vitrine::tests::createMemberToken;
using vitrine::tests::str;
namespace v1 = vitrine::v1;

namespace {

constexpr int kTimeoutMs = 30'000;

// Column `column` of every row, as shown.
QStringList column(const QAbstractItemModel &model, int column)
{
    QStringList cells;
    for (int row = 0; row < model.rowCount(); ++row)
        cells.append(model.index(row, column).data().toString());
    return cells;
}

template<typename T>
T *child(const QWidget &parent, const char *name)
{
    T *found = parent.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no child named %s", name);
    return found;
}

// The result of one typed call, waited for without blocking the event loop.
template<typename T, typename Start>
CallResult<T> await(Start start)
{
    std::optional<CallResult<T>> result;
    QObject receiver;
    start(&receiver, [&](const CallResult<T> &answer) { result = answer; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kTimeoutMs))
        qFatal("the call did not answer");
    return *result;
}

// Waits until every call `api` was asked before has answered: its worker makes calls in the order asked and
// hands results back in that order.
void waitForAnswersBefore(ApiClient &api)
{
    const auto info =
        await<ServerInfo>([&](QObject *receiver, auto done) { fetchServerInfo(api, receiver, done); });
    if (!info.ok())
        qFatal("the server did not answer: %s", qPrintable(info.error));
}

QStringList applicationNames(const CallResult<QList<ApplicationSummary>> &result)
{
    QStringList names;
    for (const ApplicationSummary &application : *result.value)
        names.append(application.name);
    names.sort();
    return names;
}

} // namespace

class AdminConsoleTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void showsAllApplicationsBuildersQueueAndFigures();
    void createsAUserAndItsTokenThenRevokesAndDeletes();
    void listsTheAlertsInbox();
    void aMembersTokenSeesOnlyItsOwnApplications();
    void refusesAMemberWithAMessageInsteadOfData();

private:
    std::unique_ptr<ApiClient> apiFor(const QString &token) const;
    QString createMember(const std::string &name);
    void createApplicationAs(const QString &token, const std::string &name);

    QTemporaryDir m_dir;
    std::unique_ptr<vitrine::tests::ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<vitrine::tests::GitFixture> m_aliceGit;
    std::unique_ptr<vitrine::tests::GitFixture> m_bobGit;
    QString m_aliceToken;
    QString m_bobToken;
};

std::unique_ptr<ApiClient> AdminConsoleTest::apiFor(const QString &token) const
{
    ConnectionSettings settings;
    settings.serverAddress = m_server->grpcAddress();
    settings.token = token;
    return std::make_unique<ApiClient>(settings);
}

QString AdminConsoleTest::createMember(const std::string &name)
{
    const std::string token = createMemberToken(m_channel, str(m_server->adminToken()), name);
    if (token.empty())
        qFatal("cannot create the member %s and their token", name.c_str());
    return QString::fromStdString(token);
}

// A repository with one commit on main and a static application built by a command, both owned by the token's
// user.
void AdminConsoleTest::createApplicationAs(const QString &token, const std::string &name)
{
    const QString dir = m_dir.filePath(QString::fromStdString(name));
    QVERIFY(QDir().mkpath(dir));
    auto &git = name == "alice-site" ? m_aliceGit : m_bobGit;
    git = std::make_unique<vitrine::tests::GitFixture>(dir);
    git->commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "<h1>hello</h1>"}},
                QStringLiteral("first"));

    v1::CreateRepositoryRequest repositoryRequest;
    repositoryRequest.set_name(name + "-repo");
    repositoryRequest.set_url(str(git->bareUrl()));
    v1::Repository repository;
    VERIFY_OK(call(m_channel, str(token), &v1::RepositoryService::Stub::CreateRepository, repositoryRequest,
                   &repository));
    v1::CreateApplicationRequest applicationRequest;
    applicationRequest.set_name(name);
    applicationRequest.set_repository(repository.id());
    applicationRequest.set_ref("main");
    // A build command needs a builder slot (plain static files do not): the build waits in the queue.
    applicationRequest.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    applicationRequest.mutable_build()->set_build_command("true");
    applicationRequest.mutable_build()->set_artifact_dir(".");
    v1::Application application;
    VERIFY_OK(call(m_channel, str(token), &v1::ApplicationService::Stub::CreateApplication,
                   applicationRequest, &application));
}

void AdminConsoleTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // No build slot in the server: every build stays in the queue, where the console must show it.
    const QString config = m_dir.filePath(QStringLiteral("vitrine.toml"));
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[builder]\nslots = 0\n");
    file.close();
    m_server = std::make_unique<vitrine::tests::ServerProcess>(
        vitrine::tests::ServerProcess::Options{{}, {QStringLiteral("--config"), config}});
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    m_aliceToken = createMember("alice");
    m_bobToken = createMember("bob");
    createApplicationAs(m_aliceToken, "alice-site");
    createApplicationAs(m_bobToken, "bob-site");
}

void AdminConsoleTest::showsAllApplicationsBuildersQueueAndFigures()
{
    // The server queues the new commit's build on its own; wait until it did.
    QVERIFY(QTest::qWaitFor(
        [&] {
            v1::ListBuildsRequest request;
            request.add_states(v1::BUILD_STATE_QUEUED);
            v1::ListBuildsResponse response;
            return call(m_channel, str(m_server->adminToken()), &v1::BuildService::Stub::ListBuilds, request,
                        &response)
                       .ok() &&
                   response.builds_size() == 2;
        },
        kTimeoutMs));

    const auto api = apiFor(m_server->adminToken());
    ApplicationListModel applications;
    const auto listed = await<QList<ApplicationSummary>>(
        [&](QObject *receiver, auto done) { listApplications(*api, receiver, done); });
    QVERIFY2(listed.ok(), qPrintable(listed.error));
    applications.setApplications(*listed.value);

    AdminConsole console(*api, &applications);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));

    auto *applicationsTable = child<QTableView>(console, "adminApplicationsTable");
    QCOMPARE(applicationsTable->model(), &applications);
    QStringList names = column(applications, static_cast<int>(ApplicationListModel::Column::Name));
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("alice-site"), QStringLiteral("bob-site")}));

    // A build event reloads the queue and the figures, without a reload of everything.
    StreamedEvent event;
    event.type = StreamedEvent::Type::BuildStateChanged;
    event.state = QStringLiteral("queued");
    console.applyEvents({event, event, event});

    QAbstractItemModel *queue = child<QTableView>(console, "buildQueueTable")->model();
    QAbstractItemModelTester queueTester(queue, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE_WITH_TIMEOUT(queue->rowCount(), 2, kTimeoutMs);
    QCOMPARE(column(*queue, 0), (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
    QStringList queuedApplications = column(*queue, 1);
    queuedApplications.sort();
    QCOMPARE(queuedApplications, (QStringList{QStringLiteral("alice-site"), QStringLiteral("bob-site")}));
    QCOMPARE(column(*queue, 3), (QStringList{QStringLiteral("queued"), QStringLiteral("queued")}));
    QVERIFY(!child<QLabel>(console, "buildQueueErrorLabel")->isVisibleTo(&console));

    QAbstractItemModel *builders = child<QTableView>(console, "buildersTable")->model();
    QTRY_COMPARE_WITH_TIMEOUT(builders->rowCount(), 1, kTimeoutMs);
    QCOMPARE(builders->index(0, 1).data().toString(), QStringLiteral("local"));
    QCOMPARE(builders->index(0, 2).data().toString(), QStringLiteral("0 / 0 busy"));

    QCOMPARE(child<QLabel>(console, "platformQueueLabel")->text(), QStringLiteral("2 queued, 0 running"));
    QCOMPARE(child<QLabel>(console, "platformApplicationsLabel")->text(),
             QStringLiteral("2 static, 0 runtime"));
    QCOMPARE(child<QLabel>(console, "platformBuildsLabel")->text(),
             QStringLiteral("0 succeeded, 0 failed, 0 canceled in the last 24 h"));
    QCOMPARE(child<QLabel>(console, "platformDurationLabel")->text(), QStringLiteral("no finished builds"));
    QCOMPARE(child<QLabel>(console, "platformAlertsLabel")->text(), QStringLiteral("0"));
    QVERIFY(
        child<QLabel>(console, "platformDiskLabel")->text().contains(QStringLiteral(" in all: artifacts ")));
    QVERIFY(!child<QLabel>(console, "platformFreeDiskLabel")->text().isEmpty());
    QVERIFY(!child<QLabel>(console, "platformErrorLabel")->isVisibleTo(&console));
}

void AdminConsoleTest::createsAUserAndItsTokenThenRevokesAndDeletes()
{
    const auto api = apiFor(m_server->adminToken());
    ApplicationListModel applications;
    AdminConsole console(*api, &applications);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));
    console.reload();

    auto *users = child<QTableView>(console, "usersTable");
    QAbstractItemModelTester usersTester(users->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(column(*users->model(), 0).contains(QStringLiteral("alice")), kTimeoutMs);

    auto *createUser = child<QPushButton>(console, "createUserButton");
    QVERIFY(!createUser->isEnabled());
    QTest::keyClicks(child<QLineEdit>(console, "newUserNameField"), QStringLiteral("carol"));
    QVERIFY(createUser->isEnabled());
    createUser->click();
    QTRY_VERIFY_WITH_TIMEOUT(column(*users->model(), 0).contains(QStringLiteral("carol")), kTimeoutMs);
    QVERIFY(!child<QLabel>(console, "usersErrorLabel")->isVisibleTo(&console));
    const int carolRow = static_cast<int>(column(*users->model(), 0).indexOf(QStringLiteral("carol")));
    QCOMPARE(users->model()->index(carolRow, 1).data().toString(), QStringLiteral("member"));

    users->selectRow(carolRow);
    auto *tokens = child<QTableView>(console, "tokensTable");
    QAbstractItemModelTester tokensTester(tokens->model(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *createToken = child<QPushButton>(console, "createTokenButton");
    QTRY_VERIFY_WITH_TIMEOUT(createToken->isEnabled(), kTimeoutMs);
    QTest::keyClicks(child<QLineEdit>(console, "tokenDescriptionField"), QStringLiteral("deploy bot"));
    createToken->click();

    auto *secretField = child<QLineEdit>(console, "tokenSecretField");
    QTRY_VERIFY_WITH_TIMEOUT(!secretField->text().isEmpty(), kTimeoutMs);
    QVERIFY(secretField->isReadOnly());
    QVERIFY(child<QPushButton>(console, "copyTokenSecretButton")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(column(*tokens->model(), 0), QStringList{QStringLiteral("deploy bot")},
                              kTimeoutMs);
    QCOMPARE(tokens->model()->index(0, 4).data().toString(), QStringLiteral("active"));

    // The secret shown is a working token of carol's.
    const QString secret = secretField->text();
    const auto carolApi = apiFor(secret);
    const auto asCarol =
        await<ServerInfo>([&](QObject *receiver, auto done) { fetchServerInfo(*carolApi, receiver, done); });
    QVERIFY2(asCarol.ok(), qPrintable(asCarol.error));
    QCOMPARE(asCarol.value->userName, QStringLiteral("carol"));

    tokens->selectRow(0);
    auto *revoke = child<QPushButton>(console, "revokeTokenButton");
    QVERIFY(revoke->isEnabled());
    revoke->click();
    QTRY_COMPARE_WITH_TIMEOUT(tokens->model()->rowCount(), 0, kTimeoutMs);
    child<QCheckBox>(console, "showInactiveTokensCheck")->setChecked(true);
    QTRY_COMPARE_WITH_TIMEOUT(column(*tokens->model(), 4), QStringList{QStringLiteral("revoked")},
                              kTimeoutMs);
    const auto revokedApi = apiFor(secret);
    const auto afterRevoke = await<ServerInfo>(
        [&](QObject *receiver, auto done) { fetchServerInfo(*revokedApi, receiver, done); });
    QVERIFY(!afterRevoke.ok());

    // Deleting asks first, without blocking; the user goes once confirmed.
    auto *deleteUser = child<QPushButton>(console, "deleteUserButton");
    QVERIFY(deleteUser->isEnabled());
    deleteUser->click();
    auto *confirmation = console.findChild<QMessageBox *>(QStringLiteral("deleteUserConfirmation"));
    QVERIFY(confirmation);
    QVERIFY(confirmation->text().contains(QStringLiteral("carol")));
    confirmation->button(QMessageBox::Yes)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!column(*users->model(), 0).contains(QStringLiteral("carol")), kTimeoutMs);
    QVERIFY(column(*users->model(), 0).contains(QStringLiteral("alice")));
    QVERIFY(!child<QLabel>(console, "usersErrorLabel")->isVisibleTo(&console));
}

void AdminConsoleTest::listsTheAlertsInbox()
{
    const auto api = apiFor(m_server->adminToken());
    ApplicationListModel applications;
    AdminConsole console(*api, &applications);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));

    // Static sites raise no alerts: the inbox loads empty, without an error, with nothing to act on.
    StreamedEvent opened;
    opened.type = StreamedEvent::Type::AlertOpened;
    console.applyEvents({opened});
    // Asked while the first load runs: one more load follows it.
    child<QCheckBox>(console, "showAcknowledgedAlertsCheck")->setChecked(true);
    waitForAnswersBefore(*api);
    waitForAnswersBefore(*api);
    const auto listed =
        await<QList<Alert>>([&](QObject *receiver, auto done) { listAlerts(*api, receiver, true, done); });
    QVERIFY2(listed.ok(), qPrintable(listed.error));
    QCOMPARE(child<QTableView>(console, "alertsTable")->model()->rowCount(),
             static_cast<int>(listed.value->size()));
    QVERIFY(!child<QLabel>(console, "alertsErrorLabel")->isVisibleTo(&console));
    QVERIFY(!child<QPushButton>(console, "acknowledgeAlertButton")->isEnabled());
    QVERIFY(!child<QPushButton>(console, "stopAlertApplicationButton")->isEnabled());
}

void AdminConsoleTest::aMembersTokenSeesOnlyItsOwnApplications()
{
    const auto alice = apiFor(m_aliceToken);
    const auto asAlice = await<QList<ApplicationSummary>>(
        [&](QObject *receiver, auto done) { listApplications(*alice, receiver, done); });
    QVERIFY2(asAlice.ok(), qPrintable(asAlice.error));
    QCOMPARE(applicationNames(asAlice), QStringList{QStringLiteral("alice-site")});

    const auto bob = apiFor(m_bobToken);
    const auto asBob = await<QList<ApplicationSummary>>(
        [&](QObject *receiver, auto done) { listApplications(*bob, receiver, done); });
    QVERIFY2(asBob.ok(), qPrintable(asBob.error));
    QCOMPARE(applicationNames(asBob), QStringList{QStringLiteral("bob-site")});

    const auto admin = apiFor(m_server->adminToken());
    const auto asAdmin = await<QList<ApplicationSummary>>(
        [&](QObject *receiver, auto done) { listApplications(*admin, receiver, done); });
    QVERIFY2(asAdmin.ok(), qPrintable(asAdmin.error));
    QCOMPARE(applicationNames(asAdmin),
             (QStringList{QStringLiteral("alice-site"), QStringLiteral("bob-site")}));
}

void AdminConsoleTest::refusesAMemberWithAMessageInsteadOfData()
{
    const auto alice = apiFor(m_aliceToken);
    ApplicationListModel applications;
    AdminConsole console(*alice, &applications);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));
    console.reload();

    auto *platformError = child<QLabel>(console, "platformErrorLabel");
    QTRY_VERIFY_WITH_TIMEOUT(!platformError->text().isEmpty(), kTimeoutMs);
    QVERIFY2(platformError->text().startsWith(QStringLiteral("Cannot load the platform status: ")),
             qPrintable(platformError->text()));
    waitForAnswersBefore(*alice);
    QCOMPARE(child<QTableView>(console, "buildersTable")->model()->rowCount(), 0);
    QVERIFY(!column(*child<QTableView>(console, "usersTable")->model(), 0).contains(QStringLiteral("bob")));
}

QTEST_MAIN(AdminConsoleTest)
#include "tst_admin_console.moc"
