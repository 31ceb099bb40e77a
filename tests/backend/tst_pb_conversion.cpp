#include "adapters/grpc/pb_conversion.h"
#include "domain/error.h"

#include <QTest>

using namespace vitrine;
using namespace vitrine::adapters::grpc;

namespace {

const QDateTime kQueued(QDate(2026, 11, 24), QTime(18, 0, 0, 250), Qt::UTC);

template<typename Call>
std::optional<domain::Error> errorOf(Call &&call)
{
    try {
        call();
    } catch (const domain::Error &error) {
        return error;
    }
    return std::nullopt;
}

} // namespace

// The P2 messages: builds, log lines and events go over the wire and come back unchanged.
class TestPbConversion : public QObject {
    Q_OBJECT

private slots:
    void buildsRoundTrip();
    void logLinesRoundTrip();
    void eventsRoundTripWithoutTheirAudience();
    void unspecifiedEnumsAreRefusedByField();
    void applicationsCarryTheirDeployState();
    void applicationsCarryTheirRuntimeSettingsAndState();
    void applicationsCarryTheirLatestBuild();
};

void TestPbConversion::buildsRoundTrip()
{
    domain::Build build;
    build.id = QStringLiteral("bld_1");
    build.applicationId = QStringLiteral("app_1");
    build.applicationName = QStringLiteral("blog");
    build.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    build.configHash = QStringLiteral("hash");
    build.config = {
        domain::BuildType::StaticCmd, QStringLiteral("make"), {}, QStringLiteral("public"), {}, {}, 0};
    build.env = {{QStringLiteral("TOKEN"), QStringLiteral("secret")}};
    build.state = domain::BuildState::Failed;
    build.failureReason = QStringLiteral("exit status 2");
    build.queuedAt = kQueued;
    build.startedAt = kQueued.addSecs(1);
    build.finishedAt = kQueued.addSecs(9);

    v1::Build message;
    toPb(build, &message);
    QCOMPARE(message.state(), v1::BUILD_STATE_FAILED);
    QCOMPARE(message.queue_position(), 0);
    QVERIFY(message.DebugString().find("secret") == std::string::npos); // env vars stay on the server

    const domain::Build back = fromPb(QStringLiteral("build"), message);
    QCOMPARE(back.id, build.id);
    QCOMPARE(back.applicationId, build.applicationId);
    QCOMPARE(back.applicationName, build.applicationName);
    QCOMPARE(back.commit, build.commit);
    QCOMPARE(back.configHash, build.configHash);
    QVERIFY(back.config == build.config);
    QCOMPARE(back.state, build.state);
    QCOMPARE(back.failureReason, build.failureReason);
    QCOMPARE(back.queuedAt, build.queuedAt);
    QCOMPARE(back.startedAt, build.startedAt);
    QCOMPARE(back.finishedAt, build.finishedAt);

    // A queued build has not started: its times stay unset on the wire.
    build.state = domain::BuildState::Queued;
    build.startedAt = {};
    build.finishedAt = {};
    message.Clear();
    toPb(build, &message);
    QVERIFY(!message.has_started_at());
    QVERIFY(!message.has_finished_at());
    QVERIFY(fromPb(QStringLiteral("build"), message).startedAt.isNull());
}

void TestPbConversion::logLinesRoundTrip()
{
    for (const domain::LogStream stream :
         {domain::LogStream::Stdout, domain::LogStream::Stderr, domain::LogStream::System}) {
        const domain::LogLine line{42, kQueued, stream, QStringLiteral("écrit 3 fichiers\t✓")};
        v1::LogLine message;
        toPb(line, &message);
        const domain::LogLine back = fromPb(QStringLiteral("line"), message);
        QCOMPARE(back.seq, line.seq);
        QCOMPARE(back.at, line.at);
        QCOMPARE(back.stream, line.stream);
        QCOMPARE(back.text, line.text);
    }
}

void TestPbConversion::eventsRoundTripWithoutTheirAudience()
{
    domain::Event event;
    event.seq = 7;
    event.at = kQueued;
    event.type = domain::EventType::BuildStateChanged;
    event.applicationId = QStringLiteral("app_1");
    event.applicationName = QStringLiteral("blog");
    event.buildId = QStringLiteral("bld_1");
    event.state = QStringLiteral("failed");
    event.message = QStringLiteral("exit status 2");
    event.ownerIds = {QStringLiteral("usr_owner")};

    v1::Event message;
    toPb(event, &message);
    QVERIFY(message.DebugString().find("usr_owner") == std::string::npos);
    const domain::Event back = fromPb(QStringLiteral("event"), message);
    QCOMPARE(back.seq, event.seq);
    QCOMPARE(back.at, event.at);
    QCOMPARE(back.type, event.type);
    QCOMPARE(back.applicationId, event.applicationId);
    QCOMPARE(back.applicationName, event.applicationName);
    QCOMPARE(back.buildId, event.buildId);
    QCOMPARE(back.state, event.state);
    QCOMPARE(back.message, event.message);
    QVERIFY(back.ownerIds.isEmpty());
}

