#include "usecases/event_hub.h"

#include <QTest>

#include <atomic>

using vitrine::domain::Event;
using vitrine::domain::EventType;
using vitrine::domain::Role;
using vitrine::usecases::Caller;
using vitrine::usecases::EventBatch;
using vitrine::usecases::EventHub;
using vitrine::usecases::EventSubscription;

namespace {

Caller callerOf(const QString &userId, Role role = Role::Member)
{
    Caller caller;
    caller.user.id = userId;
    caller.user.name = userId;
    caller.user.role = role;
    return caller;
}

Event buildEvent(const QString &applicationName, const QStringList &ownerIds)
{
    Event event;
    event.type = EventType::BuildStateChanged;
    event.applicationId = QStringLiteral("app_") + applicationName;
    event.applicationName = applicationName;
    event.buildId = QStringLiteral("bld_1");
    event.state = QStringLiteral("failed");
    event.ownerIds = ownerIds;
    return event;
}

QStringList namesOf(const QList<Event> &events)
{
    QStringList names;
    for (const Event &event : events)
        names.append(event.applicationName);
    return names;
}

// Everything the subscription has now, as a reactor would take it.
QList<Event> drain(EventSubscription &subscription)
{
    QList<Event> events;
    for (;;) {
        const EventBatch batch = subscription.poll(2);
        if (batch.events.isEmpty())
            return events;
        events += batch.events;
    }
}

} // namespace

class TestEventHub : public QObject {
    Q_OBJECT

private slots:
    void watchersSeeWhatTheyMaySee_data()
    {
        QTest::addColumn<Caller>("caller");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("admin") << callerOf(QStringLiteral("usr_admin"), Role::Admin)
                               << QStringList{QStringLiteral("alice-blog"), QStringLiteral("bob-game"),
                                              QStringLiteral("shared")};
        QTest::newRow("alice") << callerOf(QStringLiteral("usr_alice"))
                               << QStringList{QStringLiteral("alice-blog"), QStringLiteral("shared")};
        QTest::newRow("bob") << callerOf(QStringLiteral("usr_bob"))
                             << QStringList{QStringLiteral("bob-game"), QStringLiteral("shared")};
        QTest::newRow("someone else") << callerOf(QStringLiteral("usr_carol")) << QStringList();
    }

    void watchersSeeWhatTheyMaySee()
    {
        QFETCH(Caller, caller);
        QFETCH(QStringList, expected);
        EventHub hub;
        const auto subscription = hub.subscribe(EventHub::visibleTo(caller), std::nullopt, [] {});
        hub.publish(buildEvent(QStringLiteral("alice-blog"), {QStringLiteral("usr_alice")}));
        hub.publish(buildEvent(QStringLiteral("bob-game"), {QStringLiteral("usr_bob")}));
        hub.publish(
            buildEvent(QStringLiteral("shared"), {QStringLiteral("usr_bob"), QStringLiteral("usr_alice")}));
        QCOMPARE(namesOf(drain(*subscription)), expected);
    }

    void eventsAreStampedInOrder()
    {
        EventHub hub;
        const qint64 before = hub.lastSeq();
        const Event first = hub.publish(buildEvent(QStringLiteral("a"), {}));
        const Event second = hub.publish(buildEvent(QStringLiteral("b"), {}));
        QCOMPARE(first.seq, before + 1);
        QCOMPARE(second.seq, before + 2);
        QVERIFY(first.at.isValid());
        QVERIFY(second.at >= first.at);
        QCOMPARE(hub.lastSeq(), second.seq);
    }

    void aNewWatcherGetsOnlyNewEvents()
    {
        EventHub hub;
        hub.publish(buildEvent(QStringLiteral("old"), {}));
        std::atomic<int> wakes = 0;
        const auto subscription =
            hub.subscribe([](const Event &) { return true; }, std::nullopt, [&] { ++wakes; });
        QVERIFY(drain(*subscription).isEmpty());
        hub.publish(buildEvent(QStringLiteral("new"), {}));
        QCOMPARE(wakes.load(), 1);
        QCOMPARE(namesOf(drain(*subscription)), QStringList{QStringLiteral("new")});
    }

