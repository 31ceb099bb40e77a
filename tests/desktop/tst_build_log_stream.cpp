// BuildLogStream against a real vitrine-server building a static site whose build command prints 200 lines.

#include "client/build_log_stream.h"
#include "git_fixture.h"
#include "stream_test_support.h"
#include "vitrine/v1/builds.grpc.pb.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using vitrine::desktop::BuildLogStream;
using vitrine::desktop::StreamedLogLine;
using vitrine::desktop::StreamStatus;
using vitrine::tests::GitFixture;
using vitrine::tests::itemsIn;
using vitrine::tests::ServerProcess;
using vitrine::tests::settingsFor;
using vitrine::tests::str;
namespace v1 = vitrine::v1;

namespace {

// A build takes seconds; the margin is for a loaded machine.
constexpr int kBuildTimeoutMs = 60'000;

} // namespace

class BuildLogStreamTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void streamsTheWholeLogThenTheFinalState();
    void refusesAnUnknownBuild();

private:
    QTemporaryDir m_dir;
    ServerProcess m_server;
};

void BuildLogStreamTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

void BuildLogStreamTest::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void BuildLogStreamTest::streamsTheWholeLogThenTheFinalState()
{
    GitFixture git(m_dir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("README"), "site"}}, QStringLiteral("site"));
    v1::CreateApplicationRequest application;
    application.set_name("site");
    application.set_ref("main");
    application.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    application.mutable_build()->set_build_command(
        "for i in $(seq 1 200); do echo line $i; done; mkdir -p out; echo hi > out/index.html");
    application.mutable_build()->set_artifact_dir("out");
    vitrine::tests::createApplication(m_server, "site", git.bareUrl(), application);
    if (QTest::currentTestFailed())
        return;

    const auto channel = grpc::CreateChannel(str(m_server.grpcAddress()), grpc::InsecureChannelCredentials());
    const std::string token = str(m_server.adminToken());

    v1::ListBuildsRequest request;
    request.set_application("site");
    v1::ListBuildsResponse builds;
    QTRY_VERIFY_WITH_TIMEOUT(
        vitrine::tests::call(channel, token, &v1::BuildService::Stub::ListBuilds, request, &builds).ok() &&
            builds.builds_size() > 0,
        kBuildTimeoutMs);

    BuildLogStream stream(settingsFor(m_server), QString::fromStdString(builds.builds(0).id()));
    QSignalSpy lines(&stream, &BuildLogStream::linesReceived);
    QSignalSpy finished(&stream, &BuildLogStream::finished);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kBuildTimeoutMs);
    QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("succeeded"));
    QTRY_COMPARE(stream.status().state, StreamStatus::State::Finished);

    const QList<StreamedLogLine> received = itemsIn<StreamedLogLine>(lines);
    QVERIFY(!received.isEmpty());
    QCOMPARE(received.constFirst().seq, 1);
    for (qsizetype i = 1; i < received.size(); ++i)
        QCOMPARE(received.at(i).seq, received.at(i - 1).seq + 1);
    for (const QString &text : {QStringLiteral("line 1"), QStringLiteral("line 200")}) {
        QVERIFY2(std::any_of(received.begin(), received.end(),
                             [&](const StreamedLogLine &line) { return line.text == text; }),
                 qPrintable(text));
    }
}

void BuildLogStreamTest::refusesAnUnknownBuild()
{
    BuildLogStream stream(settingsFor(m_server), QStringLiteral("no-such-build"));
    QSignalSpy finished(&stream, &BuildLogStream::finished);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(stream.status().state, StreamStatus::State::Failed, 10'000);
    QVERIFY(!stream.status().reason.isEmpty());
    QCOMPARE(finished.size(), 0);
}

QTEST_MAIN(BuildLogStreamTest)
#include "tst_build_log_stream.moc"
