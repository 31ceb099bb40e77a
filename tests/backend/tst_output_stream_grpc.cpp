#include "adapters/logfiles/file_runtime_log_store.h"
#include "grpc_platform.h"
#include "log_lines.h"
#include "usecases/runtime_log_hub.h"
#include "vitrine/v1/output.grpc.pb.h"

#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace vitrine;
using adapters::logfiles::RuntimeLogRetention;
using tests::range;

Q_DECLARE_METATYPE(std::optional<qint64>)
Q_DECLARE_METATYPE(std::optional<int>)

namespace {

// What one StreamOutput call received.
struct OutputWatch {
    QList<v1::LogLine> lines;
    qint64 droppedLines = 0;
    std::optional<qint64> fellBehindAfter;
    grpc::Status status;
};

// The request, as `vitrinectl apps logs` sends it.
struct Request {
    QString application = {};
    std::optional<qint64> afterSeq = {};
    std::optional<int> tail = {}; // unset: the server's default
    bool follow = false;
};

void takeLines(QList<v1::LogLine> &lines, const v1::StreamOutputResponse &response)
{
    for (const v1::LogLine &line : response.lines())
        lines.append(line);
}

// The gRPC platform serving runtime output from a runtime log hub on real files. Member "alice" owns "site",
// "bob" owns "blog".
class Platform {
public:
    explicit Platform(RuntimeLogRetention retention = {},
                      int maxQueuedLines = usecases::RuntimeLogHub::kDefaultMaxQueuedLines)
        : m_runtimeLogStore(m_grpc.filePath(QStringLiteral("runtime-logs")), retention)
        , m_runtimeLogs(m_runtimeLogStore, maxQueuedLines)
    {
        m_grpc.addApplication(QStringLiteral("site"), QStringLiteral("alice"));
        m_grpc.addApplication(QStringLiteral("blog"), QStringLiteral("bob"));
        m_grpc.server().serveRuntimeOutput(m_runtimeLogs);
        m_grpc.start();
        m_stub = v1::OutputService::NewStub(m_grpc.channel());
    }
    ~Platform() { m_grpc.shutdown(); }

    usecases::RuntimeLogHub &runtimeLogs() { return m_runtimeLogs; }
    domain::RuntimeLogStore &runtimeLogStore() { return m_runtimeLogStore; }

    QString applicationId(const QString &name) { return m_grpc.store().findApplicationByName(name)->id; }

    void appendLines(const QString &applicationName, int from, int to)
    {
        const QString id = applicationId(applicationName);
        for (int seq = from; seq <= to; ++seq)
            m_runtimeLogs.append(id, seq % 2 ? domain::LogStream::Stdout : domain::LogStream::Stderr,
                                 QStringLiteral("line %1").arg(seq));
    }

    // userName empty: no authorization metadata at all.
    std::unique_ptr<grpc::ClientReader<v1::StreamOutputResponse>>
    open(grpc::ClientContext &context, const QString &userName, const Request &request) const
    {
        m_grpc.authorize(context, userName);
        v1::StreamOutputRequest message;
        message.set_application(request.application.toStdString());
        if (request.afterSeq)
            message.set_after_seq(*request.afterSeq);
        if (request.tail)
            message.set_tail(*request.tail);
        message.set_follow(request.follow);
        return m_stub->StreamOutput(&context, message);
    }

    // Reads a whole StreamOutput call, or only its first maxLines lines (then leaves).
    OutputWatch watch(const QString &userName, const Request &request, qsizetype maxLines = -1) const
    {
        grpc::ClientContext context;
        const auto reader = open(context, userName, request);
        OutputWatch watch;
        v1::StreamOutputResponse response;
        while ((maxLines < 0 || watch.lines.size() < maxLines) && reader->Read(&response)) {
            watch.droppedLines += response.dropped_lines();
            takeLines(watch.lines, response);
            if (response.has_fell_behind())
                watch.fellBehindAfter = response.fell_behind().last_sent_seq();
        }
        if (maxLines >= 0) {
            // The client took only so many: what else came in the last response is not read.
            watch.lines.resize(std::min(watch.lines.size(), maxLines));
            context.TryCancel();
        }
        watch.status = reader->Finish();
        return watch;
    }

private:
    tests::GrpcPlatform m_grpc;
    adapters::logfiles::FileRuntimeLogStore m_runtimeLogStore;
    usecases::RuntimeLogHub m_runtimeLogs;
    std::unique_ptr<v1::OutputService::Stub> m_stub;
};

QList<qint64> seqsOf(const QList<v1::LogLine> &lines)
{
    QList<qint64> seqs;
    for (const v1::LogLine &line : lines)
        seqs.append(line.seq());
    return seqs;
}

// Whether each line has its own text, its stream and a time.
bool linesAreIntact(const QList<v1::LogLine> &lines)
{
    return std::all_of(lines.cbegin(), lines.cend(), [](const v1::LogLine &line) {
        const v1::LogStream stream = line.seq() % 2 ? v1::LOG_STREAM_STDOUT : v1::LOG_STREAM_STDERR;
        return line.text() == QStringLiteral("line %1").arg(line.seq()).toStdString() &&
               line.stream() == stream && line.time().seconds() > 0;
    });
}

} // namespace

