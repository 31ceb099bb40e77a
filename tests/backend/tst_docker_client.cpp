#include "adapters/docker/docker_client.h"
#include "domain/error.h"
#include "podman_service.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTest>

#include <cstring>
#include <memory>
#include <thread>

using namespace vitrine;
using adapters::docker::DockerClient;
using adapters::docker::DockerResponse;
using adapters::docker::JsonLinesDecoder;
using adapters::docker::MultiplexedStreamDecoder;

namespace {

QByteArray frame(char streamType, const QByteArray &payload)
{
    QByteArray header(8, '\0');
    header[0] = streamType;
    const auto size = static_cast<quint32>(payload.size());
    for (int byte = 0; byte < 4; ++byte)
        header[7 - byte] = static_cast<char>((size >> (8 * byte)) & 0xFF);
    return header + payload;
}

// "out:LINE" / "err:LINE"
QString tagged(MultiplexedStreamDecoder::Stream stream, const QString &line)
{
    return (stream == MultiplexedStreamDecoder::Stream::Stdout ? QStringLiteral("out:")
                                                               : QStringLiteral("err:")) +
           line;
}

// Tagged lines, in the order the decoder gave them.
QStringList decodeMultiplexed(const QList<QByteArray> &chunks)
{
    QStringList lines;
    MultiplexedStreamDecoder decoder(
        [&](MultiplexedStreamDecoder::Stream stream, const QString &line) { lines << tagged(stream, line); });
    for (const QByteArray &chunk : chunks)
        decoder.feed(chunk);
    decoder.finish();
    return lines;
}

QStringList decodeJsonLines(const QList<QByteArray> &chunks)
{
    QStringList documents;
    JsonLinesDecoder decoder([&](const QJsonDocument &document) {
        documents << QString::fromUtf8(document.toJson(QJsonDocument::Compact));
    });
    for (const QByteArray &chunk : chunks)
        decoder.feed(chunk);
    decoder.finish();
    return documents;
}

// The input cut in two at every byte boundary, and one byte at a time.
QList<QList<QByteArray>> everySplit(const QByteArray &input)
{
    QList<QList<QByteArray>> splits;
    for (qsizetype cut = 0; cut <= input.size(); ++cut)
        splits << QList<QByteArray>{input.left(cut), input.mid(cut)};
    QList<QByteArray> bytes;
    for (const char byte : input)
        bytes << QByteArray(1, byte);
    splits << bytes;
    return splits;
}

// A body whose size is not known up front (a tar written as it is sent), so it is sent chunked. (A QBuffer
// that only claims to be sequential would give its first bytes forever: it keeps no position then.)
class SequentialReader : public QIODevice {
public:
    explicit SequentialReader(QByteArray data)
        : m_data(std::move(data))
    {
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_offset + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 size = std::min(maxSize, m_data.size() - m_offset);
        std::memcpy(data, m_data.constData() + m_offset, static_cast<size_t>(size));
        m_offset += size;
        return size;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_offset = 0;
};

} // namespace

// QSKIP and QFAIL return from the function they are in: this must be the test function itself.
#define REQUIRE_PODMAN()                                                                                     \
    do {                                                                                                     \
        if (m_podmanMissing)                                                                                 \
            QSKIP(qPrintable(m_podmanProblem));                                                              \
        if (!m_podman || !m_imageBuilt)                                                                      \
            QFAIL(qPrintable(QStringLiteral("Podman is not usable: %1").arg(m_podmanProblem)));              \
    } while (false)

class TestDockerClient : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void multiplexedStream_data();
    void multiplexedStream();
    void multiplexedStreamCutsVeryLongLines();
    void jsonLines_data();
    void jsonLines();
    void hostMustBeAUnixSocket_data();
    void hostMustBeAUnixSocket();
    void unreachableSocketNamesItAndHowToStartAnEngine();

    void versionAndPing();
    void errorStatusCarriesTheEngineMessage();
    void buildOutputStreamsAsJsonLines_data();
    void buildOutputStreamsAsJsonLines();
    void cancelAbortsALongBuild();
    void containerLogsSplitIntoStreams();
    void followedLogsEndWhenTheContainerExits();
    void handlerReturningFalseStopsAFollowedStream();

private:
    QString createContainer(const QStringList &command);
    QStringList followLogs(const QString &containerId, int *status,
                           const std::function<bool(const QStringList &)> &keepGoing = {});

