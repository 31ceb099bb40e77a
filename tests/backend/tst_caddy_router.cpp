// CaddyRouter against a real Caddy: static sites by host and prefix, SPA fallback, precompressed files,
// atomic version switches, reverse proxying (502 for a dead upstream, the wake header), request counts from
// the access log, restarts after a crash, external mode, and a clean stop.

#include "adapters/router/caddy_router.h"
#include "domain/error.h"

#include <signal.h>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <memory>
#include <vector>

using vitrine::adapters::router::CaddyRouter;
using vitrine::domain::Error;
using vitrine::domain::ErrorKind;
using vitrine::domain::Route;

namespace {

constexpr int kRestartTimeoutMs = 15'000;
// Access-log lines reach the counter a moment after the answer.
constexpr int kCountTimeoutMs = 10'000;

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QByteArray contentEncoding;
    QByteArray location;
};

// Ports free right now, all different: each probe holds its port until all are chosen.
QList<quint16> freePorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> probes;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        probes.push_back(std::make_unique<QTcpServer>());
        if (!probes.back()->listen(QHostAddress::LocalHost, 0))
            qFatal("no free loopback port: %s", qPrintable(probes.back()->errorString()));
        ports.append(probes.back()->serverPort());
    }
    return ports;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}

// A site folder under `parent` with the given files (relative path → content).
QString makeSite(const QTemporaryDir &parent, const QString &name, const QMap<QString, QByteArray> &files)
{
    const QString root = parent.filePath(name);
    for (auto file = files.begin(); file != files.end(); ++file)
        writeFile(root + u'/' + file.key(), file.value());
    return root;
}

Route staticRoute(const QString &app, const QString &fqdn, const QString &prefix, const QString &root,
                  bool spaFallback = false)
{
    Route route;
    route.applicationName = app;
    route.fqdn = fqdn;
    route.pathPrefix = prefix;
    route.staticRoot = root;
    route.spaFallback = spaFallback;
    return route;
}

Route runtimeRoute(const QString &app, const QString &fqdn, const QString &prefix, bool stripPrefix,
                   const QString &upstream)
{
    Route route;
    route.applicationName = app;
    route.fqdn = fqdn;
    route.pathPrefix = prefix;
    route.stripPrefix = stripPrefix;
    route.upstream = upstream;
    return route;
}

Route wakeRoute(const QString &app, const QString &fqdn, const QString &prefix, const QString &wakeHandler)
{
    Route route = runtimeRoute(app, fqdn, prefix, true, wakeHandler);
    route.wake = true;
    return route;
}

bool processExists(qint64 pid)
{
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

} // namespace

class TestCaddyRouter : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void servesStaticSites_data();
    void servesStaticSites();
    void servesPrecompressedFiles_data();
    void servesPrecompressedFiles();
    void switchesStaticVersions();
    void proxiesRuntimeApps_data();
    void proxiesRuntimeApps();
    void answers502ForAnUnreachableUpstream();
    void sendsWakeRoutesWithTheWakeHeader_data();
    void sendsWakeRoutesWithTheWakeHeader();
    void countsRequestsPerApplication();
    void restartsCaddyWithTheLastRoutes();
    void drivesAnExternalCaddy();
    void reportsAnUnreachableAdminApi();
    void rejectsABadAdminUrl();
    void refusesASecondCaddyOnTheSameDataDir();
    void reportsATakenListenAddress();
    void stopsCaddyWhenDestroyed();

private:
    HttpAnswer get(const QString &host, const QString &path, const QByteArray &acceptEncoding = {},
                   const QString &listenAddress = {},
                   const QList<QPair<QByteArray, QByteArray>> &headers = {});
    qint64 requestsOf(const QString &app) { return m_router->requestActivity().value(app).requests; }
    void applyOrFail(CaddyRouter &router, const QList<Route> &routes);

    QTemporaryDir m_dataDir;
    QTemporaryDir m_sites;
    QNetworkAccessManager m_network;
    QHttpServer m_upstream;
    QString m_upstreamAddress;
    std::unique_ptr<CaddyRouter> m_router;
};

