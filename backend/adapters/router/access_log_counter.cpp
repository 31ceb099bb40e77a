#include "adapters/router/access_log_counter.h"

#include "adapters/router/caddy_config.h"
#include "adapters/router/router_logging.h"
#include "domain/error.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>

namespace vitrine::adapters::router {

namespace {

// Caddy's access-log lines are a few hundred bytes; a "line" this long without an end is not one of them.
constexpr qint64 kMaxLineLength = 1024 * 1024;

// "app.localhost:8080" → "app.localhost", "[::1]:8080" → "[::1]"; lower case, as Caddy's host matcher.
QString hostWithoutPort(const QString &host)
{
    if (host.startsWith(u'['))
        return host.left(host.indexOf(u']') + 1).toLower();
    const qsizetype colon = host.lastIndexOf(u':');
    return (colon < 0 ? host : host.left(colon)).toLower();
}

} // namespace

AccessLogCounter::AccessLogCounter()
{
    m_thread.setObjectName(QStringLiteral("access log"));
    m_server = new QTcpServer;
    m_server->moveToThread(&m_thread);
    // The server and its connections end with the thread, on the thread.
    QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_thread.start();

    QString error;
    QMetaObject::invokeMethod(
        m_server,
        [this, &error] {
            if (!m_server->listen(QHostAddress::LocalHost, 0)) {
                error = m_server->errorString();
                return;
            }
            m_address = QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort());
            QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
                while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                        while (socket->canReadLine())
                            countLine(socket->readLine());
                        if (socket->bytesAvailable() > kMaxLineLength) {
                            qCWarning(lcRouter) << "the access log sent a line longer than" << kMaxLineLength
                                                << "bytes; dropping the connection";
                            socket->abort();
                        }
                    });
                }
            });
        },
        Qt::BlockingQueuedConnection);
    if (!error.isEmpty()) {
        m_thread.quit();
        m_thread.wait();
        throw domain::Error::failedPrecondition(
            QStringLiteral("the router cannot listen for Caddy's access log on 127.0.0.1: %1").arg(error));
    }
}

AccessLogCounter::~AccessLogCounter()
{
    m_thread.quit();
    m_thread.wait();
}

void AccessLogCounter::setRoutes(const QList<domain::Route> &routes)
{
    QHash<QString, QList<PrefixRoute>> routesByHost;
    for (const domain::Route &route : routes) {
        routesByHost[route.fqdn.toLower()].append(
            PrefixRoute{normalizedPathPrefix(route.pathPrefix).toLower(), route.applicationName});
    }
    // The order caddyConfig() gives Caddy: longest prefix first, then by name.
    for (QList<PrefixRoute> &hostRoutes : routesByHost) {
        std::sort(hostRoutes.begin(), hostRoutes.end(),
                  [](const PrefixRoute &left, const PrefixRoute &right) {
                      if (left.prefix.size() != right.prefix.size())
                          return left.prefix.size() > right.prefix.size();
                      if (left.prefix != right.prefix)
                          return left.prefix < right.prefix;
                      return left.applicationName < right.applicationName;
                  });
    }
    const std::lock_guard lock(m_mutex);
    m_routesByHost = std::move(routesByHost);
}

QHash<QString, domain::RequestActivity> AccessLogCounter::activity() const
{
    const std::lock_guard lock(m_mutex);
    return m_activity;
}

void AccessLogCounter::countLine(const QByteArray &line)
{
    const QJsonObject record = QJsonDocument::fromJson(line).object();
    const QJsonObject request = record.value(QStringLiteral("request")).toObject();
    const QString host = hostWithoutPort(request.value(QStringLiteral("host")).toString());
    const QString uri = request.value(QStringLiteral("uri")).toString();
    if (host.isEmpty() || !uri.startsWith(u'/'))
        return;
    const qsizetype queryStart = uri.indexOf(u'?');
    const QString path = (queryStart < 0 ? uri : uri.left(queryStart)).toLower();
    // When Caddy logged it, which may be a moment before it reaches this thread.
    const double loggedAt = record.value(QStringLiteral("ts")).toDouble();
    const QDateTime at = loggedAt > 0 ? QDateTime::fromMSecsSinceEpoch(qint64(loggedAt * 1000), Qt::UTC)
                                      : QDateTime::currentDateTimeUtc();

    const std::lock_guard lock(m_mutex);
    const QString application = applicationAt(host, path);
    if (application.isEmpty())
        return;
    domain::RequestActivity &activity = m_activity[application];
    ++activity.requests;
    if (!activity.lastRequestAt.isValid() || at > activity.lastRequestAt)
        activity.lastRequestAt = at;
}

QString AccessLogCounter::applicationAt(const QString &host, const QString &path) const
{
    const auto hostRoutes = m_routesByHost.constFind(host);
    if (hostRoutes == m_routesByHost.constEnd())
        return {};
    for (const PrefixRoute &route : *hostRoutes) {
        if (route.prefix == u"/")
            return route.applicationName;
        // PREFIX itself, or PREFIX/…, as the router's path matchers: "/docsx" is not under "/docs".
        if (path.startsWith(route.prefix) &&
            (path.size() == route.prefix.size() || path.at(route.prefix.size()) == u'/'))
            return route.applicationName;
    }
    return {};
}

} // namespace vitrine::adapters::router
