#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace vitrine::tests {

// A throwaway PostgreSQL 15 server from Debian's postgresql package: a new cluster in a temporary directory,
// listening on a free loopback port, trusting the user "postgres" without a password. Its default collation
// is language-aware (ICU, punctuation ignored), so code that needs byte order must ask for it. initdb and
// postgres refuse to run as root, so a root caller runs them as the "postgres" user. Stopped (fast
// shutdown, by the PID it started) and deleted when destroyed.
class PostgresInstance {
public:
    PostgresInstance();
    ~PostgresInstance();
    PostgresInstance(const PostgresInstance &) = delete;
    PostgresInstance &operator=(const PostgresInstance &) = delete;

    // Creates the cluster, starts the server and creates the database "vitrine_test". On failure returns
    // false and puts the reason (with the server's log, if it got that far) in *error.
    bool start(QString *error);
    // Creates another empty database on the running server.
    bool createDatabase(const QString &name, QString *error);
    // Fast shutdown; waits until the server is gone.
    void stop();

    quint16 port() const { return m_port; }
    // "postgresql://postgres@127.0.0.1:PORT/vitrine_test"
    QString url() const { return url(QStringLiteral("vitrine_test")); }
    QString url(const QString &databaseName) const;

    // Where Debian puts the PostgreSQL 15 server programs.
    static QString binDir();

private:
    bool startServer(QString *error);
    bool waitUntilReady(QString *error);
    bool runTool(const QString &tool, const QStringList &arguments, bool asServerUser, QString *error);
    QStringList commandLine(const QString &tool, const QStringList &arguments, bool asServerUser) const;
    QString serverLog() const;

    QTemporaryDir m_dir;
    QProcess m_server;
    quint16 m_port = 0;
};

} // namespace vitrine::tests
