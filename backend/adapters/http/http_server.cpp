#include "adapters/http/http_server.h"

#include <QHttpServerRequest>
#include <QHttpServerRouterRule>
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

using usecases::WebhookStatus;

QHttpServerResponse::StatusCode statusCodeOf(WebhookStatus status)
{
    using Code = QHttpServerResponse::StatusCode;
    switch (status) {
    case WebhookStatus::FetchRequested:
    case WebhookStatus::Pong:
        return Code::Ok;
    case WebhookStatus::Ignored:
        return Code::Accepted;
    case WebhookStatus::BadRequest:
        return Code::BadRequest;
    case WebhookStatus::Unauthenticated:
        return Code::Unauthorized;
    case WebhookStatus::NotFound:
        return Code::NotFound;
    case WebhookStatus::PayloadTooLarge:
        return Code::PayloadTooLarge;
    }
    Q_UNREACHABLE();
}

QString statusNameOf(WebhookStatus status)
{
    switch (status) {
    case WebhookStatus::FetchRequested:
        return QStringLiteral("fetching");
    case WebhookStatus::Pong:
        return QStringLiteral("pong");
    case WebhookStatus::Ignored:
        return QStringLiteral("ignored");
    case WebhookStatus::BadRequest:
        return QStringLiteral("bad_request");
    case WebhookStatus::Unauthenticated:
        return QStringLiteral("unauthenticated");
    case WebhookStatus::NotFound:
        return QStringLiteral("not_found");
    case WebhookStatus::PayloadTooLarge:
        return QStringLiteral("payload_too_large");
    }
    Q_UNREACHABLE();
}

// Takes every request that carries the wake header, whatever its method and path, once a wake handler is set.
// Registered before every other route: an application's own /healthz must reach the wake handler too.
class WakeRequestRule final : public QHttpServerRouterRule {
public:
    WakeRequestRule(const std::unique_ptr<WakeHandler> &handler, RouterHandler routerHandler)
        : QHttpServerRouterRule(QStringLiteral("/"), QHttpServerRequest::Method::AnyKnown,
                                std::move(routerHandler))
        , m_handler(handler)
    {
    }

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *) const override
    {
        return m_handler && WakeHandler::isWakeRequest(request);
    }

private:
    const std::unique_ptr<WakeHandler> &m_handler;
};

QHttpServerResponse statusResponse(const QString &status, const QString &message,
                                   QHttpServerResponse::StatusCode code)
{
    return QHttpServerResponse(
        QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("message"), message}}, code);
}

} // namespace

HttpServer::HttpServer(domain::Store &store, QString version, usecases::WebhookService *webhooks,
                       usecases::AuthService *auth, usecases::BuildService *builds)
    : m_store(store)
    , m_version(std::move(version))
    , m_webhooks(webhooks)
{
    m_server.route<WakeRequestRule>(
        m_wakeHandler, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            m_wakeHandler->handle(request, std::move(responder));
        });
    if (auth && builds) {
        m_eventFeed = std::make_unique<EventFeed>(*auth, *builds);
        QObject::connect(&m_server, &QHttpServer::newWebSocketConnection, m_eventFeed.get(), [this] {
            while (m_server.hasPendingWebSocketConnections())
                m_eventFeed->accept(m_server.nextPendingWebSocketConnection());
        });
        // QHttpServer 6.4 upgrades a WebSocket handshake once a route has taken it without answering; the
        // feed authenticates the connection after the upgrade. A plain GET is told to upgrade.
        m_server.route(QStringLiteral("/events"), QHttpServerRequest::Method::Get,
                       [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                           if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
                               responder.write(QHttpServerResponder::StatusCode::UpgradeRequired);
                       });
    }
    m_server.route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get, [this] { return health(); });
    if (m_webhooks) {
        m_server.route(QStringLiteral("/webhooks/github"), QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest &request) {
                           return webhook(usecases::WebhookProvider::GitHub, request);
                       });
        m_server.route(QStringLiteral("/webhooks/gitea"), QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest &request) {
                           return webhook(usecases::WebhookProvider::Gitea, request);
                       });
    }
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

void HttpServer::serveWakeRequests(usecases::RuntimeControl &control, WakeTiming timing)
{
    m_wakeHandler = std::make_unique<WakeHandler>(control, m_store, timing);
}

void HttpServer::serveMetrics(usecases::MetricsRecorder &recorder, usecases::AuthService &auth,
                              const usecases::DiskUsageMeter *disk)
{
    m_prometheus = std::make_unique<PrometheusEndpoint>(recorder, auth, m_version, disk);
    m_server.route(QStringLiteral("/metrics"), QHttpServerRequest::Method::Get,
                   [this](const QHttpServerRequest &request) { return m_prometheus->respond(request); });
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

QHttpServerResponse HttpServer::webhook(usecases::WebhookProvider provider, const QHttpServerRequest &request)
{
    QMap<QByteArray, QByteArray> headers;
    for (const auto &[name, value] : request.headers())
        headers.insert(name.toLower(), value);
    try {
        const usecases::WebhookResult result = m_webhooks->handlePush(provider, headers, request.body());
        return statusResponse(statusNameOf(result.status), result.message, statusCodeOf(result.status));
    } catch (const std::exception &error) {
        // The sender retries or shows it in its delivery log; the detail is for the operator only.
        qCWarning(lcHttp).noquote() << "webhook" << request.url().path()
                                    << "failed:" << QString::fromUtf8(error.what());
        return statusResponse(QStringLiteral("error"), QStringLiteral("internal error"),
                              QHttpServerResponse::StatusCode::InternalServerError);
    }
}

} // namespace vitrine::adapters::http
