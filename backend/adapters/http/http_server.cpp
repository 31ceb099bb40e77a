#include "adapters/http/http_server.h"

#include <QHttpServerRequest>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpServer>

#include <exception>
#include <stdexcept>
#include <utility>

namespace vitrine::adapters::http {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "vitrine.http")

QString hostPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + address.toString() + u']'
                             : address.toString();
    return host + u':' + QString::number(port);
}

} // namespace

HttpServer::HttpServer(domain::Store &store, QString version)
    : m_store(store)
    , m_version(std::move(version))
{
    m_server.route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get, [this] { return health(); });
}

quint16 HttpServer::listen(const QHostAddress &address, quint16 port)
{
    // A QTcpServer of our own, rather than QHttpServer::listen(), keeps the reason a bind failed.
    auto *tcpServer = new QTcpServer(&m_server);
    if (!tcpServer->listen(address, port)) {
        const QString reason = tcpServer->errorString();
        delete tcpServer;
        throw std::runtime_error(QStringLiteral("HTTP cannot listen on %1: %2")
                                     .arg(hostPort(address, port), reason)
                                     .toStdString());
    }
    m_server.bind(tcpServer);
    return tcpServer->serverPort();
}

void HttpServer::close()
{
    for (QTcpServer *tcpServer : m_server.servers())
        tcpServer->close();
}

QHttpServerResponse HttpServer::health() const
{
    QJsonObject body{{QStringLiteral("version"), m_version}};
    try {
        // A count of a small table: proves the database answers without loading anything.
        m_store.countUsers();
    } catch (const std::exception &error) {
        qCWarning(lcHttp).noquote() << "healthz: the database check failed:"
                                    << QString::fromUtf8(error.what());
        body.insert(QStringLiteral("status"), QStringLiteral("unavailable"));
        body.insert(QStringLiteral("database"), QStringLiteral("unavailable"));
        return QHttpServerResponse(body, QHttpServerResponse::StatusCode::ServiceUnavailable);
    }
    body.insert(QStringLiteral("status"), QStringLiteral("ok"));
    body.insert(QStringLiteral("database"), QStringLiteral("ok"));
    return QHttpServerResponse(body);
}

} // namespace vitrine::adapters::http
