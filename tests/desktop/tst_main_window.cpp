#include "models/application_list_model.h"
#include "views/main_window.h"

#include <QAction>
#include <QHeaderView>
#include <QHostAddress>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <chrono>

using vitrine::desktop::ApplicationListModel;
using vitrine::desktop::ApplicationSummary;
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

struct WindowParts {
    QLabel *server = nullptr;
    QLabel *state = nullptr;
    QTableView *table = nullptr;
    QAction *refresh = nullptr;
};

WindowParts partsOf(const MainWindow &window)
{
    return {window.findChild<QLabel *>(QStringLiteral("serverLabel")),
            window.findChild<QLabel *>(QStringLiteral("connectionStateLabel")),
            window.findChild<QTableView *>(QStringLiteral("applicationsTable")),
            window.findChild<QAction *>(QStringLiteral("refreshAction"))};
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void showsTheApplicationsTableBoundToItsModel();
    void showsAnErrorWhenTheServerCannotBeUsed_data();
    void showsAnErrorWhenTheServerCannotBeUsed();
    void staysResponsiveWhileTheServerDoesNotAnswer();
    void closesPromptlyWhileACallIsInFlight();
};

void MainWindowTest::showsTheApplicationsTableBoundToItsModel()
{
    MainWindow window(settingsFor(kRefusingServer));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    const WindowParts parts = partsOf(window);
    QVERIFY(parts.server && parts.state && parts.table && parts.refresh);
    QVERIFY(parts.server->isVisible());
    QVERIFY(parts.server->text().contains(kRefusingServer));
    QVERIFY(parts.table->isVisible());
    auto *model = qobject_cast<ApplicationListModel *>(parts.table->model());
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

    MainWindow window(settingsFor(serverAddress, token));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);

    window.refresh();
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

    MainWindow window(settings);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const WindowParts parts = partsOf(window);
    QSignalSpy accepted(&silentServer, &QTcpServer::newConnection);

    window.refresh();
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

    auto window = std::make_unique<MainWindow>(settings);
    window->show();
    QSignalSpy accepted(&silentServer, &QTcpServer::newConnection);
    window->refresh();
    QVERIFY(accepted.wait(30'000));

    window.reset();
}

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
