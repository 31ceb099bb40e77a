#pragma once

#include "domain/ports/router.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QThread>

#include <mutex>

class QTcpServer;

namespace vitrine::adapters::router {

// Counts the requests Caddy serves, per application, from Caddy's access log (see caddyConfig()'s
// accessLogAddress): Caddy keeps a TCP connection to address() and writes one JSON line per request.
//
// Why a loopback TCP listener: Caddy's "net" log writer pushes each line as it happens, reconnects by itself
// after a restart of either side, and works the same for the embedded Caddy and for an external one on the
// same host; a log file would need tailing, rotation and a folder both can reach. The listener runs on a
// thread of its own: Caddy writes its access log while it answers, so a busy event loop here must never slow
// the sites down.
//
// Each line is mapped to an application by its host and path with the router's rule (the route with the
// longest matching path prefix on that host wins); lines of unknown hosts or paths are not counted. All
// methods are thread-safe.
class AccessLogCounter {
public:
    // Starts listening on 127.0.0.1 on a free port. Throws domain::Error (FailedPrecondition) when it cannot.
    AccessLogCounter();
    ~AccessLogCounter();

    AccessLogCounter(const AccessLogCounter &) = delete;
    AccessLogCounter &operator=(const AccessLogCounter &) = delete;

    // "127.0.0.1:PORT", for Caddy's log writer.
    QString address() const { return m_address; }

    // The routes Caddy serves now: later lines are mapped to their applications.
    void setRoutes(const QList<domain::Route> &routes);

    // Requests per application name since this counter started; see domain::Router::requestActivity().
    QHash<QString, domain::RequestActivity> activity() const;

private:
    struct PrefixRoute {
        QString prefix; // normalized, lower case
        QString applicationName;
    };

    // Counts one access-log line (Caddy's JSON); anything else is ignored.
    void countLine(const QByteArray &line);
    QString applicationAt(const QString &host, const QString &path) const;

    mutable std::mutex m_mutex;
    QHash<QString, QList<PrefixRoute>> m_routesByHost; // lower-case host → routes, longest prefix first
    QHash<QString, domain::RequestActivity> m_activity;

    QThread m_thread;
    QTcpServer *m_server = nullptr; // lives on m_thread
    QString m_address;
};

} // namespace vitrine::adapters::router
