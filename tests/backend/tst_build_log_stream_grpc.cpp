#include "grpc_platform.h"
#include "store_fixtures.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"

#include <QTest>

#include <memory>
#include <optional>
#include <thread>

using namespace vitrine;
using domain::BuildState;

namespace {

const QString kCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");

// What one StreamBuildLog call received.
struct LogWatch {
    QList<v1::LogLine> lines;
    std::optional<v1::Build> finalBuild;
    std::optional<qint64> fellBehindAfter;
    grpc::Status status;
};

// The gRPC platform. Member "alice" owns "site", "bob" owns "blog".
class Platform {
public:
    Platform()
    {
        m_grpc.addApplication(QStringLiteral("site"), QStringLiteral("alice"));
        m_grpc.addApplication(QStringLiteral("blog"), QStringLiteral("bob"));
        m_grpc.start();
    }

    usecases::BuildLogHub &logs() { return m_grpc.buildLogs(); }
    usecases::EventHub &events() { return m_grpc.events(); }
    domain::Store &store() { return m_grpc.store(); }

    QString addBuild(const QString &applicationName, BuildState state)
    {
        const domain::Application application = *store().findApplicationByName(applicationName);
        const domain::Build build = tests::newBuild(application, kCommit, state);
        store().insertBuild(build);
        return build.id;
    }

    void appendLines(const QString &buildId, int from, int to)
    {
        for (int seq = from; seq <= to; ++seq)
            logs().append(buildId, domain::LogStream::Stdout, QStringLiteral("line %1").arg(seq));
    }

    domain::Event publishBuildEvent(const QString &applicationName, const QString &state)
    {
        const domain::Application application = *store().findApplicationByName(applicationName);
        domain::Event event;
        event.type = domain::EventType::BuildStateChanged;
        event.applicationId = application.id;
        event.applicationName = application.name;
        event.buildId = QStringLiteral("bld_event");
        event.state = state;
        event.ownerIds = application.ownerIds;
        return events().publish(event);
    }

    // userName empty: no authorization metadata at all.
    void authorize(grpc::ClientContext &context, const QString &userName) const
    {
        m_grpc.authorize(context, userName);
    }

    // Reads a whole StreamBuildLog call.
    LogWatch watchLog(const QString &userName, const QString &buildId, qint64 afterSeq) const
    {
        v1::BuildService::Stub stub(channel());
        grpc::ClientContext context;
        authorize(context, userName);
        v1::StreamBuildLogRequest request;
        request.set_build_id(buildId.toStdString());
        request.set_after_seq(afterSeq);
        const std::unique_ptr<grpc::ClientReader<v1::BuildLogEvent>> reader =
            stub.StreamBuildLog(&context, request);
        LogWatch watch;
        v1::BuildLogEvent event;
        while (reader->Read(&event)) {
            if (event.has_line())
                watch.lines.append(event.line());
            else if (event.has_final())
                watch.finalBuild = event.final();
            else if (event.has_fell_behind())
                watch.fellBehindAfter = event.fell_behind().last_sent_seq();
        }
        watch.status = reader->Finish();
        return watch;
    }

    const std::shared_ptr<grpc::Channel> &channel() const { return m_grpc.channel(); }

private:
    tests::GrpcPlatform m_grpc;
};

// Whether the lines are exactly seq from+1 … to, in order, each with its text.
bool linesAre(const QList<v1::LogLine> &lines, qint64 after, qint64 to)
{
    if (lines.size() != to - after)
        return false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const qint64 seq = after + 1 + i;
        if (lines.at(i).seq() != seq ||
            lines.at(i).text() != QStringLiteral("line %1").arg(seq).toStdString())
            return false;
    }
    return true;
}

// Reads `count` events from a WatchEvents call, then leaves.
QList<v1::Event> watchEvents(const Platform &platform, const QString &userName, qint64 afterSeq, int count,
                             const QString &application = {})
{
    v1::EventService::Stub stub(platform.channel());
    grpc::ClientContext context;
    platform.authorize(context, userName);
    v1::WatchEventsRequest request;
    request.set_after_seq(afterSeq);
    request.set_application(application.toStdString());
    const std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub.WatchEvents(&context, request);
    QList<v1::Event> events;
    v1::Event event;
    while (events.size() < count && reader->Read(&event))
        events.append(event);
    context.TryCancel();
    reader->Finish();
    return events;
}

