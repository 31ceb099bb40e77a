#include "app/server_config.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using vitrine::app::ConfigError;
using vitrine::app::Invocation;
using vitrine::app::LogFormat;
using vitrine::app::LogLevel;
using vitrine::app::NotificationTarget;
using vitrine::app::parseInvocation;
using vitrine::app::RuntimeKind;
using vitrine::app::ServerConfig;

class TestServerConfig : public QObject {
    Q_OBJECT

private slots:
    void init();

    void defaults();
    void everySettingFromTheFile();
    void everySettingFromTheEnvironment();
    void everySettingFromFlags();
    void garbageCollectionFromTheFileAndTheEnvironment();
    void layersOverrideInOrder_data();
    void layersOverrideInOrder();
    void plaintextOnlyOnLoopback_data();
    void plaintextOnlyOnLoopback();
    void rejectsWithAClearMessage_data();
    void rejectsWithAClearMessage();
    void databasePasswordIsNeverShown();
    void webhooksArriveAtThePublicUrl_data();
    void webhooksArriveAtThePublicUrl();
    void helpListsEverySetting();

private:
    // Writes `toml` (when not empty) to {file}, replaces {file} and {dir} in the environment and the
    // arguments, and parses them.
    Invocation parse(const QString &toml, const QStringList &environment, const QStringList &arguments);
    QString expand(QString text) const;
    QString configPath() const { return m_dir->filePath(QStringLiteral("vitrine.toml")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestServerConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestServerConfig::expand(QString text) const
{
    return text.replace(QStringLiteral("{file}"), configPath())
        .replace(QStringLiteral("{dir}"), m_dir->path());
}

Invocation TestServerConfig::parse(const QString &toml, const QStringList &environment,
                                   const QStringList &arguments)
{
    if (!toml.isEmpty()) {
        QFile file(configPath());
        if (!file.open(QIODevice::WriteOnly) || file.write(toml.toUtf8()) != toml.toUtf8().size())
            qFatal("cannot write the test's config file");
    }
    QProcessEnvironment processEnvironment;
    for (const QString &assignment : environment) {
        const qsizetype equals = assignment.indexOf(u'=');
        processEnvironment.insert(assignment.left(equals), expand(assignment.mid(equals + 1)));
    }
    QStringList commandLine{QStringLiteral("vitrine-server")};
    for (const QString &argument : arguments)
        commandLine.append(expand(argument));
    return parseInvocation(commandLine, processEnvironment);
}

void TestServerConfig::defaults()
{
    const Invocation invocation = parse({}, {}, {});
    QCOMPARE(invocation.action, Invocation::Action::Serve);
    const ServerConfig &config = invocation.config;
    QCOMPARE(config.grpcListen.toString(), QStringLiteral("127.0.0.1:50051"));
    QCOMPARE(config.httpListen.toString(), QStringLiteral("127.0.0.1:8081"));
    QCOMPARE(config.routerListen.toString(), QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(config.dataDir, QDir::current().absoluteFilePath(QStringLiteral("data")));
    QCOMPARE(config.database,
             QStringLiteral("sqlite:") + QDir::current().absoluteFilePath(QStringLiteral("data/vitrine.db")));
    QCOMPARE(config.runtime, RuntimeKind::Process);
    QVERIFY(!config.allowLocalRepos);
    QVERIFY(!config.grpcUsesTls());
    QVERIFY(!config.allowPlaintext);
    QCOMPARE(config.logLevel, LogLevel::Info);
    QCOMPARE(config.logFormat, LogFormat::Text);
    QVERIFY(config.configFile.isEmpty());
    QCOMPARE(config.builderSlots, 2);
    QCOMPARE(config.buildTimeoutSeconds, 1800);
    QCOMPARE(config.buildMemoryMb, 2048);
    QVERIFY(!config.buildAllowNetwork);
    QCOMPARE(config.pollIntervalSeconds, 180);
    QVERIFY(config.caddyAdmin.isEmpty());
    QCOMPARE(config.caddyBinary, QStringLiteral("caddy"));
    QVERIFY(config.notifications.isEmpty());
    QCOMPARE(config.dockerHost, QStringLiteral("unix:///run/docker.sock"));
    QCOMPARE(config.dockerBaseImage, QStringLiteral("docker.io/library/debian:bookworm-slim"));
    QCOMPARE(config.gcIntervalSeconds, 600);
    QCOMPARE(config.gcKeepBuilds, 3);
    QCOMPARE(config.gcBuildLogDays, 30);
}

void TestServerConfig::everySettingFromTheFile()
{
    const QString toml = QStringLiteral(R"([server]
data_dir = "state"
database = "postgresql://vitrine:secret@db.example:5433/vitrine"
runtime = "docker"
allow_local_repos = true

[grpc]
listen = "[::]:9443"
tls_cert = "tls/cert.pem"
tls_key = "/etc/vitrine/key.pem"
allow_plaintext = false

[http]
listen = "0.0.0.0:9081"

[router]
listen = "0.0.0.0:80"
caddy_admin = "http://127.0.0.1:2019"
caddy_binary = "bin/caddy"

[builder]
slots = 4
timeout_seconds = 600
memory_mb = 0
allow_network = true

[controller]
poll_interval_seconds = 30

[docker]
host = "unix:///run/podman/podman.sock"
base_image = "registry.example:5000/club/base:1.2"

[log]
level = "debug"
format = "json"

[[notifications]]
url = "https://hooks.example/failed"

[[notifications]]
url = "http://127.0.0.1:9000/chat"
format = "slack"
include_successes = true
)");
    const ServerConfig config =
        parse(toml, {}, {QStringLiteral("--config"), QStringLiteral("{file}")}).config;
    QCOMPARE(config.configFile, configPath());
    // Relative paths in the file are relative to the file, wherever the server was started.
    QCOMPARE(config.dataDir, m_dir->filePath(QStringLiteral("state")));
    QCOMPARE(config.database, QStringLiteral("postgresql://vitrine:secret@db.example:5433/vitrine"));
    QCOMPARE(config.runtime, RuntimeKind::Docker);
    QVERIFY(config.allowLocalRepos);
    QCOMPARE(config.grpcListen.toString(), QStringLiteral("[::]:9443"));
    QCOMPARE(config.tlsCertFile, m_dir->filePath(QStringLiteral("tls/cert.pem")));
    QCOMPARE(config.tlsKeyFile, QStringLiteral("/etc/vitrine/key.pem"));
    QVERIFY(config.grpcUsesTls());
    QCOMPARE(config.httpListen.toString(), QStringLiteral("0.0.0.0:9081"));
    QCOMPARE(config.routerListen.toString(), QStringLiteral("0.0.0.0:80"));
    QCOMPARE(config.caddyAdmin, QUrl(QStringLiteral("http://127.0.0.1:2019")));
    QCOMPARE(config.caddyBinary, m_dir->filePath(QStringLiteral("bin/caddy")));
    QCOMPARE(config.builderSlots, 4);
    QCOMPARE(config.buildTimeoutSeconds, 600);
    QCOMPARE(config.buildMemoryMb, 0);
    QVERIFY(config.buildAllowNetwork);
    QCOMPARE(config.pollIntervalSeconds, 30);
    QCOMPARE(config.dockerHost, QStringLiteral("unix:///run/podman/podman.sock"));
    QCOMPARE(config.dockerBaseImage, QStringLiteral("registry.example:5000/club/base:1.2"));
    QCOMPARE(config.logLevel, LogLevel::Debug);
    QCOMPARE(config.logFormat, LogFormat::Json);
    QCOMPARE(config.notifications.size(), 2);
    QCOMPARE(config.notifications[0].url, QUrl(QStringLiteral("https://hooks.example/failed")));
    QCOMPARE(config.notifications[0].format, NotificationTarget::Format::Json);
    QVERIFY(!config.notifications[0].includeSuccesses);
    QCOMPARE(config.notifications[1].url, QUrl(QStringLiteral("http://127.0.0.1:9000/chat")));
    QCOMPARE(config.notifications[1].format, NotificationTarget::Format::Slack);
    QVERIFY(config.notifications[1].includeSuccesses);
}

void TestServerConfig::everySettingFromTheEnvironment()
{
    const ServerConfig config = parse({},
                                      {
                                          QStringLiteral("VITRINE_DATA_DIR={dir}/state"),
                                          QStringLiteral("VITRINE_DATABASE=postgres://db.example/vitrine"),
                                          QStringLiteral("VITRINE_RUNTIME=docker"),
                                          QStringLiteral("VITRINE_ALLOW_LOCAL_REPOS=yes"),
                                          QStringLiteral("VITRINE_GRPC_LISTEN=10.0.0.1:50051"),
                                          QStringLiteral("VITRINE_GRPC_TLS_CERT=/tls/cert.pem"),
                                          QStringLiteral("VITRINE_GRPC_TLS_KEY=/tls/key.pem"),
                                          QStringLiteral("VITRINE_HTTP_LISTEN=localhost:9081"),
                                          QStringLiteral("VITRINE_ROUTER_LISTEN=127.0.0.1:0"),
                                          QStringLiteral("VITRINE_LOG_LEVEL=warning"),
                                          QStringLiteral("VITRINE_LOG_FORMAT=json"),
                                          QStringLiteral("VITRINE_ROUTER_CADDY_ADMIN=http://localhost:2019"),
                                          QStringLiteral("VITRINE_ROUTER_CADDY_BINARY=/opt/caddy/caddy"),
                                          QStringLiteral("VITRINE_BUILDER_SLOTS=1"),
                                          QStringLiteral("VITRINE_BUILDER_TIMEOUT_SECONDS=60"),
                                          QStringLiteral("VITRINE_BUILDER_MEMORY_MB=512"),
                                          QStringLiteral("VITRINE_BUILDER_ALLOW_NETWORK=true"),
                                          QStringLiteral("VITRINE_CONTROLLER_POLL_INTERVAL_SECONDS=5"),
                                          QStringLiteral("VITRINE_DOCKER_HOST=/var/run/docker.sock"),
                                          QStringLiteral("VITRINE_DOCKER_BASE_IMAGE=localhost/busybox"),
                                      },
                                      {})
                                    .config;
    QCOMPARE(config.dataDir, m_dir->filePath(QStringLiteral("state")));
    QCOMPARE(config.database, QStringLiteral("postgresql://db.example/vitrine"));
    QCOMPARE(config.runtime, RuntimeKind::Docker);
    QVERIFY(config.allowLocalRepos);
    QCOMPARE(config.grpcListen.toString(), QStringLiteral("10.0.0.1:50051"));
    QCOMPARE(config.tlsCertFile, QStringLiteral("/tls/cert.pem"));
    QCOMPARE(config.tlsKeyFile, QStringLiteral("/tls/key.pem"));
    QCOMPARE(config.httpListen.toString(), QStringLiteral("localhost:9081"));
    QCOMPARE(config.routerListen.port, quint16(0));
    QCOMPARE(config.logLevel, LogLevel::Warning);
    QCOMPARE(config.logFormat, LogFormat::Json);
    QCOMPARE(config.caddyAdmin, QUrl(QStringLiteral("http://localhost:2019")));
    QCOMPARE(config.caddyBinary, QStringLiteral("/opt/caddy/caddy"));
    QCOMPARE(config.builderSlots, 1);
    QCOMPARE(config.buildTimeoutSeconds, 60);
    QCOMPARE(config.buildMemoryMb, 512);
    QVERIFY(config.buildAllowNetwork);
    QCOMPARE(config.pollIntervalSeconds, 5);
    // A bare socket path is taken as the unix:// address it is.
    QCOMPARE(config.dockerHost, QStringLiteral("unix:///var/run/docker.sock"));
    QCOMPARE(config.dockerBaseImage, QStringLiteral("localhost/busybox"));
}

void TestServerConfig::everySettingFromFlags()
{
    const ServerConfig config = parse({}, {},
                                      {
                                          QStringLiteral("--data-dir"),
                                          QStringLiteral("{dir}/state"),
                                          QStringLiteral("--database=sqlite:{dir}/other.db"),
                                          QStringLiteral("--runtime"),
                                          QStringLiteral("process"),
                                          QStringLiteral("--allow-local-repos"),
                                          QStringLiteral("--grpc-listen"),
                                          QStringLiteral("[::1]:0"),
                                          QStringLiteral("--http-listen"),
                                          QStringLiteral("127.0.0.1:0"),
                                          QStringLiteral("--router-listen"),
                                          QStringLiteral("127.0.0.1:8888"),
                                          QStringLiteral("--log-level"),
                                          QStringLiteral("error"),
                                          QStringLiteral("--log-format"),
                                          QStringLiteral("text"),
                                          QStringLiteral("--caddy-admin"),
                                          QStringLiteral("http://[::1]:2019/"),
                                          QStringLiteral("--docker-host"),
                                          QStringLiteral("unix://{dir}/podman.sock"),
                                      })
                                    .config;
    QCOMPARE(config.dataDir, m_dir->filePath(QStringLiteral("state")));
    QCOMPARE(config.database, QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("other.db")));
    QCOMPARE(config.runtime, RuntimeKind::Process);
    QVERIFY(config.allowLocalRepos);
    QCOMPARE(config.grpcListen.toString(), QStringLiteral("[::1]:0"));
    QVERIFY(config.grpcListen.isLoopback());
    QCOMPARE(config.httpListen.toString(), QStringLiteral("127.0.0.1:0"));
    QCOMPARE(config.routerListen.toString(), QStringLiteral("127.0.0.1:8888"));
    QCOMPARE(config.logLevel, LogLevel::Error);
    QCOMPARE(config.logFormat, LogFormat::Text);
    QCOMPARE(config.caddyAdmin, QUrl(QStringLiteral("http://[::1]:2019/")));
    QCOMPARE(config.dockerHost, QStringLiteral("unix://") + m_dir->filePath(QStringLiteral("podman.sock")));
}

void TestServerConfig::garbageCollectionFromTheFileAndTheEnvironment()
{
    const QString toml =
        QStringLiteral("[gc]\ninterval_seconds = 120\nkeep_builds = 1\nbuild_log_days = 7\n");
    const ServerConfig fromFile =
        parse(toml, {}, {QStringLiteral("--config"), QStringLiteral("{file}")}).config;
    QCOMPARE(fromFile.gcIntervalSeconds, 120);
    QCOMPARE(fromFile.gcKeepBuilds, 1);
    QCOMPARE(fromFile.gcBuildLogDays, 7);

    const ServerConfig fromEnvironment =
        parse(toml,
              {QStringLiteral("VITRINE_GC_INTERVAL_SECONDS=3600"),
               QStringLiteral("VITRINE_GC_KEEP_BUILDS=10"), QStringLiteral("VITRINE_GC_BUILD_LOG_DAYS=90")},
              {QStringLiteral("--config"), QStringLiteral("{file}")})
            .config;
    QCOMPARE(fromEnvironment.gcIntervalSeconds, 3600);
    QCOMPARE(fromEnvironment.gcKeepBuilds, 10);
    QCOMPARE(fromEnvironment.gcBuildLogDays, 90);
}

void TestServerConfig::layersOverrideInOrder_data()
{
    QTest::addColumn<QString>("toml");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expectedGrpcListen");
    QTest::addColumn<QString>("expectedDatabase");

    const QString file =
        QStringLiteral("[grpc]\nlisten = \"127.0.0.1:1001\"\n[server]\ndata_dir = \"from-file\"\n");
    const QStringList useFile{QStringLiteral("--config"), QStringLiteral("{file}")};
    const QString fileDatabase = QStringLiteral("sqlite:{dir}/from-file/vitrine.db");

    QTest::newRow("defaults") << QString() << QStringList() << QStringList()
                              << QStringLiteral("127.0.0.1:50051")
                              << QStringLiteral("sqlite:") +
                                     QDir::current().absoluteFilePath(QStringLiteral("data/vitrine.db"));
    QTest::newRow("file over defaults")
        << file << QStringList() << useFile << QStringLiteral("127.0.0.1:1001") << fileDatabase;
    QTest::newRow("VITRINE_CONFIG names the file")
        << file << QStringList{QStringLiteral("VITRINE_CONFIG={file}")} << QStringList()
        << QStringLiteral("127.0.0.1:1001") << fileDatabase;
    QTest::newRow("environment over file")
        << file << QStringList{QStringLiteral("VITRINE_GRPC_LISTEN=127.0.0.1:1002")} << useFile
        << QStringLiteral("127.0.0.1:1002") << fileDatabase;
    QTest::newRow("flag over environment")
        << file
        << QStringList{QStringLiteral("VITRINE_GRPC_LISTEN=127.0.0.1:1002"),
                       QStringLiteral("VITRINE_DATA_DIR={dir}/from-env")}
        << (useFile + QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("127.0.0.1:1003")})
        << QStringLiteral("127.0.0.1:1003") << QStringLiteral("sqlite:{dir}/from-env/vitrine.db");
    QTest::newRow("last flag wins")
        << QString() << QStringList()
        << QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("127.0.0.1:1"),
                       QStringLiteral("--grpc-listen"), QStringLiteral("127.0.0.1:2")}
        << QStringLiteral("127.0.0.1:2")
        << QStringLiteral("sqlite:") + QDir::current().absoluteFilePath(QStringLiteral("data/vitrine.db"));
    QTest::newRow("an explicit database is kept")
        << file << QStringList{QStringLiteral("VITRINE_DATABASE=postgresql://db.example/vitrine")} << useFile
        << QStringLiteral("127.0.0.1:1001") << QStringLiteral("postgresql://db.example/vitrine");
    QTest::newRow("empty variables are unset")
        << file << QStringList{QStringLiteral("VITRINE_GRPC_LISTEN="), QStringLiteral("VITRINE_DATA_DIR=")}
        << useFile << QStringLiteral("127.0.0.1:1001") << fileDatabase;
}

void TestServerConfig::layersOverrideInOrder()
{
    QFETCH(QString, toml);
    QFETCH(QStringList, environment);
    QFETCH(QStringList, arguments);
    QFETCH(QString, expectedGrpcListen);
    QFETCH(QString, expectedDatabase);

    const ServerConfig config = parse(toml, environment, arguments).config;
    QCOMPARE(config.grpcListen.toString(), expectedGrpcListen);
    QCOMPARE(config.database, expand(expectedDatabase));
}

void TestServerConfig::plaintextOnlyOnLoopback_data()
{
    QTest::addColumn<QString>("toml");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("IPv4 loopback") << QStringLiteral("[grpc]\nlisten = \"127.0.0.1:50051\"\n") << true;
    QTest::newRow("IPv6 loopback") << QStringLiteral("[grpc]\nlisten = \"[::1]:50051\"\n") << true;
    QTest::newRow("localhost") << QStringLiteral("[grpc]\nlisten = \"localhost:50051\"\n") << true;
    QTest::newRow("every interface") << QStringLiteral("[grpc]\nlisten = \"0.0.0.0:50051\"\n") << false;
    QTest::newRow("a LAN address") << QStringLiteral("[grpc]\nlisten = \"192.168.1.5:50051\"\n") << false;
    QTest::newRow("explicitly allowed")
        << QStringLiteral("[grpc]\nlisten = \"0.0.0.0:50051\"\nallow_plaintext = true\n") << true;
    QTest::newRow("TLS") << QStringLiteral("[grpc]\nlisten = \"0.0.0.0:50051\"\ntls_cert = \"c.pem\"\n"
                                           "tls_key = \"k.pem\"\n")
                         << true;
}

void TestServerConfig::plaintextOnlyOnLoopback()
{
    QFETCH(QString, toml);
    QFETCH(bool, accepted);

    try {
        parse(toml, {}, {QStringLiteral("--config"), QStringLiteral("{file}")});
        QVERIFY2(accepted, "a plaintext non-loopback listen address was accepted");
    } catch (const ConfigError &error) {
        QVERIFY2(!accepted, qUtf8Printable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("tls_cert")), qUtf8Printable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("allow_plaintext")),
                 qUtf8Printable(error.message()));
    }
}

