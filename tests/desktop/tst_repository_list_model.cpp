#include "models/repository_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vitrine::desktop::RepositoryListModel;
using vitrine::desktop::RepositorySummary;
using Column = RepositoryListModel::Column;

namespace {

const QDateTime kUpdated = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

RepositorySummary repository(const QString &name, bool hasWebhookSecret = false,
                             QStringList owners = {QStringLiteral("alice")})
{
    RepositorySummary summary;
    summary.id = QStringLiteral("repo-") + name;
    summary.name = name;
    summary.url = QStringLiteral("https://git.example.org/club/%1.git").arg(name);
    summary.hasWebhookSecret = hasWebhookSecret;
    summary.owners = std::move(owners);
    summary.createdAt = kUpdated;
    summary.updatedAt = kUpdated;
    return summary;
}

QString display(const RepositoryListModel &model, int row, Column column)
{
    return model.data(model.index(row, static_cast<int>(column))).toString();
}

QStringList names(const RepositoryListModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(display(model, row, Column::Name));
    return names;
}

} // namespace

class RepositoryListModelTest : public QObject {
    Q_OBJECT

private slots:
    void showsOneRowPerRepositoryByName();
    void showsEachColumn_data();
    void showsEachColumn();
    void insertsACreatedRepositoryInNameOrder();
    void updatesAnEditedRepositoryInPlace();
    void removesADeletedRepository();
};

void RepositoryListModelTest::showsOneRowPerRepositoryByName()
{
    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRepositories({repository(QStringLiteral("site")), repository(QStringLiteral("api"))});

    QCOMPARE(names(model), (QStringList{QStringLiteral("api"), QStringLiteral("site")}));
    QCOMPARE(model.columnCount(), RepositoryListModel::kColumnCount);
    QCOMPARE(model.headerData(static_cast<int>(Column::Webhook), Qt::Horizontal).toString(),
             QStringLiteral("Webhook"));
    QCOMPARE(model.repositoryAt(1)->name, QStringLiteral("site"));
    QVERIFY(!model.repositoryAt(2));
    QCOMPARE(model.rowOf(QStringLiteral("repo-site")), 1);
    QCOMPARE(model.rowOf(QStringLiteral("repo-none")), -1);

    model.setRepositories({});
    QCOMPARE(model.rowCount(), 0);
}

void RepositoryListModelTest::showsEachColumn_data()
{
    QTest::addColumn<RepositorySummary>("repository");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");

    const RepositorySummary signedShared =
        repository(QStringLiteral("site"), true, {QStringLiteral("alice"), QStringLiteral("bob")});
    const RepositorySummary unsignedAlone = repository(QStringLiteral("api"));
    QTest::newRow("name") << signedShared << static_cast<int>(Column::Name) << QStringLiteral("site");
    QTest::newRow("url") << signedShared << static_cast<int>(Column::Url)
                         << QStringLiteral("https://git.example.org/club/site.git");
    QTest::newRow("webhook secret") << signedShared << static_cast<int>(Column::Webhook)
                                    << QStringLiteral("yes");
    QTest::newRow("no webhook secret")
        << unsignedAlone << static_cast<int>(Column::Webhook) << QStringLiteral("no");
    QTest::newRow("owners") << signedShared << static_cast<int>(Column::Owners)
                            << QStringLiteral("alice, bob");
    QTest::newRow("updated") << signedShared << static_cast<int>(Column::Updated)
                             << kUpdated.toLocalTime().toString(Qt::ISODate);
}

void RepositoryListModelTest::showsEachColumn()
{
    QFETCH(RepositorySummary, repository);
    QFETCH(int, column);
    QFETCH(QString, text);

    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRepositories({repository});
    const QVariant value = model.index(0, column).data();
    QCOMPARE(value.userType() == QMetaType::QDateTime ? value.toDateTime().toString(Qt::ISODate)
                                                      : value.toString(),
             text);
}

void RepositoryListModelTest::insertsACreatedRepositoryInNameOrder()
{
    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRepositories({repository(QStringLiteral("api")), repository(QStringLiteral("site"))});
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.updateRepository(repository(QStringLiteral("docs")));

    QCOMPARE(names(model),
             (QStringList{QStringLiteral("api"), QStringLiteral("docs"), QStringLiteral("site")}));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 1);
}

void RepositoryListModelTest::updatesAnEditedRepositoryInPlace()
{
    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRepositories({repository(QStringLiteral("api")), repository(QStringLiteral("site"))});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    RepositorySummary edited = repository(QStringLiteral("site"), true);
    edited.url = QStringLiteral("ssh://git@git.example.org/club/site.git");
    model.updateRepository(edited);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(display(model, 1, Column::Url), edited.url);
    QCOMPARE(display(model, 1, Column::Webhook), QStringLiteral("yes"));
    QCOMPARE(changed.count(), 1);

    // The same answer again changes nothing the view would redraw.
    model.updateRepository(edited);
    QCOMPARE(changed.count(), 1);
}

void RepositoryListModelTest::removesADeletedRepository()
{
    RepositoryListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRepositories({repository(QStringLiteral("api")), repository(QStringLiteral("site"))});

    model.removeRepository(QStringLiteral("repo-api"));
    QCOMPARE(names(model), QStringList{QStringLiteral("site")});
    model.removeRepository(QStringLiteral("repo-unknown"));
    QCOMPARE(names(model), QStringList{QStringLiteral("site")});
}

QTEST_MAIN(RepositoryListModelTest)
#include "tst_repository_list_model.moc"