QStringList statesOf(const QList<v1::Event> &events)
{
    QStringList states;
    for (const v1::Event &event : events)
        states.append(QString::fromStdString(event.application_name() + ' ' + event.state()));
    return states;
}

} // namespace

class TestBuildLogStreamGrpc : public QObject {
    Q_OBJECT

private slots:
    void everyWatcherGetsEveryLineThenTheBuild();
    void aFinishedLogIsReplayed();
    void streamsCheckTheCaller_data();
    void streamsCheckTheCaller();
    void aWatcherMayLeaveWhileWaiting();
    void watchEventsDeliversOnlyVisibleEvents();
};

void TestBuildLogStreamGrpc::everyWatcherGetsEveryLineThenTheBuild()
{
    Platform platform;
    const QString buildId = platform.addBuild(QStringLiteral("site"), BuildState::Building);
    platform.appendLines(buildId, 1, 300);

    LogWatch fromStart;
    LogWatch joiningMidway;
    LogWatch resuming;
    std::thread first([&] { fromStart = platform.watchLog(QStringLiteral("alice"), buildId, 0); });
    platform.appendLines(buildId, 301, 1200);
    std::thread second([&] { joiningMidway = platform.watchLog(QStringLiteral("root"), buildId, 0); });
    std::thread third([&] { resuming = platform.watchLog(QStringLiteral("alice"), buildId, 250); });
    platform.appendLines(buildId, 1201, 3000);
    platform.store().transitionBuild(buildId, BuildState::Building, BuildState::Succeeded, {});
    platform.logs().finish(buildId, BuildState::Succeeded);
    first.join();
    second.join();
    third.join();

    for (const LogWatch *watch : {&fromStart, &joiningMidway, &resuming}) {
        QVERIFY2(watch->status.ok(), watch->status.error_message().c_str());
        QVERIFY(watch->finalBuild);
        QCOMPARE(watch->finalBuild->id(), buildId.toStdString());
        QCOMPARE(watch->finalBuild->state(), v1::BUILD_STATE_SUCCEEDED);
        QVERIFY(!watch->fellBehindAfter);
    }
    QVERIFY(linesAre(fromStart.lines, 0, 3000));
    QVERIFY(linesAre(joiningMidway.lines, 0, 3000));
    QVERIFY(linesAre(resuming.lines, 250, 3000));
}

void TestBuildLogStreamGrpc::aFinishedLogIsReplayed()
{
    Platform platform;
    const QString buildId = platform.addBuild(QStringLiteral("site"), BuildState::Building);
    platform.appendLines(buildId, 1, 40);
    platform.store().transitionBuild(
        buildId, BuildState::Building, BuildState::Failed,
        {.at = {}, .builderId = {}, .failureReason = QStringLiteral("exit 2"), .artifactPath = {}});
    platform.logs().finish(buildId, BuildState::Failed);

    const LogWatch watch = platform.watchLog(QStringLiteral("alice"), buildId, 30);
    QVERIFY(watch.status.ok());
    QVERIFY(linesAre(watch.lines, 30, 40));
    QVERIFY(watch.finalBuild);
    QCOMPARE(watch.finalBuild->state(), v1::BUILD_STATE_FAILED);
    QCOMPARE(watch.finalBuild->failure_reason(), "exit 2");
}

void TestBuildLogStreamGrpc::streamsCheckTheCaller_data()
{
    QTest::addColumn<QString>("userName");
    QTest::addColumn<bool>("knownBuild");
    QTest::addColumn<int>("expectedCode");
    QTest::newRow("no token") << QString() << true << int(grpc::StatusCode::UNAUTHENTICATED);
    QTest::newRow("another member") << QStringLiteral("bob") << true
                                    << int(grpc::StatusCode::PERMISSION_DENIED);
    QTest::newRow("unknown build") << QStringLiteral("alice") << false << int(grpc::StatusCode::NOT_FOUND);
}

