// ApplicationPage against a real vitrine-server: a static site's builds after pushes and a rollback, a
// runtime app's start and stop buttons, and deleting an application.

#include "client/api_client.h"
#include "client/event_stream.h"
#include "git_fixture.h"
#include "http_request.h"
#include "models/build_list_model.h"
#include "stream_test_support.h"
#include "views/application_page.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vitrine::desktop::ApiClient;
using vitrine::desktop::ApplicationPage;
using vitrine::desktop::BuildListModel;
using vitrine::desktop::EventStream;
using vitrine::desktop::StreamStatus;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::settingsFor;
namespace v1 = vitrine::v1;

namespace {

// Builds and starts take seconds; the margin is for a loaded machine.
constexpr int kBuildTimeoutMs = 60'000;
constexpr int kSitePort = 8080;

template<typename Widget>
Widget *part(const ApplicationPage &page, const char *objectName)
{
    auto *widget = page.findChild<Widget *>(QString::fromLatin1(objectName));
    if (!widget)
        qWarning("no %s on the page", objectName);
    return widget;
}

QString labelText(const ApplicationPage &page, const char *objectName)
{
    const auto *label = part<QLabel>(page, objectName);
    return label ? label->text() : QString();
}

QString stateCell(const QTableView &table, int row)
{
    return table.model()->index(row, static_cast<int>(BuildListModel::Column::State)).data().toString();
}

QString buildIdAt(const QTableView &table, int row)
{
    return table.model()->index(row, 0).data(BuildListModel::IdRole).toString();
}

} // namespace

class ApplicationPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void showsAStaticSitesBuildsLiveAndRollsBack();
    void startsAndStopsARuntimeApplication();
    void deletesTheApplicationAfterConfirmation();

private:
    // The page of `application`, shown, fed by an event stream that is live when this returns.
    std::unique_ptr<ApplicationPage> openPage(const QString &application);

    QTemporaryDir m_dir;
    ServerProcess m_server;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<EventStream> m_events;
};

void ApplicationPageTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_api = std::make_unique<ApiClient>(settingsFor(m_server));
    m_events = std::make_unique<EventStream>(settingsFor(m_server));
    m_events->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_events->status().state, StreamStatus::State::Live, 30'000);
}

void ApplicationPageTest::cleanupTestCase()
{
    m_events.reset();
    m_api.reset();
    QCOMPARE(m_server.stop(), 0);
}

std::unique_ptr<ApplicationPage> ApplicationPageTest::openPage(const QString &application)
{
    auto page = std::make_unique<ApplicationPage>(*m_api, application, QStringLiteral("http"), kSitePort);
    connect(m_events.get(), &EventStream::eventsReceived, page.get(), &ApplicationPage::applyEvents);
    page->resize(900, 600);
    page->show();
    if (!QTest::qWaitForWindowExposed(page.get()))
        qWarning("the page was not exposed");
    return page;
}

