#include "adapters/grpc/grpc_server.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "domain/ids.h"
#include "domain/token.h"
#include "store_fixtures.h"
#include "usecases/build_log_hub.h"
#include "usecases/event_hub.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <thread>

using namespace vitrine;
using domain::BuildState;

namespace {

const QString kCommit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");

// Runs no builds: these tests write the logs themselves.
class IdleExecutor final : public usecases::BuildExecutor {
public:
    int freeSlots() const override { return 0; }
    void start(const domain::Build &) override {}
    bool cancel(const QString &) override { return false; }
};

// What one StreamBuildLog call received.
struct LogWatch {
    QList<v1::LogLine> lines;
    std::optional<v1::Build> finalBuild;
    std::optional<qint64> fellBehindAfter;
    grpc::Status status;
};

// The platform of a server: a SQLite store (called from gRPC's threads), real hubs, and the gRPC server on a
// free loopback port. Admin "root", members "alice" (owns "site") and "bob" (owns "blog"), each with a token.
class Platform {
public:
    Platform()
        : m_store(m_dir.filePath(QStringLiteral("vitrine.db")))
        , m_logStore(m_dir.filePath(QStringLiteral("logs")))
    {
        addUser(QStringLiteral("root"), domain::Role::Admin);
        addUser(QStringLiteral("alice"), domain::Role::Member);
        addUser(QStringLiteral("bob"), domain::Role::Member);
        addApplication(QStringLiteral("site"), QStringLiteral("alice"));
        addApplication(QStringLiteral("blog"), QStringLiteral("bob"));
        m_port = m_server.start({QStringLiteral("127.0.0.1:0"), {}, {}});
        m_channel =
            grpc::CreateChannel("127.0.0.1:" + std::to_string(m_port), grpc::InsecureChannelCredentials());
    }

    usecases::BuildLogHub &logs() { return m_logHub; }
    usecases::EventHub &events() { return m_eventHub; }
    domain::Store &store() { return m_store; }

    QString addBuild(const QString &applicationName, BuildState state)
    {
        const domain::Application application = *m_store.findApplicationByName(applicationName);
        const domain::Build build = tests::newBuild(application, kCommit, state);
        m_store.insertBuild(build);
        return build.id;
    }

    void appendLines(const QString &buildId, int from, int to)
    {
        for (int seq = from; seq <= to; ++seq)
            m_logHub.append(buildId, domain::LogStream::Stdout, QStringLiteral("line %1").arg(seq));
    }

    domain::Event publishBuildEvent(const QString &applicationName, const QString &state)
    {
        const domain::Application application = *m_store.findApplicationByName(applicationName);
        domain::Event event;
        event.type = domain::EventType::BuildStateChanged;
        event.applicationId = application.id;
        event.applicationName = application.name;
        event.buildId = QStringLiteral("bld_event");
        event.state = state;
        event.ownerIds = application.ownerIds;
        return m_eventHub.publish(event);
    }

    // userName empty: no authorization metadata at all.
    void authorize(grpc::ClientContext &context, const QString &userName) const
    {
        if (!userName.isEmpty())
            context.AddMetadata("authorization", "Bearer " + m_secrets.value(userName).toStdString());
    }

    // Reads a whole StreamBuildLog call.
    LogWatch watchLog(const QString &userName, const QString &buildId, qint64 afterSeq) const
    {
        v1::BuildService::Stub stub(m_channel);
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

    const std::shared_ptr<grpc::Channel> &channel() const { return m_channel; }

private:
    void addUser(const QString &name, domain::Role role)
    {
        const domain::User user = tests::addUser(m_store, name, role);
        const QString secret = domain::newTokenSecret();
        domain::Token token;
        token.id = domain::newId(domain::idprefix::kToken);
        token.userId = user.id;
        token.secretHash = domain::hashTokenSecret(secret);
        m_store.insertToken(token);
        m_secrets.insert(name, secret);
    }

    void addApplication(const QString &name, const QString &owner)
    {
        const domain::Repository repository = tests::addRepository(
            m_store, name + QStringLiteral("-repo"), QStringLiteral("https://git.example/%1.git").arg(name),
            {m_store.findUserByName(owner)->id});
        domain::Application application =
            tests::newApplication(repository, name, QStringLiteral("hash-of-") + name);
        application.websites = {domain::Website{.fqdn = name + QStringLiteral(".localhost")}};
        m_store.insertApplication(application);
    }

    QTemporaryDir m_dir;
    adapters::store::SqlStore m_store;
    adapters::logfiles::FileBuildLogStore m_logStore;
    usecases::BuildLogHub m_logHub{m_logStore};
    usecases::EventHub m_eventHub;
    IdleExecutor m_executor;
    usecases::AuthService m_auth{m_store};
    usecases::UserService m_users{m_store};
    usecases::TokenService m_tokens{m_store};
    usecases::RepositoryService m_repositories{m_store, usecases::RepositoryPolicy{}};
    usecases::ApplicationService m_applications{m_store};
    usecases::BuildService m_builds{m_store, m_executor, m_eventHub, {}, m_logHub};
    adapters::grpc::GrpcServer m_server{
        adapters::grpc::UseCases{m_auth, m_users, m_tokens, m_repositories, m_applications, m_builds},
        adapters::grpc::SystemFacts{}};
    QMap<QString, QString> m_secrets; // by user name
    int m_port = 0;
    std::shared_ptr<grpc::Channel> m_channel;
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
