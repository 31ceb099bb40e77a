#include "adapters/http/http_server.h"
#include "domain/ids.h"
#include "fake_store.h"
#include "http_request.h"
#include "usecases/webhook_service.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <memory>

using namespace vitrine;

namespace {

const QString kSecret = QStringLiteral("club-secret");

struct HttpAnswer {
    int status = 0;
    QJsonObject json;
};

HttpAnswer send(const QByteArray &method, const QUrl &url,
                const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body)
{
    const tests::HttpReply reply = tests::httpRequest(method, url, headers, body);
    return {reply.status, QJsonDocument::fromJson(reply.body).object()};
}

QByteArray pushPayload(const QString &cloneUrl)
{
    const QJsonObject repository{{QStringLiteral("clone_url"), cloneUrl}};
    return QJsonDocument(QJsonObject{{QStringLiteral("repository"), repository}}).toJson();
}

QByteArray hmacHex(const QByteArray &body, const QString &secret)
{
    return QMessageAuthenticationCode::hash(body, secret.toUtf8(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestHttpWebhooks : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_store = std::make_unique<tests::FakeStore>();
        m_fetched.clear();
        m_webhooks = std::make_unique<usecases::WebhookService>(
            *m_store, [this](const QString &repositoryId) { m_fetched.append(repositoryId); });
        m_server =
            std::make_unique<adapters::http::HttpServer>(*m_store, QStringLiteral("test"), m_webhooks.get());
        m_port = m_server->listen(QHostAddress::LocalHost, 0);

        domain::User alice;
        alice.id = domain::newId(domain::idprefix::kUser);
        alice.name = QStringLiteral("alice");
        m_store->insertUser(alice);
        domain::Repository repository;
        repository.id = domain::newId(domain::idprefix::kRepository);
        repository.name = QStringLiteral("site");
        repository.url = QStringLiteral("https://github.com/club/site.git");
        repository.webhookSecret = kSecret;
        repository.ownerIds = {alice.id};
        m_store->insertRepository(repository);
        m_siteId = repository.id;
    }

    void cleanup() { m_server.reset(); }

    void answers_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("eventHeader");
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<QByteArray>("signatureHeader");
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("expectedStatus");
        QTest::addColumn<QString>("expectedStatusName");
        QTest::addColumn<bool>("fetches");

        const QString github = QStringLiteral("/webhooks/github");
        const QString gitea = QStringLiteral("/webhooks/gitea");
        const QByteArray githubEvent = QByteArrayLiteral("X-GitHub-Event");
        const QByteArray giteaEvent = QByteArrayLiteral("X-Gitea-Event");
        const QByteArray hubSignature = QByteArrayLiteral("X-Hub-Signature-256");
        const QByteArray giteaSignature = QByteArrayLiteral("X-Gitea-Signature");
        const QByteArray site = pushPayload(QStringLiteral("https://github.com/club/site.git"));
        const QByteArray other = pushPayload(QStringLiteral("https://github.com/club/other.git"));
        const QByteArray push = QByteArrayLiteral("push");
        const QByteArray oversized(usecases::kMaxWebhookPayloadBytes + 1, ' ');

        QTest::newRow("github push, good signature")
            << github << githubEvent << push << hubSignature << "sha256=" + hmacHex(site, kSecret) << site
            << 200 << QStringLiteral("fetching") << true;
        QTest::newRow("gitea push, good signature")
            << gitea << giteaEvent << push << giteaSignature << hmacHex(site, kSecret) << site << 200
            << QStringLiteral("fetching") << true;
        QTest::newRow("bad signature") << github << githubEvent << push << hubSignature
                                       << "sha256=" + hmacHex(site, QStringLiteral("guess")) << site << 401
                                       << QStringLiteral("unauthenticated") << false;
        QTest::newRow("missing signature") << gitea << giteaEvent << push << QByteArray() << QByteArray()
                                           << site << 401 << QStringLiteral("unauthenticated") << false;
        QTest::newRow("unknown repository")
            << github << githubEvent << push << hubSignature << "sha256=" + hmacHex(other, kSecret) << other
            << 404 << QStringLiteral("not_found") << false;
        QTest::newRow("malformed JSON")
            << github << githubEvent << push << QByteArray() << QByteArray() << QByteArrayLiteral("{") << 400
            << QStringLiteral("bad_request") << false;
        QTest::newRow("oversized body") << github << githubEvent << push << QByteArray() << QByteArray()
                                        << oversized << 413 << QStringLiteral("payload_too_large") << false;
        QTest::newRow("ping") << github << githubEvent << QByteArrayLiteral("ping") << QByteArray()
                              << QByteArray() << QByteArrayLiteral("{\"zen\": \"hi\"}") << 200
                              << QStringLiteral("pong") << false;
        QTest::newRow("another event")
            << gitea << giteaEvent << QByteArrayLiteral("issues") << giteaSignature << hmacHex(site, kSecret)
            << site << 202 << QStringLiteral("ignored") << false;
    }

    void answers()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, eventHeader);
        QFETCH(QByteArray, event);
        QFETCH(QByteArray, signatureHeader);
        QFETCH(QByteArray, signature);
        QFETCH(QByteArray, body);
        QFETCH(int, expectedStatus);
        QFETCH(QString, expectedStatusName);
        QFETCH(bool, fetches);
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"},
                                                     {eventHeader, event}};
        if (!signatureHeader.isEmpty())
            headers.append({signatureHeader, signature});

        const HttpAnswer answer = send("POST", url(path), headers, body);

        QCOMPARE(answer.status, expectedStatus);
        QCOMPARE(answer.json.value(QStringLiteral("status")).toString(), expectedStatusName);
        QVERIFY(!answer.json.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(m_fetched, fetches ? QStringList{m_siteId} : QStringList{});
    }

    void healthzStillAnswers()
    {
        const HttpAnswer answer = send("GET", url(QStringLiteral("/healthz")), {}, {});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    }

    void webhooksNeedAService()
    {
        adapters::http::HttpServer bare(*m_store, QStringLiteral("test"));
        const quint16 port = bare.listen(QHostAddress::LocalHost, 0);
        const QByteArray body = pushPayload(QStringLiteral("https://github.com/club/site.git"));

        const HttpAnswer answer = send(
            "POST", QUrl(QStringLiteral("http://127.0.0.1:%1/webhooks/github").arg(port)),
            {{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", "sha256=" + hmacHex(body, kSecret)}}, body);

        QCOMPARE(answer.status, 404);
        QVERIFY(m_fetched.isEmpty());
    }

private:
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }

    std::unique_ptr<tests::FakeStore> m_store;
    std::unique_ptr<usecases::WebhookService> m_webhooks;
    std::unique_ptr<adapters::http::HttpServer> m_server;
    QStringList m_fetched;
    QString m_siteId;
    quint16 m_port = 0;
};

QTEST_GUILESS_MAIN(TestHttpWebhooks)
#include "tst_http_webhooks.moc"
