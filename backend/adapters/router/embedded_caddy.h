#pragma once

#include "adapters/router/caddy_admin_client.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

#include <chrono>
#include <mutex>

namespace vitrine::adapters::router {

// A Caddy process this server owns: `caddy run` with its admin API on a unix socket and all its state in one
// folder, its log lines forwarded to "vitrine.router", restarted with backoff whenever it dies, stopped when
// this object is destroyed. It lives on the thread that creates it, whose event loop watches the process.
//
// The folder holds: admin.sock (the admin API), startup.json (the configuration a start or restart loads),
// data/ and config/ (Caddy's XDG_DATA_HOME and XDG_CONFIG_HOME).
class EmbeddedCaddy : public QObject {
    Q_OBJECT

public:
    // Starts `program` (the caddy binary) with `startupConfig`, whose admin section must listen on
    // adminSocketPath(stateDir), and waits until Caddy answers there. Throws domain::Error
    // (FailedPrecondition) when Caddy cannot start, with Caddy's reason (e.g. its listen address is taken),
    // or when another Caddy already answers on that socket.
    EmbeddedCaddy(QString program, QString stateDir, const QByteArray &startupConfig,
                  QObject *parent = nullptr);
    // Stops Caddy: SIGTERM, then SIGKILL if it has not exited after a few seconds.
    ~EmbeddedCaddy() override;

    static QString adminSocketPath(const QString &stateDir);

    // The admin API of this Caddy.
    const CaddyAdminClient &admin() const { return m_admin; }

    // Makes `config` the configuration Caddy loads when it restarts. Safe from any thread.
    void setStartupConfig(const QByteArray &config);

    // The running Caddy's process id; 0 while it is down (between a crash and its restart).
    qint64 processId() const;

private:
    void start();
    void waitUntilAnswering();
    void stop();
    void onFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void onErrorOccurred(QProcess::ProcessError error);
    void scheduleRestart(const QString &reason);
    void forwardStandardError();
    void forwardLine(const QByteArray &line);

    QString m_program;
    QString m_stateDir;
    CaddyAdminClient m_admin;
    std::mutex m_startupConfigMutex;
    QProcess m_process;
    QTimer m_restartTimer;
    QElapsedTimer m_runningFor;
    std::chrono::milliseconds m_restartDelay;
    bool m_supervising =
        false; // restart when the process ends; off while starting the first time and stopping
    QByteArray m_pendingStandardError;
    QString m_lastError; // Caddy's last error line, for the message when it dies
};

} // namespace vitrine::adapters::router
