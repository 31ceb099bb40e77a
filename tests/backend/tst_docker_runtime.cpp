#include "adapters/docker/docker_client.h"
#include "adapters/runtime/docker/container_requests.h"
#include "adapters/runtime/docker/docker_runtime.h"
#include "podman_service.h"
#include "recording_runtime_observer.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace vitrine::domain;
using vitrine::adapters::docker::DockerClient;
using vitrine::adapters::runtime::DockerRuntime;
using vitrine::adapters::runtime::DockerRuntimeOptions;
using vitrine::tests::PodmanService;
using vitrine::tests::RecordingRuntimeObserver;
using ReportedExit = RecordingRuntimeObserver::ReportedExit;

namespace {

// Generous: the machine may be busy with builds; QTRY_* return as soon as the condition holds.
constexpr int kWaitMilliseconds = 30000;

const QString kImage = QStringLiteral("localhost/vitrine-test/busybox:latest");
const QString kServerId = QStringLiteral("tst-docker-runtime");

// Serves $GREETING at / with busybox's httpd, after saying so on stdout and stderr.
const QString kWebApp = QStringLiteral("mkdir -p /www && echo \"$GREETING\" > /www/index.html && "
                                       "echo \"listening on $PORT with $GREETING\" && echo ready >&2 && "
                                       "exec httpd -f -p \"$PORT\" -h /www");

InstanceStatus statusOf(DockerRuntime &runtime, const QString &instanceId)
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

class TestDockerRuntime : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void namesContainersAfterInstances_data();
    void namesContainersAfterInstances();
    void describesTheContainer();

    void runsAnAppUntilStopped_data();
    void runsAnAppUntilStopped();
    void deliversOutputLineByLine();
    void restartsACrashingContainer();
    void errorsWithoutARunnableImage_data();
    void errorsWithoutARunnableImage();
    void errorsWhenNeverHealthy();
    void reportsOutOfMemory();
    void samplesUsage();
    void removesContainersLeftByAnEarlierRun();

private:
    InstanceSpec appSpec(const QString &instanceId) const;
    // The containers of this server the engine has, running or not.
    int managedContainers();

    std::unique_ptr<PodmanService> m_podman;
    std::unique_ptr<DockerClient> m_client;
    std::unique_ptr<RecordingRuntimeObserver> m_observer; // fresh for each test, like the runtime
    std::unique_ptr<DockerRuntime> m_runtime;
};

void TestDockerRuntime::initTestCase()
{
    QString reason;
    if (!PodmanService::available(&reason))
        QSKIP(qPrintable(reason));
    m_podman = std::make_unique<PodmanService>();
    QString error;
    QVERIFY2(m_podman->start(&error), qPrintable(error));
    m_client = std::make_unique<DockerClient>(m_podman->host());
    QVERIFY2(vitrine::tests::buildBusyboxImage(*m_client, kImage, {}, {}, &error), qPrintable(error));
}

void TestDockerRuntime::init()
{
    m_observer = std::make_unique<RecordingRuntimeObserver>();
    if (!m_podman)
        return;
    DockerRuntimeOptions options;
    options.host = m_podman->host();
    options.serverId = kServerId;
    options.stopTimeout = std::chrono::seconds(1);
    options.initialBackoff = std::chrono::milliseconds(50);
    options.maximumBackoff = std::chrono::milliseconds(400);
    m_runtime = std::make_unique<DockerRuntime>(options);
    m_runtime->setObserver(m_observer.get());
}

void TestDockerRuntime::cleanup()
{
    m_runtime.reset();
    m_observer.reset();
    if (m_client)
        QCOMPARE(managedContainers(), 0);
}

void TestDockerRuntime::cleanupTestCase()
{
    m_client.reset();
    m_podman.reset();
}

InstanceSpec TestDockerRuntime::appSpec(const QString &instanceId) const
{
    InstanceSpec spec;
    spec.instanceId = instanceId;
    spec.applicationId = QStringLiteral("app-1");
    spec.applicationName = QStringLiteral("hello");
    spec.buildId = QStringLiteral("build-1");
    spec.image = kImage;
    spec.startCommand = kWebApp;
    spec.env = {{QStringLiteral("GREETING"), QStringLiteral("hello from vitrine")}};
    spec.port = 8080;
    spec.health.timeoutSeconds = 30;
    return spec;
}

int TestDockerRuntime::managedContainers()
{
    const auto response =
        m_client->request("GET", QStringLiteral("/containers/json?all=1&filters=%1")
                                     .arg(vitrine::adapters::runtime::managedContainersFilter(kServerId)));
    return response.ok() ? int(response.json().array().size()) : -1;
}

void TestDockerRuntime::namesContainersAfterInstances_data()
{
    QTest::addColumn<QString>("instanceId");
    QTest::addColumn<QString>("name");

    QTest::newRow("build id and number") << QStringLiteral("3f2a9c.1") << QStringLiteral("vitrine-3f2a9c.1");
    QTest::newRow("characters a name may not hold")
        << QStringLiteral("b/1 ü:2") << QStringLiteral("vitrine-b-1---2");
}

