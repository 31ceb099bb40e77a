#include "server_process.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include <utility>

namespace vitrine::tests {

namespace {

constexpr int kReadyTimeoutMs = 30'000;
constexpr int kStopTimeoutMs = 30'000;
constexpr int kPollIntervalMs = 50;

QString readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// A field of the ready line, in the text format (grpc=127.0.0.1:5) or the JSON one ("grpc":"127.0.0.1:5").
QString readyField(const QString &line, const QString &key)
{
    const QRegularExpression pattern(QStringLiteral("(?:^|[ ,{])\"?%1\"?[=:]\"?([^\\s\",}]+)").arg(key));
    return pattern.match(line).captured(1);
}

} // namespace

ServerProcess::ServerProcess()
    : ServerProcess(Options{})
{
}

ServerProcess::ServerProcess(Options options)
    : m_options(std::move(options))
{
}

ServerProcess::~ServerProcess()
{
    stop();
}

bool ServerProcess::start(QString *error)
{
    if (m_process.state() != QProcess::NotRunning) {
        *error = QStringLiteral("vitrine-server is already running");
        return false;
    }
    if (!m_workDir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(m_workDir.errorString());
        return false;
    }
    m_grpcAddress.clear();
    m_httpAddress.clear();
    m_routerAddress.clear();
    ++m_starts;
    m_logFile = m_workDir.filePath(QStringLiteral("server-%1.log").arg(m_starts));

    QStringList arguments{
        QStringLiteral("--grpc-listen"),       QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--http-listen"),       QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--router-listen"),     QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--data-dir"),          dataDir(),
        QStringLiteral("--allow-local-repos"),
    };
    if (!m_options.database.isEmpty())
        arguments << QStringLiteral("--database") << m_options.database;
    arguments += m_options.extraArgs;

    // The test's own VITRINE_* variables must not leak into the server's configuration.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QStringList names = environment.keys();
    for (const QString &name : names) {
        if (name.startsWith(QStringLiteral("VITRINE_")))
            environment.remove(name);
    }

    m_process.setProgram(QString::fromUtf8(VITRINE_SERVER_BINARY));
    m_process.setArguments(arguments);
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_logFile, QIODevice::Truncate);
    m_process.start();
    if (!m_process.waitForStarted()) {
        *error = QStringLiteral("cannot run %1: %2").arg(m_process.program(), m_process.errorString());
        return false;
    }

    const QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!readReadyLine()) {
        if (m_process.state() == QProcess::NotRunning) {
            *error = QStringLiteral("vitrine-server exited (code %1) before it was ready; its output:\n%2")
                         .arg(m_process.exitCode())
                         .arg(output());
            return false;
        }
        if (deadline.hasExpired()) {
            *error = QStringLiteral("vitrine-server was not ready within %1 s; its output:\n%2")
                         .arg(kReadyTimeoutMs / 1000)
                         .arg(output());
            return false;
        }
        m_process.waitForFinished(kPollIntervalMs);
    }
    return true;
}

bool ServerProcess::readReadyLine()
{
    const QStringList lines = output().split(u'\n');
    for (const QString &line : lines) {
        const bool isReadyLine = line.contains(QStringLiteral(" vitrine.server ready ")) ||
                                 line.contains(QStringLiteral("\"msg\":\"ready\""));
        if (!isReadyLine)
            continue;
        m_grpcAddress = readyField(line, QStringLiteral("grpc"));
        m_httpAddress = readyField(line, QStringLiteral("http"));
        m_routerAddress = readyField(line, QStringLiteral("router"));
        return !m_grpcAddress.isEmpty() && !m_httpAddress.isEmpty() && !m_routerAddress.isEmpty();
    }
    return false;
}

int ServerProcess::stop()
{
    if (m_starts == 0)
        return -1;
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(kStopTimeoutMs)) {
            m_process.kill();
            m_process.waitForFinished();
            return -1;
        }
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString ServerProcess::grpcAddress() const
{
    return m_grpcAddress;
}

QString ServerProcess::httpAddress() const
{
    return m_httpAddress;
}

QString ServerProcess::routerAddress() const
{
    return m_routerAddress;
}

QString ServerProcess::dataDir() const
{
    return m_workDir.filePath(QStringLiteral("data"));
}

QString ServerProcess::adminToken() const
{
    return readFile(QDir(dataDir()).filePath(QStringLiteral("admin.token"))).trimmed();
}

QString ServerProcess::output() const
{
    return readFile(m_logFile);
}

} // namespace vitrine::tests
