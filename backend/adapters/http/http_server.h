#pragma once

#include "adapters/http/event_feed.h"
#include "adapters/http/prometheus_metrics.h"
#include "adapters/http/wake_handler.h"
#include "domain/ports/store.h"
#include "usecases/runtime_control.h"
#include "usecases/webhook_service.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QString>

#include <memory>

namespace vitrine::adapters::http {

// The server's HTTP port: GET /healthz, POST /webhooks/github and /webhooks/gitea when given a webhook
// service, and the WebSocket event feed at /events when given the services it needs;
// GET /metrics with serveMetrics().
// With serveWakeRequests(), the wake handler of sleeping applications too (see WakeHandler).
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

    // From now on, requests that carry domain::kWakeHeader (any method, any path) go to a WakeHandler on
    // `control`, which must outlive this server; requests without it are served as before. Call once, before
    // listen().
    void serveWakeRequests(usecases::RuntimeControl &control, WakeTiming timing = {});

    // Serves GET /metrics: the recorder's metrics in Prometheus' text format, for admins' bearer tokens (see
    // PrometheusEndpoint). Both must outlive this server. Call once, before listen().
    // disk: where the disk figures come from; null: none are shown.
    void serveMetrics(usecases::MetricsRecorder &recorder, usecases::AuthService &auth,
                      const usecases::DiskUsageMeter *disk = nullptr);

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
    std::unique_ptr<EventFeed> m_eventFeed;     // set: /events is served
    std::unique_ptr<WakeHandler> m_wakeHandler; // set: wake requests are served
    // Set: /metrics is served.
    std::unique_ptr<PrometheusEndpoint> m_prometheus;
};

} // namespace vitrine::adapters::http
