#include "models/application_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vitrine::desktop::ApplicationEvent;
using vitrine::desktop::ApplicationListModel;
using vitrine::desktop::ApplicationSummary;
using vitrine::desktop::DeployType;
using Column = ApplicationListModel::Column;
using EventType = ApplicationEvent::Type;

namespace {

const QDateTime kUpdated = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

ApplicationSummary blog()
{
    ApplicationSummary application;
    application.name = QStringLiteral("blog");
    application.repository = QStringLiteral("club-site");
    application.ref = QStringLiteral("main");
    application.buildType = QStringLiteral("static");
    application.websites = {QStringLiteral("blog.localhost")};
    application.owners = {QStringLiteral("alice")};
    application.id = QStringLiteral("id-blog");
    application.deployType = DeployType::Static;
    application.currentBuildId = QStringLiteral("build-b1");
    application.lastChange = kUpdated;
    return application;
}

ApplicationSummary api()
{
    ApplicationSummary application;
    application.name = QStringLiteral("api");
    application.repository = QStringLiteral("backend");
    application.ref = QStringLiteral("refs/tags/v2");
    application.buildType = QStringLiteral("runtime-cmd");
    application.websites = {QStringLiteral("api.localhost"), QStringLiteral("club.localhost/api")};
    application.owners = {QStringLiteral("alice"), QStringLiteral("bob")};
    application.id = QStringLiteral("id-api");
    application.deployType = DeployType::Runtime;
    application.running = true;
    application.runtimeState = QStringLiteral("running");
    application.restartCount = 2;
    application.currentBuildId = QStringLiteral("build-a1");
    application.lastChange = kUpdated;
    return application;
}

ApplicationSummary bare()
{
    ApplicationSummary application;
    application.name = QStringLiteral("bare");
    application.repository = QStringLiteral("scratch");
    application.ref = QStringLiteral("dev");
    application.buildType = QStringLiteral("auto");
    application.id = QStringLiteral("id-bare");
    application.deployType = DeployType::Static;
    return application;
}

QString display(const ApplicationListModel &model, int row, Column column)
{
    return model.data(model.index(row, static_cast<int>(column))).toString();
}

QString tooltip(const ApplicationListModel &model, int row, Column column)
{
    return model.data(model.index(row, static_cast<int>(column)), Qt::ToolTipRole).toString();
}

ApplicationEvent liveEvent(EventType type, const QString &applicationId, const QString &buildId = {},
                           const QString &state = {}, const QString &message = {})
{
    return {type, applicationId, {}, buildId, state, message, kUpdated.addSecs(60)};
}

// The first rows of each dataChanged signal.
QList<std::pair<int, int>> changedRuns(const QSignalSpy &spy)
{
    QList<std::pair<int, int>> runs;
    for (const QList<QVariant> &arguments : spy)
        runs.append({arguments.at(0).toModelIndex().row(), arguments.at(1).toModelIndex().row()});
    return runs;
}

} // namespace

class ApplicationListModelTest : public QObject {
    Q_OBJECT

private slots:
    void showsEachApplicationAsARow_data();
    void showsEachApplicationAsARow();
    void namesItsColumns_data();
    void namesItsColumns();
    void tooltipsSayWhatACellCutsShort();
    void replacingTheListResetsTheRows();
    void eventsUpdateTheirApplicationsRow_data();
    void eventsUpdateTheirApplicationsRow();
    void deletedApplicationsLeaveTheList();
    void changedApplicationsAskForAReload();
    void aBatchAppliesWithOneSignalPerRunOfRows();
    void eventsOfUnknownApplicationsChangeNothing();
    void reloadedApplicationsReplaceTheirRowOrAppendOne();
};

