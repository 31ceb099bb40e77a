#include "client/connection_profiles.h"
#include "grpc_calls.h"
#include "models/application_list_model.h"
#include "server_process.h"
#include "views/main_window.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QHeaderView>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using vitrine::desktop::ApplicationListModel;
using vitrine::desktop::ApplicationSummary;
using vitrine::desktop::ConnectionProfileStore;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::MainWindow;

using namespace std::chrono_literals;

namespace {

// Nothing listens on port 1 of the loopback: connecting is refused at once.
const QString kRefusingServer = QStringLiteral("127.0.0.1:1");

ConnectionSettings settingsFor(const QString &serverAddress,
                               const QString &token = QStringLiteral("some-token"))
{
    ConnectionSettings settings;
    settings.serverAddress = serverAddress;
    settings.token = token;
    return settings;
}

// A main window with a profile store of its own (QSettings in test mode, tokens in a temporary folder).
struct TestWindow {
    QTemporaryDir tokens;
    ConnectionProfileStore profiles{tokens.path()};
    MainWindow window{profiles};
};

struct WindowParts {
    QLabel *server = nullptr;
    QLabel *state = nullptr;
    QTableView *table = nullptr;
    QAction *refresh = nullptr;
    QLineEdit *search = nullptr;
    QLabel *stream = nullptr;
};

WindowParts partsOf(const MainWindow &window)
{
    return {window.findChild<QLabel *>(QStringLiteral("serverLabel")),
            window.findChild<QLabel *>(QStringLiteral("connectionStateLabel")),
            window.findChild<QTableView *>(QStringLiteral("applicationsTable")),
            window.findChild<QAction *>(QStringLiteral("refreshAction")),
            window.findChild<QLineEdit *>(QStringLiteral("applicationSearchField")),
            window.findChild<QLabel *>(QStringLiteral("streamStatusLabel"))};
}

void prepareCall(grpc::ClientContext &context, const QString &token)
{
    context.AddMetadata("authorization", "Bearer " + token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + 30s);
}

// A repository and one application on it, created through the API as the owner of `token`.
grpc::Status createApplication(const QString &serverAddress, const QString &token,
                               const QString &repositoryPath, const std::string &name)
{
    const auto channel = grpc::CreateChannel(serverAddress.toStdString(), grpc::InsecureChannelCredentials());
    const auto prepare = [&](grpc::ClientContext &context) { prepareCall(context, token); };

    grpc::ClientContext repositoryContext;
    prepare(repositoryContext);
    vitrine::v1::CreateRepositoryRequest repositoryRequest;
    repositoryRequest.set_name(name + "-repo");
    repositoryRequest.set_url(repositoryPath.toStdString());
    vitrine::v1::Repository repository;
    grpc::Status status = vitrine::v1::RepositoryService::NewStub(channel)->CreateRepository(
        &repositoryContext, repositoryRequest, &repository);
    if (!status.ok())
        return status;

    grpc::ClientContext applicationContext;
    prepare(applicationContext);
    vitrine::v1::CreateApplicationRequest applicationRequest;
    applicationRequest.set_name(name);
    applicationRequest.set_repository(repository.id());
    applicationRequest.set_ref("main");
    applicationRequest.mutable_build()->set_type(vitrine::v1::BUILD_TYPE_STATIC);
    vitrine::v1::Application application;
    return vitrine::v1::ApplicationService::NewStub(channel)->CreateApplication(
        &applicationContext, applicationRequest, &application);
}

grpc::Status deleteApplication(const QString &serverAddress, const QString &token, const std::string &name)
{
    const auto channel = grpc::CreateChannel(serverAddress.toStdString(), grpc::InsecureChannelCredentials());
    grpc::ClientContext context;
    prepareCall(context, token);
    vitrine::v1::DeleteApplicationRequest request;
    request.set_application(name);
    vitrine::v1::DeleteApplicationResponse response;
    return vitrine::v1::ApplicationService::NewStub(channel)->DeleteApplication(&context, request, &response);
}

QStringList namesIn(const QAbstractItemModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(
            model.index(row, static_cast<int>(ApplicationListModel::Column::Name)).data().toString());
    return names;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void showsTheApplicationsTableBoundToItsModel();
    void showsTheAdminConsoleToAdminsOnly();
    void showsTheCallersApplicationsFromARealServer();
    void followsApplicationChangesLiveAndFiltersThem();
    void showsAnErrorWhenTheServerCannotBeUsed_data();
    void showsAnErrorWhenTheServerCannotBeUsed();
    void staysResponsiveWhileTheServerDoesNotAnswer();
    void closesPromptlyWhileACallIsInFlight();
};

void MainWindowTest::initTestCase()
{
    // The profiles' QSettings go to a test location, not the user's.
    QStandardPaths::setTestModeEnabled(true);
}

void MainWindowTest::showsTheAdminConsoleToAdminsOnly()
{
    vitrine::tests::ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    const auto channel =
        grpc::CreateChannel(server.grpcAddress().toStdString(), grpc::InsecureChannelCredentials());
    const std::string memberToken =
        vitrine::tests::createMemberToken(channel, server.adminToken().toStdString(), "alice");
    QVERIFY(!memberToken.empty());
    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());
    VERIFY_OK(
        createApplication(server.grpcAddress(), server.adminToken(), repositoryDir.path(), "admins-blog"));