void TestCaddyRouter::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    QVERIFY(m_sites.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);

    m_upstream.route(QStringLiteral("/"), [] { return QStringLiteral("upstream saw /"); });
    m_upstream.route(QStringLiteral("/hello"), [] { return QStringLiteral("upstream saw /hello"); });
    m_upstream.route(QStringLiteral("/v1/hello"), [] { return QStringLiteral("upstream saw /v1/hello"); });
    // What a wake handler would be told: the application to wake, and the path the client asked for.
    m_upstream.route(QStringLiteral("/sleepy/<arg>"), [](const QString &, const QHttpServerRequest &request) {
        return QStringLiteral("wake %1 at %2")
            .arg(QString::fromUtf8(request.value(vitrine::domain::kWakeHeader)), request.url().path());
    });
    const quint16 upstreamPort = m_upstream.listen(QHostAddress::LocalHost, 0);
    QVERIFY(upstreamPort != 0);
    m_upstreamAddress = QStringLiteral("127.0.0.1:%1").arg(upstreamPort);

    try {
        m_router = std::make_unique<CaddyRouter>(CaddyRouter::EmbeddedOptions{
            .dataDir = m_dataDir.path(), .listenAddress = QStringLiteral("127.0.0.1:0")});
    } catch (const Error &error) {
        QFAIL(qPrintable(error.message()));
    }
    QVERIFY(!m_router->listenAddress().endsWith(QStringLiteral(":0")));
    QVERIFY(m_router->caddyProcessId() != 0);
}

void TestCaddyRouter::cleanupTestCase()
{
    if (!m_router)
        return;
    const qint64 pid = m_router->caddyProcessId();
    m_router.reset();
    QVERIFY(!processExists(pid));
}

HttpAnswer TestCaddyRouter::get(const QString &host, const QString &path, const QByteArray &acceptEncoding,
                                const QString &listenAddress,
                                const QList<QPair<QByteArray, QByteArray>> &headers)
{
    const QString address = listenAddress.isEmpty() ? m_router->listenAddress() : listenAddress;
    QNetworkRequest request(QUrl(QStringLiteral("http://%1%2").arg(address, path)));
    request.setRawHeader("Host", host.toUtf8());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(10'000);
    // Set by hand, the header also turns off Qt's transparent decompression: the answer shows as it came.
    if (!acceptEncoding.isEmpty())
        request.setRawHeader("Accept-Encoding", acceptEncoding);
    const std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QEventLoop loop;
    connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.contentEncoding = reply->rawHeader("Content-Encoding");
    answer.location = reply->rawHeader("Location");
    return answer;
}

void TestCaddyRouter::applyOrFail(CaddyRouter &router, const QList<Route> &routes)
{
    try {
        router.apply(routes);
    } catch (const Error &error) {
        QFAIL(qPrintable(error.message()));
    }
}

void TestCaddyRouter::servesStaticSites_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("site root") << "site.localhost"
                               << "/" << 200 << QByteArray("site home");
    QTest::newRow("a file") << "site.localhost"
                            << "/style.css" << 200 << QByteArray("body {}");
    QTest::newRow("a folder's index") << "site.localhost"
                                      << "/about/" << 200 << QByteArray("about us");
    QTest::newRow("host in capitals") << "SITE.localhost"
                                      << "/" << 200 << QByteArray("site home");
    QTest::newRow("missing file") << "site.localhost"
                                  << "/missing.html" << 404 << QByteArray();
    QTest::newRow("no SPA fallback unless asked") << "site.localhost"
                                                  << "/some/route" << 404 << QByteArray();
    QTest::newRow("second app under /docs") << "site.localhost"
                                            << "/docs/" << 200 << QByteArray("docs home");
    QTest::newRow("file under /docs") << "site.localhost"
                                      << "/docs/guide.html" << 200 << QByteArray("the guide");
    QTest::newRow("bare /docs redirects") << "site.localhost"
                                          << "/docs" << 308 << QByteArray();
    QTest::newRow("/docsx is not /docs") << "site.localhost"
                                         << "/docsx" << 404 << QByteArray();
    QTest::newRow("SPA route") << "spa.localhost"
                               << "/some/route" << 200 << QByteArray("spa shell");
    QTest::newRow("SPA asset") << "spa.localhost"
                               << "/assets/app.js" << 200 << QByteArray("spa code");
    QTest::newRow("SPA under a prefix") << "spa.localhost"
                                        << "/admin/users/7" << 200 << QByteArray("admin shell");
    QTest::newRow("unknown host") << "nobody.localhost"
                                  << "/" << 404 << QByteArray("No app is served at this address.\n");
    QTest::newRow("known host, path no app serves")
        << "docs-only.localhost"
        << "/" << 404 << QByteArray("No app is served at this address.\n");
}

