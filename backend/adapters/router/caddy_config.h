#pragma once

#include "domain/ports/router.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace vitrine::adapters::router {

// The complete Caddy configuration (https://caddyserver.com/docs/json/) that serves `routes`, and nothing
// else: `base` with its "apps" replaced by one HTTP server listening on `listenAddress` ("HOST:PORT"). Keep
// Caddy's own sections (admin, logging) in `base`.
//
// The server speaks plain HTTP: automatic HTTPS is off, because the router serves on loopback (or behind a
// proxy that terminates TLS) and must never try to obtain certificates for members' hostnames.
// Per host, longer path prefixes are tried first. A static site is served from its staticRoot with its prefix
// stripped (a request for the bare prefix is redirected to PREFIX/ so that relative links work), with
// precompressed .br/.gz siblings when the client accepts them, index.html for directories, and, with
// spaFallback, index.html for paths that match no file. A runtime app is proxied to its upstream, with its
// prefix stripped only when it asks for it. An unknown host, or a path no app of that host serves, gets a
// plain-text 404. The output depends only on the input (hosts and prefixes are sorted), so loading it again
// changes nothing.
//
// Throws domain::Error (Internal) for a route with neither a static root nor an upstream.
QJsonObject caddyConfig(const QList<domain::Route> &routes, const QString &listenAddress, QJsonObject base);

} // namespace vitrine::adapters::router
