#pragma once

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

    bool operator==(const Route &) const = default;
};

// The HTTP router in front of every app. Failures throw Error (FailedPrecondition when the router is not
// reachable, Internal otherwise).
class Router {
public:
    virtual ~Router() = default;

    // Makes the router serve exactly these routes (a full replacement, applied atomically: requests see the
    // old set or the new, never a mix). Longer path prefixes win over shorter ones on the same FQDN.
    virtual void apply(const QList<Route> &routes) = 0;
};

} // namespace vitrine::domain