    std::unique_ptr<tests::PodmanService> m_podman;
    std::unique_ptr<DockerClient> m_client;
    QString m_podmanProblem;
    bool m_podmanMissing = false;
    bool m_imageBuilt = false;
};

void TestDockerClient::initTestCase()
{
    if (!tests::PodmanService::available(&m_podmanProblem)) {
        m_podmanMissing = true;
        return;
    }
    auto podman = std::make_unique<tests::PodmanService>();
    if (!podman->start(&m_podmanProblem))
        return;
    m_podman = std::move(podman);
    m_client = std::make_unique<DockerClient>(m_podman->host());
    m_imageBuilt = tests::buildBusyboxImage(
        *m_client, QStringLiteral("vitrine-test/busybox:latest"), {},
        {{QStringLiteral("vitrine.test"), QStringLiteral("docker-client")}}, &m_podmanProblem);
}

void TestDockerClient::cleanupTestCase()
{
    m_client.reset();
    m_podman.reset();
}

void TestDockerClient::multiplexedStream_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("one line") << frame(1, "hello\n") << QStringList{QStringLiteral("out:hello")};
    QTest::newRow("both streams keep their own order")
        << frame(1, "out1\n") + frame(2, "err1\n") + frame(1, "out2\n")
        << QStringList{QStringLiteral("out:out1"), QStringLiteral("err:err1"), QStringLiteral("out:out2")};
    QTest::newRow("a line spanning frames")
        << frame(1, "hel") + frame(1, "lo\nwor") + frame(1, "ld\n")
        << QStringList{QStringLiteral("out:hello"), QStringLiteral("out:world")};
    QTest::newRow("a line of one stream around a line of the other")
        << frame(1, "begin ") + frame(2, "error\n") + frame(1, "end\n")
        << QStringList{QStringLiteral("err:error"), QStringLiteral("out:begin end")};
    QTest::newRow("empty frames") << frame(1, "") + frame(2, "") + frame(1, "a\n") + frame(1, "")
                                  << QStringList{QStringLiteral("out:a")};
    QTest::newRow("empty lines") << frame(1, "\n\nx\n")
                                 << QStringList{QStringLiteral("out:"), QStringLiteral("out:"),
                                                QStringLiteral("out:x")};
    QTest::newRow("no final newline")
        << frame(1, "done\nlast") + frame(2, "oops")
        << QStringList{QStringLiteral("out:done"), QStringLiteral("out:last"), QStringLiteral("err:oops")};
    QTest::newRow("several lines in one frame")
        << frame(2, "a\nb\nc\n")
        << QStringList{QStringLiteral("err:a"), QStringLiteral("err:b"), QStringLiteral("err:c")};
    QTest::newRow("stdin echo and engine errors")
        << frame(0, "typed\n") + frame(3, "engine trouble\n")
        << QStringList{QStringLiteral("out:typed"), QStringLiteral("err:engine trouble")};
    QTest::newRow("UTF-8 across frames")
        << frame(1, "caf\xc3") + frame(1, "\xa9\n") << QStringList{QStringLiteral("out:caf\u00e9")};
    QTest::newRow("nothing") << QByteArray() << QStringList{};
}

void TestDockerClient::multiplexedStream()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    for (const QList<QByteArray> &chunks : everySplit(input))
        QCOMPARE(decodeMultiplexed(chunks), expected);
}

void TestDockerClient::multiplexedStreamCutsVeryLongLines()
{
    const QByteArray longLine(200 * 1024, 'x');
    const QStringList lines = decodeMultiplexed({frame(1, longLine + '\n')});
    QVERIFY(lines.size() > 1);
    QCOMPARE(lines.join(QString()).remove(QStringLiteral("out:")).size(), longLine.size());
}

