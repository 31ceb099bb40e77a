#include "adapters/http/webhook_notifier.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace vitrine;
using adapters::http::HttpWebhookNotifier;
using adapters::http::WebhookFormat;
using adapters::http::WebhookNotifierOptions;
using adapters::http::WebhookTarget;
using namespace std::chrono_literals;

namespace {

// The notifier's warnings, as an operator reads them. The notifier logs from its own thread.
QMutex warningsMutex;
QStringList notifierWarnings;
QtMessageHandler previousHandler = nullptr;

void recordNotifierWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && context.category && QByteArrayView(context.category) == "vitrine.notify") {
        QMutexLocker lock(&warningsMutex);
        notifierWarnings.append(message);
    }
    previousHandler(type, context, message);
}

QStringList warningsSoFar()
{
    QMutexLocker lock(&warningsMutex);
    return notifierWarnings;
}

const QString kCommit = QStringLiteral("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b");

domain::Notification buildNotification(const QString &buildId, domain::BuildState state)
{
    domain::Notification notification;
    notification.applicationName = QStringLiteral("blog");
    notification.buildId = buildId;
    notification.commit = kCommit;
    notification.state = state;
    if (state == domain::BuildState::Failed)
        notification.reason = QStringLiteral("the build command exited with status 2");
    notification.at = QDateTime(QDate(2026, 11, 24), QTime(10, 30), Qt::UTC);
    return notification;
}

domain::Notification alertNotification(const QString &alertId)
{
    domain::Notification notification;
    notification.applicationName = QStringLiteral("blog");
    notification.buildId = QStringLiteral("b_1");
    notification.commit = kCommit;
    notification.alertKind = domain::AlertKind::RestartLoop;
    notification.alertId = alertId;
    notification.reason = QStringLiteral("restarted 5 times in 300 s; last exit: exit code 1");
    notification.at = QDateTime(QDate(2026, 11, 24), QTime(11, 0), Qt::UTC);
    return notification;
}

struct Received {
    QString path;
    QByteArray contentType;
    QJsonObject body;
};

// A webhook receiver on loopback. Each path answers as the test says: "/ok" 200, "/flaky" 500 for its first
// two requests and then 200, "/failing" always 500, "/rejecting" always 400.
class Receiver {
public:
    Receiver()
    {
        for (const char *path : {"ok", "flaky", "failing", "rejecting"}) {
            const QString name = QString::fromLatin1(path);
            m_server.route(u'/' + name, QHttpServerRequest::Method::Post,
                           [this, name](const QHttpServerRequest &request) { return answer(name, request); });
        }
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/%2").arg(m_port).arg(path));
    }

    QList<Received> received;
    int flakyRequests = 0;

private:
    QHttpServerResponse answer(const QString &path, const QHttpServerRequest &request)
    {
        received.append(
            Received{path, request.value("Content-Type"), QJsonDocument::fromJson(request.body()).object()});
        using Code = QHttpServerResponse::StatusCode;
        if (path == u"flaky")
            return QHttpServerResponse(++flakyRequests <= 2 ? Code::InternalServerError : Code::Ok);
        if (path == u"failing")
            return QHttpServerResponse(Code::InternalServerError);
        if (path == u"rejecting")
            return QHttpServerResponse(Code::BadRequest);
        return QHttpServerResponse(Code::Ok);
    }

    QHttpServer m_server;
    quint16 m_port = 0;
};

// Accepts connections and never answers: a target that hangs.
class BlackHole {
public:
    BlackHole()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(&m_server);
                ++connections;
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(m_server.serverPort())); }

    int connections = 0;

private:
    QTcpServer m_server;
};

QStringList buildIdsOf(const QList<Received> &received)
{
    QStringList ids;
    for (const Received &one : received)
        ids.append(one.body.value(QStringLiteral("build_id")).toString());
    return ids;
}

} // namespace

