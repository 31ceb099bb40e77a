#include "models/application_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vitrine::desktop::ApplicationListModel;
using vitrine::desktop::ApplicationSummary;
using Column = ApplicationListModel::Column;

namespace {

ApplicationSummary blog()
{
    return {QStringLiteral("blog"),   QStringLiteral("club-site"),        QStringLiteral("main"),
            QStringLiteral("static"), {QStringLiteral("blog.localhost")}, {QStringLiteral("alice")}};
}

ApplicationSummary api()
{
    return {QStringLiteral("api"),
            QStringLiteral("backend"),
            QStringLiteral("refs/tags/v2"),
            QStringLiteral("runtime-cmd"),
            {QStringLiteral("api.localhost"), QStringLiteral("club.localhost/api")},
            {QStringLiteral("alice"), QStringLiteral("bob")}};
}

ApplicationSummary bare()
{
    return {QStringLiteral("bare"),
            QStringLiteral("scratch"),
            QStringLiteral("dev"),
            QStringLiteral("auto"),
            {},
            {}};
}

QString display(const ApplicationListModel &model, int row, Column column)
{
    return model.data(model.index(row, static_cast<int>(column))).toString();
}

} // namespace

class ApplicationListModelTest : public QObject {
    Q_OBJECT

private slots:
    void showsEachApplicationAsARow_data();
    void showsEachApplicationAsARow();
    void namesItsColumns_data();
    void namesItsColumns();
    void tooltipListsWebsitesAndOwnersOnePerLine();
    void replacingTheListResetsTheRows();
};

void ApplicationListModelTest::showsEachApplicationAsARow_data()
{
    QTest::addColumn<QList<ApplicationSummary>>("applications");
    QTest::addColumn<int>("row");
    QTest::addColumn<QStringList>("expectedCells"); // Name, Repository, Ref, Type, Websites, Owners

    QTest::newRow("one static site") << QList{blog()} << 0
                                     << QStringList{
                                            QStringLiteral("blog"),           QStringLiteral("club-site"),
                                            QStringLiteral("main"),           QStringLiteral("static"),
                                            QStringLiteral("blog.localhost"), QStringLiteral("alice")};
    QTest::newRow("several websites and owners")
        << QList{blog(), api()} << 1
        << QStringList{QStringLiteral("api"),
                       QStringLiteral("backend"),
                       QStringLiteral("refs/tags/v2"),
                       QStringLiteral("runtime-cmd"),
                       QStringLiteral("api.localhost, club.localhost/api"),
                       QStringLiteral("alice, bob")};
    QTest::newRow("no websites, no owners") << QList{blog(), api(), bare()} << 2
                                            << QStringList{QStringLiteral("bare"),
                                                           QStringLiteral("scratch"),
                                                           QStringLiteral("dev"),
                                                           QStringLiteral("auto"),
                                                           QString(),
                                                           QString()};
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
    for (int column = 0; column < model.columnCount(); ++column)
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
}

void ApplicationListModelTest::namesItsColumns()
{
    QFETCH(Column, column);
    QFETCH(QString, title);

    ApplicationListModel model;
    QCOMPARE(model.headerData(static_cast<int>(column), Qt::Horizontal).toString(), title);
}

void ApplicationListModelTest::tooltipListsWebsitesAndOwnersOnePerLine()
{
    ApplicationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setApplications({api(), bare()});

    const auto tooltip = [&](int row, Column column) {
        return model.data(model.index(row, static_cast<int>(column)), Qt::ToolTipRole);
    };
    QCOMPARE(tooltip(0, Column::Websites).toString(), QStringLiteral("api.localhost\nclub.localhost/api"));
    QCOMPARE(tooltip(0, Column::Owners).toString(), QStringLiteral("alice\nbob"));
    QVERIFY(!tooltip(0, Column::Name).isValid());
    QVERIFY(!tooltip(1, Column::Websites).isValid());
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

QTEST_APPLESS_MAIN(ApplicationListModelTest)
#include "tst_application_list_model.moc"