void TestPbConversion::unspecifiedEnumsAreRefusedByField()
{
    v1::LogLine line;
    line.set_seq(1);
    auto error = errorOf([&] { fromPb(QStringLiteral("line"), line); });
    QVERIFY(error);
    QCOMPARE(error->kind(), domain::ErrorKind::BadRequest);
    QCOMPARE(error->field(), QStringLiteral("line.stream"));

    line.set_stream(v1::LogStream(99));
    error = errorOf([&] { fromPb(QStringLiteral("line"), line); });
    QVERIFY(error);
    QCOMPARE(error->field(), QStringLiteral("line.stream"));

    line.set_stream(v1::LOG_STREAM_STDOUT);
    line.set_seq(0);
    error = errorOf([&] { fromPb(QStringLiteral("line"), line); });
    QVERIFY(error);
    QCOMPARE(error->field(), QStringLiteral("line.seq"));

    error = errorOf([&] { fromPb(QStringLiteral("build"), v1::Build()); });
    QVERIFY(error);
    QCOMPARE(error->field(), QStringLiteral("build.state"));
    error = errorOf([&] { fromPb(QStringLiteral("event"), v1::Event()); });
    QVERIFY(error);
    QCOMPARE(error->field(), QStringLiteral("event.type"));
}

void TestPbConversion::applicationsCarryTheirDeployState()
{
    domain::Application application;
    application.spaFallback = true;
    application.currentCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    application.currentBuildId = QStringLiteral("bld_1");
    v1::Application message;
    toPb(application, &message);
    QVERIFY(message.spa_fallback());
    QCOMPARE(toQString(message.current_commit()), application.currentCommit);
    QCOMPARE(toQString(message.current_build_id()), application.currentBuildId);
}

void TestPbConversion::applicationsCarryTheirRuntimeSettingsAndState()
{
    domain::Application application;
    application.deployType = domain::DeployType::Runtime;
    application.running = false;
    application.stoppedReason = QStringLiteral("restarted 5 times within 60 s");
    application.healthCheckPath = QStringLiteral("/healthz");
    application.memoryLimitMb = 256;
    application.cpuMillicores = 500;
    application.pinnedBuildId = QStringLiteral("bld_2");
    application.runtimeState = QStringLiteral("restarting");
    application.restartCount = 5;
    v1::Application message;
    toPb(application, &message);
    QVERIFY(!message.running());
    QCOMPARE(toQString(message.stopped_reason()), application.stoppedReason);
    QCOMPARE(toQString(message.health_check_path()), application.healthCheckPath);
    QCOMPARE(message.memory_limit_mb(), 256u);
    QCOMPARE(message.cpu_millicores(), 500u);
    QCOMPARE(toQString(message.pinned_build_id()), application.pinnedBuildId);
    QCOMPARE(toQString(message.runtime_state()), application.runtimeState);
    QCOMPARE(message.restart_count(), 5);
}

void TestPbConversion::applicationsCarryTheirLatestBuild()
{
    domain::Application application;
    v1::Application message;
    toPb(application, &message);
    QVERIFY(message.latest_build_id().empty());
    QVERIFY(message.latest_build_state().empty());
    QVERIFY(!message.has_latest_build_queued_at());

    const QDateTime queuedAt(QDate(2026, 11, 25), QTime(9, 15, 30, 250), Qt::UTC);
    application.latestBuild =
        domain::LatestBuild{QStringLiteral("bld_3"), domain::BuildState::Failed,
                            QStringLiteral("build command exited with code 3"), queuedAt};
    toPb(application, &message);
    QCOMPARE(toQString(message.latest_build_id()), QStringLiteral("bld_3"));
    // Spelled as the build events spell states.
    QCOMPARE(toQString(message.latest_build_state()), QStringLiteral("failed"));
    QCOMPARE(toQString(message.latest_build_failure_reason()), application.latestBuild->failureReason);
    QCOMPARE(fromTimestamp(QStringLiteral("latest_build_queued_at"), message.latest_build_queued_at()),
             queuedAt);
}

QTEST_GUILESS_MAIN(TestPbConversion)
#include "tst_pb_conversion.moc"
