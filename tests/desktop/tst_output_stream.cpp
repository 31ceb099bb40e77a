// OutputStream against a real vitrine-server running a python app that prints a line every 20 ms.

#include "client/output_stream.h"
#include "git_fixture.h"
#include "stream_test_support.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace std::chrono_literals;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::OutputStream;
using vitrine::desktop::StreamedLogLine;
using vitrine::desktop::StreamStatus;
using vitrine::tests::GitFixture;
using vitrine::tests::itemsIn;
using vitrine::tests::ServerProcess;
using vitrine::tests::settingsFor;
namespace v1 = vitrine::v1;

namespace {

// Building and starting the app takes seconds; the margin is for a loaded machine.
constexpr int kAppLiveTimeoutMs = 60'000;

const QByteArray kTickerSource = R"(import http.server, os, threading, time

def tick():
    n = 0
    while True:
        print("tick", n, flush=True)
        n += 1
        time.sleep(0.02)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

threading.Thread(target=tick, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)";

// Nothing listens on port 1 of the loopback: connecting is refused at once.
ConnectionSettings refusingServer()
{
    ConnectionSettings settings;
    settings.serverAddress = QStringLiteral("127.0.0.1:1");
    settings.token = QStringLiteral("some-token");
    return settings;
}

bool reached(const QSignalSpy &statuses, StreamStatus::State state)
{
    for (const QList<QVariant> &signal : statuses)
        if (signal.at(0).value<StreamStatus>().state == state)
            return true;
    return false;
}

} // namespace

class OutputStreamTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void resumesAfterServerRestartWithEveryLineOnce();
    void refusesAnUnknownApplication();
    void waitsLongerAfterEachFailedTry();
    void stopsAtOnceWhileWaitingToReconnect();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<GitFixture> m_git;
};

void OutputStreamTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = vitrine::tests::restartableServer();
    QVERIFY(m_server);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void OutputStreamTest::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

void OutputStreamTest::resumesAfterServerRestartWithEveryLineOnce()
{
    m_git = std::make_unique<GitFixture>(m_dir.path());
    m_git->commit(QStringLiteral("main"), {{QStringLiteral("app.py"), kTickerSource}},
                  QStringLiteral("ticker"));
    v1::CreateApplicationRequest application;
    application.set_name("ticker");
    application.set_ref("main");
    application.mutable_build()->set_type(v1::BUILD_TYPE_RUNTIME_CMD);
    application.mutable_build()->set_start_command("python3 -u app.py");
    vitrine::tests::createApplication(*m_server, "ticker", m_git->bareUrl(), application);
    if (QTest::currentTestFailed())
        return;

    OutputStream stream(settingsFor(*m_server), QStringLiteral("ticker"), 1000);
    QSignalSpy lines(&stream, &OutputStream::linesReceived);
    QSignalSpy statuses(&stream, &OutputStream::statusChanged);
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(itemsIn<StreamedLogLine>(lines).size() >= 20, kAppLiveTimeoutMs);
    QCOMPARE(stream.status().state, StreamStatus::State::Live);

    QCOMPARE(m_server->stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(reached(statuses, StreamStatus::State::Reconnecting), 10'000);
    const qint64 lastSeqBeforeRestart = itemsIn<StreamedLogLine>(lines).constLast().seq;
    statuses.clear();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));

    // The app runs again after the restart and prints on; the stream picks up where it left off.
    QTRY_VERIFY_WITH_TIMEOUT(itemsIn<StreamedLogLine>(lines).constLast().seq >= lastSeqBeforeRestart + 20,
                             kAppLiveTimeoutMs);
    QVERIFY(reached(statuses, StreamStatus::State::Live));
    stream.stop();

    const QList<StreamedLogLine> received = itemsIn<StreamedLogLine>(lines);
    QCOMPARE(received.constFirst().seq, 1);
    for (qsizetype i = 1; i < received.size(); ++i)
        QCOMPARE(received.at(i).seq, received.at(i - 1).seq + 1);
}

void OutputStreamTest::refusesAnUnknownApplication()
{
    OutputStream stream(settingsFor(*m_server), QStringLiteral("no-such-app"));
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(stream.status().state, StreamStatus::State::Failed, 10'000);
    QVERIFY2(stream.status().reason.contains(QStringLiteral("no-such-app")),
             qPrintable(stream.status().reason));
}

void OutputStreamTest::waitsLongerAfterEachFailedTry()
{
    OutputStream stream(refusingServer(), QStringLiteral("anything"));
    QSignalSpy statuses(&stream, &OutputStream::statusChanged);
    stream.start();
    QList<std::chrono::milliseconds> delays;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            delays.clear();
            for (const QList<QVariant> &signal : statuses) {
                const auto status = signal.at(0).value<StreamStatus>();
                if (status.state == StreamStatus::State::Reconnecting)
                    delays.append(status.retryIn);
            }
            return delays.size() >= 3;
        }(),
        10'000);
    QCOMPARE(delays.mid(0, 3), (QList<std::chrono::milliseconds>{500ms, 1000ms, 2000ms}));
    QVERIFY(!stream.status().reason.isEmpty());
}

void OutputStreamTest::stopsAtOnceWhileWaitingToReconnect()
{
    OutputStream stream(refusingServer(), QStringLiteral("anything"));
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.status().state == StreamStatus::State::Reconnecting &&
                                 stream.status().retryIn >= 2000ms,
                             10'000);
    QSignalSpy statuses(&stream, &OutputStream::statusChanged);
    QElapsedTimer stopping;
    stopping.start();
    stream.stop();
    // Well before the 2 s wait for the next try would have run out.
    QVERIFY(stopping.elapsed() < 1000);
    QCOMPARE(stream.status().state, StreamStatus::State::Stopped);
    QTest::qWait(100);
    QCOMPARE(statuses.size(), 1);
}

QTEST_MAIN(OutputStreamTest)
#include "tst_output_stream.moc"
