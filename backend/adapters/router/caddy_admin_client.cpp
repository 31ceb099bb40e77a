#include "adapters/router/caddy_admin_client.h"

#include "domain/error.h"

#include <curl/curl.h>

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <mutex>
#include <system_error>
#include <utility>

namespace vitrine::adapters::router {

namespace {

using domain::Error;

constexpr std::chrono::milliseconds kConnectTimeout{3'000};

struct CurlEasyDeleter {
    void operator()(CURL *handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};

void initializeCurlOnce()
{
    // curl_global_init is not safe to race with itself; every request passes here first.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t appendToByteArray(char *data, size_t size, size_t count, void *userData)
{
    static_cast<QByteArray *>(userData)->append(data, static_cast<qsizetype>(size * count));
    return size * count;
}

QString lowercaseFirst(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return text;
}

// Why a request got no answer, in a few words: the system's reason for a failed connection ("connection
// refused", "no such file or directory") is what helps, more than libcurl's generic wording.
QString unreachableReason(CURL *handle, CURLcode code, const char *errorBuffer,
                          std::chrono::milliseconds timeout)
{
    if (code == CURLE_OPERATION_TIMEDOUT)
        return QStringLiteral("no answer within %1 ms").arg(timeout.count());
    long osErrno = 0;
    curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &osErrno);
    if (code == CURLE_COULDNT_CONNECT && osErrno != 0)
        return lowercaseFirst(
            QString::fromStdString(std::generic_category().message(static_cast<int>(osErrno))));
    if (errorBuffer[0] != '\0')
        return QString::fromUtf8(errorBuffer);
    return QString::fromUtf8(curl_easy_strerror(code));
}

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
    initializeCurlOnce();
    const std::unique_ptr<CURL, CurlEasyDeleter> handle(curl_easy_init());
    if (!handle)
        throw Error::internal(QStringLiteral("libcurl could not create a request"));
    CURL *curl = handle.get();

    const QByteArray url = (m_baseUrl.toString() + path).toUtf8();
    char errorBuffer[CURL_ERROR_SIZE] = {};
    QByteArray responseBody;
    curl_slist *headers = nullptr;
    // Caddy's admin API on a unix socket accepts only requests with an empty Host header.
    if (!m_unixSocketPath.isEmpty())
        headers = curl_slist_append(headers, "Host;");
    // A large configuration must not wait for a "100 Continue" Caddy never sends.
    headers = curl_slist_append(headers, "Expect:");
    if (!body.isNull())
        headers = curl_slist_append(headers, "Content-Type: application/json");
    const std::unique_ptr<curl_slist, CurlListDeleter> headerList(headers);

    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    const QByteArray socketPath = m_unixSocketPath.toUtf8();
    if (!socketPath.isEmpty())
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socketPath.constData());
    // The admin API is local to this machine or its network: an http_proxy in the environment is not for it.
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headerList.get());
    if (!body.isNull()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendToByteArray);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &responseBody);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kConnectTimeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    // Timeouts by signal are not safe with threads.
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        throw Error::failedPrecondition(
            QStringLiteral("Caddy admin at %1: %2")
                .arg(endpoint(), unreachableReason(curl, code, errorBuffer, timeout)));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        throw Error::internal(QStringLiteral("Caddy admin at %1 refused %2 %3 (HTTP %4): %5")
                                  .arg(endpoint(), QString::fromLatin1(method), path, QString::number(status),
                                       caddyErrorText(responseBody)));
    }
    return responseBody;
}

} // namespace vitrine::adapters::router