void TestDockerRuntime::namesContainersAfterInstances()
{
    QFETCH(QString, instanceId);
    QFETCH(QString, name);

    QCOMPARE(vitrine::adapters::runtime::containerName(instanceId), name);
}

void TestDockerRuntime::describesTheContainer()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.limits.memoryBytes = 64LL << 20;
    spec.limits.cpuMillicores = 500;
    const QJsonObject body =
        QJsonDocument::fromJson(vitrine::adapters::runtime::createContainerBody(spec, kServerId)).object();

    QCOMPARE(body.value(QStringLiteral("Image")).toString(), kImage);
    QCOMPARE(body.value(QStringLiteral("Cmd")).toArray(),
             (QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), kWebApp}));
    QCOMPARE(body.value(QStringLiteral("Env")).toArray(),
             (QJsonArray{QStringLiteral("GREETING=hello from vitrine"), QStringLiteral("PORT=8080")}));
    const QJsonObject labels = body.value(QStringLiteral("Labels")).toObject();
    QCOMPARE(labels.value(QStringLiteral("vitrine.managed")).toString(), QStringLiteral("true"));
    QCOMPARE(labels.value(QStringLiteral("vitrine.application-id")).toString(), spec.applicationId);
    QCOMPARE(labels.value(QStringLiteral("vitrine.build-id")).toString(), spec.buildId);
    QCOMPARE(labels.value(QStringLiteral("vitrine.instance-id")).toString(), spec.instanceId);
    const QJsonObject host = body.value(QStringLiteral("HostConfig")).toObject();
    QCOMPARE(host.value(QStringLiteral("Memory")).toInteger(), spec.limits.memoryBytes);
    QCOMPARE(host.value(QStringLiteral("NanoCpus")).toInteger(), 500000000);
    QCOMPARE(host.value(QStringLiteral("RestartPolicy")).toObject().value(QStringLiteral("Name")).toString(),
             QStringLiteral("no"));
    const QJsonObject binding = host.value(QStringLiteral("PortBindings"))
                                    .toObject()
                                    .value(QStringLiteral("8080/tcp"))
                                    .toArray()
                                    .at(0)
                                    .toObject();
    QCOMPARE(binding.value(QStringLiteral("HostIp")).toString(), QStringLiteral("127.0.0.1"));

    // Without a start command the image's own command runs.
    spec.startCommand.clear();
    QVERIFY(!QJsonDocument::fromJson(vitrine::adapters::runtime::createContainerBody(spec, kServerId))
                 .object()
                 .contains(QStringLiteral("Cmd")));
}

void TestDockerRuntime::runsAnAppUntilStopped_data()
{
    QTest::addColumn<QString>("healthPath");

    QTest::newRow("port accepts connections") << QString();
    QTest::newRow("health path answers 2xx") << QStringLiteral("/index.html");
}

void TestDockerRuntime::runsAnAppUntilStopped()
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
    QCOMPARE(httpGet(status.upstream, "/"), QByteArray("hello from vitrine\n"));
    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stdout),
                              QStringList{QStringLiteral("listening on 8080 with hello from vitrine")},
                              kWaitMilliseconds);
    QCOMPARE(managedContainers(), 1);

    m_runtime->converge(spec.applicationId, {});
    QVERIFY(m_runtime->instances(spec.applicationId).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(managedContainers(), 0, kWaitMilliseconds);
    QVERIFY(!accepts(portOf(status.upstream)));
    QVERIFY(m_observer->exits(spec.instanceId).isEmpty());
}

void TestDockerRuntime::deliversOutputLineByLine()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand =
        QStringLiteral("printf 'one\\ntwo\\n'; echo oops >&2; echo again >&2; printf 'three'; "
                       "exec sleep 60");
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stdout).size(), 2,
                              kWaitMilliseconds);
    QCOMPARE(m_observer->lines(spec.instanceId, LogStream::Stdout),
             (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
    QTRY_COMPARE_WITH_TIMEOUT(m_observer->lines(spec.instanceId, LogStream::Stderr),
                              (QStringList{QStringLiteral("oops"), QStringLiteral("again")}),
                              kWaitMilliseconds);

    // The last line has no newline: it arrives when the output ends.
    m_runtime->converge(spec.applicationId, {});
    QTRY_COMPARE_WITH_TIMEOUT(
        m_observer->lines(spec.instanceId, LogStream::Stdout),
        (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}),
        kWaitMilliseconds);
}