class TestOutputStreamGrpc : public QObject {
    Q_OBJECT

private slots:
    void theBacklogEnds_data();
    void theBacklogEnds();
    void aFollowerGetsTheBacklogThenLiveLines();
    void aWatcherResumesWithoutLossOrDuplicates();
    void aSlowWatcherResumesAfterFallingBehind();
    void resumingBeforeWhatIsKeptIsToldOfTheGap();
    void streamsCheckTheCaller_data();
    void streamsCheckTheCaller();
    void deletingTheApplicationEndsItsStreams();
};

void TestOutputStreamGrpc::theBacklogEnds_data()
{
    QTest::addColumn<std::optional<qint64>>("afterSeq");
    QTest::addColumn<std::optional<int>>("tail");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("the default tail") << std::optional<qint64>() << std::optional<int>() << range(51, 150);
    QTest::newRow("a short tail") << std::optional<qint64>() << std::optional(5) << range(146, 150);
    QTest::newRow("no tail") << std::optional<qint64>() << std::optional(0) << QList<qint64>();
    QTest::newRow("everything") << std::optional<qint64>(0) << std::optional<int>() << range(1, 150);
    QTest::newRow("resuming") << std::optional<qint64>(140) << std::optional(5) << range(141, 150);
}

void TestOutputStreamGrpc::theBacklogEnds()
{
    QFETCH(std::optional<qint64>, afterSeq);
    QFETCH(std::optional<int>, tail);
    QFETCH(QList<qint64>, expected);
    Platform platform;
    platform.appendLines(QStringLiteral("site"), 1, 150);
    platform.appendLines(QStringLiteral("blog"), 1, 10);

    const OutputWatch watch = platform.watch(
        QStringLiteral("alice"), {.application = QStringLiteral("site"), .afterSeq = afterSeq, .tail = tail});
    QVERIFY2(watch.status.ok(), watch.status.error_message().c_str());
    QCOMPARE(seqsOf(watch.lines), expected);
    QVERIFY(linesAreIntact(watch.lines));
    QCOMPARE(watch.droppedLines, 0);
    QVERIFY(!watch.fellBehindAfter);
}

