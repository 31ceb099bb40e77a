#include "adapters/sandbox/bubblewrap_command_runner.h"
#include "processes.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <atomic>

using namespace vitrine::domain;
using vitrine::adapters::sandbox::BubblewrapCommandRunner;
using vitrine::adapters::sandbox::BubblewrapOptions;
using vitrine::tests::processWithArgumentRuns;
using Outcome = CommandResult::Outcome;

Q_DECLARE_METATYPE(vitrine::domain::CommandResult::Outcome)

namespace {

struct Run {
    CommandResult result;
    QStringList stdoutLines;
    QStringList stderrLines;
};

// Runs a command; when cancelOnLine is given, cancels as soon as the command prints that line.
Run runCommand(BubblewrapCommandRunner &runner, const QString &command, const QString &workspace,
               const CommandLimits &limits = {}, const EnvVars &env = {}, const QString &cancelOnLine = {})
{
    Run run;
    std::atomic<bool> canceled{false};
    run.result = runner.run(
        command, workspace, env, limits,
        [&](LogStream stream, const QString &line) {
            (stream == LogStream::Stderr ? run.stderrLines : run.stdoutLines) << line;
            if (!cancelOnLine.isEmpty() && line == cancelOnLine)
                canceled = true;
        },
        canceled);
    return run;
}

} // namespace

class TestBubblewrapCommandRunner : public QObject {
    Q_OBJECT

private slots:
    void init();

    void deliversOutputLineByLine_data();
    void deliversOutputLineByLine();
    void passesExitCodesThrough_data();
    void passesExitCodesThrough();
    void seesOnlyItsWorkspaceAndReadOnlySystem_data();
    void seesOnlyItsWorkspaceAndReadOnlySystem();
    void worksInItsWorkspace();
    void seesOnlyTheGivenEnvironment();
    void reachesTheNetworkOnlyWhenAllowed_data();
    void reachesTheNetworkOnlyWhenAllowed();
    void leavesNoProcessBehind_data();
    void leavesNoProcessBehind();
    void enforcesTheMemoryLimit();
    void runsWithinTheMemoryLimit();
    void reportsWhatCannotStart_data();
    void reportsWhatCannotStart();

private:
    std::unique_ptr<QTemporaryDir>
        m_root; // holds the workspace and, beside it, a file the build must not see
    QString m_workspace;
    BubblewrapCommandRunner m_runner;
};

void TestBubblewrapCommandRunner::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    m_workspace = m_root->filePath(QStringLiteral("workspace"));
    QVERIFY(QDir().mkpath(m_workspace));
    QFile secret(m_root->filePath(QStringLiteral("secret.txt")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("outside the workspace\n");
}

void TestBubblewrapCommandRunner::deliversOutputLineByLine_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("stdoutLines");
    QTest::addColumn<QStringList>("stderrLines");

    const QString x64k(64 * 1024, QLatin1Char('x'));
    QTest::newRow("lines") << QStringLiteral("printf 'one\\ntwo\\n'")
                           << QStringList{QStringLiteral("one"), QStringLiteral("two")} << QStringList();
    QTest::newRow("final partial line")
        << QStringLiteral("printf 'one\\ntwo'") << QStringList{QStringLiteral("one"), QStringLiteral("two")}
        << QStringList();
    QTest::newRow("empty lines") << QStringLiteral("printf '\\n\\n'") << QStringList{QString(), QString()}
                                 << QStringList();
    QTest::newRow("stderr") << QStringLiteral("echo out; echo err >&2") << QStringList{QStringLiteral("out")}
                            << QStringList{QStringLiteral("err")};
    QTest::newRow("utf-8") << QStringLiteral("printf 'caf\\303\\251\\n'")
                           << QStringList{QStringLiteral("café")} << QStringList();
    QTest::newRow("invalid utf-8") << QStringLiteral("printf 'caf\\351\\n'")
                                   << QStringList{QStringLiteral("caf") + QChar(QChar::ReplacementCharacter)}
                                   << QStringList();
    QTest::newRow("long line split at 64 KiB")
        << QStringLiteral("head -c 140000 /dev/zero | tr '\\0' x; echo; echo after")
        << QStringList{x64k, x64k, QString(140000 - 2 * 64 * 1024, QLatin1Char('x')), QStringLiteral("after")}
        << QStringList();
    QStringList many;
    for (int i = 1; i <= 5000; ++i)
        many << QString::number(i);
    QTest::newRow("many lines in order") << QStringLiteral("seq 5000") << many << QStringList();
}

void TestBubblewrapCommandRunner::deliversOutputLineByLine()
{
    QFETCH(QString, command);
    QFETCH(QStringList, stdoutLines);
    QFETCH(QStringList, stderrLines);

    const Run run = runCommand(m_runner, command, m_workspace);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.result.exitCode, 0);
    QCOMPARE(run.stdoutLines, stdoutLines);
    QCOMPARE(run.stderrLines, stderrLines);
}

