#include "adapters/router/embedded_caddy.h"

#include "adapters/router/router_logging.h"
#include "domain/error.h"

#include <sys/prctl.h>
#include <sys/un.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSaveFile>

#include <algorithm>
#include <csignal>
#include <utility>

namespace vitrine::adapters::router {

namespace {

using domain::Error;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kStartTimeout = 15s;
constexpr std::chrono::milliseconds kProbeTimeout = 1s;
constexpr int kProbeIntervalMs = 50;
constexpr int kStopGraceMs = 5'000;
constexpr std::chrono::milliseconds kFirstRestartDelay = 500ms;
constexpr std::chrono::milliseconds kMaxRestartDelay = 30s;
// A Caddy that ran this long before dying is restarted quickly again: the crash was not a start-up loop.
constexpr std::chrono::milliseconds kStableRun = 60s;
// A log line longer than this is forwarded in pieces rather than buffered without bound.
constexpr qsizetype kMaxLineLength = 64 * 1024;

QString startupConfigPath(const QString &stateDir)
{
    return QDir(stateDir).filePath(QStringLiteral("startup.json"));
}

QString fieldText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

// Warnings Caddy gives at every load or stop about choices this router makes on purpose: not news.
bool isExpectedWarning(const QString &message)
{
    return message.startsWith(u"automatic HTTPS is completely disabled") || message.startsWith(u"exiting;");
}

bool isErrorLevel(const QString &level)
{
    return level == u"error" || level == u"dpanic" || level == u"panic" || level == u"fatal";
}

} // namespace

EmbeddedCaddy::EmbeddedCaddy(QString program, QString stateDir, const QByteArray &startupConfig,
                             QObject *parent)
    : QObject(parent)
    , m_program(std::move(program))
    , m_stateDir(std::move(stateDir))
    , m_admin(CaddyAdminClient::onUnixSocket(adminSocketPath(m_stateDir)))
    , m_restartDelay(kFirstRestartDelay)
{
    const QString socketPath = adminSocketPath(m_stateDir);
    if (socketPath.toUtf8().size() >= qsizetype(sizeof(sockaddr_un::sun_path))) {
        throw Error::failedPrecondition(
            QStringLiteral(
                "Caddy's admin socket %1 would be longer than a unix socket path may be (%2 bytes): "
                "use a data dir with a shorter path")
                .arg(socketPath)
                .arg(sizeof(sockaddr_un::sun_path) - 1));
    }
    const QDir dir(m_stateDir);
    if (!dir.mkpath(QStringLiteral("data")) || !dir.mkpath(QStringLiteral("config")))
        throw Error::failedPrecondition(QStringLiteral("cannot create Caddy's folder %1").arg(m_stateDir));

    // Caddy takes over a socket file left behind, even one another Caddy still serves: ask first.
    if (QFileInfo::exists(socketPath)) {
        bool answered = true;
        try {
            m_admin.config(QString(), kProbeTimeout);
        } catch (const Error &error) {
            answered = error.kind() != domain::ErrorKind::FailedPrecondition;
        }
        if (answered) {
            throw Error::failedPrecondition(
                QStringLiteral("another Caddy already answers at %1: is another vitrine-server using %2?")
                    .arg(m_admin.endpoint(), QDir::cleanPath(m_stateDir + QStringLiteral("/.."))));
        }
    }
    setStartupConfig(startupConfig);

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(m_stateDir);
    m_process.setProgram(m_program);
    m_process.setArguments(
        {QStringLiteral("run"), QStringLiteral("--config"), startupConfigPath(m_stateDir)});
    // Caddy writes its log to stderr and nothing else: one channel to read.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // Should this server die without stopping Caddy, Caddy must not outlive it holding the router's port.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &EmbeddedCaddy::forwardStandardError);
    connect(&m_process, &QProcess::finished, this, &EmbeddedCaddy::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &EmbeddedCaddy::onErrorOccurred);

    m_restartTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, &EmbeddedCaddy::start);
    connect(&m_process, &QProcess::started, this, [this] {
        if (m_supervising)
            qCInfo(lcRouter) << "restarted Caddy, pid" << m_process.processId();
    });

    start();
    waitUntilAnswering();
    m_supervising = true;
    qCInfo(lcRouter).noquote() << "Caddy is running, pid" << m_process.processId() << "admin"
                               << m_admin.endpoint();
}

EmbeddedCaddy::~EmbeddedCaddy()
{
    stop();
    // Nothing the process reports from here on may reach members that are being destroyed.
    m_process.disconnect(this);
}

QString EmbeddedCaddy::adminSocketPath(const QString &stateDir)
{
    return QDir(stateDir).filePath(QStringLiteral("admin.sock"));
}

void EmbeddedCaddy::setStartupConfig(const QByteArray &config)
{
    const std::lock_guard lock(m_startupConfigMutex);
    // Written whole, then renamed over the old one: a restart reads either file, never half of one.
    QSaveFile file(startupConfigPath(m_stateDir));
    if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size() || !file.commit()) {
        throw Error::internal(QStringLiteral("cannot write Caddy's configuration %1: %2")
                                  .arg(file.fileName(), file.errorString()));
    }
}

