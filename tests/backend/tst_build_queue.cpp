#include "usecases/build_queue.h"

#include <QTest>

using namespace vitrine;
using domain::QueuedBuild;

namespace {

const QDateTime kStart(QDate(2026, 11, 24), QTime(18, 0), Qt::UTC);

// Builds written as "owner" each, queued one second apart in the order given; ids are "owner-N" (N counting
// that owner's builds from 1), so an expected order reads like the queue a member sees.
QList<QueuedBuild> queuedInOrder(const QStringList &owners)
{
    QList<QueuedBuild> builds;
    QHash<QString, int> perOwner;
    for (qsizetype i = 0; i < owners.size(); ++i) {
        const QString &owner = owners[i];
        builds.append({QStringLiteral("%1-%2").arg(owner).arg(++perOwner[owner]), owner, kStart.addSecs(i)});
    }
    return builds;
}

QStringList repeated(const QString &owner, int times)
{
    QStringList owners;
    for (int i = 0; i < times; ++i)
        owners << owner;
    return owners;
}

QStringList idsOf(const QList<QueuedBuild> &builds)
{
    QStringList ids;
    for (const QueuedBuild &build : builds)
        ids << build.id;
    return ids;
}

} // namespace

class TestBuildQueue : public QObject {
    Q_OBJECT

private slots:
    void takesBuildsFairlyAcrossOwners_data();
    void takesBuildsFairlyAcrossOwners();
    void aBurstDoesNotPushAnotherOwnerToTheEnd();
    void positionsDoNotDependOnTheInputOrder();
    void oneSlotStillTakesTurns();
};

void TestBuildQueue::takesBuildsFairlyAcrossOwners_data()
{
    QTest::addColumn<QStringList>("queuedBy"); // owners, oldest build first
    QTest::addColumn<QStringList>("building"); // one entry per BUILDING build, by owner
    QTest::addColumn<QStringList>("expected"); // the order the builds are taken in

    QTest::newRow("empty queue") << QStringList{} << QStringList{} << QStringList{};
    QTest::newRow("one owner is first in, first out")
        << repeated(QStringLiteral("alice"), 3) << QStringList{}
        << QStringList{QStringLiteral("alice-1"), QStringLiteral("alice-2"), QStringLiteral("alice-3")};
    QTest::newRow("owners take turns round-robin, the longest waiting first")
        << QStringList{QStringLiteral("bob"), QStringLiteral("alice"), QStringLiteral("alice"),
                       QStringLiteral("bob"), QStringLiteral("carol")}
        << QStringList{}
        << QStringList{QStringLiteral("bob-1"), QStringLiteral("alice-1"), QStringLiteral("carol-1"),
                       QStringLiteral("bob-2"), QStringLiteral("alice-2")};
    QTest::newRow("an owner with builds running waits behind those without")
        << QStringList{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("alice")}
        << QStringList{QStringLiteral("alice")}
        << QStringList{QStringLiteral("bob-1"), QStringLiteral("alice-1"), QStringLiteral("alice-2")};
    QTest::newRow("running builds count until the owners are even")
        << QStringList{QStringLiteral("alice"), QStringLiteral("alice"), QStringLiteral("bob"),
                       QStringLiteral("bob"), QStringLiteral("bob")}
        << QStringList{QStringLiteral("alice"), QStringLiteral("alice")}
        << QStringList{QStringLiteral("bob-1"), QStringLiteral("bob-2"), QStringLiteral("alice-1"),
                       QStringLiteral("bob-3"), QStringLiteral("alice-2")};
    QTest::newRow("running builds of owners with nothing queued change nothing")
        << QStringList{QStringLiteral("alice"), QStringLiteral("bob")}
        << QStringList{QStringLiteral("carol"), QStringLiteral("carol")}
        << QStringList{QStringLiteral("alice-1"), QStringLiteral("bob-1")};
}

void TestBuildQueue::takesBuildsFairlyAcrossOwners()
{
    QFETCH(QStringList, queuedBy);
    QFETCH(QStringList, building);
    QFETCH(QStringList, expected);

    QHash<QString, domain::OwnerBuildActivity> activity;
    for (const QString &owner : building)
        ++activity[owner].building;
    const QList<QueuedBuild> queued = queuedInOrder(queuedBy);

    QCOMPARE(idsOf(usecases::fairQueueOrder(queued, activity)), expected);
    const QHash<QString, int> positions = usecases::queuePositions(queued, activity);
    QCOMPARE(positions.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(positions.value(expected[i]), int(i + 1));
}

void TestBuildQueue::aBurstDoesNotPushAnotherOwnerToTheEnd()
{
    // A hackathon: alice pushes 10 times, then bob once.
    const QList<QueuedBuild> queued =
        queuedInOrder(repeated(QStringLiteral("alice"), 10) << QStringLiteral("bob"));
    const QHash<QString, int> positions = usecases::queuePositions(queued, {});

    QCOMPARE(positions.value(QStringLiteral("bob-1")), 2);
    QCOMPARE(positions.value(QStringLiteral("alice-1")), 1);
    QCOMPARE(positions.value(QStringLiteral("alice-10")), 11);
}

void TestBuildQueue::positionsDoNotDependOnTheInputOrder()
{
    const QList<QueuedBuild> queued =
        queuedInOrder({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("alice"),
                       QStringLiteral("carol"), QStringLiteral("bob")});
    QList<QueuedBuild> shuffled = queued;
    std::reverse(shuffled.begin(), shuffled.end());
    const QHash<QString, domain::OwnerBuildActivity> activity{{QStringLiteral("bob"), {1, kStart}}};

    QCOMPARE(usecases::queuePositions(shuffled, activity), usecases::queuePositions(queued, activity));
}

void TestBuildQueue::oneSlotStillTakesTurns()
{
    // Builds run one at a time, so every pass sees nobody running. alice's last build just started; bob has
    // waited less long but was served longer ago, so he goes next, and so on in turn.
    const QList<QueuedBuild> queued =
        queuedInOrder(repeated(QStringLiteral("alice"), 3) << QStringLiteral("bob"));
    QHash<QString, domain::OwnerBuildActivity> activity{{QStringLiteral("alice"), {0, kStart.addSecs(100)}},
                                                        {QStringLiteral("bob"), {0, kStart.addSecs(50)}}};

    QCOMPARE(idsOf(usecases::fairQueueOrder(queued, activity)),
             (QStringList{QStringLiteral("bob-1"), QStringLiteral("alice-1"), QStringLiteral("alice-2"),
                          QStringLiteral("alice-3")}));

    activity.remove(QStringLiteral("bob"));
    QCOMPARE(usecases::queuePositions(queued, activity).value(QStringLiteral("bob-1")), 1);
}

QTEST_GUILESS_MAIN(TestBuildQueue)
#include "tst_build_queue.moc"