void TestOutputStreamGrpc::aFollowerGetsTheBacklogThenLiveLines()
{
    Platform platform;
    platform.appendLines(QStringLiteral("site"), 1, 150);

    grpc::ClientContext context;
    const auto reader = platform.open(context, QStringLiteral("alice"),
                                      {.application = QStringLiteral("site"), .tail = 20, .follow = true});
    QList<v1::LogLine> lines;
    v1::StreamOutputResponse response;
    while (lines.size() < 20 && reader->Read(&response))
        takeLines(lines, response);
    platform.appendLines(QStringLiteral("site"), 151, 3000);
    platform.appendLines(QStringLiteral("blog"), 1, 10); // not alice's
    while (lines.size() < 2870 && reader->Read(&response))
        takeLines(lines, response);
    context.TryCancel();
    QCOMPARE(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

    QCOMPARE(seqsOf(lines), range(131, 3000));
    QVERIFY(linesAreIntact(lines));
}

void TestOutputStreamGrpc::aWatcherResumesWithoutLossOrDuplicates()
{
    Platform platform;
    platform.appendLines(QStringLiteral("site"), 1, 100);
    const Request following{.application = QStringLiteral("site"), .afterSeq = 0, .follow = true};

    // The connection drops after 60 lines; more lines come before the watcher is back.
    const OutputWatch first = platform.watch(QStringLiteral("alice"), following, 60);
    QCOMPARE(seqsOf(first.lines), range(1, 60));
    platform.appendLines(QStringLiteral("site"), 101, 250);

    Request resuming = following;
    resuming.afterSeq = first.lines.constLast().seq();
    const OutputWatch second = platform.watch(QStringLiteral("alice"), resuming, 190);
    QCOMPARE(seqsOf(second.lines), range(61, 250));
    QVERIFY(linesAreIntact(second.lines));
}

void TestOutputStreamGrpc::aSlowWatcherResumesAfterFallingBehind()
{
    constexpr int kLines = 20'000;
    Platform platform({}, 50);
    const QString padding(150, u'.');
    const QString siteId = platform.applicationId(QStringLiteral("site"));

    // The watcher reads nothing while the application writes far more than the server keeps for it. (From
    // after_seq 0: the lines written before the server took the call are not missed.)
    grpc::ClientContext context;
    const auto reader = platform.open(context, QStringLiteral("alice"),
                                      {.application = QStringLiteral("site"), .afterSeq = 0, .follow = true});
    for (int seq = 1; seq <= kLines; ++seq)
        platform.runtimeLogs().append(siteId, domain::LogStream::Stdout, padding);

    QList<qint64> seqs;
    std::optional<qint64> fellBehindAfter;
    v1::StreamOutputResponse response;
    while (!fellBehindAfter && seqs.size() < kLines && reader->Read(&response)) {
        for (const v1::LogLine &line : response.lines())
            seqs.append(line.seq());
        if (response.has_fell_behind())
            fellBehindAfter = response.fell_behind().last_sent_seq();
    }
    if (!fellBehindAfter)
        QSKIP("the transport took every line while the watcher was not reading");
    QVERIFY(reader->Finish().ok());
    QCOMPARE(*fellBehindAfter, seqs.isEmpty() ? 0 : seqs.constLast());

    // It resumes where it stopped, from the store, and gets the rest exactly once.
    const OutputWatch rest = platform.watch(
        QStringLiteral("alice"), {.application = QStringLiteral("site"), .afterSeq = fellBehindAfter}, -1);
    QVERIFY(rest.status.ok());
    seqs += seqsOf(rest.lines);
    QCOMPARE(seqs, range(1, kLines));
}

void TestOutputStreamGrpc::resumingBeforeWhatIsKeptIsToldOfTheGap()
{
    Platform platform(RuntimeLogRetention{.maxBytes = 16 * 1024, .segmentBytes = 2 * 1024});
    platform.appendLines(QStringLiteral("site"), 1, 2000);
    const qint64 firstKept =
        platform.runtimeLogStore().firstSeq(platform.applicationId(QStringLiteral("site")));
    QVERIFY(firstKept > 1);

    const OutputWatch watch =
        platform.watch(QStringLiteral("alice"), {.application = QStringLiteral("site"), .afterSeq = 10});
    QVERIFY(watch.status.ok());
    QCOMPARE(watch.droppedLines, firstKept - 11);
    QCOMPARE(seqsOf(watch.lines), range(firstKept, 2000));
}

void TestOutputStreamGrpc::streamsCheckTheCaller_data()
{
    QTest::addColumn<QString>("userName");
    QTest::addColumn<QString>("application");
    QTest::addColumn<qint64>("afterSeq");
    QTest::addColumn<int>("expectedCode");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no token") << QString() << QStringLiteral("site") << qint64(0)
                              << int(grpc::StatusCode::UNAUTHENTICATED) << QString();
    QTest::newRow("another member") << QStringLiteral("bob") << QStringLiteral("site") << qint64(0)
                                    << int(grpc::StatusCode::PERMISSION_DENIED) << QStringLiteral("site");
    QTest::newRow("unknown application") << QStringLiteral("alice") << QStringLiteral("nope") << qint64(0)
                                         << int(grpc::StatusCode::NOT_FOUND) << QStringLiteral("'nope'");
    QTest::newRow("negative after_seq")
        << QStringLiteral("alice") << QStringLiteral("site") << qint64(-1)
        << int(grpc::StatusCode::INVALID_ARGUMENT) << QStringLiteral("after_seq");
    QTest::newRow("the owner") << QStringLiteral("alice") << QStringLiteral("site") << qint64(0)
                               << int(grpc::StatusCode::OK) << QString();
    QTest::newRow("an admin") << QStringLiteral("root") << QStringLiteral("site") << qint64(0)
                              << int(grpc::StatusCode::OK) << QString();
}

void TestOutputStreamGrpc::streamsCheckTheCaller()
{
    QFETCH(QString, userName);
    QFETCH(QString, application);
    QFETCH(qint64, afterSeq);
    QFETCH(int, expectedCode);
    QFETCH(QString, messagePart);
    Platform platform;
    platform.appendLines(QStringLiteral("site"), 1, 5);

    const OutputWatch watch = platform.watch(userName, {.application = application, .afterSeq = afterSeq});
    QCOMPARE(int(watch.status.error_code()), expectedCode);
    QVERIFY2(QString::fromStdString(watch.status.error_message()).contains(messagePart),
             watch.status.error_message().c_str());
    QCOMPARE(seqsOf(watch.lines), expectedCode == int(grpc::StatusCode::OK) ? range(1, 5) : QList<qint64>());

    // By id as well as by name.
    if (expectedCode == int(grpc::StatusCode::OK)) {
        const OutputWatch byId = platform.watch(
            userName, {.application = platform.applicationId(application), .afterSeq = afterSeq});
        QVERIFY(byId.status.ok());
        QCOMPARE(seqsOf(byId.lines), range(1, 5));
    }
}

void TestOutputStreamGrpc::deletingTheApplicationEndsItsStreams()
{
    Platform platform;
    platform.appendLines(QStringLiteral("site"), 1, 5);

    grpc::ClientContext context;
    const auto reader = platform.open(context, QStringLiteral("alice"),
                                      {.application = QStringLiteral("site"), .follow = true});
    v1::StreamOutputResponse response;
    QVERIFY(reader->Read(&response));
    QCOMPARE(response.lines_size(), 5);

    platform.runtimeLogs().removeApplication(platform.applicationId(QStringLiteral("site")));
    QVERIFY(!reader->Read(&response));
    const grpc::Status status = reader->Finish();
    QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
    QVERIFY2(QString::fromStdString(status.error_message()).contains(QStringLiteral("'site'")),
             status.error_message().c_str());
}

QTEST_GUILESS_MAIN(TestOutputStreamGrpc)
#include "tst_output_stream_grpc.moc"
