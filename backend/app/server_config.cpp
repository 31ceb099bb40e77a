#include "app/server_config.h"

#include <toml++/toml.h>

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QRegularExpression>
#include <QUrl>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace vitrine::app {

ConfigError::ConfigError(const QString &message)
    : std::runtime_error(message.toStdString())
    , m_message(message)
{
}

QString ListenAddress::toString() const
{
    return toString(port);
}

QString ListenAddress::toString(quint16 boundPort) const
{
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return shownHost + u':' + QString::number(boundPort);
}

QHostAddress ListenAddress::hostAddress() const
{
    if (host == u"localhost")
        return QHostAddress(QHostAddress::LocalHost);
    return QHostAddress(host);
}

bool ListenAddress::isLoopback() const
{
    return hostAddress().isLoopback();
}

QString ServerConfig::webhookBaseUrl(quint16 boundHttpPort) const
{
    if (httpPublicUrl.isEmpty())
        return QStringLiteral("http://%1/webhooks/").arg(httpListen.toString(boundHttpPort));
    QString base = httpPublicUrl.toString(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    return base + QStringLiteral("/webhooks/");
}

QString runtimeName(RuntimeKind runtime)
{
    switch (runtime) {
    case RuntimeKind::Process:
        return QStringLiteral("process");
    case RuntimeKind::Docker:
        return QStringLiteral("docker");
    }
    return QStringLiteral("process");
}

QString redactedDatabaseUrl(const QString &url)
{
    if (!url.contains(QStringLiteral("://")))
        return url;
    return QUrl(url).toDisplayString(QUrl::RemovePassword);
}

namespace {

enum class ValueType { Text, Boolean, Integer };

// One setting's value as the user gave it, and where they gave it.
struct RawValue {
    QString text;      // for ValueType::Text and ValueType::Integer (its digits)
    bool flag = false; // for ValueType::Boolean
    QString origin;    // "--grpc-listen", "VITRINE_GRPC_LISTEN" or "/etc/vitrine.toml:3: grpc.listen"
    QDir baseDir;      // relative paths resolve against it
};

using Apply = void (*)(ServerConfig &, const RawValue &);

struct Setting {
    QStringView section; // in the TOML file: [section] key = …
    QStringView key;
    QStringView environmentVariable;
    QStringView flag; // empty: not on the command line
    QStringView valueName;
    QStringView description;
    ValueType type;
    Apply apply;

    QString fileKey() const { return section.toString() + u'.' + key.toString(); }
};

[[noreturn]] void reject(const RawValue &value, const QString &shownValue, const QString &problem)
{
    throw ConfigError(QStringLiteral("%1: \"%2\" %3").arg(value.origin, shownValue, problem));
}

[[noreturn]] void reject(const RawValue &value, const QString &problem)
{
    reject(value, value.text, problem);
}

bool isPort(const QString &text, quint16 *port)
{
    if (text.isEmpty() || text.size() > 5)
        return false;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    const uint number = text.toUInt();
    if (number > 65535)
        return false;
    *port = static_cast<quint16>(number);
    return true;
}

ListenAddress parseListenAddress(const RawValue &value)
{
    const QString &text = value.text;
    ListenAddress address;
    QString portText;
    if (text.startsWith(u'[')) {
        const qsizetype closingBracket = text.indexOf(u']');
        if (closingBracket < 0 || text.mid(closingBracket + 1, 1) != u":")
            reject(value,
                   QStringLiteral("is not HOST:PORT (an IPv6 host goes in brackets, such as [::1]:50051)"));
        address.host = text.mid(1, closingBracket - 1);
        portText = text.mid(closingBracket + 2);
        if (QHostAddress(address.host).protocol() != QAbstractSocket::IPv6Protocol)
            reject(value, QStringLiteral("does not have an IPv6 address in its brackets"));
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon < 0)
            reject(value, QStringLiteral("is not HOST:PORT, such as 127.0.0.1:50051"));
        address.host = text.left(colon);
        portText = text.mid(colon + 1);
        if (address.host.contains(u':'))
            reject(value,
                   QStringLiteral("is not HOST:PORT (an IPv6 host goes in brackets, such as [::1]:50051)"));
        if (address.host != u"localhost" &&
            QHostAddress(address.host).protocol() != QAbstractSocket::IPv4Protocol)
            reject(value, QStringLiteral("does not start with an IP address or localhost"));
    }
    if (!isPort(portText, &address.port))
        reject(value, QStringLiteral("has no valid port: a port is a number from 0 to 65535"));
    return address;
}

QString parsePath(const RawValue &value)
{
    if (value.text.isEmpty())
        reject(value, QStringLiteral("is empty; give a path"));
    return QDir::cleanPath(value.baseDir.absoluteFilePath(value.text));
}

QString parseDatabase(const RawValue &value)
{
    const QString &text = value.text;
    const QString shown = redactedDatabaseUrl(text);
    if (text.startsWith(QStringLiteral("postgresql://")) || text.startsWith(QStringLiteral("postgres://"))) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.path().size() <= 1)
            reject(value, shown,
                   QStringLiteral("is not a PostgreSQL URL of the form "
                                  "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"));
        if (text.startsWith(QStringLiteral("postgres://")))
            return QStringLiteral("postgresql://") + text.mid(QStringLiteral("postgres://").size());
        return text;
    }
    const QString sqlitePrefix = QStringLiteral("sqlite:");
    if (text.startsWith(sqlitePrefix)) {
        RawValue path = value;
        path.text = text.mid(sqlitePrefix.size());
        return sqlitePrefix + parsePath(path);
    }
    if (text.contains(QStringLiteral("://")))
        reject(value, shown,
               QStringLiteral("is not a supported database: use postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
                              "or the path of a SQLite file"));
    return sqlitePrefix + parsePath(value);
}