void TestServerConfig::rejectsWithAClearMessage_data()
{
    QTest::addColumn<QString>("toml");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("expectedFragments");

    const QStringList useFile{QStringLiteral("--config"), QStringLiteral("{file}")};
    const auto flag = [](const char *name, const char *value) {
        return QStringList{QString::fromUtf8(name), QString::fromUtf8(value)};
    };

    QTest::newRow("port out of range")
        << QString() << QStringList() << flag("--grpc-listen", "127.0.0.1:99999")
        << QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("\"127.0.0.1:99999\""),
                       QStringLiteral("0 to 65535")};
    QTest::newRow("no port") << QString() << QStringList() << flag("--router-listen", "127.0.0.1")
                             << QStringList{QStringLiteral("--router-listen"), QStringLiteral("HOST:PORT")};
    QTest::newRow("host name") << QString()
                               << QStringList{QStringLiteral("VITRINE_HTTP_LISTEN=example.com:80")}
                               << QStringList()
                               << QStringList{QStringLiteral("VITRINE_HTTP_LISTEN"),
                                              QStringLiteral("example.com:80"),
                                              QStringLiteral("IP address or localhost")};
    QTest::newRow("IPv6 without brackets")
        << QString() << QStringList() << flag("--grpc-listen", "::1:50051")
        << QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("[::1]")};
    QTest::newRow("unknown flag") << QString() << QStringList()
                                  << QStringList{QStringLiteral("--grpc-listn=x")}
                                  << QStringList{QStringLiteral("grpc-listn")};
    QTest::newRow("stray argument") << QString() << QStringList() << QStringList{QStringLiteral("serve")}
                                    << QStringList{QStringLiteral("\"serve\"")};
    QTest::newRow("log level") << QString() << QStringList() << flag("--log-level", "verbose")
                               << QStringList{QStringLiteral("--log-level"), QStringLiteral("verbose"),
                                              QStringLiteral("debug, info, warning, error")};
    QTest::newRow("log format") << QString() << QStringList{QStringLiteral("VITRINE_LOG_FORMAT=xml")}
                                << QStringList()
                                << QStringList{QStringLiteral("VITRINE_LOG_FORMAT"),
                                               QStringLiteral("text, json")};
    QTest::newRow("runtime") << QString() << QStringList() << flag("--runtime", "kubernetes")
                             << QStringList{QStringLiteral("--runtime"), QStringLiteral("process, docker")};
    QTest::newRow("boolean variable")
        << QString() << QStringList{QStringLiteral("VITRINE_ALLOW_LOCAL_REPOS=maybe")} << QStringList()
        << QStringList{QStringLiteral("VITRINE_ALLOW_LOCAL_REPOS"), QStringLiteral("true or false")};
    QTest::newRow("database scheme") << QString() << QStringList() << flag("--database", "mysql://db/vitrine")
                                     << QStringList{QStringLiteral("--database"),
                                                    QStringLiteral("postgresql://")};
    QTest::newRow("empty data dir") << QString() << QStringList()
                                    << QStringList{QStringLiteral("--data-dir=")}
                                    << QStringList{QStringLiteral("--data-dir"), QStringLiteral("empty")};
    QTest::newRow("missing config file")
        << QString() << QStringList() << flag("--config", "/nonexistent/vitrine.toml")
        << QStringList{QStringLiteral("cannot read the config file"),
                       QStringLiteral("/nonexistent/vitrine.toml")};
    QTest::newRow("TOML syntax") << QStringLiteral("[grpc]\nlisten = \"127.0.0.1:1\n") << QStringList()
                                 << useFile
                                 << QStringList{QStringLiteral("{file}:2:"), QStringLiteral("TOML")};
    QTest::newRow("unknown key") << QStringLiteral(
                                        "[grpc]\nlisten = \"127.0.0.1:1\"\nlisen = \"127.0.0.1:2\"\n")
                                 << QStringList() << useFile
                                 << QStringList{QStringLiteral("{file}:3:"), QStringLiteral("\"grpc.lisen\""),
                                                QStringLiteral("listen, tls_cert")};
    QTest::newRow("unknown section") << QStringLiteral("[grcp]\nlisten = \"127.0.0.1:1\"\n") << QStringList()
                                     << useFile
                                     << QStringList{QStringLiteral("{file}:1:"), QStringLiteral("\"grcp\"")};
    QTest::newRow("key outside a section")
        << QStringLiteral("data_dir = \"x\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:1:"), QStringLiteral("\"data_dir\"")};
    QTest::newRow("string where a boolean belongs")
        << QStringLiteral("[grpc]\nallow_plaintext = \"yes\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: grpc.allow_plaintext"), QStringLiteral("true or false"),
                       QStringLiteral("string")};
    QTest::newRow("number where a string belongs")
        << QStringLiteral("[http]\nlisten = 8081\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: http.listen"), QStringLiteral("string"),
                       QStringLiteral("integer")};
    QTest::newRow("bad value in the file")
        << QStringLiteral("# comment\n[grpc]\n\nlisten = \"127.0.0.1:99999\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:4: grpc.listen"), QStringLiteral("127.0.0.1:99999")};
    QTest::newRow("certificate without key")
        << QStringLiteral("[grpc]\ntls_cert = \"cert.pem\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("grpc.tls_key"), QStringLiteral("VITRINE_GRPC_TLS_KEY")};
    QTest::newRow("negative builder slots")
        << QStringLiteral("[builder]\nslots = -1\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: builder.slots"), QStringLiteral("0 to 256")};
    QTest::newRow("slots in words") << QString() << QStringList{QStringLiteral("VITRINE_BUILDER_SLOTS=two")}
                                    << QStringList()
                                    << QStringList{QStringLiteral("VITRINE_BUILDER_SLOTS"),
                                                   QStringLiteral("\"two\""), QStringLiteral("whole number")};
    QTest::newRow("quoted number") << QStringLiteral("[builder]\nmemory_mb = \"512\"\n") << QStringList()
                                   << useFile
                                   << QStringList{QStringLiteral("{file}:2: builder.memory_mb"),
                                                  QStringLiteral("whole number"), QStringLiteral("string")};
    QTest::newRow("negative timeout")
        << QString() << QStringList{QStringLiteral("VITRINE_BUILDER_TIMEOUT_SECONDS=-5")} << QStringList()
        << QStringList{QStringLiteral("VITRINE_BUILDER_TIMEOUT_SECONDS"), QStringLiteral("out of range")};
    QTest::newRow("poll interval of zero")
        << QStringLiteral("[controller]\npoll_interval_seconds = 0\n") << QStringList() << useFile
        << QStringList{QStringLiteral("controller.poll_interval_seconds"), QStringLiteral("out of range")};
    QTest::newRow("no build kept for rollback")
        << QStringLiteral("[gc]\nkeep_builds = 0\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: gc.keep_builds"), QStringLiteral("from 1 to 1000")};
    QTest::newRow("gc interval in words")
        << QString() << QStringList{QStringLiteral("VITRINE_GC_INTERVAL_SECONDS=hourly")} << QStringList()
        << QStringList{QStringLiteral("VITRINE_GC_INTERVAL_SECONDS"), QStringLiteral("whole number")};
    QTest::newRow("build logs kept no day")
        << QString() << QStringList{QStringLiteral("VITRINE_GC_BUILD_LOG_DAYS=0")} << QStringList()
        << QStringList{QStringLiteral("VITRINE_GC_BUILD_LOG_DAYS"), QStringLiteral("out of range")};
    QTest::newRow("caddy admin over https")
        << QString() << QStringList() << flag("--caddy-admin", "https://caddy.example:2019")
        << QStringList{QStringLiteral("--caddy-admin"), QStringLiteral("http://HOST:PORT")};
    QTest::newRow("caddy admin without a port")
        << QString() << QStringList{QStringLiteral("VITRINE_ROUTER_CADDY_ADMIN=http://127.0.0.1")}
        << QStringList()
        << QStringList{QStringLiteral("VITRINE_ROUTER_CADDY_ADMIN"), QStringLiteral("http://HOST:PORT")};
    QTest::newRow("empty caddy binary")
        << QStringLiteral("[router]\ncaddy_binary = \"\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("router.caddy_binary"), QStringLiteral("empty")};
    QTest::newRow("notifications as one table")
        << QStringLiteral("[notifications]\nurl = \"https://hooks.example/\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:1:"), QStringLiteral("[[notifications]]")};
    QTest::newRow("notification without url")
        << QStringLiteral("[[notifications]]\nformat = \"slack\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("notifications[0]"), QStringLiteral("no url")};
    QTest::newRow("notification URL scheme")
        << QStringLiteral("[[notifications]]\nurl = \"https://a.example/\"\n[[notifications]]\nurl = "
                          "\"ftp://hooks.example/\"\n")
        << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:4: notifications[1].url"),
                       QStringLiteral("ftp://hooks.example/"), QStringLiteral("http:// or https://")};
    QTest::newRow("notification format")
        << QStringLiteral("[[notifications]]\nurl = \"https://hooks.example/\"\nformat = \"teams\"\n")
        << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:3: notifications[0].format"), QStringLiteral("json, slack")};
    QTest::newRow("notification key")
        << QStringLiteral("[[notifications]]\nurl = \"https://hooks.example/\"\non_success = true\n")
        << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:3:"), QStringLiteral("\"notifications[0].on_success\""),
                       QStringLiteral("include_successes")};
    QTest::newRow("public URL without a scheme")
        << QStringLiteral("[http]\npublic_url = \"vitrine.example.com\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: http.public_url"), QStringLiteral("vitrine.example.com"),
                       QStringLiteral("http:// or https://")};
    QTest::newRow("public URL over ftp")
        << QString() << QStringList{QStringLiteral("VITRINE_HTTP_PUBLIC_URL=ftp://vitrine.example.com")}
        << QStringList()
        << QStringList{QStringLiteral("VITRINE_HTTP_PUBLIC_URL"), QStringLiteral("http:// or https://")};
    QTest::newRow("public URL with a query")
        << QString()
        << QStringList{QStringLiteral("VITRINE_HTTP_PUBLIC_URL=https://vitrine.example.com/?a=1")}
        << QStringList() << QStringList{QStringLiteral("VITRINE_HTTP_PUBLIC_URL"), QStringLiteral("query")};
    QTest::newRow("docker host over TCP")
        << QString() << QStringList() << flag("--docker-host", "tcp://127.0.0.1:2375")
        << QStringList{QStringLiteral("--docker-host"), QStringLiteral("\"tcp://127.0.0.1:2375\""),
                       QStringLiteral("unix:///PATH")};
    QTest::newRow("relative docker socket")
        << QStringLiteral("[docker]\nhost = \"unix://podman.sock\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("{file}:2: docker.host"), QStringLiteral("unix socket")};
    QTest::newRow("empty docker host")
        << QString() << QStringList() << flag("--docker-host", "")
        << QStringList{QStringLiteral("--docker-host"), QStringLiteral("unix")};
    QTest::newRow("base image with upper case")
        << QString() << QStringList{QStringLiteral("VITRINE_DOCKER_BASE_IMAGE=Debian:12")} << QStringList()
        << QStringList{QStringLiteral("VITRINE_DOCKER_BASE_IMAGE"), QStringLiteral("\"Debian:12\""),
                       QStringLiteral("image reference")};
    QTest::newRow("base image with a space")
        << QStringLiteral("[docker]\nbase_image = \"debian bookworm\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("docker.base_image"), QStringLiteral("image reference")};
    QTest::newRow("empty base image")
        << QStringLiteral("[docker]\nbase_image = \"\"\n") << QStringList() << useFile
        << QStringList{QStringLiteral("docker.base_image"), QStringLiteral("image reference")};
    QTest::newRow("plaintext on every interface")
        << QString() << QStringList() << flag("--grpc-listen", "0.0.0.0:50051")
        << QStringList{QStringLiteral("0.0.0.0:50051"), QStringLiteral("tls_cert"),
                       QStringLiteral("allow_plaintext = true")};
}

void TestServerConfig::rejectsWithAClearMessage()
{
    QFETCH(QString, toml);
    QFETCH(QStringList, environment);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, expectedFragments);

    try {
        parse(toml, environment, arguments);
        QFAIL("the configuration was accepted");
    } catch (const ConfigError &error) {
        for (const QString &fragment : std::as_const(expectedFragments)) {
            QVERIFY2(
                error.message().contains(expand(fragment)),
                qUtf8Printable(
                    QStringLiteral("\"%1\" does not mention \"%2\"").arg(error.message(), expand(fragment))));
        }
    }
}