void TestDockerClient::jsonLines_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("two documents") << QByteArray(R"({"stream":"a"})"
                                                 "\n"
                                                 R"({"stream":"b"})"
                                                 "\n")
                                   << QStringList{QStringLiteral(R"({"stream":"a"})"),
                                                  QStringLiteral(R"({"stream":"b"})")};
    QTest::newRow("no final newline") << QByteArray(R"({"aux":{"ID":"sha256:1"}})")
                                      << QStringList{QStringLiteral(R"({"aux":{"ID":"sha256:1"}})")};
    QTest::newRow("blank lines and CRLF")
        << QByteArray("\r\n{\"a\":1}\r\n\n  \n{\"b\":2}\r\n")
        << QStringList{QStringLiteral(R"({"a":1})"), QStringLiteral(R"({"b":2})")};
    QTest::newRow("a newline inside a string is escaped")
        << QByteArray(R"({"stream":"line\nnext"})")
        << QStringList{QStringLiteral(R"({"stream":"line\nnext"})")};
    QTest::newRow("a line that is not JSON is skipped")
        << QByteArray("not json\n{\"ok\":true}\n") << QStringList{QStringLiteral(R"({"ok":true})")};
    QTest::newRow("nothing") << QByteArray() << QStringList{};
}

void TestDockerClient::jsonLines()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    for (const QList<QByteArray> &chunks : everySplit(input))
        QCOMPARE(decodeJsonLines(chunks), expected);
}

void TestDockerClient::hostMustBeAUnixSocket_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("socketPath");

    QTest::newRow("unix URL") << QStringLiteral("unix:///run/podman/podman.sock")
                              << QStringLiteral("/run/podman/podman.sock");
    QTest::newRow("bare path") << QStringLiteral("/var/run/docker.sock")
                               << QStringLiteral("/var/run/docker.sock");
    QTest::newRow("tcp") << QStringLiteral("tcp://127.0.0.1:2375") << QString();
    QTest::newRow("relative path") << QStringLiteral("unix://podman.sock") << QString();
    QTest::newRow("empty") << QString() << QString();
}

void TestDockerClient::hostMustBeAUnixSocket()
{
    QFETCH(QString, host);
    QFETCH(QString, socketPath);
    if (!socketPath.isEmpty()) {
        QCOMPARE(DockerClient(host).socketPath(), socketPath);
        return;
    }
    try {
        DockerClient client(host);
        QFAIL("the host was accepted");
    } catch (const domain::Error &error) {
        QCOMPARE(error.kind(), domain::ErrorKind::BadRequest);
        QCOMPARE(error.field(), QStringLiteral("--docker-host"));
        QVERIFY2(error.message().contains(QStringLiteral("unix:///PATH")), qPrintable(error.message()));
    }
}

void TestDockerClient::unreachableSocketNamesItAndHowToStartAnEngine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString socketPath = dir.filePath(QStringLiteral("missing.sock"));
    DockerClient client(QStringLiteral("unix://") + socketPath);
    const auto expectUnreachable = [&](const std::function<void()> &call) {
        try {
            call();
            QFAIL("the call reached an engine");
        } catch (const domain::Error &error) {
            QCOMPARE(error.kind(), domain::ErrorKind::FailedPrecondition);
            QVERIFY2(error.message().contains(socketPath), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("no such file or directory")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("podman system service")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("docker daemon")), qPrintable(error.message()));
        }
    };
    expectUnreachable([&] { client.request("GET", QStringLiteral("/_ping")); });
    expectUnreachable([&] {
        client.stream("GET", QStringLiteral("/events"), nullptr, {}, [](QByteArrayView) { return true; });
    });
}

void TestDockerClient::versionAndPing()
{
    REQUIRE_PODMAN();
    const DockerResponse ping = m_client->request("GET", QStringLiteral("/_ping"));
    QCOMPARE(ping.status, 200);
    QCOMPARE(ping.body, QByteArray("OK"));
    const DockerResponse version = m_client->request("GET", QStringLiteral("/version"));
    QVERIFY(version.ok());
    QCOMPARE(version.json().object().value(QStringLiteral("ApiVersion")).toString(), QStringLiteral("1.41"));
}

void TestDockerClient::errorStatusCarriesTheEngineMessage()
{
    REQUIRE_PODMAN();
    const DockerResponse missingImage =
        m_client->request("GET", QStringLiteral("/images/vitrine-no-such-image/json"));
    QCOMPARE(missingImage.status, 404);
    QVERIFY(!missingImage.ok());
    QVERIFY2(missingImage.errorMessage().contains(QStringLiteral("vitrine-no-such-image")),
             qPrintable(missingImage.errorMessage()));

    const DockerResponse badCreate = m_client->request("POST", QStringLiteral("/containers/create"),
                                                       R"({"Image":"vitrine-no-such-image:1"})");
    QCOMPARE(badCreate.status, 404);
    QVERIFY2(badCreate.errorMessage().contains(QStringLiteral("no such image")),
             qPrintable(badCreate.errorMessage()));
}