void TestBubblewrapCommandRunner::passesExitCodesThrough_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("success") << QStringLiteral("true") << 0;
    QTest::newRow("failure") << QStringLiteral("exit 3") << 3;
    QTest::newRow("unknown command") << QStringLiteral("no-such-tool") << 127;
    QTest::newRow("killed by a signal") << QStringLiteral("kill -KILL $$") << 128 + 9;
}

void TestBubblewrapCommandRunner::passesExitCodesThrough()
{
    QFETCH(QString, command);
    QFETCH(int, exitCode);

    const Run run = runCommand(m_runner, command, m_workspace);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.result.exitCode, exitCode);
    if (exitCode != 0)
        QVERIFY2(run.result.detail.contains(QString::number(exitCode)), qPrintable(run.result.detail));
}

void TestBubblewrapCommandRunner::seesOnlyItsWorkspaceAndReadOnlySystem_data()
{
    QTest::addColumn<QString>("probe"); // a command that must fail inside the sandbox

    QTest::newRow("file beside the workspace")
        << QStringLiteral("cat '%1'").arg(m_root->filePath(QStringLiteral("secret.txt")));
    QTest::newRow("workspace by its host path") << QStringLiteral("ls '%1'").arg(m_workspace);
    QTest::newRow("/root") << QStringLiteral("ls /root");
    QTest::newRow("/work") << QStringLiteral("ls /work");
    QTest::newRow("/home") << QStringLiteral("ls /home");
    QTest::newRow("write to /usr") << QStringLiteral("touch /usr/vitrine-probe");
    QTest::newRow("write to /etc") << QStringLiteral("echo x > /etc/passwd");
    // The sandbox has a pid namespace of its own: the test (at a host pid well above the sandbox's few)
    // is not there.
    QTest::newRow("host processes")
        << QStringLiteral("test -d /proc/%1").arg(QCoreApplication::applicationPid());
}

void TestBubblewrapCommandRunner::seesOnlyItsWorkspaceAndReadOnlySystem()
{
    QFETCH(QString, probe);

    const Run run = runCommand(
        m_runner, QStringLiteral("if %1; then echo reached; else echo isolated; fi").arg(probe), m_workspace);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.stdoutLines.value(run.stdoutLines.size() - 1), QStringLiteral("isolated"));
    QVERIFY(!QFile::exists(QStringLiteral("/usr/vitrine-probe")));
}

void TestBubblewrapCommandRunner::worksInItsWorkspace()
{
    QFile source(m_workspace + QStringLiteral("/input.txt"));
    QVERIFY(source.open(QIODevice::WriteOnly));
    source.write("from the checkout\n");
    source.close();

    const Run run =
        runCommand(m_runner,
                   QStringLiteral("pwd; cat input.txt; mkdir -p dist && echo built > dist/index.html; "
                                  "echo scratch > /tmp/scratch && cat /tmp/scratch"),
                   m_workspace);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.result.exitCode, 0);
    QCOMPARE(run.stdoutLines, (QStringList{QStringLiteral("/workspace"), QStringLiteral("from the checkout"),
                                           QStringLiteral("scratch")}));
    QFile built(m_workspace + QStringLiteral("/dist/index.html"));
    QVERIFY(built.open(QIODevice::ReadOnly));
    QCOMPARE(built.readAll(), QByteArray("built\n"));
}

void TestBubblewrapCommandRunner::seesOnlyTheGivenEnvironment()
{
    qputenv("VITRINE_TEST_HOST_ONLY", "host secret");
    const EnvVars env{{QStringLiteral("GREETING"), QStringLiteral("hello world")},
                      {QStringLiteral("NODE_ENV"), QStringLiteral("production")}};

    const Run run =
        runCommand(m_runner,
                   QStringLiteral("echo \"$GREETING|$NODE_ENV|$HOME|$LANG|[$VITRINE_TEST_HOST_ONLY]\"; "
                                  "command -v sh"),
                   m_workspace, {}, env);
    qunsetenv("VITRINE_TEST_HOST_ONLY");
    QCOMPARE(run.result.exitCode, 0);
    QCOMPARE(run.stdoutLines, (QStringList{QStringLiteral("hello world|production|/workspace|C.UTF-8|[]"),
                                           QStringLiteral("/usr/bin/sh")}));
}

void TestBubblewrapCommandRunner::reachesTheNetworkOnlyWhenAllowed_data()
{
    QTest::addColumn<bool>("allowNetwork");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("isolated") << false << 1;
    QTest::newRow("allowed") << true << 0;
}

void TestBubblewrapCommandRunner::reachesTheNetworkOnlyWhenAllowed()
{
    QFETCH(bool, allowNetwork);
    QFETCH(int, exitCode);

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    BubblewrapOptions options;
    options.allowNetwork = allowNetwork;
    BubblewrapCommandRunner runner(options);
    const QString connect =
        QStringLiteral("python3 -c \"import socket; socket.create_connection(('127.0.0.1', "
                       "%1), timeout=3)\" 2>/dev/null")
            .arg(server.serverPort());

    const Run run = runCommand(runner, connect, m_workspace);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.result.exitCode, exitCode);
}

