#include "adapters/curl/curl_request.h"

#include "domain/error.h"

#include <mutex>
#include <system_error>

namespace vitrine::adapters::curl {

namespace {

void initializeCurlOnce()
{
    // curl_global_init is not safe to race with itself; every request passes here first.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CURL *newEasyHandle()
{
    initializeCurlOnce();
    CURL *handle = curl_easy_init();
    if (!handle)
        throw domain::Error::internal(QStringLiteral("libcurl could not create a request"));
    return handle;
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

} // namespace

CurlRequest::CurlRequest(const char *method, const QByteArray &url, const QString &unixSocketPath)
    : m_handle(newEasyHandle())
{
    CURL *curl = handle();
    // libcurl copies the strings it is given, so temporaries are fine here.
    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (!unixSocketPath.isEmpty())
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, unixSocketPath.toUtf8().constData());
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, m_errorBuffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kConnectTimeout.count()));
    // Timeouts by signal are not safe with threads.
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
}

void CurlRequest::addHeader(const char *header)
{
    curl_slist *list = curl_slist_append(m_headers.get(), header);
    if (!list)
        throw domain::Error::internal(QStringLiteral("libcurl could not add a request header"));
    m_headers.release();
    m_headers.reset(list);
    curl_easy_setopt(handle(), CURLOPT_HTTPHEADER, list);
}

void CurlRequest::setBody(const QByteArray &body)
{
    curl_easy_setopt(handle(), CURLOPT_POSTFIELDS, body.constData());
    curl_easy_setopt(handle(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
}

void CurlRequest::collectBodyInto(QByteArray *body)
{
    curl_easy_setopt(handle(), CURLOPT_WRITEFUNCTION, appendToByteArray);
    curl_easy_setopt(handle(), CURLOPT_WRITEDATA, body);
}

void CurlRequest::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
    curl_easy_setopt(handle(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
}

long CurlRequest::status() const
{
    long status = 0;
    curl_easy_getinfo(handle(), CURLINFO_RESPONSE_CODE, &status);
    return status;
}

QString CurlRequest::failureReason(CURLcode code) const
{
    if (code == CURLE_OPERATION_TIMEDOUT)
        return QStringLiteral("no answer within %1 ms")
            .arg((m_timeout.count() > 0 ? m_timeout : kConnectTimeout).count());
    long osErrno = 0;
    curl_easy_getinfo(handle(), CURLINFO_OS_ERRNO, &osErrno);
    if (code == CURLE_COULDNT_CONNECT && osErrno != 0)
        return lowercaseFirst(
            QString::fromStdString(std::generic_category().message(static_cast<int>(osErrno))));
    if (m_errorBuffer[0] != '\0')
        return QString::fromUtf8(m_errorBuffer);
    return QString::fromUtf8(curl_easy_strerror(code));
}

} // namespace vitrine::adapters::curl
