#include "models/build_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vitrine::desktop::BuildListModel;
using vitrine::desktop::BuildState;
using vitrine::desktop::BuildSummary;

namespace {

const QDateTime kQueuedAt = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);

BuildSummary buildOf(const QString &id, BuildState state = BuildState::Succeeded)
{
    BuildSummary build;
    build.id = id;
    build.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    build.state = state;
    build.queuedAt = kQueuedAt;
    if (state != BuildState::Queued)
        build.startedAt = kQueuedAt.addSecs(5);
    if (state != BuildState::Queued && state != BuildState::Building)
        build.finishedAt = kQueuedAt.addSecs(5 + 65);
    return build;
}

QStringList idsIn(const BuildListModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.index(row, 0).data(BuildListModel::IdRole).toString());
    return ids;
}

QString cell(const BuildListModel &model, int row, BuildListModel::Column column, int role = Qt::DisplayRole)
{
    return model.index(row, static_cast<int>(column)).data(role).toString();
}

QList<BuildSummary> buildsOf(const QStringList &ids)
{
    QList<BuildSummary> builds;
    for (const QString &id : ids)
        builds.append(buildOf(id));
    return builds;
}

} // namespace

class BuildListModelTest : public QObject {
    Q_OBJECT

private slots:
    void keepsRowsStableAcrossReloads_data();
    void keepsRowsStableAcrossReloads();
    void updatesAChangedBuildInPlace();
    void showsWhatAUserReadsInEachColumn();
    void marksTheServingBuild();
    void refreshesOnlyTheDurationOfRunningBuilds();
};

void BuildListModelTest::keepsRowsStableAcrossReloads_data()
{
    QTest::addColumn<QStringList>("first");
    QTest::addColumn<QStringList>("second");
    QTest::addColumn<QStringList>("expectedRows");
    QTest::addColumn<int>("expectedInsertions");
    QTest::addColumn<int>("expectedRemovals");

    const auto ids = [](const char *text) {
        return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    };
    QTest::newRow("first load") << QStringList() << ids("c b a") << ids("c b a") << 1 << 0;
    QTest::newRow("same list") << ids("c b a") << ids("c b a") << ids("c b a") << 0 << 0;
    QTest::newRow("new builds go on top") << ids("b a") << ids("d c b a") << ids("d c b a") << 1 << 0;
    QTest::newRow("the oldest fell off the page") << ids("c b a") << ids("d c b") << ids("d c b") << 1 << 1;
    QTest::newRow("gone in two places") << ids("e d c b a") << ids("d b") << ids("d b") << 0 << 3;
    QTest::newRow("everything replaced") << ids("b a") << ids("d c") << ids("d c") << 1 << 1;
    QTest::newRow("emptied") << ids("b a") << QStringList() << QStringList() << 0 << 1;
}

void BuildListModelTest::keepsRowsStableAcrossReloads()
{
    QFETCH(QStringList, first);
    QFETCH(QStringList, second);
    QFETCH(QStringList, expectedRows);
    QFETCH(int, expectedInsertions);
    QFETCH(int, expectedRemovals);

    BuildListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds(buildsOf(first));
    QCOMPARE(idsIn(model), first);

    QSignalSpy insertions(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setBuilds(buildsOf(second));
    QCOMPARE(idsIn(model), expectedRows);
    QCOMPARE(insertions.size(), expectedInsertions);
    QCOMPARE(removals.size(), expectedRemovals);
    QCOMPARE(resets.size(), 0);
    for (const QString &id : expectedRows)
        QVERIFY(model.build(id));
}

void BuildListModelTest::updatesAChangedBuildInPlace()
{
    BuildListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds({buildOf(QStringLiteral("b"), BuildState::Building), buildOf(QStringLiteral("a"))});

    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy insertions(&model, &QAbstractItemModel::rowsInserted);
    model.setBuilds({buildOf(QStringLiteral("b"), BuildState::Failed), buildOf(QStringLiteral("a"))});

    QCOMPARE(insertions.size(), 0);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.at(0).at(0).toModelIndex().row(), 0);
    QCOMPARE(cell(model, 0, BuildListModel::Column::State), QStringLiteral("failed"));
}