void TestBubblewrapCommandRunner::leavesNoProcessBehind_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("cancel");
    QTest::addColumn<int>("timeoutSeconds");
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<QString>("detail");

    // MARKER is a sleep duration no other process uses, so /proc shows whether the sleeper still lives.
    const QString background = QStringLiteral("sleep MARKER & echo started; wait");
    QTest::newRow("canceled") << background << true << 60 << Outcome::Canceled << QStringLiteral("canceled");
    QTest::newRow("timed out") << background << false << 1 << Outcome::TimedOut
                               << QStringLiteral("killed after 1 s");
    QTest::newRow("daemon left by a finished command")
        << QStringLiteral("setsid sh -c 'sleep MARKER' >/dev/null 2>&1 & echo started") << false << 60
        << Outcome::Exited << QString();
}

void TestBubblewrapCommandRunner::leavesNoProcessBehind()
{
    QFETCH(QString, command);
    QFETCH(bool, cancel);
    QFETCH(int, timeoutSeconds);
    QFETCH(Outcome, outcome);
    QFETCH(QString, detail);

    const QByteArray marker = QByteArray::number(900000 + QUuid::createUuid().data1 % 99999) + ".5";
    CommandLimits limits;
    limits.timeoutSeconds = timeoutSeconds;

    const Run run =
        runCommand(m_runner, command.replace(QStringLiteral("MARKER"), QString::fromLatin1(marker)),
                   m_workspace, limits, {}, cancel ? QStringLiteral("started") : QString());
    QCOMPARE(run.result.outcome, outcome);
    QCOMPARE(run.result.detail, detail);
    QCOMPARE(run.stdoutLines.value(0), QStringLiteral("started"));
    QVERIFY2(!processWithArgumentRuns(marker), "a process of the build is still running");
}

void TestBubblewrapCommandRunner::enforcesTheMemoryLimit()
{
    CommandLimits limits;
    limits.memoryBytes = 64LL << 20;

    const Run run = runCommand(m_runner, QStringLiteral("python3 -c 'x = bytearray(300 * 1024 * 1024)'"),
                               m_workspace, limits);
    // With a cgroup (this host: v1 or v2) the kernel kills the build; the RLIMIT_AS fallback makes the
    // allocation fail, and the detail says the limit is approximate.
    const bool killed = run.result.outcome == Outcome::OutOfMemory;
    const bool refused = run.result.outcome == Outcome::Exited && run.result.exitCode != 0 &&
                         run.result.detail.contains(QStringLiteral("approximate"));
    QVERIFY2(killed || refused, qPrintable(run.result.detail));
    QVERIFY2(run.result.detail.contains(QStringLiteral("64 MiB")), qPrintable(run.result.detail));
}

void TestBubblewrapCommandRunner::runsWithinTheMemoryLimit()
{
    CommandLimits limits;
    limits.memoryBytes = 256LL << 20;

    const Run run =
        runCommand(m_runner, QStringLiteral("python3 -c 'x = bytearray(32 * 1024 * 1024); print(len(x))'"),
                   m_workspace, limits);
    QCOMPARE(run.result.outcome, Outcome::Exited);
    QCOMPARE(run.result.exitCode, 0);
    QCOMPARE(run.stdoutLines, QStringList{QString::number(32 * 1024 * 1024)});
}

void TestBubblewrapCommandRunner::reportsWhatCannotStart_data()
{
    QTest::addColumn<QString>("bwrapPath");
    QTest::addColumn<QString>("workspaceName");
    QTest::addColumn<QString>("detailPart");

    QTest::newRow("bwrap missing") << QStringLiteral("/nonexistent/bwrap") << QStringLiteral("workspace")
                                   << QStringLiteral("/nonexistent/bwrap is missing");
    QTest::newRow("workspace missing")
        << QStringLiteral("/usr/bin/bwrap") << QStringLiteral("gone") << QStringLiteral("is not a directory");
}

void TestBubblewrapCommandRunner::reportsWhatCannotStart()
{
    QFETCH(QString, bwrapPath);
    QFETCH(QString, workspaceName);
    QFETCH(QString, detailPart);

    BubblewrapOptions options;
    options.bwrapPath = bwrapPath;
    BubblewrapCommandRunner runner(options);
    const Run run = runCommand(runner, QStringLiteral("echo never"), m_root->filePath(workspaceName));
    QCOMPARE(run.result.outcome, Outcome::FailedToStart);
    QVERIFY2(run.result.detail.contains(detailPart), qPrintable(run.result.detail));
    QVERIFY(run.stdoutLines.isEmpty());
}

QTEST_GUILESS_MAIN(TestBubblewrapCommandRunner)
#include "tst_bubblewrap_command_runner.moc"
