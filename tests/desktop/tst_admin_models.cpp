#include "models/alert_list_model.h"
#include "models/build_queue_model.h"
#include "models/builder_list_model.h"
#include "models/human_units.h"
#include "models/token_list_model.h"
#include "models/user_list_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace vitrine::desktop;

namespace {

const QDateTime kNow = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

// Every cell of the model's display role, row by row, cells joined by " | ".
QStringList displayedRows(const QAbstractItemModel &model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column) {
            const QVariant value = model.index(row, column).data();
            cells.append(value.typeId() == QMetaType::QDateTime ? QStringLiteral("<time>")
                                                                : value.toString());
        }
        rows.append(cells.join(QStringLiteral(" | ")));
    }
    return rows;
}

QueuedBuild build(const QString &application, BuildState state, int position, qint64 queuedSecondsAgo,
                  qint64 startedSecondsAgo = -1)
{
    QueuedBuild build;
    build.id = QStringLiteral("build-") + application;
    build.applicationName = application;
    build.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    build.state = state;
    build.queuePosition = position;
    build.queuedAt = kNow.addSecs(-queuedSecondsAgo);
    if (startedSecondsAgo >= 0)
        build.startedAt = kNow.addSecs(-startedSecondsAgo);
    return build;
}

} // namespace

class AdminModelsTest : public QObject {
    Q_OBJECT

private slots:
    void humanUnits_data();
    void humanUnits();
    void builderList_data();
    void builderList();
    void buildQueueRunsFirstThenByPosition_data();
    void buildQueueRunsFirstThenByPosition();
    void alertList_data();
    void alertList();
    void userList_data();
    void userList();
    void tokenList_data();
    void tokenList();
};