bool parseBoolean(const RawValue &value)
{
    const QString text = value.text.toLower();
    if (text == u"true" || text == u"1" || text == u"yes" || text == u"on")
        return true;
    if (text == u"false" || text == u"0" || text == u"no" || text == u"off")
        return false;
    reject(value, QStringLiteral("is not a boolean: use true or false"));
}

// A whole number from `minimum` to `maximum`.
int parseInteger(const RawValue &value, int minimum, int maximum)
{
    bool isNumber = false;
    const qlonglong number = value.text.trimmed().toLongLong(&isNumber);
    if (!isNumber)
        reject(value, QStringLiteral("is not a whole number"));
    if (number < minimum || number > maximum)
        reject(value,
               QStringLiteral("is out of range: use a number from %1 to %2").arg(minimum).arg(maximum));
    return static_cast<int>(number);
}

// The Apply of an integer setting: a whole number from minimum to maximum, into that member.
template<int ServerConfig::*member, int minimum, int maximum>
void applyInteger(ServerConfig &config, const RawValue &value)
{
    config.*member = parseInteger(value, minimum, maximum);
}

// An admin API URL of the form http://HOST:PORT, which is all Caddy's admin endpoint speaks over TCP.
QUrl parseAdminUrl(const RawValue &value)
{
    const QUrl url(value.text, QUrl::StrictMode);
    const bool pathless = url.path().isEmpty() || url.path() == u"/";
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty() || url.port() < 0 || !pathless ||
        url.hasQuery())
        reject(value, QStringLiteral("is not an admin URL of the form http://HOST:PORT, such as "
                                     "http://127.0.0.1:2019"));
    return url;
}

// The base URL of the HTTP API as clients see it: http:// or https://, a host, maybe a port and a path.
QUrl parsePublicUrl(const RawValue &value)
{
    const QUrl url(value.text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty() ||
        url.hasQuery() || url.hasFragment())
        reject(value, QStringLiteral("is not an http:// or https:// URL without a query, such as "
                                     "https://vitrine.example.com"));
    return url;
}

// A program: a bare name is looked up in PATH when it runs, anything with a slash is a path.
QString parseProgram(const RawValue &value)
{
    if (value.text.isEmpty())
        reject(value, QStringLiteral("is empty; give a program name or path"));
    if (!value.text.contains(u'/'))
        return value.text;
    return parsePath(value);
}

// The engine's API socket: "unix:///PATH", or a bare absolute path taken as one; "unix:///PATH" either way.
QString parseDockerHost(const RawValue &value)
{
    const QString unixScheme = QStringLiteral("unix://");
    QString path = value.text;
    if (path.startsWith(unixScheme))
        path = path.mid(unixScheme.size());
    if (!QDir::isAbsolutePath(path) || path.contains(QStringLiteral("://")))
        reject(value, QStringLiteral("is not the engine's unix socket: use unix:///PATH, such as "
                                     "unix:///run/docker.sock or unix:///run/podman/podman.sock"));
    return unixScheme + QDir::cleanPath(path);
}

