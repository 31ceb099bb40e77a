#include "adapters/runtime/process/process_runtime.h"
#include "adapters/sandbox/sandbox_cgroup.h"
#include "processes.h"
#include "recording_runtime_observer.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace vitrine::domain;
using vitrine::adapters::runtime::ProcessRuntime;
using vitrine::adapters::runtime::ProcessRuntimeOptions;
using vitrine::tests::processWithArgumentRuns;
using vitrine::tests::RecordingRuntimeObserver;
using ReportedExit = RecordingRuntimeObserver::ReportedExit;

namespace {

// Generous: the machine may be busy with builds; QTRY_* return as soon as the condition holds.
constexpr int kWaitMilliseconds = 30000;

// A small web app: GET / answers the value of $GREETING, GET /health answers $HEALTH_STATUS (200 unless set).
const char kApp[] = R"(import http.server, os, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = int(os.environ.get('HEALTH_STATUS', '200')) if self.path == '/health' else 200
        body = os.environ.get('GREETING', '').encode()
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

print('listening on', os.environ['PORT'], flush=True)
print('ready', file=sys.stderr, flush=True)
http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), Handler).serve_forever()
)";

InstanceStatus statusOf(ProcessRuntime &runtime, const QString &instanceId)
{
    const QList<InstanceStatus> statuses = runtime.instances();
    for (const InstanceStatus &status : statuses) {
        if (status.instanceId == instanceId)
            return status;
    }
    return {};
}

quint16 portOf(const QString &upstream)
{
    return upstream.section(QLatin1Char(':'), 1).toUShort();
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(2000);
}

// The body of GET path on upstream ("127.0.0.1:PORT").
QByteArray httpGet(const QString &upstream, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, portOf(upstream));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
    QByteArray response;
    while (socket.waitForReadyRead(5000))
        response += socket.readAll();
    response += socket.readAll();
    const qsizetype bodyStart = response.indexOf("\r\n\r\n");
    return bodyStart < 0 ? QByteArray() : response.mid(bodyStart + 4);
}

} // namespace

class TestProcessRuntime : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void runsAnAppUntilStopped_data();
    void runsAnAppUntilStopped();
    void deliversOutputLineByLine();
    void restartsACrashingCommand();
    void errorsWhenNeverHealthy_data();
    void errorsWhenNeverHealthy();
    void reportsOutOfMemory();
    void samplesUsage();
    void leavesOtherInstancesAlone();
    void stopsGracefullyThenForcefully_data();
    void stopsGracefullyThenForcefully();
    void stopsEveryInstanceWhenDestroyed();

private:
    InstanceSpec appSpec(const QString &instanceId) const;

    std::unique_ptr<QTemporaryDir> m_release;
    std::unique_ptr<RecordingRuntimeObserver> m_observer; // fresh for each test, like the runtime
    std::unique_ptr<ProcessRuntime> m_runtime;
};

void TestProcessRuntime::init()
{
    m_release = std::make_unique<QTemporaryDir>();
    QVERIFY(m_release->isValid());
    QFile app(m_release->filePath(QStringLiteral("app.py")));
    QVERIFY(app.open(QIODevice::WriteOnly));
    app.write(kApp);
    app.close();

    m_observer = std::make_unique<RecordingRuntimeObserver>();
    ProcessRuntimeOptions options;
    options.stopGracePeriod = std::chrono::milliseconds(2000);
    options.initialBackoff = std::chrono::milliseconds(50);
    options.maximumBackoff = std::chrono::milliseconds(400);
    options.probeInterval = std::chrono::milliseconds(50);
    m_runtime = std::make_unique<ProcessRuntime>(options);
    m_runtime->setObserver(m_observer.get());
}

void TestProcessRuntime::cleanup()
{
    m_runtime.reset();
    m_observer.reset();
}

InstanceSpec TestProcessRuntime::appSpec(const QString &instanceId) const
{
    InstanceSpec spec;
    spec.instanceId = instanceId;
    spec.applicationId = QStringLiteral("app-1");
    spec.applicationName = QStringLiteral("hello");
    spec.buildId = QStringLiteral("build-1");
    spec.releaseDirectory = m_release->path();
    spec.startCommand = QStringLiteral("exec python3 app.py");
    spec.env = {{QStringLiteral("GREETING"), QStringLiteral("hello from vitrine")}};
    spec.health.timeoutSeconds = 30;
    return spec;
}

void TestProcessRuntime::runsAnAppUntilStopped_data()
{
    QTest::addColumn<QString>("healthPath");

    QTest::newRow("port accepts connections") << QString();
    QTest::newRow("health path answers 2xx") << QStringLiteral("/health");
}

