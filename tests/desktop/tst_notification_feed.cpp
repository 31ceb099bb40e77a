// NotificationFeed: which events make a notification, told once, muted per application, only for mine.

#include "models/notification_feed.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vitrine::desktop::FeedEvent;
using vitrine::desktop::Notification;
using vitrine::desktop::NotificationFeed;

namespace {

const QString kMine = QStringLiteral("app_mine");
const QString kTheirs = QStringLiteral("app_theirs");
const QString kProfile = QStringLiteral("profile-1");

FeedEvent feedEvent(FeedEvent::Type type, const QString &state, const QString &message = {},
                    const QString &applicationId = kMine)
{
    FeedEvent made;
    made.type = type;
    made.applicationId = applicationId;
    made.applicationName = applicationId == kMine ? QStringLiteral("blog") : QStringLiteral("shop");
    made.buildId = QStringLiteral("bld_1");
    made.state = state;
    made.message = message;
    if (type == FeedEvent::Type::AlertOpened)
        made.alertId = QStringLiteral("alr_1");
    return made;
}

FeedEvent buildFailed(const QString &buildId, const QString &applicationId = kMine)
{
    FeedEvent failed = feedEvent(FeedEvent::Type::BuildStateChanged, QStringLiteral("failed"),
                                 QStringLiteral("exit code 1"), applicationId);
    failed.buildId = buildId;
    return failed;
}

QList<Notification> notificationsIn(const QSignalSpy &spy)
{
    QList<Notification> notifications;
    for (const QList<QVariant> &signal : spy)
        notifications.append(signal.at(0).value<Notification>());
    return notifications;
}

} // namespace

class NotificationFeedTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void notifiesOfTroubleOnly_data();
    void notifiesOfTroubleOnly();
    void tellsEachThingOnceWhenABatchRepeats();
    void tellsAnAutomaticStopAgainAfterTheApplicationRan();
    void mutesPerApplicationAndProfile();
    void ignoresOtherUsersApplications();

private:
    NotificationFeed *makeFeed(const QString &profile = kProfile);

    QTemporaryDir m_dir;
};

void NotificationFeedTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("vitrine-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_notification_feed"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
}

void NotificationFeedTest::init()
{
    QSettings().clear();
}

NotificationFeed *NotificationFeedTest::makeFeed(const QString &profile)
{
    return new NotificationFeed(
        profile, [](const QString &applicationId) { return applicationId == kMine; }, this);
}

void NotificationFeedTest::notifiesOfTroubleOnly_data()
{
    QTest::addColumn<QList<FeedEvent>>("events");
    QTest::addColumn<bool>("notifies");
    QTest::addColumn<int>("kind"); // Notification::Kind when it notifies
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("body");

    using Type = FeedEvent::Type;
    using Kind = Notification::Kind;
    const QString none;
    QTest::newRow("build failed") << QList<FeedEvent>{buildFailed(QStringLiteral("bld_1"))} << true
                                  << int(Kind::BuildFailed) << QStringLiteral("Build of blog failed")
                                  << QStringLiteral("exit code 1");
    QTest::newRow("build succeeded") << QList<FeedEvent>{feedEvent(Type::BuildStateChanged,
                                                                   QStringLiteral("succeeded"))}
                                     << false << 0 << none << none;
    QTest::newRow("build canceled") << QList<FeedEvent>{feedEvent(Type::BuildStateChanged,
                                                                  QStringLiteral("canceled"))}
                                    << false << 0 << none << none;
    QTest::newRow("restart loop") << QList<FeedEvent>{feedEvent(Type::AlertOpened,
                                                                QStringLiteral("restart-loop"),
                                                                QStringLiteral("restarted 5 times in 60 s"))}
                                  << true << int(Kind::RestartLoop) << QStringLiteral("blog keeps restarting")
                                  << QStringLiteral("restarted 5 times in 60 s");
    QTest::newRow("out of memory") << QList<FeedEvent>{feedEvent(Type::AlertOpened,
                                                                 QStringLiteral("out-of-memory"),
                                                                 QStringLiteral("killed"))}
                                   << true << int(Kind::OutOfMemory)
                                   << QStringLiteral("blog ran out of memory") << QStringLiteral("killed");
    QTest::newRow("deploy failed") << QList<FeedEvent>{feedEvent(Type::AlertOpened,
                                                                 QStringLiteral("deploy-failed"),
                                                                 QStringLiteral("unhealthy"))}
                                   << true << int(Kind::DeployFailed)
                                   << QStringLiteral("Deploy of blog failed") << QStringLiteral("unhealthy");
    QTest::newRow("an alert of a kind unknown here")
        << QList<FeedEvent>{feedEvent(Type::AlertOpened, QStringLiteral("disk-full"))} << false << 0 << none
        << none;
    QTest::newRow("stopped by the platform")
        << QList<FeedEvent>{feedEvent(Type::ApplicationStateChanged, QStringLiteral("exited"),
                                      QStringLiteral("stopped after 5 restarts in 60 s"))}
        << true << int(Kind::StoppedAutomatically) << QStringLiteral("blog was stopped")
        << QStringLiteral("stopped after 5 restarts in 60 s");
    QTest::newRow("stopped by a person")
        << QList<FeedEvent>{feedEvent(Type::ApplicationStateChanged, QStringLiteral("exited"))} << false << 0
        << none << none;
    QTest::newRow("restarting") << QList<FeedEvent>{feedEvent(Type::ApplicationStateChanged,
                                                              QStringLiteral("restarting"),
                                                              QStringLiteral("exit code 1"))}
                                << false << 0 << none << none;
    QTest::newRow("other events") << QList<FeedEvent>{feedEvent(Type::Other, QStringLiteral("failed"))}
                                  << false << 0 << none << none;
}