// An image reference as engines take it: [REGISTRY[:PORT]/]NAME[:TAG][@sha256:DIGEST], NAME in lowercase.
QString parseImageReference(const RawValue &value)
{
    static const QRegularExpression reference(
        QStringLiteral(R"(^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
                       R"((?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?)"
                       R"([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
                       R"((?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$)"));
    if (!reference.match(value.text).hasMatch())
        reject(value,
               QStringLiteral("is not an image reference such as docker.io/library/debian:bookworm-slim "
                              "(a lowercase name, then maybe :TAG)"));
    return value.text;
}

// The index of `text` among `choices`; rejects anything else, listing the choices.
template<size_t N>
size_t parseChoice(const RawValue &value, const std::array<QStringView, N> &choices)
{
    for (size_t i = 0; i < N; ++i) {
        if (value.text == choices[i])
            return i;
    }
    QStringList names;
    for (const QStringView choice : choices)
        names.append(choice.toString());
    reject(value, QStringLiteral("is not one of: %1").arg(names.join(QStringLiteral(", "))));
}

const std::array<Setting, 35> kSettings = {{
    {u"server", u"data_dir", u"VITRINE_DATA_DIR", u"data-dir", u"DIR",
     u"Keep the database, build artifacts and the admin token in DIR (default: ./data).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.dataDir = parsePath(value); }},
    {u"server", u"database", u"VITRINE_DATABASE", u"database", u"URL",
     u"Store in postgresql://USER:PASSWORD@HOST:PORT/DBNAME or in a SQLite file (default: "
     u"DATA_DIR/vitrine.db).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.database = parseDatabase(value); }},
    {u"server", u"runtime", u"VITRINE_RUNTIME", u"runtime", u"RUNTIME",
     u"Run apps as supervised processes or Docker/Podman containers: process or docker (default: process).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) {
         constexpr std::array<QStringView, 2> names{u"process", u"docker"};
         config.runtime = parseChoice(value, names) == 0 ? RuntimeKind::Process : RuntimeKind::Docker;
     }},
    {u"server", u"allow_local_repos", u"VITRINE_ALLOW_LOCAL_REPOS", u"allow-local-repos", u"",
     u"Accept repositories that are local paths or file:// URLs.", ValueType::Boolean,
     [](ServerConfig &config, const RawValue &value) { config.allowLocalRepos = value.flag; }},
    {u"grpc", u"listen", u"VITRINE_GRPC_LISTEN", u"grpc-listen", u"HOST:PORT",
     u"Serve the gRPC API on HOST:PORT (default: 127.0.0.1:50051; port 0 picks a free port).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.grpcListen = parseListenAddress(value); }},
    {u"grpc", u"tls_cert", u"VITRINE_GRPC_TLS_CERT", u"", u"FILE",
     u"PEM certificate chain for gRPC over TLS (with tls_key).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.tlsCertFile = parsePath(value); }},
    {u"grpc", u"tls_key", u"VITRINE_GRPC_TLS_KEY", u"", u"FILE", u"PEM private key of tls_cert.",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.tlsKeyFile = parsePath(value); }},
    {u"grpc", u"allow_plaintext", u"VITRINE_GRPC_ALLOW_PLAINTEXT", u"", u"",
     u"Serve gRPC without TLS on a non-loopback address (only on a trusted network).", ValueType::Boolean,
     [](ServerConfig &config, const RawValue &value) { config.allowPlaintext = value.flag; }},
    {u"http", u"listen", u"VITRINE_HTTP_LISTEN", u"http-listen", u"HOST:PORT",
     u"Serve HTTP (/healthz) on HOST:PORT (default: 127.0.0.1:8081).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.httpListen = parseListenAddress(value); }},
    {u"http", u"public_url", u"VITRINE_HTTP_PUBLIC_URL", u"", u"URL",
     u"The HTTP API's address as forges and clients reach it, behind a proxy: webhooks go to URL/webhooks/ "
     u"(default: http://HTTP_LISTEN).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.httpPublicUrl = parsePublicUrl(value); }},
    {u"router", u"listen", u"VITRINE_ROUTER_LISTEN", u"router-listen", u"HOST:PORT",
     u"Serve the apps' websites on HOST:PORT (default: 127.0.0.1:8080).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.routerListen = parseListenAddress(value); }},
    {u"router", u"caddy_admin", u"VITRINE_ROUTER_CADDY_ADMIN", u"caddy-admin", u"URL",
     u"Drive the external Caddy whose admin API is at URL (http://HOST:PORT) instead of running one "
     u"(default: run Caddy embedded).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.caddyAdmin = parseAdminUrl(value); }},
    {u"router", u"caddy_binary", u"VITRINE_ROUTER_CADDY_BINARY", u"", u"PROGRAM",
     u"The Caddy the server runs in embedded mode: a path, or a name looked up in PATH (default: caddy).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.caddyBinary = parseProgram(value); }},
    {u"builder", u"slots", u"VITRINE_BUILDER_SLOTS", u"", u"N",
     u"Run up to N builds at once in this process; 0 leaves every build to remote builders (default: 2).",
     ValueType::Integer, applyInteger<&ServerConfig::builderSlots, 0, 256>},
    {u"builder", u"timeout_seconds", u"VITRINE_BUILDER_TIMEOUT_SECONDS", u"", u"SECONDS",
     u"Stop a build that runs longer (default: 1800).", ValueType::Integer,
     applyInteger<&ServerConfig::buildTimeoutSeconds, 1, 7 * 24 * 3600>},
    {u"builder", u"memory_mb", u"VITRINE_BUILDER_MEMORY_MB", u"", u"MB",
     u"Memory limit of each build in MiB; 0 for none (default: 2048).", ValueType::Integer,
     applyInteger<&ServerConfig::buildMemoryMb, 0, 1024 * 1024>},
    {u"builder", u"allow_network", u"VITRINE_BUILDER_ALLOW_NETWORK", u"", u"",
     u"Let build commands reach the network, e.g. to download dependencies (default: false).",
     ValueType::Boolean,
     [](ServerConfig &config, const RawValue &value) { config.buildAllowNetwork = value.flag; }},
    {u"controller", u"poll_interval_seconds", u"VITRINE_CONTROLLER_POLL_INTERVAL_SECONDS", u"", u"SECONDS",
     u"Fetch each repository this often when no webhook says it changed (default: 180).", ValueType::Integer,
     applyInteger<&ServerConfig::pollIntervalSeconds, 1, 7 * 24 * 3600>},
    {u"controller", u"heartbeat_timeout_seconds", u"VITRINE_CONTROLLER_HEARTBEAT_TIMEOUT_SECONDS", u"",
     u"SECONDS", u"Fail a build whose builder sent no heartbeat for this long (default: 60).",
     ValueType::Integer, applyInteger<&ServerConfig::heartbeatTimeoutSeconds, 1, 24 * 3600>},
    {u"runtime", u"memory_mb", u"VITRINE_RUNTIME_MEMORY_MB", u"", u"MB",
     u"Memory limit of each app instance in MiB unless the app sets its own; 0 for none (default: 512).",
     ValueType::Integer, applyInteger<&ServerConfig::appMemoryMb, 0, 1024 * 1024>},
    {u"runtime", u"cpu_millicores", u"VITRINE_RUNTIME_CPU_MILLICORES", u"", u"N",
     u"CPU limit of each app instance in thousandths of a core unless the app sets its own; 0 for none "
     u"(default: 1000).",
     ValueType::Integer, applyInteger<&ServerConfig::appCpuMillicores, 0, 1024 * 1000>},
    {u"runtime", u"health_timeout_seconds", u"VITRINE_RUNTIME_HEALTH_TIMEOUT_SECONDS", u"", u"SECONDS",
     u"A new instance must be healthy within this time, or its deploy fails (default: 60).",
     ValueType::Integer, applyInteger<&ServerConfig::healthTimeoutSeconds, 1, 3600>},
    {u"runtime", u"log_retention_mb", u"VITRINE_RUNTIME_LOG_RETENTION_MB", u"", u"MB",
     u"Output kept per app in MiB; older lines are dropped (default: 8).", ValueType::Integer,
     applyInteger<&ServerConfig::appLogRetentionMb, 1, 64 * 1024>},
    {u"runtime", u"sleep_check_seconds", u"VITRINE_RUNTIME_SLEEP_CHECK_SECONDS", u"", u"SECONDS",
     u"How often apps with auto-sleep are checked for idleness (default: 10).", ValueType::Integer,
     applyInteger<&ServerConfig::sleepCheckSeconds, 1, 3600>},
    {u"docker", u"host", u"VITRINE_DOCKER_HOST", u"docker-host", u"unix:///PATH",
     u"The container engine of the docker runtime: Docker's or Podman's API socket (default: "
     u"unix:///run/docker.sock).",
     ValueType::Text,
     [](ServerConfig &config, const RawValue &value) { config.dockerHost = parseDockerHost(value); }},
    {u"docker", u"base_image", u"VITRINE_DOCKER_BASE_IMAGE", u"", u"IMAGE",
     u"With the docker runtime, runtime-cmd and auto apps are built and run on this image (default: "
     u"docker.io/library/debian:bookworm-slim).",
     ValueType::Text,
     [](ServerConfig &config,
        const RawValue &value) { config.dockerBaseImage = parseImageReference(value); }},
    {u"metrics", u"interval_seconds", u"VITRINE_METRICS_INTERVAL_SECONDS", u"", u"SECONDS",
     u"Sample the apps' CPU, memory, restarts and requests this often (default: 5).", ValueType::Integer,
     applyInteger<&ServerConfig::metricsIntervalSeconds, 1, 3600>},
    {u"alerts", u"restart_count", u"VITRINE_ALERTS_RESTART_COUNT", u"", u"N",
     u"Open a restart-loop alert when an app restarts N times within restart_window_seconds (default: 5).",
     ValueType::Integer, applyInteger<&ServerConfig::restartAlertCount, 1, 10'000>},
    {u"alerts", u"restart_window_seconds", u"VITRINE_ALERTS_RESTART_WINDOW_SECONDS", u"", u"SECONDS",
     u"The window of restart_count and auto_stop_restarts (default: 300).", ValueType::Integer,
     applyInteger<&ServerConfig::restartWindowSeconds, 1, 7 * 24 * 3600>},
    {u"alerts", u"auto_stop_restarts", u"VITRINE_ALERTS_AUTO_STOP_RESTARTS", u"", u"N",
     u"Stop an app that restarts N times within restart_window_seconds; 0 never stops one (default: 10).",
     ValueType::Integer, applyInteger<&ServerConfig::autoStopRestarts, 0, 10'000>},
    {u"gc", u"interval_seconds", u"VITRINE_GC_INTERVAL_SECONDS", u"", u"SECONDS",
     u"Remove old builds' artifacts, releases, sites, logs and images this often (default: 600).",
     ValueType::Integer, applyInteger<&ServerConfig::gcIntervalSeconds, 10, 7 * 24 * 3600>},
    {u"gc", u"keep_builds", u"VITRINE_GC_KEEP_BUILDS", u"", u"N",
     u"Keep N successful builds per app for rollback besides the one it serves; at least 1 (default: 3).",
     ValueType::Integer, applyInteger<&ServerConfig::gcKeepBuilds, 1, 1000>},
    {u"gc", u"build_log_days", u"VITRINE_GC_BUILD_LOG_DAYS", u"", u"DAYS",
     u"Remove the logs of builds that are not kept this many days after they finished (default: 30).",
     ValueType::Integer, applyInteger<&ServerConfig::gcBuildLogDays, 1, 36'500>},
    {u"log", u"level", u"VITRINE_LOG_LEVEL", u"log-level", u"LEVEL",
     u"Log records at LEVEL and above: debug, info, warning or error (default: info).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) {
         constexpr std::array<QStringView, 4> names{u"debug", u"info", u"warning", u"error"};
         constexpr std::array<LogLevel, 4> levels{LogLevel::Debug, LogLevel::Info, LogLevel::Warning,
                                                  LogLevel::Error};
         config.logLevel = levels[parseChoice(value, names)];
     }},
    {u"log", u"format", u"VITRINE_LOG_FORMAT", u"log-format", u"FORMAT",
     u"Log one line per record as text (logfmt) or json (default: text).", ValueType::Text,
     [](ServerConfig &config, const RawValue &value) {
         constexpr std::array<QStringView, 2> names{u"text", u"json"};
         config.logFormat = parseChoice(value, names) == 0 ? LogFormat::Text : LogFormat::Json;
     }},
}};

const Setting *findSetting(const QString &section, const QString &key)
{
    for (const Setting &setting : kSettings) {
        if (setting.section == section && setting.key == key)
            return &setting;
    }
    return nullptr;
}

QStringList sectionNames()
{
    QStringList names;
    for (const Setting &setting : kSettings) {
        if (!names.contains(setting.section))
            names.append(setting.section.toString());
    }
    return names;
}

QStringList keysOfSection(const QString &section)
{
    QStringList keys;
    for (const Setting &setting : kSettings) {
        if (setting.section == section)
            keys.append(setting.key.toString());
    }
    return keys;
}

QString typeName(toml::node_type type)
{
    switch (type) {
    case toml::node_type::none:
        return QStringLiteral("nothing");
    case toml::node_type::table:
        return QStringLiteral("table");
    case toml::node_type::array:
        return QStringLiteral("array");
    case toml::node_type::string:
        return QStringLiteral("string");
    case toml::node_type::integer:
        return QStringLiteral("integer");
    case toml::node_type::floating_point:
        return QStringLiteral("number");
    case toml::node_type::boolean:
        return QStringLiteral("boolean");
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return QStringLiteral("date or time");
    }
    return QStringLiteral("value");
}

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// "FILE:LINE: ", how messages point into the config file.
QString fileLocation(const QString &path, const toml::source_region &region)
{
    return QStringLiteral("%1:%2: ").arg(path).arg(region.begin.line);
}

const QString kNotificationsKey = QStringLiteral("notifications");

NotificationTarget parseNotificationTarget(const QString &path, const toml::table &table, qsizetype index)
{
    const QString name = QStringLiteral("notifications[%1]").arg(index);
    const auto origin = [&](const toml::node &node, const QString &key) {
        return fileLocation(path, node.source()) + name + u'.' + key;
    };
    NotificationTarget target;
    bool hasUrl = false;
    for (auto &&[key, node] : table) {
        const QString field = fromStd(key.str());
        RawValue value;
        value.origin = origin(node, field);
        if (field == u"url" || field == u"format") {
            const auto *string = node.as_string();
            if (!string) {
                throw ConfigError(QStringLiteral("%1 must be a string in quotes, not a %2")
                                      .arg(value.origin, typeName(node.type())));
            }
            value.text = fromStd(string->get());
        }
        if (field == u"url") {
            const QUrl url(value.text, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
                url.host().isEmpty())
                reject(value, QStringLiteral("is not an http:// or https:// URL"));
            target.url = url;
            hasUrl = true;
        } else if (field == u"format") {
            constexpr std::array<QStringView, 2> names{u"json", u"slack"};
            target.format = parseChoice(value, names) == 0 ? NotificationTarget::Format::Json
                                                           : NotificationTarget::Format::Slack;
        } else if (field == u"include_successes") {
            const auto *boolean = node.as_boolean();
            if (!boolean) {
                throw ConfigError(QStringLiteral("%1 must be true or false, not a %2")
                                      .arg(value.origin, typeName(node.type())));
            }
            target.includeSuccesses = boolean->get();
        } else {
            throw ConfigError(QStringLiteral("%1unknown key \"%2.%3\"; [[notifications]] takes: url, format, "
                                             "include_successes")
                                  .arg(fileLocation(path, key.source()), name, field));
        }
    }
    if (!hasUrl) {
        throw ConfigError(QStringLiteral("%1%2 has no url; each [[notifications]] needs url = \"https://…\"")
                              .arg(fileLocation(path, table.source()), name));
    }
    return target;
}

// [[notifications]]: an array of tables, one per destination.
QList<NotificationTarget> parseNotifications(const QString &path, const toml::source_region &keySource,
                                             const toml::node &node)
{
    const toml::array *array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
        throw ConfigError(
            QStringLiteral("%1notifications must be tables written [[notifications]], each with "
                           "a url, not a %2")
                .arg(fileLocation(path, keySource), typeName(node.type())));
    }
    QList<NotificationTarget> targets;
    for (const toml::node &element : *array)
        targets.append(parseNotificationTarget(path, *element.as_table(), targets.size()));
    return targets;
}

void applyConfigFile(ServerConfig &config, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ConfigError(QStringLiteral("cannot read the config file %1: %2").arg(path, file.errorString()));
    const QByteArray content = file.readAll();

    toml::table root;
    try {
        root = toml::parse(std::string_view(content.constData(), static_cast<size_t>(content.size())),
                           path.toStdString());
    } catch (const toml::parse_error &error) {
        throw ConfigError(QStringLiteral("%1%2 (TOML syntax)")
                              .arg(fileLocation(path, error.source()), fromStd(error.description())));
    }

    const QDir baseDir = QFileInfo(path).absoluteDir();
    for (auto &&[sectionKey, sectionNode] : root) {
        const QString section = fromStd(sectionKey.str());
        if (section == kNotificationsKey) {
            config.notifications = parseNotifications(path, sectionKey.source(), sectionNode);
            continue;
        }
        if (!sectionNames().contains(section)) {
            throw ConfigError(
                QStringLiteral("%1unknown %2 \"%3\"; the sections are [%4] and [[%5]]")
                    .arg(fileLocation(path, sectionKey.source()),
                         sectionNode.is_table() ? QStringLiteral("section") : QStringLiteral("key"), section,
                         sectionNames().join(QStringLiteral("], [")), kNotificationsKey));
        }
        const toml::table *table = sectionNode.as_table();
        if (!table) {
            throw ConfigError(
                QStringLiteral("%1\"%2\" must be a section ([%2]), not a %3")
                    .arg(fileLocation(path, sectionKey.source()), section, typeName(sectionNode.type())));
        }
        for (auto &&[key, node] : *table) {
            const QString name = fromStd(key.str());
            const QString location = fileLocation(path, key.source());
            const Setting *setting = findSetting(section, name);
            if (!setting) {
                throw ConfigError(
                    QStringLiteral("%1unknown key \"%2.%3\"; [%2] takes: %4")
                        .arg(location, section, name, keysOfSection(section).join(QStringLiteral(", "))));
            }
            RawValue value;
            value.origin = location + setting->fileKey();
            value.baseDir = baseDir;
            if (setting->type == ValueType::Boolean) {
                const auto *boolean = node.as_boolean();
                if (!boolean) {
                    throw ConfigError(QStringLiteral("%1 must be true or false, not a %2")
                                          .arg(value.origin, typeName(node.type())));
                }
                value.flag = boolean->get();
            } else if (setting->type == ValueType::Integer) {
                const auto *integer = node.as_integer();
                if (!integer) {
                    throw ConfigError(QStringLiteral("%1 must be a whole number without quotes, not a %2")
                                          .arg(value.origin, typeName(node.type())));
                }
                value.text = QString::number(integer->get());
            } else {
                const auto *string = node.as_string();
                if (!string) {
                    throw ConfigError(QStringLiteral("%1 must be a string in quotes, not a %2")
                                          .arg(value.origin, typeName(node.type())));
                }
                value.text = fromStd(string->get());
            }
            setting->apply(config, value);
        }
    }
}

void applyEnvironment(ServerConfig &config, const QProcessEnvironment &environment)
{
    for (const Setting &setting : kSettings) {
        const QString variable = setting.environmentVariable.toString();
        const QString text = environment.value(variable);
        if (text.isEmpty())
            continue;
        RawValue value;
        value.text = text;
        value.origin = variable;
        if (setting.type == ValueType::Boolean)
            value.flag = parseBoolean(value);
        setting.apply(config, value);
    }
}

QString settingsTable()
{
    QString table =
        QStringLiteral("\nSettings, each layer overriding the one before: built-in defaults, the config\n"
                       "file (--config FILE or VITRINE_CONFIG), the environment, the command line.\n\n");
    const auto row = [](const QString &key, const QString &variable, const QString &flag) {
        return QStringLiteral("  %1 %2 %3\n").arg(key, -32).arg(variable, -41).arg(flag);
    };
    table += row(QStringLiteral("config file key"), QStringLiteral("environment variable"),
                 QStringLiteral("flag"));
    for (const Setting &setting : kSettings) {
        const QString flag =
            setting.flag.isEmpty() ? QStringLiteral("-") : QStringLiteral("--") + setting.flag.toString();
        table += row(setting.fileKey(), setting.environmentVariable.toString(), flag);
    }
    table += QStringLiteral(
        "\nOutgoing notifications are set in the config file only, one table per destination:\n"
        "  [[notifications]]\n"
        "  url = \"https://hooks.example/…\"\n"
        "  format = \"json\"            # or \"slack\" (Slack and Discord)\n"
        "  include_successes = false  # failed builds are always sent\n");
    return table;
}

void checkCombinations(const ServerConfig &config)
{
    if (config.tlsCertFile.isEmpty() != config.tlsKeyFile.isEmpty()) {
        const bool certMissing = config.tlsCertFile.isEmpty();
        throw ConfigError(
            QStringLiteral("grpc.%1 is set but grpc.%2 is not: TLS needs both the certificate and its "
                           "private key (set [grpc] %2 in the config file or VITRINE_GRPC_%3)")
                .arg(certMissing ? QStringLiteral("tls_key") : QStringLiteral("tls_cert"),
                     certMissing ? QStringLiteral("tls_cert") : QStringLiteral("tls_key"),
                     certMissing ? QStringLiteral("TLS_CERT") : QStringLiteral("TLS_KEY")));
    }
    if (!config.grpcUsesTls() && !config.allowPlaintext && !config.grpcListen.isLoopback()) {
        throw ConfigError(
            QStringLiteral("refusing to serve gRPC without TLS on %1, which is not a loopback address: "
                           "set [grpc] tls_cert and tls_key in the config file (or "
                           "VITRINE_GRPC_TLS_CERT and VITRINE_GRPC_TLS_KEY), or set [grpc] "
                           "allow_plaintext = true if the network is trusted")
                .arg(config.grpcListen.toString()));
    }
}

} // namespace

Invocation parseInvocation(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Vitrine's server: the gRPC API, the HTTP endpoints and "
                       "webhooks, the controller, the builder and the "
                       "router.\n`vitrine-server builder --help`: run builds for "
                       "a controller on another machine."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("Read settings from this TOML file."),
                                          QStringLiteral("FILE"));
    parser.addOption(configOption);
    QList<std::pair<const Setting *, QCommandLineOption>> flagOptions;
    for (const Setting &setting : kSettings) {
        if (setting.flag.isEmpty())
            continue;
        const QCommandLineOption option(setting.flag.toString(), setting.description.toString(),
                                        setting.valueName.toString());
        parser.addOption(option);
        flagOptions.append({&setting, option});
    }

    if (!parser.parse(arguments))
        throw ConfigError(parser.errorText() + QStringLiteral(" (see --help)"));

    Invocation invocation;
    if (parser.isSet(helpOption)) {
        invocation.action = Invocation::Action::PrintHelp;
        invocation.text = parser.helpText() + settingsTable();
        return invocation;
    }
    if (parser.isSet(versionOption)) {
        invocation.action = Invocation::Action::PrintVersion;
        invocation.text = QStringLiteral("vitrine-server %1\n").arg(QStringLiteral(VITRINE_VERSION));
        return invocation;
    }
    if (!parser.positionalArguments().isEmpty()) {
        throw ConfigError(
            QStringLiteral("unexpected argument \"%1\": vitrine-server takes only options (see --help)")
                .arg(parser.positionalArguments().constFirst()));
    }

    ServerConfig &config = invocation.config;
    config.dataDir = QDir::cleanPath(QDir::current().absoluteFilePath(QStringLiteral("data")));

    RawValue configFile;
    if (parser.isSet(configOption)) {
        configFile.text = parser.value(configOption);
        configFile.origin = QStringLiteral("--config");
    } else {
        configFile.text = environment.value(QStringLiteral("VITRINE_CONFIG"));
        configFile.origin = QStringLiteral("VITRINE_CONFIG");
    }
    if (!configFile.text.isEmpty() || parser.isSet(configOption)) {
        config.configFile = parsePath(configFile);
        applyConfigFile(config, config.configFile);
    }

    applyEnvironment(config, environment);

    for (const auto &[setting, option] : std::as_const(flagOptions)) {
        if (!parser.isSet(option))
            continue;
        RawValue value;
        value.origin = QStringLiteral("--") + setting->flag.toString();
        if (setting->type == ValueType::Boolean)
            value.flag = true;
        else
            value.text = parser.value(option);
        setting->apply(config, value);
    }

    if (config.database.isEmpty())
        config.database =
            QStringLiteral("sqlite:") + QDir(config.dataDir).filePath(QStringLiteral("vitrine.db"));
    checkCombinations(config);
    return invocation;
}

} // namespace vitrine::app