void TestCaddyRouter::servesStaticSites()
{
    QFETCH(QString, host);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    const QString site = makeSite(m_sites, QStringLiteral("site"),
                                  {{QStringLiteral("index.html"), "site home"},
                                   {QStringLiteral("style.css"), "body {}"},
                                   {QStringLiteral("about/index.html"), "about us"}});
    const QString docs =
        makeSite(m_sites, QStringLiteral("docs"),
                 {{QStringLiteral("index.html"), "docs home"}, {QStringLiteral("guide.html"), "the guide"}});
    const QString spa = makeSite(
        m_sites, QStringLiteral("spa"),
        {{QStringLiteral("index.html"), "spa shell"}, {QStringLiteral("assets/app.js"), "spa code"}});
    const QString admin =
        makeSite(m_sites, QStringLiteral("admin"), {{QStringLiteral("index.html"), "admin shell"}});
    // Every row applies the same set again: applying is idempotent.
    applyOrFail(*m_router, {
                               staticRoute(QStringLiteral("site"), QStringLiteral("site.localhost"),
                                           QStringLiteral("/"), site),
                               staticRoute(QStringLiteral("docs"), QStringLiteral("site.localhost"),
                                           QStringLiteral("/docs"), docs),
                               staticRoute(QStringLiteral("spa"), QStringLiteral("spa.localhost"),
                                           QStringLiteral("/"), spa, true),
                               staticRoute(QStringLiteral("admin"), QStringLiteral("spa.localhost"),
                                           QStringLiteral("/admin/"), admin, true),
                               staticRoute(QStringLiteral("docs2"), QStringLiteral("docs-only.localhost"),
                                           QStringLiteral("/docs"), docs),
                           });

    const HttpAnswer answer = get(host, path);
    QCOMPARE(answer.status, status);
    if (status == 308)
        QCOMPARE(answer.location, QByteArray("/docs/"));
    else if (status == 200 || !body.isEmpty())
        QCOMPARE(answer.body, body);
}

void TestCaddyRouter::servesPrecompressedFiles_data()
{
    QTest::addColumn<QByteArray>("acceptEncoding");
    QTest::addColumn<QByteArray>("contentEncoding");

    QTest::newRow("gzip accepted") << QByteArray("gzip") << QByteArray("gzip");
    QTest::newRow("brotli preferred") << QByteArray("gzip, br") << QByteArray("br");
    QTest::newRow("nothing accepted") << QByteArray("identity") << QByteArray();
}

void TestCaddyRouter::servesPrecompressedFiles()
{
    QFETCH(QByteArray, acceptEncoding);
    QFETCH(QByteArray, contentEncoding);

    const QByteArray page = "a page worth compressing";
    const QString site =
        makeSite(m_sites, QStringLiteral("compressed"), {{QStringLiteral("index.html"), page}});
    QCOMPARE(QProcess::execute(QStringLiteral("gzip"), {QStringLiteral("-k"), QStringLiteral("-f"),
                                                        site + QStringLiteral("/index.html")}),
             0);
    // Caddy serves a precompressed sibling as it is; its content need not be real brotli for this test.
    writeFile(site + QStringLiteral("/index.html.br"), "brotli bytes");
    applyOrFail(*m_router, {staticRoute(QStringLiteral("compressed"), QStringLiteral("zip.localhost"),
                                        QStringLiteral("/"), site)});

    const HttpAnswer answer = get(QStringLiteral("zip.localhost"), QStringLiteral("/"), acceptEncoding);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.contentEncoding, contentEncoding);
    if (contentEncoding == "gzip") {
        QFile gzipped(site + QStringLiteral("/index.html.gz"));
        QVERIFY(gzipped.open(QIODevice::ReadOnly));
        QCOMPARE(answer.body, gzipped.readAll());
    } else if (contentEncoding.isEmpty()) {
        QCOMPARE(answer.body, page);
    }
}

