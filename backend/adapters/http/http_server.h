#pragma once

#include "adapters/http/event_feed.h"
#include "domain/ports/store.h"
#include "usecases/webhook_service.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QString>

#include <memory>

namespace vitrine::adapters::http {

// The server's HTTP port: GET /healthz, POST /webhooks/github and /webhooks/gitea when given a webhook
// service, and the WebSocket event feed at /events when given the services it needs; /metrics joins it later.
// Serves on the event loop of the thread that created it; unknown paths answer 404.
class HttpServer {
public:
    // `store` is checked by /healthz. Without `webhooks` the webhook paths answer 404. With `auth` and
    // `builds`, /events serves the WebSocket event feed (see EventFeed); without, WebSocket upgrades are
    // refused. All must outlive this server.
    HttpServer(domain::Store &store, QString version, usecases::WebhookService *webhooks = nullptr,
               usecases::AuthService *auth = nullptr, usecases::BuildService *builds = nullptr);

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
    std::unique_ptr<EventFeed> m_eventFeed; // set: /events is served
};

} // namespace vitrine::adapters::http