void TestServerConfig::databasePasswordIsNeverShown()
{
    try {
        parse({}, {},
              {QStringLiteral("--database"), QStringLiteral("postgresql://vitrine:s3cret@db.example:5432")});
        QFAIL("a PostgreSQL URL without a database name was accepted");
    } catch (const ConfigError &error) {
        QVERIFY2(error.message().contains(QStringLiteral("--database")), qUtf8Printable(error.message()));
        QVERIFY2(!error.message().contains(QStringLiteral("s3cret")), qUtf8Printable(error.message()));
    }
    QCOMPARE(vitrine::app::redactedDatabaseUrl(QStringLiteral("postgresql://vitrine:s3cret@db:5432/vitrine")),
             QStringLiteral("postgresql://vitrine@db:5432/vitrine"));
}

void TestServerConfig::webhooksArriveAtThePublicUrl_data()
{
    QTest::addColumn<QString>("toml");
    QTest::addColumn<QString>("expected");

    QTest::newRow("listen address, the port bound") << QStringLiteral("[http]\nlisten = \"127.0.0.1:0\"\n")
                                                    << QStringLiteral("http://127.0.0.1:4242/webhooks/");
    QTest::newRow("IPv6 listen address") << QStringLiteral("[http]\nlisten = \"[::1]:8081\"\n")
                                         << QStringLiteral("http://[::1]:4242/webhooks/");
    QTest::newRow("public URL") << QStringLiteral("[http]\npublic_url = \"https://vitrine.example.com\"\n")
                                << QStringLiteral("https://vitrine.example.com/webhooks/");
    QTest::newRow("public URL with a path and a slash")
        << QStringLiteral("[http]\npublic_url = \"http://proxy.example:8000/vitrine/\"\n")
        << QStringLiteral("http://proxy.example:8000/vitrine/webhooks/");
}