void TestCaddyRouter::switchesStaticVersions()
{
    const QString host = QStringLiteral("versions.localhost");
    const QString first =
        makeSite(m_sites, QStringLiteral("versions/1"), {{QStringLiteral("index.html"), "version 1"}});
    const QString second =
        makeSite(m_sites, QStringLiteral("versions/2"), {{QStringLiteral("index.html"), "version 2"}});

    applyOrFail(*m_router, {staticRoute(QStringLiteral("versions"), host, QStringLiteral("/"), first)});
    QCOMPARE(get(host, QStringLiteral("/")).body, QByteArray("version 1"));
    applyOrFail(*m_router, {staticRoute(QStringLiteral("versions"), host, QStringLiteral("/"), second)});
    QCOMPARE(get(host, QStringLiteral("/")).body, QByteArray("version 2"));
}

void TestCaddyRouter::proxiesRuntimeApps_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("root app") << "/hello" << QByteArray("upstream saw /hello");
    QTest::newRow("prefix stripped") << "/api/hello" << QByteArray("upstream saw /hello");
    QTest::newRow("bare prefix stripped") << "/api" << QByteArray("upstream saw /");
    QTest::newRow("prefix kept") << "/v1/hello" << QByteArray("upstream saw /v1/hello");
}

void TestCaddyRouter::proxiesRuntimeApps()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);

    const QString host = QStringLiteral("app.localhost");
    applyOrFail(
        *m_router,
        {
            runtimeRoute(QStringLiteral("app"), host, QStringLiteral("/"), false, m_upstreamAddress),
            runtimeRoute(QStringLiteral("api"), host, QStringLiteral("/api"), true, m_upstreamAddress),
            runtimeRoute(QStringLiteral("v1"), host, QStringLiteral("/v1"), false, m_upstreamAddress),
        });
    const HttpAnswer answer = get(host, path);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body, body);
}

void TestCaddyRouter::answers502ForAnUnreachableUpstream()
{
    const QString host = QStringLiteral("gone.localhost");
    const QString nobodyListens = QStringLiteral("127.0.0.1:%1").arg(freePorts(1).constFirst());
    applyOrFail(*m_router,
                {runtimeRoute(QStringLiteral("gone"), host, QStringLiteral("/"), false, nobodyListens)});
    QCOMPARE(get(host, QStringLiteral("/")).status, 502);
}

void TestCaddyRouter::sendsWakeRoutesWithTheWakeHeader_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("clientWakeHeader");

    QTest::newRow("prefix kept for the wake handler") << "/sleepy/page" << QByteArray();
    QTest::newRow("a client cannot name another app") << "/sleepy/page" << QByteArray("other");
}

void TestCaddyRouter::sendsWakeRoutesWithTheWakeHeader()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, clientWakeHeader);

    const QString host = QStringLiteral("sleepy.localhost");
    applyOrFail(*m_router,
                {wakeRoute(QStringLiteral("sleepy"), host, QStringLiteral("/sleepy"), m_upstreamAddress)});
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!clientWakeHeader.isEmpty())
        headers.append({vitrine::domain::kWakeHeader, clientWakeHeader});
    const HttpAnswer answer = get(host, path, {}, {}, headers);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body, QByteArray("wake sleepy at /sleepy/page"));
}