void TestBuildLogStreamGrpc::streamsCheckTheCaller()
{
    QFETCH(QString, userName);
    QFETCH(bool, knownBuild);
    QFETCH(int, expectedCode);
    Platform platform;
    const QString buildId = platform.addBuild(QStringLiteral("site"), BuildState::Building);
    platform.appendLines(buildId, 1, 5);

    const LogWatch watch =
        platform.watchLog(userName, knownBuild ? buildId : QStringLiteral("bld_unknown"), 0);
    QCOMPARE(int(watch.status.error_code()), expectedCode);
    QVERIFY(watch.lines.isEmpty());
    QVERIFY(!watch.finalBuild);

    v1::EventService::Stub stub(platform.channel());
    grpc::ClientContext context;
    platform.authorize(context, userName);
    v1::WatchEventsRequest request;
    if (!knownBuild)
        request.set_application("nope");
    else if (!userName.isEmpty())
        request.set_application("site");
    v1::Event event;
    const std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub.WatchEvents(&context, request);
    QVERIFY(!reader->Read(&event));
    QCOMPARE(int(reader->Finish().error_code()), expectedCode);
}

void TestBuildLogStreamGrpc::aWatcherMayLeaveWhileWaiting()
{
    Platform platform;
    const QString buildId = platform.addBuild(QStringLiteral("site"), BuildState::Building);
    platform.appendLines(buildId, 1, 10);

    v1::BuildService::Stub stub(platform.channel());
    grpc::ClientContext context;
    platform.authorize(context, QStringLiteral("alice"));
    v1::StreamBuildLogRequest request;
    request.set_build_id(buildId.toStdString());
    const std::unique_ptr<grpc::ClientReader<v1::BuildLogEvent>> reader =
        stub.StreamBuildLog(&context, request);
    v1::BuildLogEvent event;
    for (int seq = 1; seq <= 10; ++seq) {
        QVERIFY(reader->Read(&event));
        QCOMPARE(event.line().seq(), seq);
    }
    context.TryCancel();
    QCOMPARE(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

    // The build goes on for the others; the server (and its shutdown at the end) is not stuck on the leaver.
    platform.appendLines(buildId, 11, 20);
    platform.logs().finish(buildId, BuildState::Succeeded);
    QVERIFY(linesAre(platform.watchLog(QStringLiteral("alice"), buildId, 0).lines, 0, 20));
}

void TestBuildLogStreamGrpc::watchEventsDeliversOnlyVisibleEvents()
{
    Platform platform;
    const qint64 before = platform.events().lastSeq();
    platform.publishBuildEvent(QStringLiteral("blog"), QStringLiteral("queued"));
    platform.publishBuildEvent(QStringLiteral("site"), QStringLiteral("queued"));
    platform.publishBuildEvent(QStringLiteral("blog"), QStringLiteral("building"));
    platform.publishBuildEvent(QStringLiteral("site"), QStringLiteral("failed"));

    QCOMPARE(statesOf(watchEvents(platform, QStringLiteral("alice"), before, 2)),
             QStringList({QStringLiteral("site queued"), QStringLiteral("site failed")}));
    QCOMPARE(statesOf(watchEvents(platform, QStringLiteral("bob"), before, 2)),
             QStringList({QStringLiteral("blog queued"), QStringLiteral("blog building")}));
    QCOMPARE(statesOf(watchEvents(platform, QStringLiteral("root"), before, 4)),
             QStringList({QStringLiteral("blog queued"), QStringLiteral("site queued"),
                          QStringLiteral("blog building"), QStringLiteral("site failed")}));
    QCOMPARE(statesOf(watchEvents(platform, QStringLiteral("root"), before, 2, QStringLiteral("site"))),
             QStringList({QStringLiteral("site queued"), QStringLiteral("site failed")}));

    // Live: alice's next event reaches her while she watches; bob's, published first, does not.
    const qint64 now = platform.events().lastSeq();
    QList<v1::Event> live;
    std::thread watcher([&] { live = watchEvents(platform, QStringLiteral("alice"), now, 1); });
    platform.publishBuildEvent(QStringLiteral("blog"), QStringLiteral("succeeded"));
    platform.publishBuildEvent(QStringLiteral("site"), QStringLiteral("succeeded"));
    watcher.join();
    QCOMPARE(statesOf(live), QStringList({QStringLiteral("site succeeded")}));
    QCOMPARE(live.first().seq(), now + 2);
}

QTEST_GUILESS_MAIN(TestBuildLogStreamGrpc)
#include "tst_build_log_stream_grpc.moc"
