#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace vitrine::tests {

// A real vitrine-server for end-to-end tests: free loopback ports, a temporary data dir (SQLite unless
// `database` is given), --allow-local-repos. Stopped with SIGTERM when destroyed.
class ServerProcess {
public:
    struct Options {
        QString database; // --database URL; empty: SQLite in the data dir
        // Appended to the command line; a flag given again overrides the default above. start() waits for
        // the info-level "ready" line, so keep --log-level at info or debug.
        QStringList extraArgs;
    };

    ServerProcess();
    explicit ServerProcess(Options options);
    ~ServerProcess();

    // Starts the server and waits (up to 30 s) until it reports it is listening. On failure returns false
    // and puts the reason and the server's output in *error. After stop(), starts again on the same data dir.
    bool start(QString *error);
    // SIGTERM, then waits for a clean exit; returns the exit code (-1 when it crashed or had to be killed).
    // On a server that already exited (e.g. start() failed), just returns its exit code.
    int stop();

    QString grpcAddress() const; // "127.0.0.1:PORT"
    QString httpAddress() const; // "127.0.0.1:PORT"
    // Where the router serves the apps' websites, "127.0.0.1:PORT": send a request there with the header
    // "Host: NAME.localhost" to reach app NAME.
    QString routerAddress() const;
    QString dataDir() const;
    QString adminToken() const; // read from DATA_DIR/admin.token
    QString output() const;     // everything the server printed since the last start()

private:
    bool readReadyLine();

    Options m_options;
    // data/ and one log file per start: a file, unlike a pipe nobody reads, never blocks the server.
    QTemporaryDir m_workDir;
    QProcess m_process;
    int m_starts = 0;
    QString m_logFile;
    QString m_grpcAddress;
    QString m_httpAddress;
    QString m_routerAddress;
};

} // namespace vitrine::tests
