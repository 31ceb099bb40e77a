#include "models/application_filter_model.h"
#include "models/application_list_model.h"

#include <QAbstractItemModelTester>
#include <QTest>

using vitrine::desktop::ApplicationEvent;
using vitrine::desktop::ApplicationFilterModel;
using vitrine::desktop::ApplicationListModel;
using vitrine::desktop::ApplicationState;
using vitrine::desktop::ApplicationSummary;
using vitrine::desktop::DeployType;
using Column = ApplicationListModel::Column;

namespace {

const QDateTime kStart = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

ApplicationSummary application(const QString &name, const QString &repository, const QStringList &owners,
                               const QString &runtimeState, int minutesAgo)
{
    ApplicationSummary summary;
    summary.id = QStringLiteral("id-") + name;
    summary.name = name;
    summary.repository = repository;
    summary.owners = owners;
    summary.deployType = runtimeState.isEmpty() ? DeployType::Static : DeployType::Runtime;
    summary.running = true;
    summary.runtimeState = runtimeState;
    summary.currentBuildId = QStringLiteral("build-") + name;
    summary.lastChange = kStart.addSecs(-60 * minutesAgo);
    return summary;
}

// Listed in no particular order, as the server might.
QList<ApplicationSummary> fleet()
{
    return {
        application(QStringLiteral("Shop"), QStringLiteral("storefront"), {QStringLiteral("alice")},
                    QStringLiteral("running"), 5),
        application(QStringLiteral("blog"), QStringLiteral("club-site"), {QStringLiteral("bob")}, {}, 30),
        application(QStringLiteral("api"), QStringLiteral("backend"),
                    {QStringLiteral("alice"), QStringLiteral("carol")}, QStringLiteral("errored"), 1),
        application(QStringLiteral("wiki"), QStringLiteral("shared-docs"), {QStringLiteral("carol")},
                    QStringLiteral("sleeping"), 60),
        application(QStringLiteral("chat"), QStringLiteral("backend"), {QStringLiteral("Bobby")},
                    QStringLiteral("running"), 10),
    };
}

QStringList names(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, static_cast<int>(Column::Name)).data().toString());
    return result;
}

} // namespace

class ApplicationFilterModelTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void filtersTheList_data();
    void filtersTheList();
    void sortsByAColumn_data();
    void sortsByAColumn();
    void followsLiveChanges();

private:
    std::unique_ptr<ApplicationListModel> m_applications;
    std::unique_ptr<ApplicationFilterModel> m_filter;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void ApplicationFilterModelTest::init()
{
    m_tester.reset();
    m_filter = std::make_unique<ApplicationFilterModel>();
    m_applications = std::make_unique<ApplicationListModel>();
    m_filter->setSourceModel(m_applications.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_filter.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_applications->setApplications(fleet());
    m_filter->sort(static_cast<int>(Column::Name));
}

void ApplicationFilterModelTest::filtersTheList_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QSet<ApplicationState>>("states");
    QTest::addColumn<QString>("owner");
    QTest::addColumn<QStringList>("expectedNames");

    const QSet<ApplicationState> everyState;
    QTest::newRow("nothing set") << QString() << everyState << QString()
                                 << QStringList{QStringLiteral("api"), QStringLiteral("blog"),
                                                QStringLiteral("chat"), QStringLiteral("Shop"),
                                                QStringLiteral("wiki")};
    QTest::newRow("search by name, any case")
        << QStringLiteral("SHO") << everyState << QString() << QStringList{QStringLiteral("Shop")};
    QTest::newRow("search by repository") << QStringLiteral("backend") << everyState << QString()
                                          << QStringList{QStringLiteral("api"), QStringLiteral("chat")};
    QTest::newRow("search by owner") << QStringLiteral("bob") << everyState << QString()
                                     << QStringList{QStringLiteral("blog"), QStringLiteral("chat")};
    QTest::newRow("search over name and repository")
        << QStringLiteral("sh") << everyState << QString()
        << QStringList{QStringLiteral("Shop"), QStringLiteral("wiki")};
    QTest::newRow("a search that matches nothing")
        << QStringLiteral("zzz") << everyState << QString() << QStringList();
    QTest::newRow("a search never spans two fields")
        << QStringLiteral("chatbackend") << everyState << QString() << QStringList();
    QTest::newRow("one state") << QString() << QSet{ApplicationState::Running} << QString()
                               << QStringList{QStringLiteral("chat"), QStringLiteral("Shop")};
    QTest::newRow("several states") << QString()
                                    << QSet{ApplicationState::Errored, ApplicationState::Published}
                                    << QString()
                                    << QStringList{QStringLiteral("api"), QStringLiteral("blog")};
    QTest::newRow("one owner") << QString() << everyState << QStringLiteral("alice")
                               << QStringList{QStringLiteral("api"), QStringLiteral("Shop")};
    QTest::newRow("an owner is a whole user name")
        << QString() << everyState << QStringLiteral("bob") << QStringList{QStringLiteral("blog")};
    QTest::newRow("everything at once") << QStringLiteral("a") << QSet{ApplicationState::Running}
                                        << QStringLiteral("Bobby") << QStringList{QStringLiteral("chat")};
}