void TestCaddyRouter::countsRequestsPerApplication()
{
    const QString host = QStringLiteral("counted.localhost");
    const QString site =
        makeSite(m_sites, QStringLiteral("counted"), {{QStringLiteral("index.html"), "counted home"}});
    applyOrFail(*m_router,
                {
                    staticRoute(QStringLiteral("counted-site"), host, QStringLiteral("/"), site),
                    runtimeRoute(QStringLiteral("counted-api"), host, QStringLiteral("/api"), true,
                                 m_upstreamAddress),
                    runtimeRoute(QStringLiteral("counted-other"), QStringLiteral("other.localhost"),
                                 QStringLiteral("/"), false, m_upstreamAddress),
                });
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);

    for (int i = 0; i < 5; ++i)
        QCOMPARE(get(host, QStringLiteral("/?visit=%1").arg(i)).status, 200);
    QCOMPARE(get(host, QStringLiteral("/apix")).status, 404); // the site's, not the API's
    for (int i = 0; i < 3; ++i)
        QCOMPARE(get(host, QStringLiteral("/api/hello")).status, 200);
    QCOMPARE(get(QStringLiteral("COUNTED.localhost"), QStringLiteral("/API/hello")).status, 200);
    QCOMPARE(get(QStringLiteral("uncounted.localhost"), QStringLiteral("/")).status, 404);

    QTRY_COMPARE_WITH_TIMEOUT(requestsOf(QStringLiteral("counted-site")), 6, kCountTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(requestsOf(QStringLiteral("counted-api")), 4, kCountTimeoutMs);
    const QHash<QString, vitrine::domain::RequestActivity> activity = m_router->requestActivity();
    QVERIFY(!activity.contains(QStringLiteral("counted-other")));
    QVERIFY(activity.value(QStringLiteral("counted-site")).lastRequestAt >= before);
    QVERIFY(activity.value(QStringLiteral("counted-api")).lastRequestAt >= before);
}

