#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <chrono>

namespace vitrine::adapters::router {

// Caddy's admin API (https://caddyserver.com/docs/api) through libcurl, on a unix socket or over TCP. Every
// call is a blocking request of its own, so calls from several threads at once are fine. Failures throw
// domain::Error: FailedPrecondition when Caddy does not answer, naming the endpoint and the reason
// ("Caddy admin at unix//srv/caddy/admin.sock: connection refused"); Internal when Caddy answers with an
// error.
class CaddyAdminClient {
public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{30'000};

    // The admin API on a unix socket (Caddy's admin.listen "unix//PATH").
    static CaddyAdminClient onUnixSocket(const QString &socketPath);
    // The admin API at "http://HOST:PORT". Throws BadRequest for any other kind of URL.
    static CaddyAdminClient atUrl(const QUrl &url);

    // POST /load: replaces Caddy's whole configuration with `config` (JSON). Caddy switches to it atomically,
    // or keeps the old one and answers with an error (thrown as Internal, with Caddy's reason).
    void load(const QByteArray &config, std::chrono::milliseconds timeout = kDefaultTimeout) const;

    // GET /config/PATH: the running configuration, or the part of it at PATH ("apps/http"), as JSON; "null"
    // where nothing is set.
    QByteArray config(const QString &path = {}, std::chrono::milliseconds timeout = kDefaultTimeout) const;

    // How messages name the endpoint: "unix//PATH" or "http://HOST:PORT".
    QString endpoint() const;

private:
    CaddyAdminClient(QString unixSocketPath, QUrl baseUrl);

    QByteArray request(const char *method, const QString &path, const QByteArray &body,
                       std::chrono::milliseconds timeout) const;

    QString m_unixSocketPath; // empty over TCP
    QUrl m_baseUrl;
};

} // namespace vitrine::adapters::router