qint64 EmbeddedCaddy::processId() const
{
    return m_process.processId();
}

void EmbeddedCaddy::start()
{
    m_lastError.clear();
    m_pendingStandardError.clear();
    m_runningFor.start();
    m_process.start();
}

void EmbeddedCaddy::waitUntilAnswering()
{
    const QDeadlineTimer deadline(kStartTimeout);
    if (!m_process.waitForStarted(int(kStartTimeout.count()))) {
        throw Error::failedPrecondition(
            QStringLiteral("cannot start Caddy (%1): %2").arg(m_program, m_process.errorString()));
    }
    for (;;) {
        try {
            m_admin.config(QString(), kProbeTimeout);
            return;
        } catch (const Error &) {
            // Not listening yet: wait a moment below, unless Caddy gave up.
        }
        if (m_process.waitForFinished(kProbeIntervalMs)) {
            throw Error::failedPrecondition(
                QStringLiteral("Caddy stopped while starting: %1")
                    .arg(m_lastError.isEmpty() ? QStringLiteral("exit code %1").arg(m_process.exitCode())
                                               : m_lastError));
        }
        if (deadline.hasExpired()) {
            stop();
            throw Error::failedPrecondition(QStringLiteral("Caddy did not answer at %1 within %2 s")
                                                .arg(m_admin.endpoint())
                                                .arg(kStartTimeout.count() / 1000));
        }
    }
}

void EmbeddedCaddy::stop()
{
    m_supervising = false;
    m_restartTimer.stop();
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(kStopGraceMs)) {
        qCWarning(lcRouter) << "Caddy did not stop within" << kStopGraceMs << "ms of SIGTERM; killing it";
        m_process.kill();
        m_process.waitForFinished();
    }
}

void EmbeddedCaddy::onFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    forwardStandardError();
    if (!m_pendingStandardError.isEmpty())
        forwardLine(std::exchange(m_pendingStandardError, QByteArray()));
    if (!m_supervising)
        return;
    QString reason = exitStatus == QProcess::CrashExit
                         ? QStringLiteral("Caddy was killed")
                         : QStringLiteral("Caddy exited with code %1").arg(exitCode);
    if (!m_lastError.isEmpty())
        reason += QStringLiteral(" (%1)").arg(m_lastError);
    scheduleRestart(reason);
}

void EmbeddedCaddy::onErrorOccurred(QProcess::ProcessError error)
{
    // Any other error is followed by finished(); a process that never started is not.
    if (error == QProcess::FailedToStart && m_supervising)
        scheduleRestart(QStringLiteral("Caddy could not start: %1").arg(m_process.errorString()));
}

void EmbeddedCaddy::scheduleRestart(const QString &reason)
{
    if (m_runningFor.hasExpired(kStableRun.count()))
        m_restartDelay = kFirstRestartDelay;
    qCWarning(lcRouter).noquote() << reason << "- restarting it in" << m_restartDelay.count() << "ms";
    m_restartTimer.start(m_restartDelay);
    m_restartDelay = std::min(m_restartDelay * 2, kMaxRestartDelay);
}

void EmbeddedCaddy::forwardStandardError()
{
    m_pendingStandardError += m_process.readAllStandardOutput();
    qsizetype newline = 0;
    while ((newline = m_pendingStandardError.indexOf('\n')) >= 0) {
        forwardLine(m_pendingStandardError.left(newline));
        m_pendingStandardError.remove(0, newline + 1);
    }
    if (m_pendingStandardError.size() > kMaxLineLength)
        forwardLine(std::exchange(m_pendingStandardError, QByteArray()));
}

void EmbeddedCaddy::forwardLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed);
    if (!document.isObject()) {
        // Caddy prints why it could not start as plain text.
        m_lastError = QString::fromUtf8(trimmed);
        qCWarning(lcRouter).noquote() << "caddy:" << m_lastError;
        return;
    }
    QJsonObject record = document.object();
    const QString level = record.take(QStringLiteral("level")).toString();
    const QString logger = record.take(QStringLiteral("logger")).toString();
    const QString message = record.take(QStringLiteral("msg")).toString();
    QString text = message;
    record.remove(QStringLiteral("ts"));
    for (auto field = record.constBegin(); field != record.constEnd(); ++field)
        text += u' ' + field.key() + u'=' + fieldText(field.value());
    const QString prefix =
        logger.isEmpty() ? QStringLiteral("caddy:") : QStringLiteral("caddy %1:").arg(logger);

    // A request that failed (an app's upstream refused it, say) is news about that app, not about Caddy: it
    // must neither flood the router's warnings nor pass for the reason Caddy died.
    const bool aboutOneRequest = logger.startsWith(u"http.log.error");
    if (isErrorLevel(level) && !aboutOneRequest) {
        m_lastError = text;
        qCWarning(lcRouter).noquote() << prefix << text;
    } else if (level == u"warn" && !isExpectedWarning(message)) {
        qCInfo(lcRouter).noquote() << prefix << text;
    } else {
        qCDebug(lcRouter).noquote() << prefix << text;
    }
}

} // namespace vitrine::adapters::router
