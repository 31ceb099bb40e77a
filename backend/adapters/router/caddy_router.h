#pragma once

#include "adapters/router/access_log_counter.h"
#include "adapters/router/caddy_admin_client.h"
#include "adapters/router/embedded_caddy.h"
#include "domain/ports/router.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <mutex>

namespace vitrine::adapters::router {

// domain::Router on Caddy, driven through its admin API: every apply() loads a complete configuration
// (see caddyConfig()) with POST /load, which Caddy switches to atomically. Sites are served over plain HTTP
// on the router's listen address; automatic HTTPS is off.
//
// Embedded mode runs Caddy as a child process (EmbeddedCaddy) with its admin API on a unix socket and its
// state under DATA_DIR/caddy, and restarts it with the last applied routes whenever it dies. External mode
// drives a Caddy someone else runs, through its admin URL; Vitrine then owns that Caddy's configuration,
// keeping only its admin and logging sections.
//
// Requests are counted from Caddy's access log, which Caddy sends to a loopback port of this router (see
// AccessLogCounter): in external mode that Caddy must run on the same host, or its configuration loads fail
// with the reason ("dial tcp 127.0.0.1:PORT: connection refused").
//
// apply() may be called from any thread; calls are serialized. Create and destroy the router on a thread with
// a running Qt event loop: in embedded mode that loop watches Caddy.
class CaddyRouter final : public domain::Router {
public:
    struct EmbeddedOptions {
        QString program = QStringLiteral("caddy"); // a path, or a name looked up in PATH
        QString dataDir;                           // the server's; Caddy's files go in DATA_DIR/caddy
        // "HOST:PORT" where sites are served; port 0 picks a free port now (see listenAddress()).
        QString listenAddress = QStringLiteral("127.0.0.1:8080");
    };

    // Starts Caddy serving no routes yet (every request gets the plain-text 404) and waits until it answers.
    // Throws domain::Error (FailedPrecondition) when Caddy is not installed or cannot start, with its reason.
    explicit CaddyRouter(const EmbeddedOptions &options);
    // Drives the Caddy whose admin API is at `adminUrl` (http://HOST:PORT); sites listen on `listenAddress`.
    // Does not contact Caddy yet. Throws BadRequest for an admin URL of another form.
    CaddyRouter(const QUrl &adminUrl, QString listenAddress);
    // Embedded mode: stops Caddy.
    ~CaddyRouter() override;

    void apply(const QList<domain::Route> &routes) override;
    QHash<QString, domain::RequestActivity> requestActivity() override;

    // "HOST:PORT" where sites are served.
    QString listenAddress() const { return m_listenAddress; }
    // The embedded Caddy's process id, 0 while it restarts or in external mode. For tests and diagnostics;
    // call it on the router's thread.
    qint64 caddyProcessId() const;

private:
    QJsonObject caddySections() const;

    std::mutex m_applyMutex;
    QString m_listenAddress;
    AccessLogCounter m_accessLog;
    QJsonObject m_embeddedSections; // admin and logging of the embedded Caddy
    std::unique_ptr<EmbeddedCaddy> m_embedded;
    std::unique_ptr<CaddyAdminClient> m_external;
};

} // namespace vitrine::adapters::router
