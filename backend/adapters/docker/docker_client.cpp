#include "adapters/docker/docker_client.h"

#include "adapters/curl/curl_request.h"
#include "domain/error.h"

#include <QIODevice>
#include <QJsonObject>
#include <QtEndian>

#include <exception>
#include <memory>
#include <optional>

namespace vitrine::adapters::docker {

namespace {

using domain::Error;

constexpr auto kApiPrefix = "/v1.41";
constexpr std::chrono::milliseconds kCancelCheckInterval{100};
constexpr qsizetype kFrameHeaderSize = 8;

QByteArray requestUrl(const QString &pathAndQuery)
{
    // Over a unix socket the host name is only for the Host header, which the engine ignores.
    return QByteArrayLiteral("http://localhost") + kApiPrefix + pathAndQuery.toUtf8();
}

Error engineError(const QString &socketPath, const QByteArray &method, const QString &pathAndQuery,
                  CURLcode code, const curl::CurlRequest &request)
{
    if (code == CURLE_COULDNT_CONNECT) {
        return Error::failedPrecondition(
            QStringLiteral("Cannot reach the container engine at unix://%1: %2. Start it (for Podman: "
                           "`podman system service --time=0 unix://%1`; for Docker: the docker daemon), or "
                           "point --docker-host at its socket.")
                .arg(socketPath, request.failureReason(code)));
    }
    return Error::failedPrecondition(
        QStringLiteral("The container engine at unix://%1 gave no answer to %2 %3: %4")
            .arg(socketPath, QString::fromLatin1(method), pathAndQuery, request.failureReason(code)));
}

// Both streaming callbacks' state; libcurl calls them on the thread inside stream().
struct StreamTransfer {
    QIODevice *upload = nullptr;
    const std::function<bool(QByteArrayView)> *onChunk = nullptr;
    const std::atomic_bool *cancel = nullptr;
    bool stoppedByHandler = false;
    bool uploadFailed = false;
    // An exception must not unwind through libcurl's C frames: it is kept and rethrown after the transfer.
    std::exception_ptr handlerException;

    bool cancelled() const { return cancel && cancel->load(); }
};

size_t readUpload(char *buffer, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<StreamTransfer *>(userData);
    QIODevice *device = transfer->upload;
    qint64 read = device->read(buffer, static_cast<qint64>(size * count));
    // A pipe or socket may have nothing yet without being at its end; 0 would tell libcurl the body ended.
    while (read == 0 && device->isSequential() && !device->atEnd() && !transfer->cancelled()) {
        device->waitForReadyRead(static_cast<int>(kCancelCheckInterval.count()));
        read = device->read(buffer, static_cast<qint64>(size * count));
    }
    if (transfer->cancelled())
        return CURL_READFUNC_ABORT;
    if (read < 0) {
        transfer->uploadFailed = true;
        return CURL_READFUNC_ABORT;
    }
    return static_cast<size_t>(read);
}

size_t handOverChunk(char *data, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<StreamTransfer *>(userData);
    const size_t bytes = size * count;
    try {
        if ((*transfer->onChunk)(QByteArrayView(data, static_cast<qsizetype>(bytes))))
            return bytes;
    } catch (...) {
        transfer->handlerException = std::current_exception();
    }
    transfer->stoppedByHandler = true;
    return 0; // fewer bytes than given: libcurl ends the transfer
}

// The multi interface rather than curl_easy_perform: its wait can be bounded, so a cancel is seen within
// kCancelCheckInterval even while the engine sends nothing (a followed log, a long build step).
class MultiTransfer {
public:
    explicit MultiTransfer(CURL *easy)
        : m_multi(curl_multi_init())
        , m_easy(easy)
    {
        if (!m_multi || curl_multi_add_handle(m_multi, m_easy) != CURLM_OK)
            throw Error::internal(QStringLiteral("libcurl could not start a streaming request"));
    }
    ~MultiTransfer()
    {
        curl_multi_remove_handle(m_multi, m_easy);
        curl_multi_cleanup(m_multi);
    }
    MultiTransfer(const MultiTransfer &) = delete;
    MultiTransfer &operator=(const MultiTransfer &) = delete;