void ApplicationListModelTest::showsEachApplicationAsARow_data()
{
    QTest::addColumn<QList<ApplicationSummary>>("applications");
    QTest::addColumn<int>("row");
    // Name, Repository, Ref, Type, Websites, Owners, State, Build, Restarts
    QTest::addColumn<QStringList>("expectedCells");

    QTest::newRow("a static site") << QList{blog()} << 0
                                   << QStringList{QStringLiteral("blog"),
                                                  QStringLiteral("club-site"),
                                                  QStringLiteral("main"),
                                                  QStringLiteral("static"),
                                                  QStringLiteral("blog.localhost"),
                                                  QStringLiteral("alice"),
                                                  QStringLiteral("published"),
                                                  QString(),
                                                  QString()};
    // api()'s cells, but for its State.
    const auto apiCells = [](const QString &state) {
        return QStringList{QStringLiteral("api"),
                           QStringLiteral("backend"),
                           QStringLiteral("refs/tags/v2"),
                           QStringLiteral("runtime-cmd"),
                           QStringLiteral("api.localhost, club.localhost/api"),
                           QStringLiteral("alice, bob"),
                           state,
                           QString(),
                           QStringLiteral("2")};
    };
    QTest::newRow("a running app with several websites and owners")
        << QList{blog(), api()} << 1 << apiCells(QStringLiteral("running"));
    QTest::newRow("never built, no websites, no owners") << QList{blog(), api(), bare()} << 2
                                                         << QStringList{QStringLiteral("bare"),
                                                                        QStringLiteral("scratch"),
                                                                        QStringLiteral("dev"),
                                                                        QStringLiteral("auto"),
                                                                        QString(),
                                                                        QString(),
                                                                        QStringLiteral("no build"),
                                                                        QString(),
                                                                        QString()};
    ApplicationSummary stopped = api();
    stopped.running = false;
    stopped.runtimeState = QStringLiteral("missing");
    QTest::newRow("a stopped app") << QList{stopped} << 0 << apiCells(QStringLiteral("stopped"));
}

void ApplicationListModelTest::showsEachApplicationAsARow()
{
    QFETCH(QList<ApplicationSummary>, applications);
    QFETCH(int, row);
    QFETCH(QStringList, expectedCells);

    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications(applications);

    QCOMPARE(model.rowCount(), applications.size());
    QCOMPARE(model.columnCount(), ApplicationListModel::kColumnCount);
    QStringList cells;
    for (int column = 0; column <= static_cast<int>(Column::Restarts); ++column)
        cells.append(display(model, row, static_cast<Column>(column)));
    QCOMPARE(cells, expectedCells);
    QCOMPARE(model.applications(), applications);
}

void ApplicationListModelTest::namesItsColumns_data()
{
    QTest::addColumn<Column>("column");
    QTest::addColumn<QString>("title");

    QTest::newRow("name") << Column::Name << QStringLiteral("Name");
    QTest::newRow("repository") << Column::Repository << QStringLiteral("Repository");
    QTest::newRow("ref") << Column::Ref << QStringLiteral("Ref");
    QTest::newRow("type") << Column::Type << QStringLiteral("Type");
    QTest::newRow("websites") << Column::Websites << QStringLiteral("Websites");
    QTest::newRow("owners") << Column::Owners << QStringLiteral("Owners");
    QTest::newRow("state") << Column::State << QStringLiteral("State");
    QTest::newRow("build") << Column::Build << QStringLiteral("Build");
    QTest::newRow("restarts") << Column::Restarts << QStringLiteral("Restarts");
    QTest::newRow("last change") << Column::LastChange << QStringLiteral("Last change");
}

void ApplicationListModelTest::namesItsColumns()
{
    QFETCH(Column, column);
    QFETCH(QString, title);

    ApplicationListModel model;
    QCOMPARE(model.headerData(static_cast<int>(column), Qt::Horizontal).toString(), title);
}

void ApplicationListModelTest::tooltipsSayWhatACellCutsShort()
{
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ApplicationSummary stopped = api();
    stopped.running = false;
    stopped.stoppedReason = QStringLiteral("restarted 5 times in 300 s");
    model.setApplications({stopped, bare()});

    QCOMPARE(tooltip(model, 0, Column::Websites), QStringLiteral("api.localhost\nclub.localhost/api"));
    QCOMPARE(tooltip(model, 0, Column::Owners), QStringLiteral("alice\nbob"));
    QCOMPARE(tooltip(model, 0, Column::State), QStringLiteral("restarted 5 times in 300 s"));
    QVERIFY(!model.data(model.index(0, static_cast<int>(Column::Name)), Qt::ToolTipRole).isValid());
    QVERIFY(!model.data(model.index(1, static_cast<int>(Column::Websites)), Qt::ToolTipRole).isValid());
}

