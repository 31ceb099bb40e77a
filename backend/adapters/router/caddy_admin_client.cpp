#include "adapters/router/caddy_admin_client.h"

#include "adapters/curl/curl_request.h"
#include "domain/error.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <utility>

namespace vitrine::adapters::router {

namespace {

using domain::Error;

// Caddy's admin API answers errors as {"error": "..."}; anything else is shown as it came.
QString caddyErrorText(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QString error = object.value(QStringLiteral("error")).toString();
    return error.isEmpty() ? QString::fromUtf8(body).trimmed() : error;
}

} // namespace

CaddyAdminClient::CaddyAdminClient(QString unixSocketPath, QUrl baseUrl)
    : m_unixSocketPath(std::move(unixSocketPath))
    , m_baseUrl(std::move(baseUrl))
{
}

CaddyAdminClient CaddyAdminClient::onUnixSocket(const QString &socketPath)
{
    return CaddyAdminClient(socketPath, QUrl(QStringLiteral("http://localhost")));
}

CaddyAdminClient CaddyAdminClient::atUrl(const QUrl &url)
{
    const bool rootPath = url.path().isEmpty() || url.path() == u"/";
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty() || !rootPath || url.hasQuery() ||
        !url.userInfo().isEmpty()) {
        throw Error::badRequest(
            QStringLiteral("caddy admin URL"),
            QStringLiteral("%1 is not of the form http://HOST:PORT").arg(domain::quoted(url.toString())));
    }
    return CaddyAdminClient(QString(), url.adjusted(QUrl::StripTrailingSlash));
}

QString CaddyAdminClient::endpoint() const
{
    if (!m_unixSocketPath.isEmpty())
        return QStringLiteral("unix/") + m_unixSocketPath;
    return m_baseUrl.toString();
}

void CaddyAdminClient::load(const QByteArray &config, std::chrono::milliseconds timeout) const
{
    request("POST", QStringLiteral("/load"), config, timeout);
}

QByteArray CaddyAdminClient::config(const QString &path, std::chrono::milliseconds timeout) const
{
    return request("GET", QStringLiteral("/config/") + path, QByteArray(), timeout);
}

QByteArray CaddyAdminClient::request(const char *method, const QString &path, const QByteArray &body,
                                     std::chrono::milliseconds timeout) const
{
    curl::CurlRequest request(method, (m_baseUrl.toString() + path).toUtf8(), m_unixSocketPath);
    QByteArray responseBody;
    // Caddy's admin API on a unix socket accepts only requests with an empty Host header.
    if (!m_unixSocketPath.isEmpty())
        request.addHeader("Host;");
    // A large configuration must not wait for a "100 Continue" Caddy never sends.
    request.addHeader("Expect:");
    if (!body.isNull()) {
        request.addHeader("Content-Type: application/json");
        request.setBody(body);
    }
    request.collectBodyInto(&responseBody);
    request.setTimeout(timeout);

    const CURLcode code = request.perform();
    if (code != CURLE_OK) {
        throw Error::failedPrecondition(
            QStringLiteral("Caddy admin at %1: %2").arg(endpoint(), request.failureReason(code)));
    }
    const long status = request.status();
    if (status < 200 || status > 299) {
        throw Error::internal(QStringLiteral("Caddy admin at %1 refused %2 %3 (HTTP %4): %5")
                                  .arg(endpoint(), QString::fromLatin1(method), path, QString::number(status),
                                       caddyErrorText(responseBody)));
    }
    return responseBody;
}

} // namespace vitrine::adapters::router
