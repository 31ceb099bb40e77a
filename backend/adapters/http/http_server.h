#pragma once

#include "domain/ports/store.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QString>

namespace vitrine::adapters::http {

// The server's HTTP port: GET /healthz today; webhooks, /metrics and the WebSocket event feed join it on the
// same port. Serves on the event loop of the thread that created it; unknown paths answer 404.
class HttpServer {
public:
    // `store` is checked by /healthz and must outlive this server.
    HttpServer(domain::Store &store, QString version);

    // Binds and starts serving; returns the bound port (useful when `port` is 0). Throws std::runtime_error
    // naming the address, with the reason, when it cannot bind (e.g. another process holds the port).
    quint16 listen(const QHostAddress &address, quint16 port);

    // Stops accepting connections. Requests already received are still answered.
    void close();

private:
    QHttpServerResponse health() const;

    domain::Store &m_store;
    QString m_version;
    QHttpServer m_server;
};

} // namespace vitrine::adapters::http