void ApplicationListModelTest::replacingTheListResetsTheRows()
{
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    model.setApplications({blog(), api(), bare()});
    QCOMPARE(model.rowCount(), 3);
    model.setApplications({api()});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(display(model, 0, Column::Name), QStringLiteral("api"));
    model.setApplications({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(resets.count(), 3);
}

void ApplicationListModelTest::eventsUpdateTheirApplicationsRow_data()
{
    QTest::addColumn<ApplicationEvent>("event");
    QTest::addColumn<int>("row");
    QTest::addColumn<Column>("column");
    QTest::addColumn<QString>("expectedText");
    QTest::addColumn<QString>("expectedTooltip");

    QTest::newRow("a build is queued") << liveEvent(EventType::BuildStateChanged, QStringLiteral("id-blog"),
                                                    QStringLiteral("build-b2"), QStringLiteral("queued"))
                                       << 0 << Column::Build << QStringLiteral("queued") << QString();
    QTest::newRow("a build fails") << liveEvent(EventType::BuildStateChanged, QStringLiteral("id-api"),
                                                QStringLiteral("build-a2"), QStringLiteral("failed"),
                                                QStringLiteral("npm ci exited with code 1"))
                                   << 1 << Column::Build << QStringLiteral("failed")
                                   << QStringLiteral("npm ci exited with code 1");
    QTest::newRow("an app crashes") << liveEvent(EventType::ApplicationStateChanged, QStringLiteral("id-api"),
                                                 {}, QStringLiteral("restarting"),
                                                 QStringLiteral("exited with code 2"))
                                    << 1 << Column::State << QStringLiteral("restarting")
                                    << QStringLiteral("exited with code 2");
    QTest::newRow("a crash counts as a restart")
        << liveEvent(EventType::ApplicationStateChanged, QStringLiteral("id-api"), {},
                     QStringLiteral("restarting"))
        << 1 << Column::Restarts << QStringLiteral("3") << QString();
    QTest::newRow("an app falls asleep")
        << liveEvent(EventType::ApplicationStateChanged, QStringLiteral("id-api"), {},
                     QStringLiteral("sleeping"))
        << 1 << Column::State << QStringLiteral("sleeping") << QString();
    QTest::newRow("a first deploy publishes a site")
        << liveEvent(EventType::ApplicationDeployed, QStringLiteral("id-bare"), QStringLiteral("build-c1"))
        << 2 << Column::State << QStringLiteral("published") << QString();
    QTest::newRow("a deploy starts a new restart count")
        << liveEvent(EventType::ApplicationDeployed, QStringLiteral("id-api"), QStringLiteral("build-a2"))
        << 1 << Column::Restarts << QStringLiteral("0") << QString();
}

void ApplicationListModelTest::eventsUpdateTheirApplicationsRow()
{
    QFETCH(ApplicationEvent, event);
    QFETCH(int, row);
    QFETCH(Column, column);
    QFETCH(QString, expectedText);
    QFETCH(QString, expectedTooltip);

    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications({blog(), api(), bare()});
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    model.applyEvents({event});

    QCOMPARE(display(model, row, column), expectedText);
    QCOMPARE(tooltip(model, row, column), expectedTooltip);
    QCOMPARE(model.data(model.index(row, static_cast<int>(Column::LastChange))).toDateTime(), event.time);
    QCOMPARE(changedRuns(changes), (QList<std::pair<int, int>>{{row, row}}));
    QCOMPARE(changes.first().at(0).toModelIndex().column(), 0);
    QCOMPARE(changes.first().at(1).toModelIndex().column(), ApplicationListModel::kColumnCount - 1);
    QCOMPARE(model.rowCount(), 3);
}

void ApplicationListModelTest::deletedApplicationsLeaveTheList()
{
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications({blog(), api(), bare()});
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);

    model.applyEvents({liveEvent(EventType::ApplicationDeleted, QStringLiteral("id-api")),
                       liveEvent(EventType::ApplicationStateChanged, QStringLiteral("id-api"), {},
                                 QStringLiteral("exited"))});

    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(display(model, 0, Column::Name), QStringLiteral("blog"));
    QCOMPARE(display(model, 1, Column::Name), QStringLiteral("bare"));
    QCOMPARE(removals.count(), 1);

    // Later events find the rows where they are now.
    model.applyEvents(
        {liveEvent(EventType::BuildStateChanged, QStringLiteral("id-bare"), {}, QStringLiteral("building"))});
    QCOMPARE(display(model, 1, Column::Build), QStringLiteral("building"));
}

void ApplicationListModelTest::changedApplicationsAskForAReload()
{
    ApplicationListModel model;
    model.setApplications({blog(), api()});
    QSignalSpy reloads(&model, &ApplicationListModel::reloadRequested);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    model.applyEvents({liveEvent(EventType::ApplicationChanged, QStringLiteral("id-api")),
                       liveEvent(EventType::ApplicationChanged, QStringLiteral("id-new")),
                       liveEvent(EventType::ApplicationChanged, QStringLiteral("id-api"))});

    QCOMPARE(reloads.count(), 2);
    QCOMPARE(reloads.at(0).at(0).toString(), QStringLiteral("id-api"));
    QCOMPARE(reloads.at(1).at(0).toString(), QStringLiteral("id-new"));
    QCOMPARE(changes.count(), 0);
}

void ApplicationListModelTest::aBatchAppliesWithOneSignalPerRunOfRows()
{
    QList<ApplicationSummary> applications;
    for (int i = 0; i < 10; ++i) {
        ApplicationSummary application = api();
        application.id = QStringLiteral("id-%1").arg(i);
        application.name = QStringLiteral("app-%1").arg(i);
        applications.append(application);
    }
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications(applications);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);

    const auto stateOf = [](int i, const QString &state) {
        return liveEvent(EventType::ApplicationStateChanged, QStringLiteral("id-%1").arg(i), {}, state);
    };
    model.applyEvents({stateOf(2, QStringLiteral("errored")), stateOf(1, QStringLiteral("starting")),
                       stateOf(1, QStringLiteral("running")), stateOf(3, QStringLiteral("sleeping")),
                       stateOf(7, QStringLiteral("exited")),
                       liveEvent(EventType::ApplicationDeleted, QStringLiteral("id-5")),
                       liveEvent(EventType::ApplicationDeleted, QStringLiteral("id-6")),
                       liveEvent(EventType::ApplicationDeleted, QStringLiteral("id-9"))});

    QCOMPARE(changedRuns(changes), (QList<std::pair<int, int>>{{1, 3}, {7, 7}}));
    QCOMPARE(removals.count(), 2);
    QCOMPARE(model.rowCount(), 7);
    QStringList states;
    for (int row = 0; row < model.rowCount(); ++row)
        states.append(display(model, row, Column::State));
    QCOMPARE(states,
             (QStringList{QStringLiteral("running"), QStringLiteral("running"), QStringLiteral("errored"),
                          QStringLiteral("sleeping"), QStringLiteral("running"), QStringLiteral("exited"),
                          QStringLiteral("running")}));
}