void TestServerConfig::webhooksArriveAtThePublicUrl()
{
    QFETCH(QString, toml);
    QFETCH(QString, expected);

    const ServerConfig config =
        parse(toml, {}, {QStringLiteral("--config"), QStringLiteral("{file}")}).config;
    QCOMPARE(config.webhookBaseUrl(4242), expected);
}

void TestServerConfig::helpListsEverySetting()
{
    const Invocation help = parse({}, {}, {QStringLiteral("--help")});
    QCOMPARE(help.action, Invocation::Action::PrintHelp);
    for (const char *fragment : {"--grpc-listen",
                                 "--http-listen",
                                 "--router-listen",
                                 "--data-dir",
                                 "--database",
                                 "--runtime",
                                 "--allow-local-repos",
                                 "--config",
                                 "--log-level",
                                 "--log-format",
                                 "VITRINE_GRPC_TLS_CERT",
                                 "grpc.allow_plaintext",
                                 "--caddy-admin",
                                 "VITRINE_BUILDER_SLOTS",
                                 "controller.poll_interval_seconds",
                                 "[[notifications]]",
                                 "http.public_url",
                                 "--docker-host",
                                 "VITRINE_DOCKER_BASE_IMAGE",
                                 "gc.keep_builds",
                                 "VITRINE_GC_BUILD_LOG_DAYS"}) {
        QVERIFY2(help.text.contains(QString::fromUtf8(fragment)), fragment);
    }
    const Invocation version = parse({}, {}, {QStringLiteral("--version")});
    QCOMPARE(version.action, Invocation::Action::PrintVersion);
    QVERIFY(version.text.contains(QStringLiteral(VITRINE_VERSION)));
}

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_server_config.moc"
