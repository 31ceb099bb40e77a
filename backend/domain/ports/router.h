#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace vitrine::domain {

// One website of one application, as the router serves it.
struct Route {
    QString applicationName;
    QString fqdn;
    QString pathPrefix = QStringLiteral("/");
    bool stripPrefix = false;
    // Static sites: the directory to serve (absolute). Runtime apps: the upstream "127.0.0.1:PORT".
    QString staticRoot;
    QString upstream;
    bool spaFallback = false; // static: unknown paths serve /index.html
    // Runtime apps that sleep: upstream is the server's wake handler, and each proxied request carries the
    // header kWakeHeader with applicationName, so the handler knows which application to wake.
    bool wake = false;

    bool operator==(const Route &) const = default;
};

inline constexpr char kWakeHeader[] = "X-Vitrine-Wake";

// Requests the router passed to one application since the router started.
struct RequestActivity {
    qint64 requests = 0;     // only grows while the server runs
    QDateTime lastRequestAt; // null: none yet

    bool operator==(const RequestActivity &) const = default;
};

// The HTTP router in front of every app. Failures throw Error (FailedPrecondition when the router is not
// reachable, Internal otherwise).
class Router {
public:
    virtual ~Router() = default;

    // Makes the router serve exactly these routes (a full replacement, applied atomically: requests see the
    // old set or the new, never a mix). Longer path prefixes win over shorter ones on the same FQDN.
    virtual void apply(const QList<Route> &routes) = 0;

    // Requests served per application name, counted from the router's access log (static and runtime
    // routes, the wake handler's too). Applications without a request are absent. Thread-safe.
    virtual QHash<QString, RequestActivity> requestActivity() = 0;
};

} // namespace vitrine::domain