void TestCaddyRouter::restartsCaddyWithTheLastRoutes()
{
    const QString host = QStringLiteral("survivor.localhost");
    const QString site =
        makeSite(m_sites, QStringLiteral("survivor"), {{QStringLiteral("index.html"), "still here"}});
    applyOrFail(*m_router, {staticRoute(QStringLiteral("survivor"), host, QStringLiteral("/"), site)});
    QCOMPARE(get(host, QStringLiteral("/")).body, QByteArray("still here"));
    QTRY_COMPARE_WITH_TIMEOUT(requestsOf(QStringLiteral("survivor")), 1, kCountTimeoutMs);

    const qint64 killed = m_router->caddyProcessId();
    QVERIFY(killed != 0);
    QCOMPARE(::kill(static_cast<pid_t>(killed), SIGKILL), 0);

    QTRY_VERIFY_WITH_TIMEOUT(m_router->caddyProcessId() != 0 && m_router->caddyProcessId() != killed,
                             kRestartTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(get(host, QStringLiteral("/")).body, QByteArray("still here"),
                              kRestartTimeoutMs);
    // The restarted Caddy served that request, and its access log reaches the counter too.
    QTRY_VERIFY_WITH_TIMEOUT(requestsOf(QStringLiteral("survivor")) > 1, kCountTimeoutMs);
    // And the restarted Caddy takes new routes.
    applyOrFail(*m_router, {});
    QCOMPARE(get(host, QStringLiteral("/")).status, 404);
}

void TestCaddyRouter::drivesAnExternalCaddy()
{
    QTemporaryDir caddyDir;
    QVERIFY(caddyDir.isValid());
    const QList<quint16> ports = freePorts(2);
    const QString adminAddress = QStringLiteral("127.0.0.1:%1").arg(ports[0]);
    const QJsonObject startup{
        {QStringLiteral("admin"), QJsonObject{{QStringLiteral("listen"), adminAddress}}}};
    writeFile(caddyDir.filePath(QStringLiteral("caddy.json")), QJsonDocument(startup).toJson());
    QProcess caddy;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), caddyDir.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), caddyDir.filePath(QStringLiteral("config")));
    caddy.setProcessEnvironment(environment);
    caddy.setStandardOutputFile(QProcess::nullDevice());
    caddy.setStandardErrorFile(QProcess::nullDevice());
    caddy.start(QStringLiteral("caddy"), {QStringLiteral("run"), QStringLiteral("--config"),
                                          caddyDir.filePath(QStringLiteral("caddy.json"))});
    QVERIFY(caddy.waitForStarted());
    const auto stopCaddy = qScopeGuard([&caddy] {
        caddy.terminate();
        if (!caddy.waitForFinished(10'000))
            caddy.kill();
    });

    const QString listenAddress = QStringLiteral("127.0.0.1:%1").arg(ports[1]);
    CaddyRouter router(QUrl(QStringLiteral("http://") + adminAddress), listenAddress);
    QCOMPARE(router.caddyProcessId(), 0);
    const QString site = makeSite(m_sites, QStringLiteral("external"),
                                  {{QStringLiteral("index.html"), "served by an external Caddy"}});
    const QList<Route> routes{
        staticRoute(QStringLiteral("external"), QStringLiteral("ext.localhost"), QStringLiteral("/"), site)};
    // Caddy answers on its admin address once it has started; only then is the router's first apply due.
    const auto adminAnswers = [this, &adminAddress] {
        QNetworkRequest request(QUrl(QStringLiteral("http://%1/config/").arg(adminAddress)));
        const std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        QEventLoop loop;
        connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        return reply->error() == QNetworkReply::NoError;
    };
    QTRY_VERIFY_WITH_TIMEOUT(adminAnswers(), 10'000);
    applyOrFail(router, routes);
    QCOMPARE(get(QStringLiteral("ext.localhost"), QStringLiteral("/"), {}, listenAddress).body,
             QByteArray("served by an external Caddy"));
    QTRY_COMPARE_WITH_TIMEOUT(router.requestActivity().value(QStringLiteral("external")).requests, 1,
                              kCountTimeoutMs);
    // The admin API stayed where it was: applying again still reaches it.
    applyOrFail(router, routes);
}

void TestCaddyRouter::reportsAnUnreachableAdminApi()
{
    const QString adminAddress = QStringLiteral("127.0.0.1:%1").arg(freePorts(1).constFirst());
    CaddyRouter router(QUrl(QStringLiteral("http://") + adminAddress), QStringLiteral("127.0.0.1:1"));
    try {
        router.apply({});
        QFAIL("apply() succeeded without a Caddy");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QCOMPARE(error.message(),
                 QStringLiteral("Caddy admin at http://%1: connection refused").arg(adminAddress));
    }
}

void TestCaddyRouter::rejectsABadAdminUrl()
{
    try {
        CaddyRouter router(QUrl(QStringLiteral("ftp://127.0.0.1:2019/x")), QStringLiteral("127.0.0.1:8080"));
        QFAIL("an ftp:// admin URL was accepted");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::BadRequest);
        QVERIFY2(error.message().contains(QStringLiteral("http://HOST:PORT")), qPrintable(error.message()));
    }
}

void TestCaddyRouter::refusesASecondCaddyOnTheSameDataDir()
{
    try {
        CaddyRouter second(CaddyRouter::EmbeddedOptions{.dataDir = m_dataDir.path(),
                                                        .listenAddress = QStringLiteral("127.0.0.1:0")});
        QFAIL("a second Caddy started on the same data dir");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QVERIFY2(error.message().contains(QStringLiteral("another Caddy already answers")),
                 qPrintable(error.message()));
    }
    // The first one still serves.
    QCOMPARE(get(QStringLiteral("nobody.localhost"), QStringLiteral("/")).status, 404);
}

void TestCaddyRouter::reportsATakenListenAddress()
{
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const QString taken = QStringLiteral("127.0.0.1:%1").arg(squatter.serverPort());
    try {
        CaddyRouter router(CaddyRouter::EmbeddedOptions{.dataDir = dataDir.path(), .listenAddress = taken});
        QFAIL("Caddy started on a taken port");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QVERIFY2(error.message().contains(QStringLiteral("address already in use")),
                 qPrintable(error.message()));
    }
}

void TestCaddyRouter::stopsCaddyWhenDestroyed()
{
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    auto router = std::make_unique<CaddyRouter>(CaddyRouter::EmbeddedOptions{
        .dataDir = dataDir.path(), .listenAddress = QStringLiteral("127.0.0.1:0")});
    const QString listenAddress = router->listenAddress();
    const qint64 pid = router->caddyProcessId();
    QVERIFY(processExists(pid));

    router.reset();
    QVERIFY(!processExists(pid));
    QCOMPARE(get(QStringLiteral("nobody.localhost"), QStringLiteral("/"), {}, listenAddress).status, 0);
}

QTEST_GUILESS_MAIN(TestCaddyRouter)
#include "tst_caddy_router.moc"