void NotificationFeedTest::notifiesOfTroubleOnly()
{
    QFETCH(QList<FeedEvent>, events);
    QFETCH(bool, notifies);
    QFETCH(int, kind);
    QFETCH(QString, title);
    QFETCH(QString, body);

    NotificationFeed *feed = makeFeed();
    QSignalSpy notified(feed, &NotificationFeed::notified);
    feed->applyEvents(events);

    QCOMPARE(notified.size(), notifies ? 1 : 0);
    if (!notifies)
        return;
    const Notification notification = notificationsIn(notified).first();
    QCOMPARE(int(notification.kind), kind);
    QCOMPARE(notification.applicationId, kMine);
    QCOMPARE(notification.applicationName, QStringLiteral("blog"));
    QCOMPARE(notification.buildId, events.first().buildId);
    QCOMPARE(notification.alertId, events.first().alertId);
    QCOMPARE(notification.title, title);
    QCOMPARE(notification.body, body);
}

void NotificationFeedTest::tellsEachThingOnceWhenABatchRepeats()
{
    NotificationFeed *feed = makeFeed();
    QSignalSpy notified(feed, &NotificationFeed::notified);
    const QList<FeedEvent> batch{
        buildFailed(QStringLiteral("bld_1")),
        feedEvent(FeedEvent::Type::AlertOpened, QStringLiteral("restart-loop")),
        feedEvent(FeedEvent::Type::ApplicationStateChanged, QStringLiteral("exited"),
                  QStringLiteral("stopped")),
    };
    feed->applyEvents(batch);
    QCOMPARE(notified.size(), 3);

    // A resumed stream delivers the same events again.
    feed->applyEvents(batch);
    feed->applyEvents({batch.first()});
    QCOMPARE(notified.size(), 3);

    // Another build failing is news.
    feed->applyEvents({buildFailed(QStringLiteral("bld_2"))});
    QCOMPARE(notified.size(), 4);
    QCOMPARE(notificationsIn(notified).last().buildId, QStringLiteral("bld_2"));
}

void NotificationFeedTest::tellsAnAutomaticStopAgainAfterTheApplicationRan()
{
    NotificationFeed *feed = makeFeed();
    QSignalSpy notified(feed, &NotificationFeed::notified);
    const FeedEvent stopped = feedEvent(FeedEvent::Type::ApplicationStateChanged, QStringLiteral("exited"),
                                        QStringLiteral("stopped"));
    feed->applyEvents({stopped, stopped});
    QCOMPARE(notified.size(), 1);

    feed->applyEvents(
        {feedEvent(FeedEvent::Type::ApplicationStateChanged, QStringLiteral("running")), stopped});
    QCOMPARE(notified.size(), 2);
}

void NotificationFeedTest::mutesPerApplicationAndProfile()
{
    NotificationFeed *feed = makeFeed();
    QSignalSpy notified(feed, &NotificationFeed::notified);
    QVERIFY(!feed->isMuted(kMine));
    feed->setMuted(kMine, true);
    QVERIFY(feed->isMuted(kMine));

    feed->applyEvents({buildFailed(QStringLiteral("bld_1"))});
    QCOMPARE(notified.size(), 0);

    // Kept for the next run of the app, for this server only.
    QVERIFY(makeFeed()->isMuted(kMine));
    QVERIFY(!makeFeed(QStringLiteral("profile-2"))->isMuted(kMine));

    feed->setMuted(kMine, false);
    QVERIFY(!makeFeed()->isMuted(kMine));
    feed->applyEvents({buildFailed(QStringLiteral("bld_2"))});
    QCOMPARE(notified.size(), 1);
}

void NotificationFeedTest::ignoresOtherUsersApplications()
{
    NotificationFeed *feed = makeFeed();
    QSignalSpy notified(feed, &NotificationFeed::notified);
    feed->applyEvents({
        buildFailed(QStringLiteral("bld_theirs"), kTheirs),
        feedEvent(FeedEvent::Type::AlertOpened, QStringLiteral("restart-loop"), {}, kTheirs),
        feedEvent(FeedEvent::Type::ApplicationStateChanged, QStringLiteral("exited"),
                  QStringLiteral("stopped"), kTheirs),
        buildFailed(QStringLiteral("bld_mine")),
    });
    const QList<Notification> notifications = notificationsIn(notified);
    QCOMPARE(notifications.size(), 1);
    QCOMPARE(notifications.first().buildId, QStringLiteral("bld_mine"));
}

QTEST_MAIN(NotificationFeedTest)
#include "tst_notification_feed.moc"
