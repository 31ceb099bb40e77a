#include "adapters/http/http_server.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "domain/ids.h"
#include "fake_store.h"
#include "idle_executor.h"
#include "store_fixtures.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace vitrine;

class TestHttpEventFeed : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void aMemberReceivesTheEventsOfTheirApplications_data();
    void aMemberReceivesTheEventsOfTheirApplications();
    void refusesTheConnection_data();
    void refusesTheConnection();
    void onlyEventsIsUpgraded();

private:
    QString addMember(const QString &name);
    QUrl feedUrl(const QString &query = {}) const;

    std::unique_ptr<tests::FakeStore> m_store;
    std::unique_ptr<usecases::EventHub> m_events;
    std::unique_ptr<tests::IdleExecutor> m_executor;
    QTemporaryDir m_logDirectory;
    std::unique_ptr<adapters::logfiles::FileBuildLogStore> m_logStore;
    std::unique_ptr<usecases::BuildLogHub> m_logs;
    std::unique_ptr<usecases::AuthService> m_auth;
    std::unique_ptr<usecases::BuildService> m_builds;
    std::unique_ptr<adapters::http::HttpServer> m_server;
    quint16 m_port = 0;
};

void TestHttpEventFeed::init()
{
    m_store = std::make_unique<tests::FakeStore>();
    m_events = std::make_unique<usecases::EventHub>();
    m_executor = std::make_unique<tests::IdleExecutor>();
    m_auth = std::make_unique<usecases::AuthService>(*m_store);
    m_logStore = std::make_unique<adapters::logfiles::FileBuildLogStore>(m_logDirectory.path());
    m_logs = std::make_unique<usecases::BuildLogHub>(*m_logStore);
    m_builds = std::make_unique<usecases::BuildService>(*m_store, *m_executor, *m_events, nullptr, *m_logs);
    m_server = std::make_unique<adapters::http::HttpServer>(*m_store, QStringLiteral("test"), nullptr,
                                                            m_auth.get(), m_builds.get());
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
}

void TestHttpEventFeed::cleanup()
{
    m_server.reset();
    m_builds.reset();
}

QString TestHttpEventFeed::addMember(const QString &name)
{
    return tests::addToken(*m_store, tests::addUser(*m_store, name, domain::Role::Member).id);
}

QUrl TestHttpEventFeed::feedUrl(const QString &query) const
{
    QUrl url(QStringLiteral("ws://127.0.0.1:%1/events").arg(m_port));
    url.setQuery(query);
    return url;
}

void TestHttpEventFeed::aMemberReceivesTheEventsOfTheirApplications_data()
{
    QTest::addColumn<bool>("tokenInHeader");
    QTest::newRow("Authorization header") << true;
    QTest::newRow("token query") << false;
}

void TestHttpEventFeed::aMemberReceivesTheEventsOfTheirApplications()
{
    QFETCH(bool, tokenInHeader);
    const QString secret = addMember(QStringLiteral("alice"));
    const QString aliceId = m_store->findUserByName(QStringLiteral("alice"))->id;

    QWebSocket client;
    QSignalSpy messages(&client, &QWebSocket::textMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    if (tokenInHeader) {
        QNetworkRequest request(feedUrl());
        request.setRawHeader("Authorization", "Bearer " + secret.toUtf8());
        client.open(request);
    } else {
        client.open(feedUrl(QStringLiteral("token=") + secret));
    }
    // The server subscribes the connection as it sends the handshake's answer: before the client sees it.
    QVERIFY(connected.wait());

    domain::Event others;
    others.type = domain::EventType::BuildStateChanged;
    others.applicationName = QStringLiteral("blog");
    others.ownerIds = {QStringLiteral("usr_someone_else")};
    m_events->publish(others);
    domain::Event hers = others;
    hers.applicationId = QStringLiteral("app_site");
    hers.applicationName = QStringLiteral("site");
    hers.buildId = QStringLiteral("bld_1");
    hers.state = QStringLiteral("failed");
    hers.message = QStringLiteral("exit status 2");
    hers.ownerIds = {aliceId};
    const domain::Event published = m_events->publish(hers);

    QTRY_COMPARE(messages.size(), 1);
    const QJsonObject event = QJsonDocument::fromJson(messages.first().first().toString().toUtf8()).object();
    QCOMPARE(event.value(QStringLiteral("seq")).toInteger(), published.seq);
    QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("build.state_changed"));
    QCOMPARE(event.value(QStringLiteral("application")).toString(), QStringLiteral("site"));
    QCOMPARE(event.value(QStringLiteral("build_id")).toString(), QStringLiteral("bld_1"));
    QCOMPARE(event.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(event.value(QStringLiteral("message")).toString(), QStringLiteral("exit status 2"));
    QVERIFY(
        QDateTime::fromString(event.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs).isValid());
}

void TestHttpEventFeed::refusesTheConnection_data()
{
    // TOKEN stands for the secret of alice, a member.
    QTest::addColumn<QString>("query");
    QTest::newRow("no token") << QString();
    QTest::newRow("unknown token") << QStringLiteral("token=vt_nope");
    QTest::newRow("another member's application") << QStringLiteral("token=TOKEN&application=blog");
    QTest::newRow("after is not a seq") << QStringLiteral("token=TOKEN&after=soon");
}

void TestHttpEventFeed::refusesTheConnection()
{
    QFETCH(QString, query);
    const QString secret = addMember(QStringLiteral("alice"));
    addMember(QStringLiteral("bob"));
    domain::Application blog;
    blog.id = domain::newId(domain::idprefix::kApplication);
    blog.name = QStringLiteral("blog");
    blog.ownerIds = {m_store->findUserByName(QStringLiteral("bob"))->id};
    m_store->insertApplication(blog);

    QWebSocket client;
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.open(feedUrl(query.replace(QStringLiteral("TOKEN"), secret)));
    QVERIFY(disconnected.wait());
    QCOMPARE(client.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(!client.closeReason().isEmpty());
}

void TestHttpEventFeed::onlyEventsIsUpgraded()
{
    const QString secret = addMember(QStringLiteral("alice"));
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/elsewhere?token=%2").arg(m_port).arg(secret)));
    QVERIFY(disconnected.wait());
    QCOMPARE(connected.size(), 0);
}

QTEST_MAIN(TestHttpEventFeed)
#include "tst_http_event_feed.moc"
