#include "adapters/router/caddy_config.h"

#include "domain/error.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace vitrine::adapters::router {

namespace {

using domain::Route;

const QString kServerName = QStringLiteral("vitrine");
// Caddy names a server's access logger "http.log.access.NAME" after the server's default_logger_name.
const QString kAccessLoggerName = QStringLiteral("vitrine");
const QString kAccessLogNamespace = QStringLiteral("http.log.access.") + kAccessLoggerName;
const QString kAccessLogName = QStringLiteral("vitrine_access");
// Long enough for a loaded machine, short enough that a dead upstream is a quick 502 rather than a hang.
const QString kUpstreamDialTimeout = QStringLiteral("3s");

bool isRoot(const QString &prefix)
{
    return prefix == u"/";
}

QJsonArray strings(std::initializer_list<QString> values)
{
    QJsonArray array;
    for (const QString &value : values)
        array.append(value);
    return array;
}

QJsonObject pathMatcher(std::initializer_list<QString> paths)
{
    return QJsonObject{{QStringLiteral("path"), strings(paths)}};
}

QJsonObject stripPrefixHandler(const QString &prefix)
{
    return QJsonObject{{QStringLiteral("handler"), QStringLiteral("rewrite")},
                       {QStringLiteral("strip_path_prefix"), prefix}};
}

QJsonObject subrouteHandler(const QJsonArray &routes)
{
    return QJsonObject{{QStringLiteral("handler"), QStringLiteral("subroute")},
                       {QStringLiteral("routes"), routes}};
}

QJsonObject handlerRoute(const QJsonObject &handler)
{
    return QJsonObject{{QStringLiteral("handle"), QJsonArray{handler}}};
}

// Static files under `root`, the request path already relative to it.
QJsonArray staticSteps(const Route &route, const QString &prefix)
{
    QJsonArray steps;
    if (!isRoot(prefix))
        steps.append(handlerRoute(stripPrefixHandler(prefix)));
    if (route.spaFallback) {
        const QJsonObject fileMatcher{
            {QStringLiteral("file"),
             QJsonObject{{QStringLiteral("root"), route.staticRoot},
                         {QStringLiteral("try_files"), strings({QStringLiteral("{http.request.uri.path}"),
                                                                QStringLiteral("{http.request.uri.path}/"),
                                                                QStringLiteral("/index.html")})}}}};
        steps.append(
            QJsonObject{{QStringLiteral("match"), QJsonArray{fileMatcher}},
                        {QStringLiteral("handle"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("handler"), QStringLiteral("rewrite")},
                             {QStringLiteral("uri"), QStringLiteral("{http.matchers.file.relative}")}}}}});
    }
    const QJsonObject fileServer{
        {QStringLiteral("handler"), QStringLiteral("file_server")},
        {QStringLiteral("root"), route.staticRoot},
        {QStringLiteral("index_names"), strings({QStringLiteral("index.html")})},
        {QStringLiteral("precompressed"),
         QJsonObject{{QStringLiteral("br"), QJsonObject()}, {QStringLiteral("gzip"), QJsonObject()}}},
        {QStringLiteral("precompressed_order"), strings({QStringLiteral("br"), QStringLiteral("gzip")})},
    };
    steps.append(handlerRoute(fileServer));
    return steps;
}

void appendStaticRoutes(QJsonArray &hostRoutes, const Route &route, const QString &prefix)
{
    if (isRoot(prefix)) {
        hostRoutes.append(
            QJsonObject{{QStringLiteral("handle"), QJsonArray{subrouteHandler(staticSteps(route, prefix))}},
                        {QStringLiteral("terminal"), true}});
        return;
    }
    // Relative links in PREFIX/index.html only resolve under PREFIX/.
    const QJsonObject redirect{
        {QStringLiteral("handler"), QStringLiteral("static_response")},
        {QStringLiteral("status_code"), 308},
        {QStringLiteral("headers"), QJsonObject{{QStringLiteral("Location"), strings({prefix + u'/'})}}},
    };
    hostRoutes.append(QJsonObject{{QStringLiteral("match"), QJsonArray{pathMatcher({prefix})}},
                                  {QStringLiteral("handle"), QJsonArray{redirect}},
                                  {QStringLiteral("terminal"), true}});
    hostRoutes.append(
        QJsonObject{{QStringLiteral("match"), QJsonArray{pathMatcher({prefix + QStringLiteral("/*")})}},
                    {QStringLiteral("handle"), QJsonArray{subrouteHandler(staticSteps(route, prefix))}},
                    {QStringLiteral("terminal"), true}});
}