    void aWatcherResumesAfterASeq()
    {
        EventHub hub;
        QList<qint64> seqs;
        for (int i = 0; i < 5; ++i)
            seqs.append(hub.publish(buildEvent(QStringLiteral("app%1").arg(i), {})).seq);
        const auto subscription = hub.subscribe([](const Event &) { return true; }, seqs[2], [] {});
        hub.publish(buildEvent(QStringLiteral("live"), {}));
        QCOMPARE(namesOf(drain(*subscription)),
                 (QStringList{QStringLiteral("app3"), QStringLiteral("app4"), QStringLiteral("live")}));
    }

    void resumingFromWhatIsNoLongerKeptFallsBehind_data()
    {
        QTest::addColumn<int>("seqFromLast"); // afterSeq relative to the last event published
        QTest::newRow("older than what is kept") << -4;
        QTest::newRow("a seq of another run of the server") << 1000;
    }

    void resumingFromWhatIsNoLongerKeptFallsBehind()
    {
        QFETCH(int, seqFromLast);
        EventHub hub(3);
        for (int i = 0; i < 10; ++i)
            hub.publish(buildEvent(QStringLiteral("app%1").arg(i), {}));
        const qint64 afterSeq = hub.lastSeq() + seqFromLast;
        const auto subscription = hub.subscribe([](const Event &) { return true; }, afterSeq, [] {});
        const EventBatch batch = subscription->poll();
        QVERIFY(batch.events.isEmpty());
        QCOMPARE(batch.fellBehindAfter, std::optional(afterSeq));
    }

    void aSlowWatcherFallsBehindWithoutHoldingUpTheOthers()
    {
        EventHub hub(10);
        const auto everything = [](const Event &) { return true; };
        const auto slow = hub.subscribe(everything, std::nullopt, [] {});
        const auto fast = hub.subscribe(everything, std::nullopt, [] {});
        const qint64 first = hub.publish(buildEvent(QStringLiteral("first"), {})).seq;
        QCOMPARE(namesOf(slow->poll().events), QStringList{QStringLiteral("first")});

        QStringList fastSaw{namesOf(drain(*fast))};
        for (int i = 0; i < 50; ++i) {
            hub.publish(buildEvent(QStringLiteral("app%1").arg(i), {}));
            fastSaw += namesOf(drain(*fast));
        }
        QCOMPARE(fastSaw.size(), 51);
        QCOMPARE(fastSaw.constLast(), QStringLiteral("app49"));

        const EventBatch told = slow->poll();
        QVERIFY(told.events.isEmpty());
        QCOMPARE(told.fellBehindAfter, std::optional(first));
        QCOMPARE(slow->poll().fellBehindAfter, std::optional(first));
    }

    void invisibleEventsMoveAWatcherOn()
    {
        // A member's watcher skips what it may not see, so it does not fall behind on other people's events.
        EventHub hub(10);
        const auto subscription =
            hub.subscribe(EventHub::visibleTo(callerOf(QStringLiteral("usr_alice"))), std::nullopt, [] {});
        for (int i = 0; i < 50; ++i) {
            hub.publish(buildEvent(QStringLiteral("bob%1").arg(i), {QStringLiteral("usr_bob")}));
            QVERIFY(subscription->poll().events.isEmpty());
        }
        hub.publish(buildEvent(QStringLiteral("alice"), {QStringLiteral("usr_alice")}));
        QCOMPARE(namesOf(drain(*subscription)), QStringList{QStringLiteral("alice")});
    }
};

QTEST_GUILESS_MAIN(TestEventHub)
#include "tst_event_hub.moc"
