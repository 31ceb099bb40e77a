#pragma once

#include <curl/curl.h>

#include <QByteArray>
#include <QString>

#include <chrono>
#include <memory>

namespace vitrine::adapters::curl {

// One HTTP request through libcurl, to a unix socket or over TCP, with what every client here wants: no proxy
// (these endpoints are on this machine), no signals (threads), a connect timeout, an error buffer, and the
// reason for a failure in a few words. Each client sets the options particular to it on handle().
class CurlRequest {
public:
    static constexpr std::chrono::milliseconds kConnectTimeout{3'000};

    // unixSocketPath: empty for TCP. Throws domain::Error (Internal) when libcurl cannot make a handle.
    CurlRequest(const char *method, const QByteArray &url, const QString &unixSocketPath);
    CurlRequest(const CurlRequest &) = delete;
    CurlRequest &operator=(const CurlRequest &) = delete;

    CURL *handle() const { return m_handle.get(); }

    // "Name: value"; "Name;" sends the header empty, "Name:" drops one libcurl would add.
    void addHeader(const char *header);
    // Sends `body`, which must outlive the request.
    void setBody(const QByteArray &body);
    // Collects the answer's body into *body.
    void collectBodyInto(QByteArray *body);
    // The whole request, answer included; 0 for none.
    void setTimeout(std::chrono::milliseconds timeout);

    CURLcode perform() { return curl_easy_perform(handle()); }
    // The answer's HTTP status; 0 before it came.
    long status() const;

    // Why a request with this result got no answer, in a few words: the system's reason for a failed
    // connection ("connection refused", "no such file or directory") helps more than libcurl's wording.
    QString failureReason(CURLcode code) const;

private:
    struct EasyDeleter {
        void operator()(CURL *handle) const { curl_easy_cleanup(handle); }
    };
    struct ListDeleter {
        void operator()(curl_slist *list) const { curl_slist_free_all(list); }
    };

    std::unique_ptr<CURL, EasyDeleter> m_handle;
    std::unique_ptr<curl_slist, ListDeleter> m_headers;
    std::chrono::milliseconds m_timeout{0};
    char m_errorBuffer[CURL_ERROR_SIZE] = {};
};

} // namespace vitrine::adapters::curl
