#pragma once

#include "domain/ports/store.h"
#include "usecases/webhook_service.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QString>

namespace vitrine::adapters::http {

// The server's HTTP port: GET /healthz, and POST /webhooks/github and /webhooks/gitea when given a webhook
// service; /metrics and the WebSocket event feed join it on the same port. Serves on the event loop of the
// thread that created it; unknown paths answer 404.
class HttpServer {
public:
    // `store` is checked by /healthz. Without `webhooks` the webhook paths answer 404. Both must outlive this
    // server.
    HttpServer(domain::Store &store, QString version, usecases::WebhookService *webhooks = nullptr);

    // Binds and starts serving; returns the bound port (useful when `port` is 0). Throws std::runtime_error
    // naming the address, with the reason, when it cannot bind (e.g. another process holds the port).
    quint16 listen(const QHostAddress &address, quint16 port);

    // Stops accepting connections. Requests already received are still answered.
    void close();

private:
    QHttpServerResponse health() const;
    // Answers {"status": …, "message": …} with the status code the result calls for.
    QHttpServerResponse webhook(usecases::WebhookProvider provider, const QHttpServerRequest &request);

    domain::Store &m_store;
    QString m_version;
    usecases::WebhookService *m_webhooks;
    QHttpServer m_server;
};

} // namespace vitrine::adapters::http