void ApplicationPageTest::showsAStaticSitesBuildsLiveAndRollsBack()
{
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("site")));
    GitFixture git(m_dir.filePath(QStringLiteral("site")));
    const QString firstCommit =
        git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v1"}}, QStringLiteral("v1"));
    v1::CreateApplicationRequest request;
    request.set_name("site");
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_STATIC);
    vitrine::tests::createApplication(m_server, "site-repo", git.bareUrl(), request);
    if (QTest::currentTestFailed())
        return;

    const auto page = openPage(QStringLiteral("site"));
    auto *table = part<QTableView>(*page, "buildsTable");
    QVERIFY(table);
    QAbstractItemModelTester tester(table->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(
        labelText(*page, "websitesLabel").contains(QStringLiteral("href=\"http://site.localhost:8080/\"")),
        30'000);
    QCOMPARE(labelText(*page, "sourceLabel"), QStringLiteral("site-repo@main"));
    QVERIFY(!part<QPushButton>(*page, "startButton")->isVisible());

    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 1 &&
                                 stateCell(*table, 0) == QStringLiteral("succeeded (serving)"),
                             kBuildTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(labelText(*page, "applicationStateLabel"), QStringLiteral("published"), 10'000);
    QCOMPARE(labelText(*page, "commitLabel"), firstCommit.left(7));
    QCOMPARE(part<QLabel>(*page, "commitLabel")->toolTip(), firstCommit);
    const QString firstBuild = buildIdAt(*table, 0);

    // A push: the new build appears on top through the events alone, and is served once it succeeded.
    const QString secondCommit =
        git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "v2"}}, QStringLiteral("v2"));
    const vitrine::tests::HttpReply push =
        vitrine::tests::postGithubPush(m_server.httpAddress(), git.bareUrl(), {});
    QVERIFY2(push.status >= 200 && push.status < 300, push.body.constData());
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 2 &&
                                 stateCell(*table, 0) == QStringLiteral("succeeded (serving)"),
                             kBuildTimeoutMs);
    QCOMPARE(buildIdAt(*table, 1), firstBuild);
    QCOMPARE(stateCell(*table, 1), QStringLiteral("succeeded"));
    QTRY_COMPARE_WITH_TIMEOUT(labelText(*page, "commitLabel"), secondCommit.left(7), 10'000);

    auto *rollback = part<QPushButton>(*page, "rollbackButton");
    table->selectRow(0);
    QVERIFY(!rollback->isEnabled()); // the serving build
    table->selectRow(1);
    QVERIFY(rollback->isEnabled());
    rollback->click();
    QTRY_COMPARE_WITH_TIMEOUT(stateCell(*table, 1), QStringLiteral("succeeded (serving)"), 30'000);
    QCOMPARE(stateCell(*table, 0), QStringLiteral("succeeded"));
    QVERIFY2(labelText(*page, "servingBuildLabel").contains(firstBuild),
             qPrintable(labelText(*page, "servingBuildLabel")));
    QVERIFY(labelText(*page, "servingBuildLabel").contains(QStringLiteral("rollback")));
    QVERIFY(!rollback->isEnabled());
    QVERIFY(part<QLabel>(*page, "applicationErrorLabel")->isHidden());

    QSignalSpy logRequests(page.get(), &ApplicationPage::buildLogRequested);
    part<QPushButton>(*page, "showLogButton")->click();
    const QRect newestRow = table->visualRect(table->model()->index(0, 0));
    // An item view takes a double click only on the index the preceding press was on.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, newestRow.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, newestRow.center());
    QCOMPARE(logRequests.size(), 2);
    QCOMPARE(logRequests.at(0), (QList<QVariant>{firstBuild, QStringLiteral("site")}));
    QCOMPARE(logRequests.at(1).at(0).toString(), buildIdAt(*table, 0));
}

void ApplicationPageTest::startsAndStopsARuntimeApplication()
{
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("runner")));
    GitFixture git(m_dir.filePath(QStringLiteral("runner")));
    git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "hello"}}, QStringLiteral("hello"));
    v1::CreateApplicationRequest request;
    request.set_name("runner");
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    request.mutable_build()->set_start_command("python3 -m http.server \"$PORT\" --bind 127.0.0.1");
    vitrine::tests::createApplication(m_server, "runner-repo", git.bareUrl(), request);
    if (QTest::currentTestFailed())
        return;

    const auto page = openPage(QStringLiteral("runner"));
    auto *start = part<QPushButton>(*page, "startButton");
    auto *stop = part<QPushButton>(*page, "stopButton");
    auto *restart = part<QPushButton>(*page, "restartButton");
    QVERIFY(start && stop && restart);
    QTRY_COMPARE_WITH_TIMEOUT(labelText(*page, "applicationStateLabel"), QStringLiteral("running"),
                              kBuildTimeoutMs);
    QVERIFY(start->isVisible() && stop->isVisible() && restart->isVisible());
    QVERIFY(!start->isEnabled());
    QVERIFY(stop->isEnabled());

    stop->click();
    QVERIFY(!stop->isEnabled()); // while the call runs
    QTRY_COMPARE_WITH_TIMEOUT(labelText(*page, "applicationStateLabel"), QStringLiteral("stopped"), 30'000);
    QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 10'000);
    QVERIFY(!stop->isEnabled());
    QVERIFY(!restart->isEnabled());

    start->click();
    QTRY_COMPARE_WITH_TIMEOUT(labelText(*page, "applicationStateLabel"), QStringLiteral("running"),
                              kBuildTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(stop->isEnabled(), 10'000);
    QVERIFY(!start->isEnabled());
    QVERIFY(part<QLabel>(*page, "applicationErrorLabel")->isHidden());
}

void ApplicationPageTest::deletesTheApplicationAfterConfirmation()
{
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("doomed")));
    GitFixture git(m_dir.filePath(QStringLiteral("doomed")));
    git.commit(QStringLiteral("main"), {{QStringLiteral("index.html"), "bye"}}, QStringLiteral("bye"));
    v1::CreateApplicationRequest request;
    request.set_name("doomed");
    request.set_ref("main");
    request.mutable_build()->set_type(v1::BUILD_TYPE_STATIC);
    vitrine::tests::createApplication(m_server, "doomed-repo", git.bareUrl(), request);
    if (QTest::currentTestFailed())
        return;

    const auto page = openPage(QStringLiteral("doomed"));
    auto *remove = part<QPushButton>(*page, "deleteButton");
    QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), 30'000);
    QSignalSpy deleted(page.get(), &ApplicationPage::deleted);

    // Cancelling the confirmation changes nothing.
    remove->click();
    auto *confirmation = part<QMessageBox>(*page, "deleteConfirmation");
    QVERIFY(confirmation);
    confirmation->button(QMessageBox::Cancel)->click();
    QTest::qWait(200);
    QCOMPARE(deleted.size(), 0);
    QTRY_VERIFY(!page->findChild<QMessageBox *>(QStringLiteral("deleteConfirmation")));

    remove->click();
    confirmation = part<QMessageBox>(*page, "deleteConfirmation");
    QVERIFY(confirmation);
    confirmation->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(deleted.size(), 1, 30'000);
    QCOMPARE(deleted.at(0).at(0).toString(), QStringLiteral("doomed"));
    QVERIFY(!remove->isEnabled());

    // The event of the deletion arrives too, and is not reported a second time.
    QTest::qWait(500);
    QCOMPARE(deleted.size(), 1);

    const auto channel =
        grpc::CreateChannel(vitrine::tests::str(m_server.grpcAddress()), grpc::InsecureChannelCredentials());
    v1::GetApplicationRequest get;
    get.set_application("doomed");
    v1::Application application;
    const grpc::Status status =
        vitrine::tests::call(channel, vitrine::tests::str(m_server.adminToken()),
                             &v1::ApplicationService::Stub::GetApplication, get, &application);
    QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

QTEST_MAIN(ApplicationPageTest)
#include "tst_application_page.moc"