void TestDockerRuntime::restartsACrashingContainer()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand = QStringLiteral("echo starting; exit 3");
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_VERIFY_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).restartCount >= 2, kWaitMilliseconds);
    const QList<ReportedExit> exits = m_observer->exits(spec.instanceId);
    QVERIFY(exits.size() >= 2);
    for (qsizetype run = 0; run < exits.size(); ++run) {
        const ReportedExit &reported = exits[run];
        QCOMPARE(reported.exit.exitCode, 3);
        QCOMPARE(reported.exit.signal, 0);
        QVERIFY(reported.exit.willRestart);
        QVERIFY(!reported.exit.outOfMemory);
        QCOMPARE(reported.exit.detail, QStringLiteral("exit code 3"));
        // Each run's line, once, before its exit: a restart does not repeat the lines of earlier runs.
        QCOMPARE(reported.linesBefore, int(run + 1));
    }
    QVERIFY(exits[1].status.restartCount > exits[0].status.restartCount);
    QVERIFY(m_observer->states(spec.instanceId).contains(InstanceState::Restarting));
    for (const QString &line : m_observer->lines(spec.instanceId, LogStream::Stdout))
        QCOMPARE(line, QStringLiteral("starting"));

    m_runtime->converge(spec.applicationId, {});
    QVERIFY(m_runtime->instances().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(managedContainers(), 0, kWaitMilliseconds);
}

void TestDockerRuntime::errorsWithoutARunnableImage_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("detail");

    QTest::newRow("no image") << QString()
                              << QStringLiteral(
                                     "no image: the docker backend runs images built from a Dockerfile");
    QTest::newRow("image the engine does not have") << QStringLiteral("localhost/vitrine-test/missing:latest")
                                                    << QStringLiteral("cannot create the container");
}

void TestDockerRuntime::errorsWithoutARunnableImage()
{
    QFETCH(QString, image);
    QFETCH(QString, detail);

    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.image = image;
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_COMPARE_WITH_TIMEOUT(statusOf(*m_runtime, spec.instanceId).state, InstanceState::Errored,
                              kWaitMilliseconds);
    QVERIFY2(statusOf(*m_runtime, spec.instanceId).detail.startsWith(detail),
             qPrintable(statusOf(*m_runtime, spec.instanceId).detail));
    QVERIFY(m_observer->exits(spec.instanceId).isEmpty());
    QCOMPARE(managedContainers(), 0);
    m_runtime->converge(spec.applicationId, {});
    QVERIFY(m_runtime->instances().isEmpty());
}

void TestDockerRuntime::errorsWhenNeverHealthy()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    spec.startCommand = QStringLiteral("exec sleep 60");
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

void TestDockerRuntime::reportsOutOfMemory()
{
    InstanceSpec spec = appSpec(QStringLiteral("build-1.1"));
    // dd holds a buffer of one block: 64 MiB against a limit of 16.
    spec.startCommand = QStringLiteral("echo hogging; exec dd if=/dev/zero of=/dev/null bs=64M count=1");
    spec.limits.memoryBytes = 16LL << 20;
    m_runtime->converge(spec.applicationId, {spec});

    QTRY_VERIFY_WITH_TIMEOUT(!m_observer->exits(spec.instanceId).isEmpty(), kWaitMilliseconds);
    const InstanceExit exit = m_observer->exits(spec.instanceId).first().exit;
    QVERIFY(exit.willRestart);
    if (!exit.outOfMemory && exit.signal == 9) {
        QSKIP(
            "the engine enforced the memory limit (the process was killed by SIGKILL) but did not report an "
            "OOM kill: Podman's conmon misses it on this host's cgroup v1 (cgroupfs) setup");
    }
    QVERIFY2(exit.outOfMemory, qPrintable(exit.detail));
    QCOMPARE(exit.detail, QStringLiteral("out of memory (limit 16 MiB)"));
}

void TestDockerRuntime::samplesUsage()
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

void TestDockerRuntime::removesContainersLeftByAnEarlierRun()
{
    // What a server that died without stopping its containers leaves behind.
    const InstanceSpec spec = appSpec(QStringLiteral("build-0.1"));
    const auto created = m_client->request("POST", QStringLiteral("/containers/create?name=leftover"),
                                           vitrine::adapters::runtime::createContainerBody(spec, kServerId));
    QVERIFY2(created.ok(), qPrintable(created.errorMessage()));
    // A container of another server on the same engine stays.
    const auto foreign = m_client->request(
        "POST", QStringLiteral("/containers/create?name=foreign"),
        vitrine::adapters::runtime::createContainerBody(spec, QStringLiteral("another-server")));
    QVERIFY2(foreign.ok(), qPrintable(foreign.errorMessage()));
    QCOMPARE(managedContainers(), 1);

    m_runtime.reset();
    DockerRuntimeOptions options;
    options.host = m_podman->host();
    options.serverId = kServerId;
    m_runtime = std::make_unique<DockerRuntime>(options);
    QCOMPARE(managedContainers(), 0);
    QVERIFY(m_client->request("GET", QStringLiteral("/containers/foreign/json")).ok());
    QVERIFY(m_client->request("DELETE", QStringLiteral("/containers/foreign?force=1")).ok());
}

QTEST_GUILESS_MAIN(TestDockerRuntime)
#include "tst_docker_runtime.moc"