void appendRuntimeRoute(QJsonArray &hostRoutes, const Route &route, const QString &prefix)
{
    QJsonArray handlers;
    // The wake handler sends the client back to the URL it asked for: it must see the whole path.
    if (route.stripPrefix && !route.wake && !isRoot(prefix))
        handlers.append(stripPrefixHandler(prefix));
    QJsonObject proxy{
        {QStringLiteral("handler"), QStringLiteral("reverse_proxy")},
        {QStringLiteral("transport"), QJsonObject{{QStringLiteral("protocol"), QStringLiteral("http")},
                                                  {QStringLiteral("dial_timeout"), kUpstreamDialTimeout}}},
        {QStringLiteral("upstreams"), QJsonArray{QJsonObject{{QStringLiteral("dial"), route.upstream}}}},
    };
    if (route.wake) {
        // Set, not added: a client cannot name another application to wake.
        const QJsonObject wakeHeader{
            {QString::fromLatin1(domain::kWakeHeader), strings({route.applicationName})}};
        proxy.insert(
            QStringLiteral("headers"),
            QJsonObject{{QStringLiteral("request"), QJsonObject{{QStringLiteral("set"), wakeHeader}}}});
    }
    handlers.append(proxy);
    QJsonObject caddyRoute{{QStringLiteral("handle"), handlers}, {QStringLiteral("terminal"), true}};
    if (!isRoot(prefix))
        caddyRoute.insert(QStringLiteral("match"),
                          QJsonArray{pathMatcher({prefix, prefix + QStringLiteral("/*")})});
    hostRoutes.append(caddyRoute);
}

QJsonObject notFoundRoute()
{
    return handlerRoute(QJsonObject{
        {QStringLiteral("handler"), QStringLiteral("static_response")},
        {QStringLiteral("status_code"), 404},
        {QStringLiteral("headers"),
         QJsonObject{{QStringLiteral("Content-Type"), strings({QStringLiteral("text/plain; charset=utf-8")})},
                     {QStringLiteral("X-Content-Type-Options"), strings({QStringLiteral("nosniff")})}}},
        {QStringLiteral("body"), QStringLiteral("No app is served at this address.\n")},
    });
}

// base's logging with one more log: the server's access log as JSON lines over TCP to `address`. Headers are
// left out: they are not needed to count requests, and they may carry members' secrets.
QJsonObject loggingWithAccessLog(QJsonObject logging, const QString &address)
{
    QJsonObject logs = logging.value(QStringLiteral("logs")).toObject();

    QJsonObject defaultLog = logs.value(QStringLiteral("default")).toObject();
    QJsonArray excluded = defaultLog.value(QStringLiteral("exclude")).toArray();
    if (!excluded.contains(kAccessLogNamespace))
        excluded.append(kAccessLogNamespace);
    defaultLog.insert(QStringLiteral("exclude"), excluded);
    logs.insert(QStringLiteral("default"), defaultLog);

    const QJsonObject deleteField{{QStringLiteral("filter"), QStringLiteral("delete")}};
    const QJsonObject encoder{
        {QStringLiteral("format"), QStringLiteral("filter")},
        {QStringLiteral("wrap"),
         QJsonObject{{QStringLiteral("format"), QStringLiteral("json")},
                     {QStringLiteral("time_format"), QStringLiteral("unix_seconds_float")}}},
        {QStringLiteral("fields"), QJsonObject{{QStringLiteral("request>headers"), deleteField},
                                               {QStringLiteral("resp_headers"), deleteField}}},
    };
    logs.insert(kAccessLogName, QJsonObject{{QStringLiteral("include"), strings({kAccessLogNamespace})},
                                            {QStringLiteral("writer"),
                                             QJsonObject{{QStringLiteral("output"), QStringLiteral("net")},
                                                         {QStringLiteral("address"), address}}},
                                            {QStringLiteral("encoder"), encoder}});
    logging.insert(QStringLiteral("logs"), logs);
    return logging;
}

} // namespace

