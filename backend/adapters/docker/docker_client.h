#pragma once

#include "adapters/sandbox/output_line_splitter.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonDocument>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>

class QIODevice;

namespace vitrine::adapters::docker {

// One answer of the engine.
struct DockerResponse {
    int status = 0; // the HTTP status
    QByteArray body;

    bool ok() const { return status >= 200 && status < 300; }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    // The engine's {"message": …} of a failed call, else the body as text.
    QString errorMessage() const;
};

// The Docker Engine API (v1.41) over the engine's unix socket, through libcurl: Docker's own daemon or
// Podman's compatible service (`podman system service`). Every call uses a curl handle of its own, so any
// thread may call. A socket that cannot be reached throws domain::Error (FailedPrecondition, naming the
// socket); the engine's HTTP errors come back as a status.
class DockerClient {
public:
    // host: "unix:///PATH" (a bare absolute path is taken as one too); throws domain::Error (BadRequest,
    // naming --docker-host) for anything else.
    explicit DockerClient(const QString &host);

    const QString &socketPath() const { return m_socketPath; }

    // pathAndQuery: "/containers/json?all=1", without the version, which the client adds ("/v1.41/…").
    DockerResponse request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                           const QByteArray &contentType = "application/json",
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

    // Sends `upload` as the body when given (a tar build context, read as it is sent), and hands the
    // response body to onChunk as it arrives, until the engine ends it, onChunk returns false, or *cancel
    // becomes true (checked at least every 100 ms: the request is then aborted). Returns the HTTP status, or
    // 0 when it was cancelled or stopped by onChunk before the status came (a cancel after it still returns
    // the status: callers check *cancel). pathAndQuery is sent as given: percent-encode query values.
    int stream(const QByteArray &method, const QString &pathAndQuery, QIODevice *upload,
               const QByteArray &contentType, const std::function<bool(QByteArrayView chunk)> &onChunk,
               const std::atomic_bool *cancel = nullptr);

private:
    QString m_socketPath;
};

// Splits Docker's multiplexed stream (container logs and attach without a TTY: frames of an 8-byte header
// — stream 1 stdout, 2 stderr — and a payload) into lines per stream. Lines are given without their '\n';
// a last line without one comes out at finish().
class MultiplexedStreamDecoder {
public:
    enum class Stream { Stdout, Stderr };
    using LineHandler = std::function<void(Stream stream, const QString &line)>;

    explicit MultiplexedStreamDecoder(LineHandler onLine);
    void feed(QByteArrayView bytes);
    void finish();

    // The splitters hold on to m_splitLine.
    MultiplexedStreamDecoder(const MultiplexedStreamDecoder &) = delete;
    MultiplexedStreamDecoder &operator=(const MultiplexedStreamDecoder &) = delete;

private:
    LineHandler m_onLine;
    std::function<void(domain::LogStream, QString)> m_splitLine;
    // Lines split as the process backend splits them: one cut into pieces past 64 KiB.
    sandbox::OutputLineSplitter m_stdout;
    sandbox::OutputLineSplitter m_stderr;
    QByteArray m_header;       // the header of the next frame, as far as it came
    quint32 m_payloadLeft = 0; // of the frame being read
    Stream m_payloadStream = Stream::Stdout;
};

// Splits a stream of JSON objects one per line (build output, /events) into documents. Blank lines, and lines
// that are not JSON (the engine sends none), are skipped.
class JsonLinesDecoder {
public:
    using DocumentHandler = std::function<void(const QJsonDocument &document)>;

    explicit JsonLinesDecoder(DocumentHandler onDocument);
    void feed(QByteArrayView bytes);
    void finish();

private:
    void deliver(QByteArrayView line);

    DocumentHandler m_onDocument;
    QByteArray m_pending;
};

} // namespace vitrine::adapters::docker
