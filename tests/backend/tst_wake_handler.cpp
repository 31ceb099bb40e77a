// The wake handler on a real HttpServer, with a fake controller: requests that carry the wake header are sent
// back to their URL once the application serves, wait while it starts (without holding up other requests),
// get a waiting page when it takes too long, and a 404 for an unknown application. Other requests are served
// as before.

#include "adapters/http/http_server.h"
#include "domain/ports/router.h"
#include "fake_store.h"
#include "store_fixtures.h"
#include "usecases/runtime_control.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTest>

#include <chrono>
#include <memory>

using namespace vitrine;
using namespace std::chrono_literals;

namespace {

const QString kApplication = QStringLiteral("blog");

// wakeApplication() answers false `notReadyCalls` times, then true; with a negative count, false forever.
class FakeRuntimeControl final : public usecases::RuntimeControl {
public:
    int notReadyCalls = 0;
    QStringList wakeCalls; // the names asked for, in order

    usecases::RuntimeStatus runtimeStatus(const QString &) override { return {}; }
    void restartApplication(const QString &) override {}
    bool wakeApplication(const QString &applicationName) override
    {
        wakeCalls.append(applicationName);
        if (notReadyCalls < 0)
            return false;
        if (notReadyCalls == 0)
            return true;
        --notReadyCalls;
        return false;
    }
};

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray location;
    QByteArray retryAfter;
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

} // namespace

class TestWakeHandler : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void redirectsToTheSameUrlWhenReady_data();
    void redirectsToTheSameUrlWhenReady();
    void waitsWhileTheApplicationStarts();
    void answersAWaitingPageThenRedirects_data();
    void answersAWaitingPageThenRedirects();
    void keepsServingWhileRequestsWait();
    void answers404ForAnUnknownApplication();
    void servesRequestsWithoutTheHeaderAsBefore_data();
    void servesRequestsWithoutTheHeaderAsBefore();

private:
    void startServer(adapters::http::WakeTiming timing);
    QNetworkReply *send(const QByteArray &method, const QString &pathAndQuery, const Headers &headers);
    static HttpAnswer waitFor(QNetworkReply *reply);
    HttpAnswer request(const QByteArray &method, const QString &pathAndQuery, const Headers &headers)
    {
        return waitFor(send(method, pathAndQuery, headers));
    }

    std::unique_ptr<tests::FakeStore> m_store;
    FakeRuntimeControl m_control;
    std::unique_ptr<adapters::http::HttpServer> m_server;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
};

void TestWakeHandler::init()
{
    m_network.setProxy(QNetworkProxy::NoProxy);
    m_store = std::make_unique<tests::FakeStore>();
    const domain::User owner = tests::addUser(*m_store, QStringLiteral("alice"), domain::Role::Member);
    const domain::Repository repository = tests::addRepository(
        *m_store, QStringLiteral("blog-repo"), QStringLiteral("https://example.test/blog.git"), {owner.id});
    m_store->insertApplication(tests::newApplication(repository, kApplication, QStringLiteral("hash")));
    m_control = FakeRuntimeControl();
}

void TestWakeHandler::cleanup()
{
    m_server.reset();
}

void TestWakeHandler::startServer(adapters::http::WakeTiming timing)
{
    m_server = std::make_unique<adapters::http::HttpServer>(*m_store, QStringLiteral("test"));
    m_server->serveWakeRequests(m_control, timing);
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
}

QNetworkReply *TestWakeHandler::send(const QByteArray &method, const QString &pathAndQuery,
                                     const Headers &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(30'000);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return m_network.sendCustomRequest(request, method);
}

HttpAnswer TestWakeHandler::waitFor(QNetworkReply *reply)
{
    const std::unique_ptr<QNetworkReply> owned(reply);
    if (!reply->isFinished()) {
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.contentType = reply->rawHeader("Content-Type");
    answer.location = reply->rawHeader("Location");
    answer.retryAfter = reply->rawHeader("Retry-After");
    return answer;
}

void TestWakeHandler::redirectsToTheSameUrlWhenReady_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("pathAndQuery");
    QTest::addColumn<Headers>("extraHeaders");
    QTest::addColumn<QByteArray>("location");

    QTest::newRow("root") << QByteArray("GET") << QStringLiteral("/") << Headers{} << QByteArray("/");
    QTest::newRow("path and query") << QByteArray("GET") << QStringLiteral("/posts/7?page=2&q=a%20b")
                                    << Headers{} << QByteArray("/posts/7?page=2&q=a%20b");
    QTest::newRow("https at the router") << QByteArray("GET") << QStringLiteral("/feed")
                                         << Headers{{"X-Forwarded-Proto", "https"}} << QByteArray("/feed");
    QTest::newRow("a path that looks like another host")
        << QByteArray("GET") << QStringLiteral("//evil.example/x") << Headers{}
        << QByteArray("/evil.example/x");
    QTest::newRow("POST") << QByteArray("POST") << QStringLiteral("/comments") << Headers{}
                          << QByteArray("/comments");
    QTest::newRow("a path the server itself serves")
        << QByteArray("GET") << QStringLiteral("/healthz") << Headers{} << QByteArray("/healthz");
}

void TestWakeHandler::redirectsToTheSameUrlWhenReady()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, pathAndQuery);
    QFETCH(Headers, extraHeaders);
    QFETCH(QByteArray, location);

    startServer({});
    Headers headers{{domain::kWakeHeader, kApplication.toUtf8()}, {"Host", "blog.localhost:8080"}};
    headers += extraHeaders;
    const HttpAnswer answer = request(method, pathAndQuery, headers);
    QCOMPARE(answer.status, 307);
    QCOMPARE(answer.location, location);
    QCOMPARE(m_control.wakeCalls, QStringList{kApplication});
}