QString normalizedPathPrefix(const QString &pathPrefix)
{
    QString prefix = pathPrefix;
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    if (!prefix.startsWith(u'/'))
        prefix.prepend(u'/');
    return prefix;
}

QJsonObject caddyConfig(const QList<Route> &routes, const QString &listenAddress, QJsonObject base,
                        const QString &accessLogAddress)
{
    QMap<QString, QList<Route>> routesByHost;
    for (const Route &route : routes) {
        if (route.staticRoot.isEmpty() && route.upstream.isEmpty()) {
            throw domain::Error::internal(
                QStringLiteral("the route of %1 at %2%3 has neither a static root nor an upstream")
                    .arg(route.applicationName, route.fqdn, route.pathPrefix));
        }
        routesByHost[route.fqdn.toLower()].append(route);
    }

    QJsonArray serverRoutes;
    for (auto host = routesByHost.begin(); host != routesByHost.end(); ++host) {
        QList<Route> &hostRoutes = host.value();
        // Longest prefix first; on the same prefix, an order that does not depend on the caller's.
        std::sort(hostRoutes.begin(), hostRoutes.end(), [](const Route &left, const Route &right) {
            const QString leftPrefix = normalizedPathPrefix(left.pathPrefix);
            const QString rightPrefix = normalizedPathPrefix(right.pathPrefix);
            if (leftPrefix.size() != rightPrefix.size())
                return leftPrefix.size() > rightPrefix.size();
            if (leftPrefix != rightPrefix)
                return leftPrefix < rightPrefix;
            return left.applicationName < right.applicationName;
        });
        QJsonArray caddyRoutes;
        for (const Route &route : hostRoutes) {
            const QString prefix = normalizedPathPrefix(route.pathPrefix);
            if (!route.staticRoot.isEmpty())
                appendStaticRoutes(caddyRoutes, route, prefix);
            else
                appendRuntimeRoute(caddyRoutes, route, prefix);
        }
        // Not terminal: a path none of the host's apps serves falls through to the 404 below.
        serverRoutes.append(QJsonObject{
            {QStringLiteral("match"),
             QJsonArray{QJsonObject{{QStringLiteral("host"), strings({host.key()})}}}},
            {QStringLiteral("handle"), QJsonArray{subrouteHandler(caddyRoutes)}},
        });
    }
    serverRoutes.append(notFoundRoute());

    QJsonObject server{
        {QStringLiteral("listen"), strings({listenAddress})},
        {QStringLiteral("automatic_https"), QJsonObject{{QStringLiteral("disable"), true}}},
        {QStringLiteral("routes"), serverRoutes},
    };
    if (!accessLogAddress.isEmpty()) {
        server.insert(QStringLiteral("logs"),
                      QJsonObject{{QStringLiteral("default_logger_name"), kAccessLoggerName}});
        base.insert(QStringLiteral("logging"),
                    loggingWithAccessLog(base.value(QStringLiteral("logging")).toObject(), accessLogAddress));
    }
    base.insert(QStringLiteral("apps"),
                QJsonObject{{QStringLiteral("http"),
                             QJsonObject{{QStringLiteral("servers"), QJsonObject{{kServerName, server}}}}}});
    return base;
}

} // namespace vitrine::adapters::router
