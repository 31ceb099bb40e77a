#include "domain/ids.h"
#include "fake_store.h"
#include "usecases/webhook_service.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace vitrine;
using usecases::WebhookProvider;
using usecases::WebhookStatus;

namespace {

const QString kSecret = QStringLiteral("club-secret");

// How a test delivery is signed.
enum class Signing {
    None,        // no signature header
    WithSecret,  // HMAC of the body with kSecret, as the provider sends it
    OtherSecret, // well formed, but made with another secret
    Garbled,     // not of the provider's form
};

// A push payload naming the repository the way GitHub (clone, ssh, html and git URLs) or Gitea (clone, ssh,
// html) do.
QByteArray pushPayload(WebhookProvider provider, const QString &owner, const QString &name,
                       const QString &host = QStringLiteral("github.com"))
{
    QJsonObject repository{
        {QStringLiteral("full_name"), owner + u'/' + name},
        {QStringLiteral("clone_url"), QStringLiteral("https://%1/%2/%3.git").arg(host, owner, name)},
        {QStringLiteral("ssh_url"), QStringLiteral("git@%1:%2/%3.git").arg(host, owner, name)},
        {QStringLiteral("html_url"), QStringLiteral("https://%1/%2/%3").arg(host, owner, name)},
    };
    if (provider == WebhookProvider::GitHub)
        repository.insert(QStringLiteral("git_url"),
                          QStringLiteral("git://%1/%2/%3.git").arg(host, owner, name));
    const QJsonObject payload{
        {QStringLiteral("ref"), QStringLiteral("refs/heads/main")},
        {QStringLiteral("after"), QStringLiteral("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b")},
        {QStringLiteral("repository"), repository},
    };
    return QJsonDocument(payload).toJson();
}

QByteArray hmacHex(const QByteArray &body, const QString &secret)
{
    return QMessageAuthenticationCode::hash(body, secret.toUtf8(), QCryptographicHash::Sha256).toHex();
}

QMap<QByteArray, QByteArray> deliveryHeaders(WebhookProvider provider, const QByteArray &event,
                                             Signing signing, const QByteArray &body)
{
    const bool github = provider == WebhookProvider::GitHub;
    QMap<QByteArray, QByteArray> headers;
    headers.insert(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    if (!event.isEmpty())
        headers.insert(github ? QByteArrayLiteral("x-github-event") : QByteArrayLiteral("x-gitea-event"),
                       event);
    QByteArray digest;
    switch (signing) {
    case Signing::None:
        return headers;
    case Signing::WithSecret:
        digest = hmacHex(body, kSecret);
        break;
    case Signing::OtherSecret:
        digest = hmacHex(body, QStringLiteral("guessed"));
        break;
    case Signing::Garbled:
        digest = QByteArrayLiteral("not-hex");
        break;
    }
    if (github)
        headers.insert(QByteArrayLiteral("x-hub-signature-256"), QByteArrayLiteral("sha256=") + digest);
    else
        headers.insert(QByteArrayLiteral("x-gitea-signature"), digest);
    return headers;
}

} // namespace

class TestWebhookService : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_store = std::make_unique<tests::FakeStore>();
        m_fetched.clear();
        m_service = std::make_unique<usecases::WebhookService>(
            *m_store, [this](const QString &repositoryId) { m_fetched.append(repositoryId); });
        domain::User alice;
        alice.id = domain::newId(domain::idprefix::kUser);
        alice.name = QStringLiteral("alice");
        m_store->insertUser(alice);
        m_aliceId = alice.id;
    }

    void push_data()
    {
        QTest::addColumn<WebhookProvider>("provider");
        QTest::addColumn<QString>("registeredUrl");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<Signing>("signing");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<WebhookStatus>("expectedStatus");
        QTest::addColumn<QString>("messagePart");

        const auto github = WebhookProvider::GitHub;
        const auto gitea = WebhookProvider::Gitea;
        const QString httpsUrl = QStringLiteral("https://github.com/club/site.git");
        const QString giteaUrl = QStringLiteral("https://git.club.example/club/site.git");
        const QByteArray githubPush = pushPayload(github, QStringLiteral("club"), QStringLiteral("site"));
        const QByteArray giteaPush = pushPayload(gitea, QStringLiteral("club"), QStringLiteral("site"),
                                                 QStringLiteral("git.club.example"));
        const QByteArray push = QByteArrayLiteral("push");
        const QString fetching = QStringLiteral("fetching 1 repository");

        QTest::newRow("github, good signature")
            << github << httpsUrl << kSecret << push << Signing::WithSecret << githubPush
            << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("gitea, good signature") << gitea << giteaUrl << kSecret << push << Signing::WithSecret
                                               << giteaPush << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("github, signature made with another secret")
            << github << httpsUrl << kSecret << push << Signing::OtherSecret << githubPush
            << WebhookStatus::Unauthenticated << QStringLiteral("X-Hub-Signature-256 does not match");
        QTest::newRow("gitea, signature made with another secret")
            << gitea << giteaUrl << kSecret << push << Signing::OtherSecret << giteaPush
            << WebhookStatus::Unauthenticated << QStringLiteral("X-Gitea-Signature does not match");
        QTest::newRow("github, garbled signature")
            << github << httpsUrl << kSecret << push << Signing::Garbled << githubPush
            << WebhookStatus::Unauthenticated << QStringLiteral("does not match");
        QTest::newRow("github, missing signature on a repository with a secret")
            << github << httpsUrl << kSecret << push << Signing::None << githubPush
            << WebhookStatus::Unauthenticated << QStringLiteral("missing X-Hub-Signature-256");
        QTest::newRow("gitea, missing signature on a repository with a secret")
            << gitea << giteaUrl << kSecret << push << Signing::None << giteaPush
            << WebhookStatus::Unauthenticated << QStringLiteral("missing X-Gitea-Signature");
        QTest::newRow("github, repository without a secret accepts an unsigned push")
            << github << httpsUrl << QString() << push << Signing::None << githubPush
            << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("gitea, repository without a secret accepts an unsigned push")
            << gitea << giteaUrl << QString() << push << Signing::None << giteaPush
            << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("registered by its ssh URL")
            << github << QStringLiteral("git@github.com:club/site.git") << kSecret << push
            << Signing::WithSecret << githubPush << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("registered by its ssh:// URL, gitea")
            << gitea << QStringLiteral("ssh://git@git.club.example/club/site") << kSecret << push
            << Signing::WithSecret << giteaPush << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("registered by its web page URL")
            << github << QStringLiteral("https://GitHub.com/club/site/") << kSecret << push
            << Signing::WithSecret << githubPush << WebhookStatus::FetchRequested << fetching;
        QTest::newRow("no repository with this URL")
            << github << QStringLiteral("https://github.com/club/other.git") << kSecret << push
            << Signing::WithSecret << githubPush << WebhookStatus::NotFound
            << QStringLiteral("no repository with this URL");
        QTest::newRow("same path on another host")
            << gitea << httpsUrl << QString() << push << Signing::None << giteaPush << WebhookStatus::NotFound
            << QStringLiteral("no repository with this URL");
        QTest::newRow("malformed JSON")
            << github << httpsUrl << kSecret << push << Signing::WithSecret << QByteArrayLiteral("{\"ref\": ")
            << WebhookStatus::BadRequest << QStringLiteral("body: not valid JSON");
        QTest::newRow("JSON that is not an object")
            << github << httpsUrl << kSecret << push << Signing::WithSecret << QByteArrayLiteral("[1, 2]")
            << WebhookStatus::BadRequest << QStringLiteral("body: not a JSON object");
        QTest::newRow("no repository in the payload")
            << github << httpsUrl << kSecret << push << Signing::WithSecret
            << QByteArrayLiteral("{\"ref\": \"refs/heads/main\"}") << WebhookStatus::BadRequest
            << QStringLiteral("repository: missing");
        QTest::newRow("no URL in the repository")
            << gitea << giteaUrl << kSecret << push << Signing::WithSecret
            << QByteArrayLiteral("{\"repository\": {\"clone_url\": 42}}") << WebhookStatus::BadRequest
            << QStringLiteral("repository: no clone_url, ssh_url, html_url");
        QTest::newRow("oversized body")
            << github << httpsUrl << kSecret << push << Signing::WithSecret
            << QByteArray(usecases::kMaxWebhookPayloadBytes + 1, ' ') << WebhookStatus::PayloadTooLarge
            << QStringLiteral("payload too large");
        QTest::newRow("github ping") << github << httpsUrl << kSecret << QByteArrayLiteral("ping")
                                     << Signing::None
                                     << QByteArrayLiteral("{\"zen\": \"Keep it logically awesome.\"}")
                                     << WebhookStatus::Pong << QStringLiteral("pong");
        QTest::newRow("another event")
            << github << httpsUrl << kSecret << QByteArrayLiteral("issues") << Signing::WithSecret
            << githubPush << WebhookStatus::Ignored << QStringLiteral("event 'issues' ignored");
        QTest::newRow("gitea, missing event header")
            << gitea << giteaUrl << kSecret << QByteArray() << Signing::WithSecret << giteaPush
            << WebhookStatus::BadRequest << QStringLiteral("missing X-Gitea-Event header");
    }

    void push()
    {
        QFETCH(WebhookProvider, provider);
        QFETCH(QString, registeredUrl);
        QFETCH(QString, secret);
        QFETCH(QByteArray, event);
        QFETCH(Signing, signing);
        QFETCH(QByteArray, body);
        QFETCH(WebhookStatus, expectedStatus);
        QFETCH(QString, messagePart);
        const QString siteId = addRepository(QStringLiteral("site"), registeredUrl, secret);

        const usecases::WebhookResult result =
            m_service->handlePush(provider, deliveryHeaders(provider, event, signing, body), body);

        QCOMPARE(result.status, expectedStatus);
        QVERIFY2(result.message.contains(messagePart), qPrintable(result.message));
        const QStringList expectedFetches =
            expectedStatus == WebhookStatus::FetchRequested ? QStringList{siteId} : QStringList{};
        QCOMPARE(m_fetched, expectedFetches);
        QCOMPARE(result.repositoryIds, expectedFetches);
    }

    // Two members registered the same upstream: each repository is judged by its own secret.
    void sharedUrlFetchesOnlyTheVerifiedRepositories()
    {
        const QString openId =
            addRepository(QStringLiteral("open"), QStringLiteral("https://github.com/club/site"), QString());
        const QString signedId =
            addRepository(QStringLiteral("signed"), QStringLiteral("git@github.com:club/site.git"), kSecret);
        const QString otherId =
            addRepository(QStringLiteral("other-secret"), QStringLiteral("https://github.com/club/site.git"),
                          QStringLiteral("another"));
        const QByteArray body =
            pushPayload(WebhookProvider::GitHub, QStringLiteral("club"), QStringLiteral("site"));
        const auto headers = deliveryHeaders(WebhookProvider::GitHub, "push", Signing::WithSecret, body);

        const usecases::WebhookResult result = m_service->handlePush(WebhookProvider::GitHub, headers, body);

        QCOMPARE(result.status, WebhookStatus::FetchRequested);
        QStringList fetched = m_fetched;
        fetched.sort();
        QStringList expected{openId, signedId};
        expected.sort();
        QCOMPARE(fetched, expected);
        QVERIFY(!m_fetched.contains(otherId));
        QVERIFY2(result.message.contains(QStringLiteral("does not fit 1 repository")),
                 qPrintable(result.message));
    }

    void unsignedPushToSecretRepositoriesFetchesNothing()
    {
        addRepository(QStringLiteral("first"), QStringLiteral("https://github.com/club/site.git"), kSecret);
        addRepository(QStringLiteral("second"), QStringLiteral("git@github.com:club/site.git"),
                      QStringLiteral("another"));
        const QByteArray body =
            pushPayload(WebhookProvider::GitHub, QStringLiteral("club"), QStringLiteral("site"));
        const auto headers = deliveryHeaders(WebhookProvider::GitHub, "push", Signing::OtherSecret, body);

        const usecases::WebhookResult result = m_service->handlePush(WebhookProvider::GitHub, headers, body);

        QCOMPARE(result.status, WebhookStatus::Unauthenticated);
        QVERIFY(m_fetched.isEmpty());
    }

    // The signature covers the exact bytes: a body changed after signing is refused.
    void tamperedBodyIsRefused()
    {
        addRepository(QStringLiteral("site"), QStringLiteral("https://github.com/club/site.git"), kSecret);
        const QByteArray body =
            pushPayload(WebhookProvider::GitHub, QStringLiteral("club"), QStringLiteral("site"));
        const auto headers = deliveryHeaders(WebhookProvider::GitHub, "push", Signing::WithSecret, body);

        const usecases::WebhookResult result =
            m_service->handlePush(WebhookProvider::GitHub, headers, body + QByteArrayLiteral(" "));

        QCOMPARE(result.status, WebhookStatus::Unauthenticated);
        QVERIFY(m_fetched.isEmpty());
    }

private:
    QString addRepository(const QString &name, const QString &url, const QString &secret)
    {
        domain::Repository repository;
        repository.id = domain::newId(domain::idprefix::kRepository);
        repository.name = name;
        repository.url = url;
        repository.webhookSecret = secret;
        repository.ownerIds = {m_aliceId};
        m_store->insertRepository(repository);
        return repository.id;
    }

    std::unique_ptr<tests::FakeStore> m_store;
    std::unique_ptr<usecases::WebhookService> m_service;
    QStringList m_fetched;
    QString m_aliceId;
};

QTEST_GUILESS_MAIN(TestWebhookService)
#include "tst_webhook_service.moc"