void TestWakeHandler::waitsWhileTheApplicationStarts()
{
    m_control.notReadyCalls = 3;
    startServer({.pollInterval = 20ms, .patience = 60s});
    const HttpAnswer answer =
        request("GET", QStringLiteral("/"), {{domain::kWakeHeader, "blog"}, {"Host", "blog.localhost"}});
    QCOMPARE(answer.status, 307);
    QCOMPARE(answer.location, QByteArray("/"));
    QCOMPARE(m_control.wakeCalls.size(), 4);
}

void TestWakeHandler::answersAWaitingPageThenRedirects_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArrayList>("bodyParts");

    QTest::newRow("browser") << QByteArray("text/html,application/xhtml+xml,*/*;q=0.8")
                             << QByteArray("text/html; charset=utf-8")
                             << QByteArrayList{"<meta http-equiv=\"refresh\" content=\"1\">",
                                               "Starting blog"};
    QTest::newRow("other client") << QByteArray("*/*") << QByteArray("text/plain; charset=utf-8")
                                  << QByteArrayList{"blog is starting"};
}

void TestWakeHandler::answersAWaitingPageThenRedirects()
{
    QFETCH(QByteArray, accept);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArrayList, bodyParts);

    m_control.notReadyCalls = -1;
    startServer({.pollInterval = 20ms, .patience = 200ms});
    const Headers headers{{domain::kWakeHeader, "blog"}, {"Host", "blog.localhost"}, {"Accept", accept}};

    const HttpAnswer waiting = request("GET", QStringLiteral("/a"), headers);
    QCOMPARE(waiting.status, 503);
    QCOMPARE(waiting.contentType, contentType);
    QCOMPARE(waiting.retryAfter, QByteArray("1"));
    for (const QByteArray &part : bodyParts)
        QVERIFY2(waiting.body.contains(part), waiting.body.constData());
    QVERIFY(m_control.wakeCalls.size() > 1);

    // The page reloads; by then the application serves.
    m_control.notReadyCalls = 0;
    const HttpAnswer reloaded = request("GET", QStringLiteral("/a"), headers);
    QCOMPARE(reloaded.status, 307);
    QCOMPARE(reloaded.location, QByteArray("/a"));
}

void TestWakeHandler::keepsServingWhileRequestsWait()
{
    m_control.notReadyCalls = -1;
    startServer({.pollInterval = 20ms, .patience = 60s});
    const Headers headers{{domain::kWakeHeader, "blog"}, {"Host", "blog.localhost"}};
    QList<QNetworkReply *> waiting;
    for (const QString &path : {QStringLiteral("/"), QStringLiteral("/style.css"), QStringLiteral("/app.js")})
        waiting.append(send("GET", path, headers));

    QNetworkReply *givesUp = send("GET", QStringLiteral("/gives-up"), headers);

    // The waiting requests hold nothing up.
    QCOMPARE(request("GET", QStringLiteral("/healthz"), {}).status, 200);
    for (QNetworkReply *reply : waiting)
        QVERIFY(!reply->isFinished());
    QVERIFY(!givesUp->isFinished());
    // A client that leaves while it waits is forgotten.
    givesUp->abort();

    m_control.notReadyCalls = 0;
    QStringList locations;
    for (QNetworkReply *reply : waiting) {
        const HttpAnswer answer = waitFor(reply);
        QCOMPARE(answer.status, 307);
        locations.append(QString::fromUtf8(answer.location));
    }
    QCOMPARE(locations,
             (QStringList{QStringLiteral("/"), QStringLiteral("/style.css"), QStringLiteral("/app.js")}));
}

void TestWakeHandler::answers404ForAnUnknownApplication()
{
    startServer({});
    const HttpAnswer answer =
        request("GET", QStringLiteral("/"), {{domain::kWakeHeader, "nobody"}, {"Host", "nobody.localhost"}});
    QCOMPARE(answer.status, 404);
    QVERIFY(m_control.wakeCalls.isEmpty());
}

void TestWakeHandler::servesRequestsWithoutTheHeaderAsBefore_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("health") << QByteArray("GET") << QStringLiteral("/healthz") << 200;
    QTest::newRow("unknown path") << QByteArray("GET") << QStringLiteral("/posts/7") << 404;
    QTest::newRow("webhooks not served") << QByteArray("POST") << QStringLiteral("/webhooks/github") << 404;
}

void TestWakeHandler::servesRequestsWithoutTheHeaderAsBefore()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);

    startServer({});
    QCOMPARE(request(method, path, {{"Host", "blog.localhost"}}).status, status);
    QVERIFY(m_control.wakeCalls.isEmpty());
}

QTEST_GUILESS_MAIN(TestWakeHandler)
#include "tst_wake_handler.moc"
