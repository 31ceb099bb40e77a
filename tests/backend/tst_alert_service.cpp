#include "domain/ids.h"
#include "fake_store.h"
#include "store_fixtures.h"
#include "usecases/alert_service.h"
#include "verify_error.h"

#include <QTest>

#include <memory>

using namespace vitrine;
using domain::Alert;
using domain::AlertKind;
using domain::ErrorKind;
using domain::Role;
using usecases::AlertService;
using usecases::Caller;
using usecases::PageRequest;

namespace {

const QDateTime kOpened(QDate(2026, 11, 24), QTime(10, 30), Qt::UTC);

QStringList messagesOf(const QList<Alert> &alerts)
{
    QStringList messages;
    for (const Alert &alert : alerts)
        messages << alert.message;
    return messages;
}

} // namespace

class TestAlertService : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_store = std::make_unique<tests::FakeStore>();
        m_service = std::make_unique<AlertService>(*m_store);
        m_admin = tests::addUser(*m_store, QStringLiteral("admin"), Role::Admin);
        m_zoe = tests::addUser(*m_store, QStringLiteral("zoe"), Role::Member);
        m_adam = tests::addUser(*m_store, QStringLiteral("adam"), Role::Member);
        const domain::Repository repository =
            tests::addRepository(*m_store, QStringLiteral("site"),
                                 QStringLiteral("https://git.example.org/site.git"), {m_zoe.id, m_adam.id});
        m_blog = tests::newApplication(repository, QStringLiteral("blog"), QStringLiteral("hash-1"));
        m_blog.ownerIds = {m_zoe.id};
        m_store->insertApplication(m_blog);
        m_shop = tests::newApplication(repository, QStringLiteral("shop"), QStringLiteral("hash-2"));
        m_shop.ownerIds = {m_adam.id, m_zoe.id};
        m_store->insertApplication(m_shop);

        // Newest first: "shop oom" (acknowledged), "blog deploy", "shop loop", "blog loop".
        addAlert(m_blog.id, AlertKind::RestartLoop, QStringLiteral("blog loop"), 0);
        addAlert(m_shop.id, AlertKind::RestartLoop, QStringLiteral("shop loop"), 1);
        addAlert(m_blog.id, AlertKind::DeployFailed, QStringLiteral("blog deploy"), 2);
        const Alert acknowledged = addAlert(m_shop.id, AlertKind::OutOfMemory, QStringLiteral("shop oom"), 3);
        QVERIFY(m_store->acknowledgeAlert(acknowledged.id, m_adam.id, kOpened.addSecs(60)));
    }

    void listsWhatTheCallerMaySee_data()
    {
        QTest::addColumn<QString>("caller");
        QTest::addColumn<QString>("application");
        QTest::addColumn<bool>("openOnly");
        QTest::addColumn<QStringList>("messages");

        QTest::newRow("admin, all") << QStringLiteral("admin") << QString() << false
                                    << QStringList{QStringLiteral("shop oom"), QStringLiteral("blog deploy"),
                                                   QStringLiteral("shop loop"), QStringLiteral("blog loop")};
        QTest::newRow("admin, open") << QStringLiteral("admin") << QString() << true
                                     << QStringList{QStringLiteral("blog deploy"),
                                                    QStringLiteral("shop loop"), QStringLiteral("blog loop")};
        QTest::newRow("admin, one app by name")
            << QStringLiteral("admin") << QStringLiteral("shop") << false
            << QStringList{QStringLiteral("shop oom"), QStringLiteral("shop loop")};
        QTest::newRow("owner of both")
            << QStringLiteral("zoe") << QString() << true
            << QStringList{QStringLiteral("blog deploy"), QStringLiteral("shop loop"),
                           QStringLiteral("blog loop")};
        QTest::newRow("owner of one") << QStringLiteral("adam") << QString() << false
                                      << QStringList{QStringLiteral("shop oom"), QStringLiteral("shop loop")};
        QTest::newRow("owner of one, open")
            << QStringLiteral("adam") << QString() << true << QStringList{QStringLiteral("shop loop")};
    }

    void listsWhatTheCallerMaySee()
    {
        QFETCH(QString, caller);
        QFETCH(QString, application);
        QFETCH(bool, openOnly);
        QFETCH(QStringList, messages);

        const auto page = m_service->list(callerNamed(caller), application, openOnly, {});

        QCOMPARE(messagesOf(page.items), messages);
        QVERIFY(page.nextPageToken.isEmpty());
    }

    void listingAnotherOwnersApplicationIsForbidden()
    {
        VERIFY_ERROR(m_service->list(callerNamed(QStringLiteral("adam")), QStringLiteral("blog"), false, {}),
                     ErrorKind::Forbidden, QStringLiteral("blog"));
        VERIFY_ERROR(
            m_service->list(callerNamed(QStringLiteral("admin")), QStringLiteral("nothing"), false, {}),
            ErrorKind::NotFound, QStringLiteral("nothing"));
    }

    void pagesThroughEveryAlert()
    {
        // Two more in the same millisecond as "blog loop": the id breaks the tie.
        addAlert(m_blog.id, AlertKind::RestartLoop, QStringLiteral("twin 1"), 0);
        addAlert(m_blog.id, AlertKind::RestartLoop, QStringLiteral("twin 2"), 0);
        const Caller admin = callerNamed(QStringLiteral("admin"));
        const QStringList everything = messagesOf(m_service->list(admin, {}, false, {}).items);
        QCOMPARE(everything.size(), 6);

        QStringList paged;
        PageRequest request{2, {}};
        int pages = 0;
        for (;; ++pages) {
            const auto page = m_service->list(admin, {}, false, request);
            QVERIFY(page.items.size() <= 2);
            paged += messagesOf(page.items);
            if (page.nextPageToken.isEmpty())
                break;
            request.pageToken = page.nextPageToken;
            QVERIFY(pages < 10);
        }
        QCOMPARE(paged, everything);
        QCOMPARE(pages, 2);

        VERIFY_ERROR(m_service->list(admin, {}, false, {2, QStringLiteral("not-a-token")}),
                     ErrorKind::BadRequest, QStringLiteral("page.page_token"));
        // A build list's token is no alert list's token.
        VERIFY_ERROR(m_service->list(admin, {}, false, {2, usecases::buildPageTokenAfter(domain::Build{})}),
                     ErrorKind::BadRequest, QStringLiteral("page.page_token"));
    }

    void acknowledgeChecksWhoAndWhether_data()
    {
        QTest::addColumn<QString>("caller");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("expectedError"); // -1: none

        QTest::newRow("owner") << QStringLiteral("zoe") << QStringLiteral("blog loop") << -1;
        QTest::newRow("admin of someone else's")
            << QStringLiteral("admin") << QStringLiteral("blog loop") << -1;
        QTest::newRow("member of someone else's")
            << QStringLiteral("adam") << QStringLiteral("blog loop") << int(ErrorKind::Forbidden);
        QTest::newRow("acknowledged already")
            << QStringLiteral("adam") << QStringLiteral("shop oom") << int(ErrorKind::FailedPrecondition);
    }

    void acknowledgeChecksWhoAndWhether()
    {
        QFETCH(QString, caller);
        QFETCH(QString, message);
        QFETCH(int, expectedError);
        const Alert target = alertWithMessage(message);
        const Caller who = callerNamed(caller);

        if (expectedError >= 0) {
            VERIFY_ERROR(m_service->acknowledge(who, target.id), ErrorKind(expectedError), target.id);
            QCOMPARE(m_store->findAlertById(target.id)->acknowledgedAt, target.acknowledgedAt);
            return;
        }
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        const Alert acknowledged = m_service->acknowledge(who, target.id);
        QVERIFY(!acknowledged.isOpen());
        QVERIFY(acknowledged.acknowledgedAt >= before);
        QCOMPARE(acknowledged.acknowledgedBy, who.user.id);
        QCOMPARE(acknowledged.acknowledgedByName, caller);
        QVERIFY(!m_store->findAlertById(target.id)->isOpen());
        // Twice is a mistake the caller hears about, with who did it first.
        VERIFY_ERROR(m_service->acknowledge(who, target.id), ErrorKind::FailedPrecondition,
                     QStringLiteral("already acknowledged by %1").arg(caller));
    }

    void acknowledgingAnUnknownAlertIsNotFound()
    {
        VERIFY_ERROR(
            m_service->acknowledge(callerNamed(QStringLiteral("admin")), QStringLiteral("alr_missing")),
            ErrorKind::NotFound, QStringLiteral("alr_missing"));
    }

private:
    Alert addAlert(const QString &applicationId, AlertKind kind, const QString &message, int minutes)
    {
        Alert alert;
        alert.id = domain::newId(domain::idprefix::kAlert);
        alert.applicationId = applicationId;
        alert.buildId = QStringLiteral("bld_1");
        alert.kind = kind;
        alert.message = message;
        alert.openedAt = kOpened.addSecs(60 * minutes);
        m_store->insertAlert(alert);
        return alert;
    }

    Alert alertWithMessage(const QString &message)
    {
        for (const Alert &alert : m_store->listAlerts({}, {})) {
            if (alert.message == message)
                return alert;
        }
        qFatal("no alert '%s'", qPrintable(message));
    }

    Caller callerNamed(const QString &name) { return Caller{*m_store->findUserByName(name)}; }

    std::unique_ptr<tests::FakeStore> m_store;
    std::unique_ptr<AlertService> m_service;
    domain::User m_admin;
    domain::User m_zoe;
    domain::User m_adam;
    domain::Application m_blog;
    domain::Application m_shop;
};

QTEST_GUILESS_MAIN(TestAlertService)
#include "tst_alert_service.moc"