void TestDockerClient::buildOutputStreamsAsJsonLines_data()
{
    QTest::addColumn<bool>("sizeKnown");
    QTest::newRow("context of a known size") << true;
    QTest::newRow("context sent chunked") << false;
}

void TestDockerClient::buildOutputStreamsAsJsonLines()
{
    QFETCH(bool, sizeKnown);
    REQUIRE_PODMAN();
    QString error;
    QByteArray context = tests::busyboxBuildContext(
        {QStringLiteral("RUN echo step-one"), QStringLiteral("COPY greeting.txt /greeting.txt"),
         QStringLiteral("RUN cat /greeting.txt"), QStringLiteral("RUN exit 3")},
        {{QStringLiteral("greeting.txt"), "hello from the context\n"}}, &error);
    QVERIFY2(!context.isEmpty(), qPrintable(error));
    std::unique_ptr<QIODevice> upload;
    if (sizeKnown)
        upload = std::make_unique<QBuffer>(&context);
    else
        upload = std::make_unique<SequentialReader>(context);
    QVERIFY(upload->open(QIODevice::ReadOnly));

    // The last step fails: its error comes as a document of its own, after the output of the others.
    QStringList output;
    QString buildError;
    int chunks = 0;
    JsonLinesDecoder decoder([&](const QJsonDocument &document) {
        output << document.object().value(QStringLiteral("stream")).toString();
        if (document.object().contains(QStringLiteral("error")))
            buildError = document.object().value(QStringLiteral("error")).toString();
    });
    const int status =
        m_client->stream("POST", QStringLiteral("/build?t=vitrine-test/streamed:1&rm=1&nocache=1"),
                         upload.get(), "application/x-tar", [&](QByteArrayView chunk) {
                             ++chunks;
                             decoder.feed(chunk);
                             return true;
                         });
    decoder.finish();
    QCOMPARE(status, 200);
    QVERIFY2(chunks > 1, "the build output came in one piece");
    QVERIFY2(output.contains(QStringLiteral("step-one\n")), qPrintable(output.join(QString())));
    QVERIFY2(output.contains(QStringLiteral("hello from the context\n")), qPrintable(output.join(QString())));
    QVERIFY2(buildError.contains(QStringLiteral("exit status 3")), qPrintable(buildError));
}

void TestDockerClient::cancelAbortsALongBuild()
{
    REQUIRE_PODMAN();
    QString error;
    QByteArray context = tests::busyboxBuildContext(
        {QStringLiteral("RUN echo sleeping && sleep 30"), QStringLiteral("RUN echo never")}, {}, &error);
    QVERIFY2(!context.isEmpty(), qPrintable(error));
    QBuffer upload(&context);
    QVERIFY(upload.open(QIODevice::ReadOnly));

    std::atomic_bool cancel = false;
    std::atomic_bool sleeping = false;
    QStringList output;
    JsonLinesDecoder decoder([&](const QJsonDocument &document) {
        output << document.object().value(QStringLiteral("stream")).toString();
        if (output.last() == u"sleeping\n")
            sleeping = true;
    });
    // The cancel comes from another thread, as a user's would.
    std::thread canceller([&] {
        while (!sleeping)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        cancel = true;
    });
    const auto cancelWhenDone = qScopeGuard([&] {
        sleeping = true;
        canceller.join();
    });
    const int status = m_client->stream(
        "POST", QStringLiteral("/build?t=vitrine-test/cancelled:1&rm=1"), &upload, "application/x-tar",
        [&](QByteArrayView chunk) {
            decoder.feed(chunk);
            return true;
        },
        &cancel);
    QVERIFY(cancel);
    QCOMPARE(status, 200);
    QVERIFY2(!output.contains(QStringLiteral("never\n")), qPrintable(output.join(QString())));
    QVERIFY(m_client->request("GET", QStringLiteral("/_ping")).ok());
}

QString TestDockerClient::createContainer(const QStringList &command)
{
    const QJsonObject spec{
        {QStringLiteral("Image"), QStringLiteral("vitrine-test/busybox:latest")},
        {QStringLiteral("Cmd"), QJsonArray::fromStringList(command)},
        {QStringLiteral("HostConfig"), QJsonObject{{QStringLiteral("NetworkMode"), QStringLiteral("none")}}}};
    const DockerResponse created = m_client->request("POST", QStringLiteral("/containers/create"),
                                                     QJsonDocument(spec).toJson(QJsonDocument::Compact));
    if (created.status != 201)
        return {};
    const QString id = created.json().object().value(QStringLiteral("Id")).toString();
    const DockerResponse started = m_client->request("POST", QStringLiteral("/containers/%1/start").arg(id));
    return started.ok() ? id : QString();
}