void TestProcessRuntime::runsAnAppUntilStopped()
{
    QFETCH(QString, healthPath);

    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.health.httpPath = healthPath;
    m_runtime->converge(spec.applicationId, {spec});
    QCOMPARE(m_runtime->instances(spec.applicationId).size(), 1);

    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).state, InstanceState::Running,
                              kWaitMilliseconds);
    const InstanceStatus status = statusOf(*m_runtime, spec.instanceId);
    QVERIFY(status.upstream.startsWith(QStringLiteral("127.0.0.1:")));
    QVERIFY(status.startedAt.isValid());
    QCOMPARE(status.restartCount, 0);
    QVERIFY(m_observer->states(spec.instanceId).contains(InstanceState::Running));
    QCOMPARE(httpGet(status.upstream, "/"), QByteArray("hello from vitrine"));

    m_runtime->converge(spec.applicationId, {});
    QVERIFY(m_runtime->instances(spec.applicationId).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!accepts(portOf(status.upstream)), kWaitMilliseconds);
    QVERIFY(m_observer->exits(spec.instanceId).isEmpty());
}

void TestProcessRuntime::deliversOutputLineByLine()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand = QStringLiteral("printf 'one\\ntwo\\n'; echo oops >&2; printf 'three'; exec sleep 60");
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stdout).size(), 2,
                              kWaitMilliseconds);
    QCOMPARE(m_observer->lines(spec.instanceId, LogStream::Stdout),
             (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stderr),
                              QStringList{QStringLiteral("oops")}, kWaitMilliseconds);

    // The last line has no newline: it arrives when the output ends.
    m_runtime->converge(spec.applicationId, {});
    QTRY_COMPARE_WITH_TIMEOUT(
        m_observer->lines(spec.instanceId, LogStream::Stdout),
        (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}),
        kWaitMilliseconds);
}

void TestProcessRuntime::restartsACrashingCommand()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand = QStringLiteral("echo starting; exit 3");
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).restartCount >= 2, kWaitMilliseconds);
    QVERIFY(m_observer->lines(spec.instanceId, LogStream::Stdout).size() >= 2);
    const QList<ReportedExit> exits = m_observer->exits(spec.instanceId);
    QVERIFY(exits.size() >= 2);
    for (const ReportedExit &reported : exits) {
        QCOMPARE(reported.exit.exitCode, 3);
        QCOMPARE(reported.exit.signal, 0);
        QVERIFY(reported.exit.willRestart);
        QVERIFY(!reported.exit.outOfMemory);
        QCOMPARE(reported.exit.detail, QStringLiteral("exit code 3"));
    }
    QVERIFY(exits[1].status.restartCount > exits[0].status.restartCount);
    QVERIFY(m_observer->states(spec.instanceId).contains(InstanceState::Restarting));

    m_runtime->converge(spec.applicationId, {});
    QVERIFY(m_runtime->instances().isEmpty());
}

void TestProcessRuntime::errorsWhenNeverHealthy_data()
{
    QTest::addColumn<QString>("startCommand");
    QTest::addColumn<QString>("healthPath");

    QTest::newRow("port never opens") << QStringLiteral("exec sleep 60") << QString();
    QTest::newRow("health path answers 503")
        << QStringLiteral("HEALTH_STATUS=503 exec python3 app.py") << QStringLiteral("/health");
}

void TestProcessRuntime::errorsWhenNeverHealthy()
{
    QFETCH(QString, startCommand);
    QFETCH(QString, healthPath);

    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand = startCommand;
    spec.health.httpPath = healthPath;
    spec.health.timeoutSeconds = 1;
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).state, InstanceState::Errored,
                              kWaitMilliseconds);
    const InstanceStatus status = statusOf(*m_runtime, spec.instanceId);
    QCOMPARE(status.detail, QStringLiteral("not healthy after 1 s"));
    QCOMPARE(status.restartCount, 0);
    QVERIFY(!m_observer->states(spec.instanceId).contains(InstanceState::Running));
    const QList<ReportedExit> exits = m_observer->exits(spec.instanceId);
    QCOMPARE(exits.size(), 1);
    QVERIFY(!exits[0].exit.willRestart);
}

void TestProcessRuntime::reportsOutOfMemory()
{
    const qint64 limit = 64LL << 20;
    QString whyNoCgroup;
    if (!vitrine::adapters::sandbox::SandboxCgroup::create(QStringLiteral("vitrine-test"), {limit, 0}, {},
                                                           &whyNoCgroup)) {
        QSKIP(qPrintable(QStringLiteral("memory limits are not enforced on this host: ") + whyNoCgroup));
    }

    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand =
        QStringLiteral("exec python3 -c \"x = b'x' * (200 << 20); import time; time.sleep(60)\"");
    spec.limits.memoryBytes = limit;
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_VERIFY_WITH_TIMEOUT(!m_observer->exits(spec.instanceId).isEmpty(), kWaitMilliseconds);
    const InstanceExit exit = m_observer->exits(spec.instanceId).first().exit;
    QVERIFY(exit.outOfMemory);
    QCOMPARE(exit.detail, QStringLiteral("out of memory (limit 64 MiB)"));
    QVERIFY(exit.willRestart);
}