void AdminModelsTest::humanUnits_data()
{
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("expected");

    QTest::newRow("bytes") << humanBytes(512) << QStringLiteral("512 B");
    QTest::newRow("kibibytes") << humanBytes(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("mebibytes") << humanBytes(20 * 1024 * 1024) << QStringLiteral("20.0 MiB");
    QTest::newRow("gibibytes") << humanBytes(qint64(3.2 * 1024 * 1024 * 1024)) << QStringLiteral("3.2 GiB");
    QTest::newRow("milliseconds") << humanDuration(850) << QStringLiteral("850 ms");
    QTest::newRow("seconds") << humanDuration(42'900) << QStringLiteral("42 s");
    QTest::newRow("minutes") << humanDuration(200'000) << QStringLiteral("3 min 20 s");
    QTest::newRow("hours") << humanDuration(7'500'000) << QStringLiteral("2 h 5 min");
    QTest::newRow("days") << humanDuration(qint64(3 * 86400 + 4 * 3600) * 1000) << QStringLiteral("3 d 4 h");
}

void AdminModelsTest::humanUnits()
{
    QFETCH(QString, shown);
    QFETCH(QString, expected);
    QCOMPARE(shown, expected);
}

void AdminModelsTest::builderList_data()
{
    QTest::addColumn<QList<BuilderStatus>>("builders");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("none") << QList<BuilderStatus>{} << QStringList{};
    QTest::newRow("local idle and remote busy")
        << QList<BuilderStatus>{{QStringLiteral("local"), QStringLiteral("local"), false, 2, 0},
                                {QStringLiteral("b1"),
                                 QStringLiteral("hackathon-box"),
                                 true,
                                 4,
                                 2,
                                 {QStringLiteral("build-1"), QStringLiteral("build-2")}}}
        << QStringList{QStringLiteral("local | local | 0 / 2 busy | "),
                       QStringLiteral("hackathon-box | remote | 2 / 4 busy | build-1, build-2")};
}

void AdminModelsTest::builderList()
{
    QFETCH(QList<BuilderStatus>, builders);
    QFETCH(QStringList, expected);

    BuilderListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilders(builders);
    QCOMPARE(model.columnCount(), BuilderListModel::kColumnCount);
    QCOMPARE(displayedRows(model), expected);
}

void AdminModelsTest::buildQueueRunsFirstThenByPosition_data()
{
    QTest::addColumn<QList<QueuedBuild>>("builds");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("empty") << QList<QueuedBuild>{} << QStringList{};
    // The server lists newest first; the queue shows what runs, then what comes next.
    QTest::newRow("newest first from the server")
        << QList<QueuedBuild>{build(QStringLiteral("shop"), BuildState::Queued, 2, 5),
                              build(QStringLiteral("blog"), BuildState::Queued, 1, 75),
                              build(QStringLiteral("api"), BuildState::Building, 0, 400, 130)}
        << QStringList{QStringLiteral(" | api | 0123456789ab | building | building for 2 min 10 s"),
                       QStringLiteral("1 | blog | 0123456789ab | queued | queued for 1 min 15 s"),
                       QStringLiteral("2 | shop | 0123456789ab | queued | queued for 5 s")};
}

void AdminModelsTest::buildQueueRunsFirstThenByPosition()
{
    QFETCH(QList<QueuedBuild>, builds);
    QFETCH(QStringList, expected);

    BuildQueueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBuilds(builds, kNow);
    QCOMPARE(displayedRows(model), expected);
    if (!builds.isEmpty()) {
        QCOMPARE(model.index(0, 0).data(BuildQueueModel::IdRole).toString(), QStringLiteral("build-api"));
        QCOMPARE(model.index(0, static_cast<int>(BuildQueueModel::Column::Commit)).data(Qt::ToolTipRole),
                 QVariant(builds.first().commit));
    }
}

void AdminModelsTest::alertList_data()
{
    QTest::addColumn<Alert>("alert");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("open");

    Alert open{QStringLiteral("a1"), QStringLiteral("api"), QStringLiteral("restart-loop"),
               QStringLiteral("restarted 5 times in 300 s"), kNow};
    Alert acknowledged = open;
    acknowledged.acknowledgedAt = kNow.addSecs(60);
    acknowledged.acknowledgedBy = QStringLiteral("admin");

    QTest::newRow("open") << open
                          << QStringLiteral("api | restart-loop | restarted 5 times in 300 s | <time> | open")
                          << true;
    QTest::newRow("acknowledged") << acknowledged
                                  << QStringLiteral(
                                         "api | restart-loop | restarted 5 times in 300 s | <time> | admin")
                                  << false;
}

void AdminModelsTest::alertList()
{
    QFETCH(Alert, alert);
    QFETCH(QString, expected);
    QFETCH(bool, open);

    AlertListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setAlerts({alert});
    QCOMPARE(displayedRows(model), QStringList{expected});
    const QModelIndex first = model.index(0, 0);
    QCOMPARE(first.data(AlertListModel::IdRole).toString(), QStringLiteral("a1"));
    QCOMPARE(first.data(AlertListModel::ApplicationNameRole).toString(), QStringLiteral("api"));
    QCOMPARE(first.data(AlertListModel::OpenRole).toBool(), open);
    model.setAlerts({});
    QCOMPARE(model.rowCount(), 0);
}

void AdminModelsTest::userList_data()
{
    QTest::addColumn<UserAccount>("user");
    QTest::addColumn<QString>("expected");

    QTest::newRow("admin") << UserAccount{QStringLiteral("u1"), QStringLiteral("admin"), true, kNow}
                           << QStringLiteral("admin | admin | <time>");
    QTest::newRow("member") << UserAccount{QStringLiteral("u2"), QStringLiteral("alice"), false, kNow}
                            << QStringLiteral("alice | member | <time>");
}

void AdminModelsTest::userList()
{
    QFETCH(UserAccount, user);
    QFETCH(QString, expected);

    UserListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setUsers({user});
    QCOMPARE(displayedRows(model), QStringList{expected});
    QCOMPARE(model.index(0, 0).data(UserListModel::NameRole).toString(), user.name);
}

void AdminModelsTest::tokenList_data()
{
    QTest::addColumn<ApiToken>("token");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("active");

    const ApiToken fresh{QStringLiteral("t1"), QStringLiteral("alice"), QStringLiteral("laptop"), kNow};
    ApiToken used = fresh;
    used.lastUsedAt = kNow;
    used.expiresAt = kNow.addDays(1);
    ApiToken revoked = fresh;
    revoked.revokedAt = kNow;
    ApiToken expired = fresh;
    expired.expiresAt = kNow.addSecs(-1);

    QTest::newRow("never expires, never used")
        << fresh << QStringLiteral("laptop | <time> | never | never | active") << true;
    QTest::newRow("used, expires later")
        << used << QStringLiteral("laptop | <time> | <time> | <time> | active") << true;
    QTest::newRow("revoked") << revoked << QStringLiteral("laptop | <time> | never | never | revoked")
                             << false;
    QTest::newRow("expired") << expired << QStringLiteral("laptop | <time> | <time> | never | expired")
                             << false;
}

void AdminModelsTest::tokenList()
{
    QFETCH(ApiToken, token);
    QFETCH(QString, expected);
    QFETCH(bool, active);

    TokenListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTokens({token}, kNow);
    QCOMPARE(displayedRows(model), QStringList{expected});
    QCOMPARE(model.index(0, 0).data(TokenListModel::IdRole).toString(), QStringLiteral("t1"));
    QCOMPARE(model.index(0, 0).data(TokenListModel::ActiveRole).toBool(), active);
}

QTEST_GUILESS_MAIN(AdminModelsTest)
#include "tst_admin_models.moc"