void BuildListModelTest::showsWhatAUserReadsInEachColumn()
{
    BuildSummary queued = buildOf(QStringLiteral("q"), BuildState::Queued);
    queued.queuePosition = 2;
    BuildSummary failed = buildOf(QStringLiteral("f"), BuildState::Failed);
    failed.failureReason = QStringLiteral("build command exited with code 1");

    BuildListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds({queued, failed});

    QCOMPARE(
        model.headerData(static_cast<int>(BuildListModel::Column::QueuePosition), Qt::Horizontal).toString(),
        QStringLiteral("Queue"));
    QCOMPARE(cell(model, 0, BuildListModel::Column::State), QStringLiteral("queued"));
    QCOMPARE(cell(model, 0, BuildListModel::Column::QueuePosition), QStringLiteral("#2 in queue"));
    QCOMPARE(cell(model, 0, BuildListModel::Column::Duration), QString());
    QCOMPARE(cell(model, 1, BuildListModel::Column::Commit), QStringLiteral("0123456"));
    QCOMPARE(cell(model, 1, BuildListModel::Column::Commit, Qt::ToolTipRole), failed.commit);
    QCOMPARE(cell(model, 1, BuildListModel::Column::Duration), QStringLiteral("1 min 5 s"));
    QCOMPARE(cell(model, 1, BuildListModel::Column::QueuePosition), QString());
    QCOMPARE(cell(model, 1, BuildListModel::Column::Reason), failed.failureReason);
    QCOMPARE(model.index(1, static_cast<int>(BuildListModel::Column::QueuedAt)).data().toDateTime(),
             kQueuedAt.toLocalTime());
}

void BuildListModelTest::marksTheServingBuild()
{
    BuildListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds(buildsOf({QStringLiteral("b"), QStringLiteral("a")}));

    model.setServingBuildId(QStringLiteral("a"));
    QCOMPARE(cell(model, 1, BuildListModel::Column::State), QStringLiteral("succeeded (serving)"));
    QVERIFY(model.index(1, 0).data(BuildListModel::ServingRole).toBool());
    QCOMPARE(cell(model, 0, BuildListModel::Column::State), QStringLiteral("succeeded"));

    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.setServingBuildId(QStringLiteral("b"));
    QCOMPARE(changes.size(), 2);
    QCOMPARE(cell(model, 0, BuildListModel::Column::State), QStringLiteral("succeeded (serving)"));
    QCOMPARE(cell(model, 1, BuildListModel::Column::State), QStringLiteral("succeeded"));
}

void BuildListModelTest::refreshesOnlyTheDurationOfRunningBuilds()
{
    BuildSummary running = buildOf(QStringLiteral("r"), BuildState::Building);
    running.startedAt = QDateTime::currentDateTimeUtc().addSecs(-90);
    BuildListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds(
        {buildOf(QStringLiteral("q"), BuildState::Queued), running, buildOf(QStringLiteral("a"))});
    QVERIFY2(cell(model, 1, BuildListModel::Column::Duration).startsWith(QStringLiteral("1 min")),
             qPrintable(cell(model, 1, BuildListModel::Column::Duration)));

    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.refreshRunningDurations();
    QCOMPARE(changes.size(), 1);
    const QModelIndex topLeft = changes.at(0).at(0).toModelIndex();
    const QModelIndex bottomRight = changes.at(0).at(1).toModelIndex();
    QCOMPARE(topLeft, bottomRight);
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(topLeft.column(), static_cast<int>(BuildListModel::Column::Duration));
}

QTEST_MAIN(BuildListModelTest)
#include "tst_build_list_model.moc"