void ApplicationFilterModelTest::filtersTheList()
{
    QFETCH(QString, search);
    QFETCH(QSet<ApplicationState>, states);
    QFETCH(QString, owner);
    QFETCH(QStringList, expectedNames);

    m_filter->setSearchText(search);
    m_filter->setStates(states);
    m_filter->setOwner(owner);
    QCOMPARE(names(*m_filter), expectedNames);

    m_filter->setSearchText({});
    m_filter->setStates({});
    m_filter->setOwner({});
    QCOMPARE(m_filter->rowCount(), fleet().size());
}

void ApplicationFilterModelTest::sortsByAColumn_data()
{
    QTest::addColumn<Column>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("expectedNames");

    QTest::newRow("name, ignoring case")
        << Column::Name << Qt::AscendingOrder
        << QStringList{QStringLiteral("api"), QStringLiteral("blog"), QStringLiteral("chat"),
                       QStringLiteral("Shop"), QStringLiteral("wiki")};
    QTest::newRow("name, descending")
        << Column::Name << Qt::DescendingOrder
        << QStringList{QStringLiteral("wiki"), QStringLiteral("Shop"), QStringLiteral("chat"),
                       QStringLiteral("blog"), QStringLiteral("api")};
    QTest::newRow("state: trouble first, then by name")
        << Column::State << Qt::AscendingOrder
        << QStringList{QStringLiteral("api"), QStringLiteral("chat"), QStringLiteral("Shop"),
                       QStringLiteral("wiki"), QStringLiteral("blog")};
    QTest::newRow("last change: latest first")
        << Column::LastChange << Qt::DescendingOrder
        << QStringList{QStringLiteral("api"), QStringLiteral("Shop"), QStringLiteral("chat"),
                       QStringLiteral("blog"), QStringLiteral("wiki")};
}

void ApplicationFilterModelTest::sortsByAColumn()
{
    QFETCH(Column, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, expectedNames);

    m_filter->sort(static_cast<int>(column), order);
    QCOMPARE(names(*m_filter), expectedNames);
}

void ApplicationFilterModelTest::followsLiveChanges()
{
    m_filter->setStates({ApplicationState::Errored, ApplicationState::Restarting});
    m_filter->sort(static_cast<int>(Column::LastChange), Qt::DescendingOrder);
    QCOMPARE(names(*m_filter), QStringList{QStringLiteral("api")});

    const auto stateChange = [](const QString &name, const QString &state, int minutesLater) {
        return ApplicationEvent{ApplicationEvent::Type::ApplicationStateChanged,
                                QStringLiteral("id-") + name,
                                name,
                                {},
                                state,
                                {},
                                kStart.addSecs(60 * minutesLater)};
    };
    m_applications->applyEvents({stateChange(QStringLiteral("wiki"), QStringLiteral("restarting"), 1),
                                 stateChange(QStringLiteral("chat"), QStringLiteral("restarting"), 2)});
    QCOMPARE(names(*m_filter),
             (QStringList{QStringLiteral("chat"), QStringLiteral("wiki"), QStringLiteral("api")}));

    m_applications->applyEvents(
        {stateChange(QStringLiteral("chat"), QStringLiteral("running"), 3),
         {ApplicationEvent::Type::ApplicationDeleted, QStringLiteral("id-api"), {}, {}, {}, {}, {}}});
    QCOMPARE(names(*m_filter), QStringList{QStringLiteral("wiki")});
}

QTEST_APPLESS_MAIN(ApplicationFilterModelTest)
#include "tst_application_filter_model.moc"