class TestWebhookNotifier : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { previousHandler = qInstallMessageHandler(recordNotifierWarnings); }
    void cleanupTestCase() { qInstallMessageHandler(previousHandler); }

    void init()
    {
        QMutexLocker lock(&warningsMutex);
        notifierWarnings.clear();
    }

    void sendsJsonAndChatBodies()
    {
        Receiver receiver;
        HttpWebhookNotifier notifier(
            options({{receiver.url(QStringLiteral("ok")), WebhookFormat::Json, false},
                     {receiver.url(QStringLiteral("ok")), WebhookFormat::Slack, false}}));

        notifier.notify(buildNotification(QStringLiteral("b_1"), domain::BuildState::Failed));

        QTRY_COMPARE(receiver.received.size(), 2);
        const QJsonObject json = bodyWith(receiver.received, QStringLiteral("build_id"));
        QCOMPARE(json.value(QStringLiteral("application")).toString(), QStringLiteral("blog"));
        QCOMPARE(json.value(QStringLiteral("build_id")).toString(), QStringLiteral("b_1"));
        QCOMPARE(json.value(QStringLiteral("commit")).toString(), kCommit);
        QCOMPARE(json.value(QStringLiteral("commit_short")).toString(), QStringLiteral("1a2b3c4"));
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(json.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("the build command exited with status 2"));
        QCOMPARE(json.value(QStringLiteral("finished_at")).toString(),
                 QStringLiteral("2026-11-24T10:30:00Z"));

        const QJsonObject chat = bodyWith(receiver.received, QStringLiteral("text"));
        const QString text = chat.value(QStringLiteral("text")).toString();
        QCOMPARE(chat.value(QStringLiteral("content")).toString(), text);
        for (const QString &part :
             {QStringLiteral("blog"), QStringLiteral("failed"), QStringLiteral("1a2b3c4"),
              QStringLiteral("exited with status 2"), QStringLiteral("b_1")})
            QVERIFY2(text.contains(part), qPrintable(text));
        QVERIFY2(!text.contains(kCommit), qPrintable(text));

        for (const Received &one : std::as_const(receiver.received))
            QCOMPARE(one.contentType, QByteArrayLiteral("application/json"));
    }

    void sendsAlertsToEveryTarget()
    {
        Receiver receiver;
        HttpWebhookNotifier notifier(
            options({{receiver.url(QStringLiteral("ok")), WebhookFormat::Json, false},
                     {receiver.url(QStringLiteral("ok")), WebhookFormat::Slack, false}}));

        notifier.notify(alertNotification(QStringLiteral("alr_1")));

        QTRY_COMPARE(receiver.received.size(), 2);
        const QJsonObject json = bodyWith(receiver.received, QStringLiteral("alert_id"));
        QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("alert"));
        QCOMPARE(json.value(QStringLiteral("application")).toString(), QStringLiteral("blog"));
        QCOMPARE(json.value(QStringLiteral("alert_id")).toString(), QStringLiteral("alr_1"));
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("restart-loop"));
        QCOMPARE(json.value(QStringLiteral("message")).toString(),
                 QStringLiteral("restarted 5 times in 300 s; last exit: exit code 1"));
        QCOMPARE(json.value(QStringLiteral("build_id")).toString(), QStringLiteral("b_1"));
        QCOMPARE(json.value(QStringLiteral("commit_short")).toString(), QStringLiteral("1a2b3c4"));
        QCOMPARE(json.value(QStringLiteral("opened_at")).toString(), QStringLiteral("2026-11-24T11:00:00Z"));

        const QString text =
            bodyWith(receiver.received, QStringLiteral("text")).value(QStringLiteral("text")).toString();
        for (const QString &part :
             {QStringLiteral("alert"), QStringLiteral("blog"), QStringLiteral("restart-loop"),
              QStringLiteral("restarted 5 times in 300 s"), QStringLiteral("b_1"), QStringLiteral("1a2b3c4"),
              QStringLiteral("alr_1")})
            QVERIFY2(text.contains(part), qPrintable(text));
    }

    void buildBodiesSayTheyAreAboutABuild()
    {
        Receiver receiver;
        HttpWebhookNotifier notifier(
            options({{receiver.url(QStringLiteral("ok")), WebhookFormat::Json, false}}));

        notifier.notify(buildNotification(QStringLiteral("b_1"), domain::BuildState::Failed));

        QTRY_COMPARE(receiver.received.size(), 1);
        QCOMPARE(receiver.received[0].body.value(QStringLiteral("type")).toString(), QStringLiteral("build"));
        QVERIFY(!receiver.received[0].body.contains(QStringLiteral("alert_id")));
    }

    void successesOnlyForTargetsThatAskForThem()
    {
        Receiver receiver;
        HttpWebhookNotifier notifier(
            options({{receiver.url(QStringLiteral("ok")), WebhookFormat::Json, true},
                     {receiver.url(QStringLiteral("ok")), WebhookFormat::Slack, false}}));

        notifier.notify(buildNotification(QStringLiteral("b_ok"), domain::BuildState::Succeeded));
        notifier.notify(buildNotification(QStringLiteral("b_canceled"), domain::BuildState::Canceled));
        notifier.notify(buildNotification(QStringLiteral("b_failed"), domain::BuildState::Failed));

        // The success to the first target, the failure to both; the cancel to none.
        QTRY_COMPARE(receiver.received.size(), 3);
        QStringList jsonBuilds;
        QStringList chatTexts;
        for (const Received &one : std::as_const(receiver.received)) {
            if (one.body.contains(QStringLiteral("build_id")))
                jsonBuilds.append(one.body.value(QStringLiteral("build_id")).toString());
            else
                chatTexts.append(one.body.value(QStringLiteral("text")).toString());
        }
        jsonBuilds.sort();
        QCOMPARE(jsonBuilds, (QStringList{QStringLiteral("b_failed"), QStringLiteral("b_ok")}));
        QCOMPARE(chatTexts.size(), 1);
        QVERIFY2(chatTexts.first().contains(QStringLiteral("b_failed")), qPrintable(chatTexts.first()));
    }

    void retriesUntilTheTargetAnswers()
    {
        Receiver receiver;
        HttpWebhookNotifier notifier(
            options({{receiver.url(QStringLiteral("flaky")), WebhookFormat::Json, false}}));

        notifier.notify(buildNotification(QStringLiteral("b_1"), domain::BuildState::Failed));

        QTRY_COMPARE(receiver.flakyRequests, 3);
        // One delivery at a time: the next notification goes out only once the first one is settled, so a
        // fourth attempt of the first would show up before it.
        notifier.notify(buildNotification(QStringLiteral("b_2"), domain::BuildState::Failed));
        QTRY_COMPARE(receiver.received.size(), 4);
        QCOMPARE(buildIdsOf(receiver.received), (QStringList{QStringLiteral("b_1"), QStringLiteral("b_1"),
                                                             QStringLiteral("b_1"), QStringLiteral("b_2")}));
    }

    void givesUpAfterTheLastAttempt_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("attemptsEach");

        QTest::newRow("server errors are retried") << QStringLiteral("failing") << 3;
        QTest::newRow("a refusal is final") << QStringLiteral("rejecting") << 1;
    }

    void givesUpAfterTheLastAttempt()
    {
        QFETCH(QString, path);
        QFETCH(int, attemptsEach);
        Receiver receiver;
        WebhookNotifierOptions settings = options({{receiver.url(path), WebhookFormat::Json, false}});
        settings.maxAttempts = 3;
        HttpWebhookNotifier notifier(settings);

        notifier.notify(buildNotification(QStringLiteral("b_1"), domain::BuildState::Failed));

        QTRY_COMPARE(warningsSoFar().size(), 1);
        const QString warning = warningsSoFar().first();
        QCOMPARE(receiver.received.size(), attemptsEach);
        QVERIFY2(warning.contains(QStringLiteral("gave up")) && warning.contains(QStringLiteral("b_1")) &&
                     warning.contains(QStringLiteral("after %1 attempt").arg(attemptsEach)),
                 qPrintable(warning));
        // The operator learns where it went, but not the URL's path (chat webhooks keep their secret there).
        QVERIFY2(warning.contains(receiver.url(path).adjusted(QUrl::RemovePath).toString()),
                 qPrintable(warning));
        QVERIFY2(!warning.contains(u'/' + path), qPrintable(warning));
    }

    void hangingAndClosedTargetsDoNotHoldUpTheOthers()
    {
        Receiver receiver;
        BlackHole blackHole;
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QUrl closedUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(closed.serverPort()));
        closed.close();
        WebhookNotifierOptions settings =
            options({{blackHole.url(), WebhookFormat::Json, false},
                     {closedUrl, WebhookFormat::Json, false},
                     {receiver.url(QStringLiteral("ok")), WebhookFormat::Json, false}});
        settings.maxConcurrentDeliveries = 8;
        settings.attemptTimeout = 10min;
        settings.firstRetryDelay = 10min;
        HttpWebhookNotifier notifier(settings);

        for (int i = 1; i <= 3; ++i)
            notifier.notify(buildNotification(QStringLiteral("b_%1").arg(i), domain::BuildState::Failed));

        QTRY_COMPARE(receiver.received.size(), 3);
        QVERIFY(blackHole.connections >= 1);
    }

    void fullQueueDropsTheOldest()
    {
        Receiver receiver;
        BlackHole blackHole;
        WebhookNotifierOptions settings =
            options({{blackHole.url(), WebhookFormat::Json, false},
                     {receiver.url(QStringLiteral("ok")), WebhookFormat::Json, true}});
        settings.queueCapacity = 2;
        settings.maxAttempts = 1;
        settings.attemptTimeout = 1s;
        HttpWebhookNotifier notifier(settings);

        // The failure's delivery to the black hole holds the only slot until it times out; everything else
        // waits in the queue meanwhile.
        notifier.notify(buildNotification(QStringLiteral("b_1"), domain::BuildState::Failed));
        QTRY_COMPARE(blackHole.connections, 1);
        for (int i = 2; i <= 5; ++i)
            notifier.notify(buildNotification(QStringLiteral("b_%1").arg(i), domain::BuildState::Succeeded));

        QTRY_COMPARE(receiver.received.size(), 2);
        QCOMPARE(buildIdsOf(receiver.received), (QStringList{QStringLiteral("b_4"), QStringLiteral("b_5")}));
    }

private:
    // Quick retries, one request at a time.
    static WebhookNotifierOptions options(QList<WebhookTarget> targets)
    {
        WebhookNotifierOptions settings;
        settings.targets = std::move(targets);
        settings.firstRetryDelay = 10ms;
        settings.attemptTimeout = 5s;
        settings.maxConcurrentDeliveries = 1;
        return settings;
    }

    static QJsonObject bodyWith(const QList<Received> &received, const QString &key)
    {
        for (const Received &one : received) {
            if (one.body.contains(key))
                return one.body;
        }
        return {};
    }
};

QTEST_GUILESS_MAIN(TestWebhookNotifier)
#include "tst_webhook_notifier.moc"