    const auto tabTitles = [](const MainWindow &window) {
        QStringList titles;
        for (int index = 0; index < window.tabs()->count(); ++index)
            titles.append(window.tabs()->tabText(index));
        return titles;
    };

    TestWindow member;
    member.window.connectTo(settingsFor(server.grpcAddress(), QString::fromStdString(memberToken)), {});
    QSignalSpy memberRefreshed(&member.window, &MainWindow::refreshed);
    QVERIFY(memberRefreshed.wait(30'000));
    QCOMPARE(partsOf(member.window).state->text(), QStringLiteral("Connected as alice"));
    QCOMPARE(tabTitles(member.window),
             (QStringList{QStringLiteral("Applications"), QStringLiteral("Repositories")}));
    QVERIFY(!member.window.adminConsole());
    QVERIFY(!member.window.findChild<QWidget *>(QStringLiteral("adminConsole")));
    // The admin's application is not the member's to see.
    QCOMPARE(member.window.applications()->rowCount(), 0);

    TestWindow admin;
    admin.window.connectTo(settingsFor(server.grpcAddress(), server.adminToken()), {});
    QSignalSpy adminRefreshed(&admin.window, &MainWindow::refreshed);
    QVERIFY(adminRefreshed.wait(30'000));
    QCOMPARE(tabTitles(admin.window), (QStringList{QStringLiteral("Applications"),
                                                   QStringLiteral("Repositories"), QStringLiteral("Admin")}));
    QVERIFY(admin.window.adminConsole());
    QCOMPARE(namesIn(*admin.window.applications()), QStringList{QStringLiteral("admins-blog")});
}

void MainWindowTest::showsTheApplicationsTableBoundToItsModel()
{
    TestWindow test;
    MainWindow &window = test.window;
    window.connectTo(settingsFor(kRefusingServer), {});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    const WindowParts parts = partsOf(window);
    QVERIFY(parts.server && parts.state && parts.table && parts.refresh && parts.search && parts.stream);
    QVERIFY(parts.server->isVisible());
    QVERIFY(parts.server->text().contains(kRefusingServer));
    QVERIFY(parts.table->isVisible());
    QVERIFY(parts.search->isVisible());
    QCOMPARE(parts.search->placeholderText(), QStringLiteral("Search apps"));
    // The stream starts only after a refresh succeeded.
    QVERIFY(parts.stream->text().isEmpty());
    // The table shows the filter through the state icons.
    auto *icons = qobject_cast<QAbstractProxyModel *>(parts.table->model());
    QVERIFY(icons);
    auto *filter = qobject_cast<QSortFilterProxyModel *>(icons->sourceModel());
    QVERIFY(filter);
    auto *model = qobject_cast<ApplicationListModel *>(filter->sourceModel());
    QVERIFY(model);
    QCOMPARE(parts.table->horizontalHeader()->count(), ApplicationListModel::kColumnCount);

    model->setApplications({{QStringLiteral("blog"),
                             QStringLiteral("club-site"),
                             QStringLiteral("main"),
                             QStringLiteral("static"),
                             {QStringLiteral("blog.localhost")},
                             {QStringLiteral("alice")}}});
    const QModelIndex first = parts.table->model()->index(0, 0);
    QCOMPARE(first.data().toString(), QStringLiteral("blog"));
    QVERIFY(parts.table->visualRect(first).isValid());
}

void MainWindowTest::showsTheCallersApplicationsFromARealServer()
{
    vitrine::tests::ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());
    const grpc::Status created =
        createApplication(server.grpcAddress(), server.adminToken(), repositoryDir.path(), "blog");
    QVERIFY2(created.ok(), created.error_message().c_str());

    TestWindow test;
    MainWindow &window = test.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);
    window.connectTo(settingsFor(server.grpcAddress(), server.adminToken()), {});

    QTRY_VERIFY_WITH_TIMEOUT(parts.refresh->isEnabled(), 30'000);
    QCOMPARE(parts.state->text(), QStringLiteral("Connected as admin (admin)"));
    QAbstractItemModel *model = parts.table->model();
    QCOMPARE(model->rowCount(), 1);
    const auto cell = [&](ApplicationListModel::Column column) {
        return model->index(0, static_cast<int>(column)).data().toString();
    };
    QCOMPARE(cell(ApplicationListModel::Column::Name), QStringLiteral("blog"));
    QCOMPARE(cell(ApplicationListModel::Column::Repository), QStringLiteral("blog-repo"));
    QCOMPARE(cell(ApplicationListModel::Column::Type), QStringLiteral("static"));
    QCOMPARE(cell(ApplicationListModel::Column::Websites), QStringLiteral("blog.localhost"));
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("applicationCountLabel"))->text(),
             QStringLiteral("Applications: 1"));
}

void MainWindowTest::followsApplicationChangesLiveAndFiltersThem()
{
    vitrine::tests::ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QTemporaryDir repositoryDir;
    QVERIFY(repositoryDir.isValid());
    grpc::Status status =
        createApplication(server.grpcAddress(), server.adminToken(), repositoryDir.path(), "blog");
    QVERIFY2(status.ok(), status.error_message().c_str());

    TestWindow test;
    MainWindow &window = test.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);
    QAbstractItemModel *model = parts.table->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.connectTo(settingsFor(server.grpcAddress(), server.adminToken()), {});