void TestProcessRuntime::samplesUsage()
{
    const InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    m_runtime->converge(spec.applicationId, {spec});
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).state, InstanceState::Running,
                              kWaitMilliseconds);

    const QList<InstanceUsage> usages = m_runtime->sampleUsage();
    QCOMPARE(usages.size(), 1);
    QCOMPARE(usages[0].instanceId, spec.instanceId);
    QCOMPARE(usages[0].applicationName, spec.applicationName);
    QVERIFY(usages[0].memoryBytes > 0);
    QVERIFY(usages[0].cpuSeconds >= 0);
}

void TestProcessRuntime::leavesOtherInstancesAlone()
{
    const InstanceSpec first = appSpec(QStringLiteral("build-1.1"));
    InstanceSpec second = appSpec(QStringLiteral("build-1.2"));
    second.env[QStringLiteral("GREETING")] = QStringLiteral("second");
    InstanceSpec otherApp = appSpec(QStringLiteral("build-2.1"));
    otherApp.applicationId = QStringLiteral("app-2");
    m_runtime->converge(first.applicationId, {first});
    m_runtime->converge(otherApp.applicationId, {otherApp});
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, first.instanceId).state, InstanceState::Running,
                              kWaitMilliseconds);
    const QString firstUpstream = statusOf(*m_runtime, first.instanceId).upstream;

    // A deploy: the new instance beside the old one, then the old one goes.
    m_runtime->converge(first.applicationId, {first, second});
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, second.instanceId).state, InstanceState::Running,
                              kWaitMilliseconds);
    const QString secondUpstream = statusOf(*m_runtime, second.instanceId).upstream;
    QVERIFY(secondUpstream != firstUpstream);
    QCOMPARE(httpGet(firstUpstream, "/"), QByteArray("hello from vitrine"));
    QCOMPARE(httpGet(secondUpstream, "/"), QByteArray("second"));

    m_runtime->converge(first.applicationId, {second});
    QTRY_VERIFY_WITH_TIMEOUT(!accepts(portOf(firstUpstream)), kWaitMilliseconds);
    QCOMPARE(httpGet(secondUpstream, "/"), QByteArray("second"));
    QCOMPARE(statusOf(*m_runtime, second.instanceId).restartCount, 0);
    QCOMPARE(m_runtime->instances(otherApp.applicationId).size(), 1);
    QCOMPARE(m_runtime->instances().size(), 2);
}

void TestProcessRuntime::stopsGracefullyThenForcefully_data()
{
    QTest::addColumn<QString>("onTerm");
    QTest::addColumn<QStringList>("lastLines");

    QTest::newRow("app handles SIGTERM")
        << QStringLiteral("echo bye; exit 0") << QStringList{QStringLiteral("up"), QStringLiteral("bye")};
    QTest::newRow("app ignores SIGTERM") << QString() << QStringList{QStringLiteral("up")};
}

void TestProcessRuntime::stopsGracefullyThenForcefully()
{
    QFETCH(QString, onTerm);
    QFETCH(QStringList, lastLines);

    const QString marker =
        QStringLiteral("vitrine-test-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand =
        QStringLiteral("exec sh -c 'trap \"%1\" TERM; echo up; while :; do sleep 0.1; done' %2")
            .arg(onTerm, marker);
    m_runtime->converge(spec.applicationId, {spec});
    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stdout),
                              QStringList{QStringLiteral("up")}, kWaitMilliseconds);
    QVERIFY(processWithArgumentRuns(marker.toUtf8()));

    m_runtime->converge(spec.applicationId, {});
    QTRY_VERIFY_WITH_TIMEOUT(!processWithArgumentRuns(marker.toUtf8()), kWaitMilliseconds);
    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stdout), lastLines,
                              kWaitMilliseconds);
    QVERIFY(m_observer->exits(spec.instanceId).isEmpty());
}

void TestProcessRuntime::stopsEveryInstanceWhenDestroyed()
{
    const InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    m_runtime->converge(spec.applicationId, {spec});
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).state, InstanceState::Running,
                              kWaitMilliseconds);
    const quint16 port = portOf(statusOf(*m_runtime, spec.instanceId).upstream);

    m_runtime.reset();
    QVERIFY(!accepts(port));
    QVERIFY(m_observer->exits(spec.instanceId).isEmpty());
}

QTEST_GUILESS_MAIN(TestProcessRuntime)
#include "tst_process_runtime.moc"