QStringList TestDockerClient::followLogs(const QString &containerId, int *status,
                                         const std::function<bool(const QStringList &)> &keepGoing)
{
    QStringList lines;
    MultiplexedStreamDecoder decoder(
        [&](MultiplexedStreamDecoder::Stream stream, const QString &line) { lines << tagged(stream, line); });
    *status = m_client->stream(
        "GET", QStringLiteral("/containers/%1/logs?stdout=1&stderr=1&follow=1").arg(containerId), nullptr, {},
        [&](QByteArrayView chunk) {
            decoder.feed(chunk);
            return !keepGoing || keepGoing(lines);
        });
    decoder.finish();
    return lines;
}

void TestDockerClient::containerLogsSplitIntoStreams()
{
    REQUIRE_PODMAN();
    const QString id =
        createContainer({QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf last")});
    QVERIFY(!id.isEmpty());
    QVERIFY(m_client->request("POST", QStringLiteral("/containers/%1/wait").arg(id)).ok());

    QStringList stdoutLines;
    QStringList stderrLines;
    MultiplexedStreamDecoder decoder([&](MultiplexedStreamDecoder::Stream stream, const QString &line) {
        (stream == MultiplexedStreamDecoder::Stream::Stdout ? stdoutLines : stderrLines) << line;
    });
    const DockerResponse logs =
        m_client->request("GET", QStringLiteral("/containers/%1/logs?stdout=1&stderr=1").arg(id));
    QCOMPARE(logs.status, 200);
    decoder.feed(logs.body);
    decoder.finish();
    QCOMPARE(stdoutLines,
             (QStringList{QStringLiteral("out1"), QStringLiteral("out2"), QStringLiteral("last")}));
    QCOMPARE(stderrLines, (QStringList{QStringLiteral("err1"), QStringLiteral("err2")}));
    QCOMPARE(m_client->request("DELETE", QStringLiteral("/containers/%1?force=1").arg(id)).status, 204);
}

void TestDockerClient::followedLogsEndWhenTheContainerExits()
{
    REQUIRE_PODMAN();
    const QString id =
        createContainer({QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("for i in 1 2 3; do echo line$i; sleep 1; done; echo bye >&2")});
    QVERIFY(!id.isEmpty());
    int status = 0;
    const QStringList lines = followLogs(id, &status);
    QCOMPARE(status, 200);
    QCOMPARE(lines, (QStringList{QStringLiteral("out:line1"), QStringLiteral("out:line2"),
                                 QStringLiteral("out:line3"), QStringLiteral("err:bye")}));
    const QJsonObject state = m_client->request("GET", QStringLiteral("/containers/%1/json").arg(id))
                                  .json()
                                  .object()[QStringLiteral("State")]
                                  .toObject();
    QCOMPARE(state.value(QStringLiteral("Status")).toString(), QStringLiteral("exited"));
    QCOMPARE(m_client->request("DELETE", QStringLiteral("/containers/%1?force=1").arg(id)).status, 204);
}

void TestDockerClient::handlerReturningFalseStopsAFollowedStream()
{
    REQUIRE_PODMAN();
    const QString id = createContainer(
        {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo started; sleep 300")});
    QVERIFY(!id.isEmpty());
    int status = 0;
    const QStringList lines =
        followLogs(id, &status, [](const QStringList &linesSoFar) { return linesSoFar.isEmpty(); });
    QCOMPARE(status, 200);
    QCOMPARE(lines, QStringList{QStringLiteral("out:started")});
    const QJsonObject state = m_client->request("GET", QStringLiteral("/containers/%1/json").arg(id))
                                  .json()
                                  .object()[QStringLiteral("State")]
                                  .toObject();
    QCOMPARE(state.value(QStringLiteral("Status")).toString(), QStringLiteral("running"));
    QCOMPARE(m_client->request("DELETE", QStringLiteral("/containers/%1?force=1&t=0").arg(id)).status, 204);
}

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_docker_client.moc"