    QTRY_COMPARE_WITH_TIMEOUT(namesIn(*model), QStringList{QStringLiteral("blog")}, 30'000);
    // A change made before the stream is live would reach the list only through a refresh.
    QTRY_COMPARE_WITH_TIMEOUT(parts.stream->text(), QStringLiteral("Live updates: on"), 30'000);

    status = createApplication(server.grpcAddress(), server.adminToken(), repositoryDir.path(), "shop");
    QVERIFY2(status.ok(), status.error_message().c_str());
    QTRY_COMPARE_WITH_TIMEOUT(namesIn(*model), (QStringList{QStringLiteral("blog"), QStringLiteral("shop")}),
                              30'000);
    QTRY_COMPARE_WITH_TIMEOUT(window.findChild<QLabel *>(QStringLiteral("applicationCountLabel"))->text(),
                              QStringLiteral("Applications: 2"), 30'000);

    QTest::keyClicks(parts.search, QStringLiteral("SHO"));
    QCOMPARE(namesIn(*model), QStringList{QStringLiteral("shop")});
    parts.search->clear();
    QCOMPARE(namesIn(*model), (QStringList{QStringLiteral("blog"), QStringLiteral("shop")}));

    status = deleteApplication(server.grpcAddress(), server.adminToken(), "blog");
    QVERIFY2(status.ok(), status.error_message().c_str());
    QTRY_COMPARE_WITH_TIMEOUT(namesIn(*model), QStringList{QStringLiteral("shop")}, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(window.findChild<QLabel *>(QStringLiteral("applicationCountLabel"))->text(),
                              QStringLiteral("Applications: 1"), 30'000);
}

void MainWindowTest::showsAnErrorWhenTheServerCannotBeUsed_data()
{
    QTest::addColumn<QString>("serverAddress");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("connection refused")
        << kRefusingServer << QStringLiteral("some-token") << QStringLiteral("Cannot reach 127.0.0.1:1");
    QTest::newRow("no token") << kRefusingServer << QString()
                              << QStringLiteral("No token: set VITRINE_TOKEN");
}

void MainWindowTest::showsAnErrorWhenTheServerCannotBeUsed()
{
    QFETCH(QString, serverAddress);
    QFETCH(QString, token);
    QFETCH(QString, expectedMessage);

    TestWindow test;
    MainWindow &window = test.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);

    window.connectTo(settingsFor(serverAddress, token), {});
    QCOMPARE(parts.state->text(), QStringLiteral("Connecting…"));
    QVERIFY(!parts.refresh->isEnabled());

    QTRY_VERIFY_WITH_TIMEOUT(parts.refresh->isEnabled(), 30'000);
    QVERIFY2(parts.state->text().startsWith(QStringLiteral("Not connected: ")),
             qPrintable(parts.state->text()));
    QVERIFY2(parts.state->text().contains(expectedMessage), qPrintable(parts.state->text()));
    QCOMPARE(parts.table->model()->rowCount(), 0);
}

void MainWindowTest::staysResponsiveWhileTheServerDoesNotAnswer()
{
    // A server that accepts connections and never speaks: the call hangs until its deadline.
    QTcpServer silentServer;
    QVERIFY(silentServer.listen(QHostAddress::LocalHost));
    ConnectionSettings settings = settingsFor(QStringLiteral("127.0.0.1:%1").arg(silentServer.serverPort()));
    settings.callTimeout = 3s;

    TestWindow test;
    MainWindow &window = test.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);
    QSignalSpy accepted(&silentServer, &QTcpServer::newConnection);

    window.connectTo(settings, {});
    // The silent server lives on the GUI thread: it can only see the client connect while the GUI thread
    // goes on handling events, which is what the user needs while a call is pending.
    QVERIFY(accepted.wait(30'000));
    QCOMPARE(parts.state->text(), QStringLiteral("Connecting…"));
    QVERIFY(!parts.refresh->isEnabled());

    QTRY_VERIFY_WITH_TIMEOUT(parts.refresh->isEnabled(), 30'000);
    QVERIFY2(parts.state->text().contains(QStringLiteral("did not answer within 3 s.")),
             qPrintable(parts.state->text()));
}

void MainWindowTest::closesPromptlyWhileACallIsInFlight()
{
    QTcpServer silentServer;
    QVERIFY(silentServer.listen(QHostAddress::LocalHost));
    ConnectionSettings settings = settingsFor(QStringLiteral("127.0.0.1:%1").arg(silentServer.serverPort()));
    // Waiting this deadline out would run past Qt Test's limit for one test function: the window must cancel
    // the call when it closes.
    settings.callTimeout = 10min;

    auto test = std::make_unique<TestWindow>();
    test->window.show();
    QSignalSpy accepted(&silentServer, &QTcpServer::newConnection);
    test->window.connectTo(settings, {});
    QVERIFY(accepted.wait(30'000));

    test.reset();
}

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
