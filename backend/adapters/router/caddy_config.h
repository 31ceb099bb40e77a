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
// prefix stripped only when it asks for it; an upstream that refuses or does not accept the connection within
// a few seconds gives 502. A wake route is proxied to its upstream (the server's wake handler) with the
// header kWakeHeader naming the application, and its path left whole, so that the handler can send the client
// back to the very URL it asked for. An unknown host, or a path no app of that host serves, gets a plain-text
// 404. The output depends only on the input (hosts and prefixes are sorted), so loading it again changes
// nothing.
//
// With an `accessLogAddress` ("HOST:PORT"), Caddy writes one JSON line per request (request host and uri,
// status, duration; no headers) to a TCP connection it keeps to that address; base's default log is told to
// leave those lines out.
//
// Throws domain::Error (Internal) for a route with neither a static root nor an upstream.
QJsonObject caddyConfig(const QList<domain::Route> &routes, const QString &listenAddress, QJsonObject base,
                        const QString &accessLogAddress = {});

// A path prefix as the router writes it in Caddy's matchers: a leading slash, no trailing one, "/" for the
// root. "/docs/", "docs" and "/docs" are the same prefix.
QString normalizedPathPrefix(const QString &pathPrefix);

} // namespace vitrine::adapters::router