void ApplicationListModelTest::eventsOfUnknownApplicationsChangeNothing()
{
    ApplicationListModel model;
    model.setApplications({blog()});
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);

    model.applyEvents(
        {liveEvent(EventType::ApplicationDeleted, QStringLiteral("id-other")),
         liveEvent(EventType::BuildStateChanged, QStringLiteral("id-other"), {}, QStringLiteral("failed"))});

    QCOMPARE(model.applications(), QList{blog()});
    QCOMPARE(changes.count(), 0);
    QCOMPARE(removals.count(), 0);
}

void ApplicationListModelTest::reloadedApplicationsReplaceTheirRowOrAppendOne()
{
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications({blog(), api()});
    model.applyEvents({liveEvent(EventType::BuildStateChanged, QStringLiteral("id-api"),
                                 QStringLiteral("build-a2"), QStringLiteral("building"))});
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy insertions(&model, &QAbstractItemModel::rowsInserted);

    ApplicationSummary renamed = api();
    renamed.owners = {QStringLiteral("carol")};
    model.updateApplication(renamed);
    model.updateApplication(bare());

    QCOMPARE(changedRuns(changes), (QList<std::pair<int, int>>{{1, 1}}));
    QCOMPARE(insertions.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(display(model, 1, Column::Owners), QStringLiteral("carol"));
    QCOMPARE(display(model, 1, Column::Build), QStringLiteral("building"));
    QCOMPARE(display(model, 2, Column::Name), QStringLiteral("bare"));
    QCOMPARE(model.data(model.index(1, 0), ApplicationListModel::SearchTextRole).toString(),
             QStringLiteral("api\nbackend\ncarol"));
}

QTEST_APPLESS_MAIN(ApplicationListModelTest)
#include "tst_application_list_model.moc"
