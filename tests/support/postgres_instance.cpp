#include "postgres_instance.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QTcpServer>
#include <QThread>

#include <cerrno>
#include <cstring>

namespace vitrine::tests {

namespace {

constexpr auto kServerUser = "postgres";
constexpr int kStartAttempts = 3; // another process may take the free port before the server binds it
constexpr int kReadyTimeoutMs = 60'000;
constexpr int kToolTimeoutMs = 60'000;
constexpr int kStopTimeoutMs = 30'000;

bool runningAsRoot()
{
    return geteuid() == 0;
}

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

PostgresInstance::PostgresInstance()
{
    m_server.setProcessChannelMode(QProcess::MergedChannels);
}

PostgresInstance::~PostgresInstance()
{
    stop();
}

QString PostgresInstance::binDir()
{
    return QStringLiteral("/usr/lib/postgresql/15/bin");
}

QString PostgresInstance::url(const QString &databaseName) const
{
    return QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2").arg(m_port).arg(databaseName);
}

QStringList PostgresInstance::commandLine(const QString &tool, const QStringList &arguments,
                                          bool asServerUser) const
{
    QStringList command{binDir() + u'/' + tool};
    command << arguments;
    if (asServerUser && runningAsRoot())
        command = QStringList{QStringLiteral("runuser"), QStringLiteral("-u"),
                              QString::fromLatin1(kServerUser), QStringLiteral("--")} +
                  command;
    return command;
}

bool PostgresInstance::runTool(const QString &tool, const QStringList &arguments, bool asServerUser,
                               QString *error)
{
    const QStringList command = commandLine(tool, arguments, asServerUser);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(command.first(), command.mid(1));
    const bool finished = process.waitForStarted() && process.waitForFinished(kToolTimeoutMs);
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return true;
    if (!finished)
        process.kill();
    *error =
        QStringLiteral("'%1' failed: %2\n%3")
            .arg(command.join(u' '),
                 finished ? QStringLiteral("exit code %1").arg(process.exitCode()) : process.errorString(),
                 QString::fromLocal8Bit(process.readAll()));
    return false;
}

bool PostgresInstance::start(QString *error)
{
    for (const char *program : {"initdb", "postgres", "pg_isready", "createdb"}) {
        if (!QFileInfo(binDir() + u'/' + QLatin1StringView(program)).isExecutable()) {
            *error = QStringLiteral("PostgreSQL 15 is not installed: %1/%2 is missing. Install Debian's "
                                    "postgresql package (apt-get install postgresql).")
                         .arg(binDir(), QLatin1StringView(program));
            return false;
        }
    }
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    if (runningAsRoot()) {
        const passwd *serverUser = getpwnam(kServerUser);
        if (!serverUser) {
            *error = QStringLiteral("there is no user '%1' to run PostgreSQL as (Debian's postgresql package "
                                    "creates it)")
                         .arg(QLatin1StringView(kServerUser));
            return false;
        }
        if (chown(QFile::encodeName(m_dir.path()).constData(), serverUser->pw_uid, serverUser->pw_gid) != 0) {
            *error = QStringLiteral("cannot hand %1 to the user '%2': %3")
                         .arg(m_dir.path(), QLatin1StringView(kServerUser),
                              QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
    }

    // The default collation is a language-aware one that ignores punctuation, as in a production database
    // created with a language locale: code that needs byte order must ask for it (COLLATE "C").
    if (!runTool(QStringLiteral("initdb"),
                 {QStringLiteral("--pgdata=%1").arg(m_dir.filePath(QStringLiteral("data"))),
                  QStringLiteral("--username=postgres"), QStringLiteral("--auth=trust"),
                  QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C"),
                  QStringLiteral("--locale-provider=icu"), QStringLiteral("--icu-locale=und-u-ka-shifted"),
                  QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
                 true, error)) {
        return false;
    }
    for (int attempt = 1;; ++attempt) {
        if (startServer(error))
            break;
        if (attempt == kStartAttempts)
            return false;
    }
    return createDatabase(QStringLiteral("vitrine_test"), error);
}

bool PostgresInstance::startServer(QString *error)
{
    m_port = freeLoopbackPort();
    if (m_port == 0) {
        *error = QStringLiteral("no free loopback port");
        return false;
    }
    // A throwaway cluster: no unix socket (the system's cluster owns the default one), and no durability.
    const QStringList command = commandLine(
        QStringLiteral("postgres"),
        {QStringLiteral("-D"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("-p"),
         QString::number(m_port), QStringLiteral("-c"), QStringLiteral("listen_addresses=127.0.0.1"),
         QStringLiteral("-c"), QStringLiteral("unix_socket_directories="), QStringLiteral("-c"),
         QStringLiteral("fsync=off"), QStringLiteral("-c"), QStringLiteral("synchronous_commit=off"),
         QStringLiteral("-c"), QStringLiteral("full_page_writes=off")},
        true);
    m_server.setStandardOutputFile(m_dir.filePath(QStringLiteral("server.log")), QIODevice::Append);
    m_server.start(command.first(), command.mid(1));
    if (!m_server.waitForStarted()) {
        *error = QStringLiteral("cannot start '%1': %2").arg(command.join(u' '), m_server.errorString());
        return false;
    }
    return waitUntilReady(error);
}

bool PostgresInstance::waitUntilReady(QString *error)
{
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_server.state() == QProcess::NotRunning) {
            *error = QStringLiteral("PostgreSQL exited during start-up:\n%1").arg(serverLog());
            return false;
        }
        QProcess probe;
        probe.start(binDir() + QStringLiteral("/pg_isready"),
                    {QStringLiteral("--host=127.0.0.1"), QStringLiteral("--port=%1").arg(m_port),
                     QStringLiteral("--username=postgres"), QStringLiteral("--dbname=postgres"),
                     QStringLiteral("--timeout=1"), QStringLiteral("--quiet")});
        if (probe.waitForFinished() && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0)
            return true;
        QThread::msleep(100);
    }
    *error = QStringLiteral("PostgreSQL did not accept connections within %1 s:\n%2")
                 .arg(kReadyTimeoutMs / 1000)
                 .arg(serverLog());
    stop();
    return false;
}

bool PostgresInstance::createDatabase(const QString &name, QString *error)
{
    return runTool(QStringLiteral("createdb"),
                   {QStringLiteral("--host=127.0.0.1"), QStringLiteral("--port=%1").arg(m_port),
                    QStringLiteral("--username=postgres"), name},
                   false, error);
}

void PostgresInstance::stop()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    // As root, the process started is runuser and the server is its child: signal the server itself, whose
    // PID it wrote into its data directory. SIGINT is PostgreSQL's fast shutdown.
    QFile pidFile(m_dir.filePath(QStringLiteral("data/postmaster.pid")));
    const pid_t serverPid = pidFile.open(QIODevice::ReadOnly) ? pid_t(pidFile.readLine().trimmed().toLong())
                                                              : pid_t(m_server.processId());
    if (serverPid > 0)
        kill(serverPid, SIGINT);
    if (!m_server.waitForFinished(kStopTimeoutMs)) {
        if (serverPid > 0)
            kill(serverPid, SIGKILL);
        m_server.kill();
        m_server.waitForFinished();
    }
}

QString PostgresInstance::serverLog() const
{
    QFile log(m_dir.filePath(QStringLiteral("server.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString();
}

} // namespace vitrine::tests
