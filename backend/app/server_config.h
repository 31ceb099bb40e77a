#pragma once

#include "app/logging.h"

#include <QHostAddress>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <stdexcept>

namespace vitrine::app {

// The configuration cannot be accepted. The message names the flag, environment variable or config file key
// (with the file's line) and says what is wrong.
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(const QString &message);
    QString message() const { return m_message; }

private:
    QString m_message;
};

// Where a server socket listens: an IP address or "localhost", and a port (0: any free port).
struct ListenAddress {
    QString host;
    quint16 port = 0;

    // "host:port", an IPv6 host in brackets.
    QString toString() const;
    // The same with another port, e.g. the one the socket actually bound.
    QString toString(quint16 boundPort) const;
    QHostAddress hostAddress() const;
    bool isLoopback() const;
};

enum class RuntimeKind { Process, Docker };

QString runtimeName(RuntimeKind runtime);

// Where outgoing notifications go: one [[notifications]] table of the config file.
struct NotificationTarget {
    enum class Format { Json, Slack };

    QUrl url; // http or https
    Format format = Format::Json;
    bool includeSuccesses = false; // failed builds are always sent
};

struct ServerConfig {
    ListenAddress grpcListen{QStringLiteral("127.0.0.1"), 50051};
    ListenAddress httpListen{QStringLiteral("127.0.0.1"), 8081};
    QUrl httpPublicUrl; // http or https; where clients and forges reach the HTTP API behind a proxy; empty:
                        // none
    ListenAddress routerListen{QStringLiteral("127.0.0.1"), 8080};
    QString dataDir; // absolute
    QString
        database; // the store URL: "postgresql://…" or "sqlite:/abs/path.db" (default DATA_DIR/vitrine.db)
    RuntimeKind runtime = RuntimeKind::Process;
    bool allowLocalRepos = false;
    QString tlsCertFile; // absolute PEM paths; both set or both empty
    QString tlsKeyFile;
    bool allowPlaintext = false; // gRPC without TLS on a non-loopback address
    LogLevel logLevel = LogLevel::Info;
    LogFormat logFormat = LogFormat::Text;
    QString configFile; // absolute; empty when none was given

    int builderSlots = 2;                          // builds that run at once in this process; 0: remote only
    int buildTimeoutSeconds = 1800;                // per build
    int buildMemoryMb = 2048;                      // per build; 0: no limit
    bool buildAllowNetwork = false;                // builds reach the network (to download dependencies)
    int pollIntervalSeconds = 180;                 // how often the controller fetches each repository
    int heartbeatTimeoutSeconds = 60;              // a BUILDING build without a heartbeat this long fails
    QUrl caddyAdmin;                               // an external Caddy's admin API; empty: run Caddy embedded
    QString caddyBinary = QStringLiteral("caddy"); // the embedded Caddy: a path, or a name looked up in PATH
    QList<NotificationTarget> notifications;

    int appMemoryMb = 512;          // per app instance unless the app sets its own; 0: no limit
    int appCpuMillicores = 1000;    // per app instance unless the app sets its own; 0: no limit
    int healthTimeoutSeconds = 60;  // a new instance must be healthy by then
    int appLogRetentionMb = 8;      // output kept per app
    int sleepCheckSeconds = 10;     // how often auto-sleep looks for idle apps
    int metricsIntervalSeconds = 5; // app metrics sampling
    int restartAlertCount = 5;      // restarts within restartWindowSeconds that open an alert
    int restartWindowSeconds = 300;
    int autoStopRestarts = 10;   // restarts within the window that stop the app; 0: never
    int gcIntervalSeconds = 600; // how often garbage collection runs
    int gcKeepBuilds = 3;        // SUCCEEDED builds kept per app for rollback besides the served one
    int gcBuildLogDays = 30;     // the logs of builds not kept go this many days after they finished

    // The container engine of the docker runtime: "unix:///PATH" of Docker's or Podman's API socket.
    QString dockerHost = QStringLiteral("unix:///run/docker.sock");
    // The image runtime-cmd and auto builds are built on with the docker runtime (a generated Dockerfile
    // over it); runtime-dockerfile apps name their own.
    QString dockerBaseImage = QStringLiteral("docker.io/library/debian:bookworm-slim");

    bool grpcUsesTls() const { return !tlsCertFile.isEmpty(); }
    // Where forges deliver webhooks, ending in "/webhooks/": under httpPublicUrl when set, else at the HTTP
    // listen address with the port it bound.
    QString webhookBaseUrl(quint16 boundHttpPort) const;
};

// What a command line asks vitrine-server to do.
struct Invocation {
    enum class Action { Serve, PrintHelp, PrintVersion };
    Action action = Action::Serve;
    QString text; // the help or version text to print
    ServerConfig config;
};

// Reads the configuration in layers, each overriding the one before: built-in defaults, the TOML file
// (--config or VITRINE_CONFIG), the environment (VITRINE_*), the command line; [[notifications]] comes from
// the file only. `arguments` starts with the program name. Relative paths in the file resolve against the
// file's folder, others against the current directory. Throws ConfigError for an unknown flag or key, a value
// of the wrong type or out of range, and for gRPC without TLS on a non-loopback address unless plaintext is
// explicitly allowed.
Invocation parseInvocation(const QStringList &arguments, const QProcessEnvironment &environment);

// The database URL without its password, fit for logs and messages.
QString redactedDatabaseUrl(const QString &url);

} // namespace vitrine::app