    // Runs until the transfer ends (its result) or *cancelled becomes true (std::nullopt).
    std::optional<CURLcode> run(const StreamTransfer &transfer)
    {
        int running = 1;
        while (running) {
            if (transfer.cancelled())
                return std::nullopt;
            if (curl_multi_perform(m_multi, &running) != CURLM_OK)
                throw Error::internal(QStringLiteral("libcurl failed while streaming a request"));
            if (running &&
                curl_multi_poll(m_multi, nullptr, 0, static_cast<int>(kCancelCheckInterval.count()),
                                nullptr) != CURLM_OK) {
                throw Error::internal(QStringLiteral("libcurl failed while waiting on a streaming request"));
            }
        }
        int queued = 0;
        while (const CURLMsg *message = curl_multi_info_read(m_multi, &queued)) {
            if (message->msg == CURLMSG_DONE)
                return message->data.result;
        }
        return CURLE_OK;
    }

private:
    CURLM *m_multi;
    CURL *m_easy;
};

} // namespace

QString DockerResponse::errorMessage() const
{
    const QString message = json().object().value(QStringLiteral("message")).toString();
    if (!message.isEmpty())
        return message;
    const QString text = QString::fromUtf8(body).trimmed();
    return text.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : text;
}

DockerClient::DockerClient(const QString &host)
{
    const QString scheme = QStringLiteral("unix://");
    const QString path = host.startsWith(scheme) ? host.mid(scheme.size()) : host;
    if (!path.startsWith(u'/')) {
        throw Error::badRequest(
            QStringLiteral("--docker-host"),
            QStringLiteral("%1 is not of the form unix:///PATH").arg(domain::quoted(host)));
    }
    m_socketPath = path;
}

DockerResponse DockerClient::request(const QByteArray &method, const QString &pathAndQuery,
                                     const QByteArray &body, const QByteArray &contentType,
                                     std::chrono::milliseconds timeout)
{
    curl::CurlRequest call(method.constData(), requestUrl(pathAndQuery), m_socketPath);
    // The engine never sends "100 Continue" first; waiting for it would only delay a large body.
    call.addHeader("Expect:");
    if (!body.isNull()) {
        call.addHeader(QByteArray("Content-Type: " + contentType).constData());
        call.setBody(body);
    }
    if (method == "HEAD")
        curl_easy_setopt(call.handle(), CURLOPT_NOBODY, 1L);
    DockerResponse response;
    call.collectBodyInto(&response.body);
    call.setTimeout(timeout);
    const CURLcode code = call.perform();
    if (code != CURLE_OK)
        throw engineError(m_socketPath, method, pathAndQuery, code, call);
    response.status = static_cast<int>(call.status());
    return response;
}

int DockerClient::stream(const QByteArray &method, const QString &pathAndQuery, QIODevice *upload,
                         const QByteArray &contentType,
                         const std::function<bool(QByteArrayView chunk)> &onChunk,
                         const std::atomic_bool *cancel)
{
    curl::CurlRequest call(method.constData(), requestUrl(pathAndQuery), m_socketPath);
    CURL *curl = call.handle();
    StreamTransfer transfer;
    transfer.upload = upload;
    transfer.onChunk = &onChunk;
    transfer.cancel = cancel;

    call.addHeader("Expect:");
    if (upload) {
        call.addHeader(QByteArray("Content-Type: " + contentType).constData());
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, readUpload);
        curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
        if (upload->isSequential()) {
            call.addHeader("Transfer-Encoding: chunked");
        } else {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(upload->size() - upload->pos()));
        }
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, handOverChunk);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

    MultiTransfer multi(curl);
    const std::optional<CURLcode> result = multi.run(transfer);
    if (transfer.handlerException)
        std::rethrow_exception(transfer.handlerException);
    if (!result || transfer.stoppedByHandler)
        return static_cast<int>(call.status());
    if (*result == CURLE_ABORTED_BY_CALLBACK && transfer.cancelled())
        return static_cast<int>(call.status());
    if (transfer.uploadFailed) {
        throw Error::internal(QStringLiteral("Cannot read the body of %1 %2: %3")
                                  .arg(QString::fromLatin1(method), pathAndQuery, upload->errorString()));
    }
    if (*result != CURLE_OK)
        throw engineError(m_socketPath, method, pathAndQuery, *result, call);
    return static_cast<int>(call.status());
}

MultiplexedStreamDecoder::MultiplexedStreamDecoder(LineHandler onLine)
    : m_onLine(std::move(onLine))
    , m_splitLine([this](domain::LogStream stream, const QString &line) {
        m_onLine(stream == domain::LogStream::Stderr ? Stream::Stderr : Stream::Stdout, line);
    })
    , m_stdout(domain::LogStream::Stdout, m_splitLine)
    , m_stderr(domain::LogStream::Stderr, m_splitLine)
{
}

void MultiplexedStreamDecoder::feed(QByteArrayView bytes)
{
    while (!bytes.isEmpty()) {
        if (m_payloadLeft == 0) {
            const qsizetype headerBytes = std::min(kFrameHeaderSize - m_header.size(), bytes.size());
            m_header.append(bytes.first(headerBytes));
            bytes = bytes.sliced(headerBytes);
            if (m_header.size() < kFrameHeaderSize)
                return;
            // Stream 0 (stdin) is echoed input and 3 Docker's own errors about the stream: shown with
            // stdout and stderr respectively.
            const auto streamType = static_cast<unsigned char>(m_header[0]);
            m_payloadStream = streamType >= 2 ? Stream::Stderr : Stream::Stdout;
            m_payloadLeft = qFromBigEndian<quint32>(m_header.constData() + 4);
            m_header.clear();
            continue;
        }
        const qsizetype payloadBytes = std::min(static_cast<qsizetype>(m_payloadLeft), bytes.size());
        (m_payloadStream == Stream::Stderr ? m_stderr : m_stdout).append(bytes.data(), payloadBytes);
        m_payloadLeft -= static_cast<quint32>(payloadBytes);
        bytes = bytes.sliced(payloadBytes);
    }
}

void MultiplexedStreamDecoder::finish()
{
    m_stdout.finish();
    m_stderr.finish();
    m_header.clear();
    m_payloadLeft = 0;
}

JsonLinesDecoder::JsonLinesDecoder(DocumentHandler onDocument)
    : m_onDocument(std::move(onDocument))
{
}

void JsonLinesDecoder::feed(QByteArrayView bytes)
{
    m_pending.append(bytes);
    qsizetype start = 0;
    for (qsizetype newline; (newline = m_pending.indexOf('\n', start)) >= 0; start = newline + 1)
        deliver(QByteArrayView(m_pending).sliced(start, newline - start));
    m_pending.remove(0, start);
}

void JsonLinesDecoder::deliver(QByteArrayView line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error == QJsonParseError::NoError)
        m_onDocument(document);
}

void JsonLinesDecoder::finish()
{
    deliver(m_pending);
    m_pending.clear();
}

} // namespace vitrine::adapters::docker
