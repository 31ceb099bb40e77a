// vitrine-server: reads the configuration, builds the adapters, wires them into the use cases and serves
// until SIGTERM or SIGINT.

#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/docker/docker_client.h"
#include "adapters/docker/engine_image_builder.h"
#include "adapters/docker/engine_image_port.h"
#include "adapters/docker/engine_image_store.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/grpc/grpc_logging.h"
#include "adapters/grpc/grpc_server.h"
#include "adapters/http/http_server.h"
#include "adapters/http/webhook_notifier.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/logfiles/file_runtime_log_store.h"
#include "adapters/router/caddy_router.h"
#include "adapters/runtime/docker/docker_runtime.h"
#include "adapters/runtime/process/process_runtime.h"
#include "adapters/sandbox/bubblewrap_command_runner.h"
#include "adapters/store/sql_store.h"
#include "app/builder_command.h"
#include "app/logging.h"
#include "app/server_config.h"
#include "app/termination_signals.h"
#include "domain/error.h"
#include "usecases/alert_monitor.h"
#include "usecases/alert_service.h"
#include "usecases/application_service.h"
#include "usecases/auth_service.h"
#include "usecases/build_log_hub.h"
#include "usecases/build_service.h"
#include "usecases/build_settler.h"
#include "usecases/composite_executor.h"
#include "usecases/controller.h"
#include "usecases/disk_usage.h"
#include "usecases/event_hub.h"
#include "usecases/garbage_collector.h"
#include "usecases/in_process_builder.h"
#include "usecases/metrics_recorder.h"
#include "usecases/platform_status.h"
#include "usecases/remote_builder_pool.h"
#include "usecases/repository_service.h"
#include "usecases/runtime_log_hub.h"
#include "usecases/token_service.h"
#include "usecases/user_service.h"
#include "usecases/webhook_service.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryFile>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace {

using namespace vitrine;
using app::lcServer;
using app::logField;

constexpr int kExitStartupFailed = 1;
constexpr int kExitBadConfiguration = 2;
constexpr std::chrono::seconds kGrpcShutdownGrace{5};

// The server cannot start; the message tells the operator why and what to change.
class StartupError : public std::runtime_error {
public:
    explicit StartupError(const QString &message)
        : std::runtime_error(message.toStdString())
    {
    }
};

QString whatOf(const std::exception &error)
{
    return QString::fromUtf8(error.what());
}

void prepareDataDir(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isDir()) {
        throw StartupError(
            QStringLiteral("the data directory %1 is not a directory; choose another with --data-dir")
                .arg(path));
    }
    if (!info.exists()) {
        std::error_code error;
        std::filesystem::create_directories(path.toStdString(), error);
        if (error) {
            throw StartupError(QStringLiteral("cannot create the data directory %1: %2; choose another with "
                                              "--data-dir")
                                   .arg(path, QString::fromStdString(error.message())));
        }
        // It holds the database and the admin token: nobody else needs to read it.
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    QTemporaryFile probe(QDir(path).filePath(QStringLiteral(".write-probe-XXXXXX")));
    if (!probe.open() || probe.write("probe") != 5 || !probe.flush()) {
        throw StartupError(
            QStringLiteral("the data directory %1 is not writable (%2); fix its permissions or "
                           "choose another with --data-dir")
                .arg(path, probe.errorString()));
    }
}

std::unique_ptr<adapters::store::SqlStore> openStore(const QString &database)
{
    try {
        return std::make_unique<adapters::store::SqlStore>(database);
    } catch (const adapters::store::StoreOpenError &error) {
        // Its message already names the database and the reason.
        throw StartupError(whatOf(error));
    }
}

// In embedded mode Caddy runs as a child of this process; with --caddy-admin an operator's Caddy is driven
// through its admin API.
std::unique_ptr<adapters::router::CaddyRouter> startRouter(const app::ServerConfig &config)
{
    const QString listen = config.routerListen.toString();
    try {
        if (!config.caddyAdmin.isEmpty())
            return std::make_unique<adapters::router::CaddyRouter>(config.caddyAdmin, listen);
        return std::make_unique<adapters::router::CaddyRouter>(
            adapters::router::CaddyRouter::EmbeddedOptions{config.caddyBinary, config.dataDir, listen});
    } catch (const domain::Error &error) {
        throw StartupError(QStringLiteral("cannot start the router on %1: %2; choose another address with "
                                          "--router-listen, or an external Caddy with --caddy-admin")
                               .arg(listen, error.message()));
    }
}

// Labels this server's containers, so that servers sharing an engine never touch each other's: the same for
// every start on one data dir, which holds the apps those containers run.
QString containerServerId(const QString &dataDir)
{
    const QByteArray digest =
        QCryptographicHash::hash(QDir(dataDir).absolutePath().toUtf8(), QCryptographicHash::Sha256);
    return QStringLiteral("vitrine-") + QString::fromLatin1(digest.toHex().left(12));
}

std::unique_ptr<domain::RuntimeBackend> startRuntime(const app::ServerConfig &config)
{
    switch (config.runtime) {
    case app::RuntimeKind::Process:
        // Apps stop with the server; the controller starts them again on the next start.
        return std::make_unique<adapters::runtime::ProcessRuntime>();
    case app::RuntimeKind::Docker:
        break;
    }
    adapters::runtime::DockerRuntimeOptions options;
    options.host = config.dockerHost;
    options.serverId = containerServerId(config.dataDir);
    try {
        // Removes the containers an earlier run left; the controller starts the apps again.
        return std::make_unique<adapters::runtime::DockerRuntime>(options);
    } catch (const domain::Error &error) {
        // The message names the socket and how to start an engine there.
        throw StartupError(QStringLiteral("cannot use the docker runtime: %1").arg(error.message()));
    }
}

std::unique_ptr<domain::Notifier> makeNotifier(const QList<app::NotificationTarget> &targets)
{
    if (targets.isEmpty())
        return nullptr;
    adapters::http::WebhookNotifierOptions options;
    for (const app::NotificationTarget &target : targets) {
        const adapters::http::WebhookFormat format = target.format == app::NotificationTarget::Format::Slack
                                                         ? adapters::http::WebhookFormat::Slack
                                                         : adapters::http::WebhookFormat::Json;
        options.targets.append({target.url, format, target.includeSuccesses});
    }
    return std::make_unique<adapters::http::HttpWebhookNotifier>(std::move(options));
}

// Writes the whole file or nothing (QSaveFile renames a finished temporary file into place), and restricts it
// to its owner before the secret is in it.
void writeAdminToken(const QString &path, const QString &secret)
{
    QSaveFile file(path);
    const bool written = file.open(QIODevice::WriteOnly) &&
                         file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
                         file.write(secret.toUtf8() + '\n') > 0 && file.commit();
    if (!written)
        throw StartupError(
            QStringLiteral("cannot write the admin token to %1: %2").arg(path, file.errorString()));
}

void bootstrapAdmin(usecases::AuthService &auth, domain::Store &store, const QString &tokenPath)
{
    std::optional<QString> secret;
    try {
        secret = auth.bootstrapAdmin();
    } catch (const std::exception &error) {
        throw StartupError(QStringLiteral("cannot create the admin user: %1").arg(whatOf(error)));
    }
    if (!secret)
        return;
    try {
        writeAdminToken(tokenPath, *secret);
    } catch (const StartupError &) {
        // An admin whose token was never saved is unreachable, and the next start would not create another
        // one on a store that has users: undo it so that the next start tries again.
        if (const std::optional<domain::User> admin = store.findUserByName(QStringLiteral("admin")))
            store.deleteUser(admin->id);
        throw;
    }
    qCInfo(lcServer).noquote() << "created the admin user" << logField(u"token_file", tokenPath);
}

QString signalName(int signalNumber)
{
    switch (signalNumber) {
    case SIGTERM:
        return QStringLiteral("SIGTERM");
    case SIGINT:
        return QStringLiteral("SIGINT");
    default:
        return QString::number(signalNumber);
    }
}

int serve(const app::ServerConfig &config)
{
    // Installed first: a signal that arrives while starting waits in the pipe until the event loop runs,
    // so startup always completes (no half-applied migration, no half-written file) before the stop.
    app::TerminationSignals terminationSignals;

    qCInfo(lcServer).noquote() << "starting" << logField(u"version", QStringLiteral(VITRINE_VERSION))
                               << logField(u"data_dir", config.dataDir)
                               << logField(u"database", app::redactedDatabaseUrl(config.database))
                               << logField(u"runtime", app::runtimeName(config.runtime))
                               << logField(u"config", config.configFile.isEmpty() ? QStringLiteral("none")
                                                                                  : config.configFile);
    prepareDataDir(config.dataDir);
    std::unique_ptr<adapters::store::SqlStore> store = openStore(config.database);

    usecases::AuthService auth(*store);
    usecases::UserService users(*store);
    usecases::TokenService tokens(*store);
    usecases::RepositoryService repositories(*store, usecases::RepositoryPolicy{config.allowLocalRepos});
    usecases::ApplicationService applications(*store);

    const QString adminTokenPath = QDir(config.dataDir).filePath(QStringLiteral("admin.token"));
    bootstrapAdmin(auth, *store, adminTokenPath);

    adapters::logfiles::FileBuildLogStore buildLogs(
        QDir(config.dataDir).filePath(QStringLiteral("logs/builds")));
    usecases::BuildLogHub logHub(buildLogs);
    usecases::EventHub eventHub;
    adapters::git::Libgit2GitService git;
    adapters::sandbox::BubblewrapOptions sandboxOptions;
    sandboxOptions.allowNetwork = config.buildAllowNetwork;
    adapters::sandbox::BubblewrapCommandRunner commandRunner(sandboxOptions);
    adapters::archive::LibarchiveArtifactArchive archive;
    std::unique_ptr<adapters::router::CaddyRouter> router = startRouter(config);
    std::unique_ptr<domain::Notifier> notifier = makeNotifier(config.notifications);
    std::unique_ptr<domain::RuntimeBackend> runtime = startRuntime(config);
    // The engine's images Vitrine built: only a container runtime has them.
    std::unique_ptr<adapters::docker::DockerClient> imageEngine;
    std::unique_ptr<adapters::docker::EngineImageBuilder> engineImages;
    std::unique_ptr<adapters::docker::EngineImageStore> imageStore;
    std::unique_ptr<adapters::docker::EngineImagePort> imageBuilder;
    if (config.runtime == app::RuntimeKind::Docker) {
        imageEngine = std::make_unique<adapters::docker::DockerClient>(config.dockerHost);
        engineImages = std::make_unique<adapters::docker::EngineImageBuilder>(*imageEngine);
        imageStore = std::make_unique<adapters::docker::EngineImageStore>(*engineImages);
        imageBuilder = std::make_unique<adapters::docker::EngineImagePort>(*engineImages);
    }
    usecases::DiskUsageMeter diskUsage(*store, imageStore.get(), config.dataDir);
    applications.setDiskUsage(&diskUsage);
    adapters::logfiles::FileRuntimeLogStore runtimeLogs(
        QDir(config.dataDir).filePath(QStringLiteral("logs/runtime")),
        adapters::logfiles::RuntimeLogRetention{qint64(config.appLogRetentionMb) << 20});
    usecases::RuntimeLogHub runtimeOutput(runtimeLogs);

    // The builder reports settled builds to the controller, which is built on the builder: it only exists
    // once the controller does, and no build starts before the controller schedules one.
    usecases::Controller *settledBuildsSink = nullptr;
    usecases::BuilderOptions builderOptions;
    builderOptions.slotCount = config.builderSlots;
    builderOptions.dataDir = config.dataDir;
    builderOptions.limits.timeoutSeconds = config.buildTimeoutSeconds;
    builderOptions.limits.memoryBytes = qint64(config.buildMemoryMb) * 1024 * 1024;
    if (imageBuilder) {
        // Every runtime app runs from an image: runtime-cmd and auto builds become one over the base image.
        builderOptions.images.builder = imageBuilder.get();
        builderOptions.images.runtimeImages = true;
        builderOptions.images.baseImage = config.dockerBaseImage;
    }
    const auto onSettled = [&settledBuildsSink](const domain::Build &build) {
        settledBuildsSink->buildSettled(build);
    };
    auto builder = std::make_unique<usecases::InProcessBuilder>(
        *store, git, commandRunner, archive, logHub, eventHub, notifier.get(), builderOptions, onSettled);
    // Builders on other machines (`vitrine-server builder`) take builds beside the in-process slots.
    usecases::BuildSettler remoteSettler(*store, logHub, eventHub, notifier.get(), config.dataDir);
    usecases::RemoteBuilderPool remoteBuilders(
        *store, logHub, remoteSettler,
        usecases::RemoteBuilderPoolOptions{config.dataDir, builderOptions.limits}, onSettled);
    usecases::CompositeExecutor executor({builder.get(), &remoteBuilders});

    usecases::ControllerOptions controllerOptions;
    controllerOptions.dataDir = config.dataDir;
    controllerOptions.pollInterval = std::chrono::seconds(config.pollIntervalSeconds);
    controllerOptions.heartbeatTimeout = std::chrono::seconds(config.heartbeatTimeoutSeconds);
    controllerOptions.defaultLimits = {qint64(config.appMemoryMb) << 20, config.appCpuMillicores};
    controllerOptions.healthTimeoutSeconds = config.healthTimeoutSeconds;
    controllerOptions.sleepCheckInterval = std::chrono::seconds(config.sleepCheckSeconds);
    usecases::Controller controller(*store, git, archive, *router, *runtime, executor, eventHub, logHub,
                                    buildLogs, controllerOptions);
    settledBuildsSink = &controller;
    applications.setObserver(&controller);
    applications.setRuntimeControl(&controller);

    usecases::AlertMonitor alertMonitor(
        *store, eventHub, notifier.get(), controller,
        usecases::AlertPolicy{config.restartAlertCount, std::chrono::seconds(config.restartWindowSeconds),
                              config.autoStopRestarts});
    usecases::AlertService alerts(*store);
    usecases::MetricsOptions metricsOptions;
    metricsOptions.sampleInterval = std::chrono::seconds(config.metricsIntervalSeconds);
    usecases::MetricsRecorder metrics(*runtime, *router, *store, metricsOptions);
    controller.setRuntimeListeners(&runtimeOutput, &alertMonitor, &metrics);
    usecases::GarbageCollectorOptions gcOptions;
    gcOptions.dataDir = config.dataDir;
    gcOptions.interval = std::chrono::seconds(config.gcIntervalSeconds);
    gcOptions.keepBuilds = config.gcKeepBuilds;
    gcOptions.buildLogAge = std::chrono::days(config.gcBuildLogDays);
    usecases::GarbageCollector garbageCollector(*store, buildLogs, imageStore.get(), diskUsage, gcOptions);
    controller.setGarbageCollector(&garbageCollector);

    usecases::BuildService builds(
        *store, executor, eventHub, [&controller] { controller.scheduleNow(); }, logHub);
    usecases::WebhookService webhooks(
        *store, [&controller](const QString &repositoryId) { controller.repositoryPushed(repositoryId); });

    adapters::http::HttpServer httpServer(*store, QStringLiteral(VITRINE_VERSION), &webhooks, &auth, &builds);
    httpServer.serveWakeRequests(controller);
    httpServer.serveMetrics(metrics, auth, &diskUsage);
    quint16 httpPort = 0;
    try {
        httpPort = httpServer.listen(config.httpListen.hostAddress(), config.httpListen.port);
    } catch (const std::exception &error) {
        throw StartupError(whatOf(error));
    }

    usecases::PlatformStatusService platformStatus(*store, executor, metrics, diskUsage);
    // After HTTP listens: SystemInfo tells clients where webhooks arrive, with the port HTTP bound.
    adapters::grpc::GrpcServer grpcServer(
        adapters::grpc::UseCases{auth, users, tokens, repositories, applications, builds},
        adapters::grpc::SystemFacts{QStringLiteral(VITRINE_VERSION), QDateTime::currentDateTimeUtc(),
                                    store->backendName(), config.allowLocalRepos,
                                    config.webhookBaseUrl(httpPort), QStringLiteral("http"),
                                    router->listenAddress().section(u':', -1).toUShort()});
    grpcServer.serveRemoteBuilders(remoteBuilders);
    grpcServer.serveRuntimeOutput(runtimeOutput);
    grpcServer.serveMetrics(metrics);
    grpcServer.serveAlerts(alerts);
    grpcServer.servePlatformStatus(platformStatus);
    int grpcPort = 0;
    try {
        grpcPort = grpcServer.start({config.grpcListen.toString(), config.tlsCertFile, config.tlsKeyFile});
    } catch (const std::exception &error) {
        httpServer.close();
        throw StartupError(whatOf(error));
    }

    // Sleeping apps' routes lead to the wake handler, over loopback whatever address HTTP listens on.
    controller.setWakeUpstream(QStringLiteral("127.0.0.1:%1").arg(httpPort));
    controller.start();
    metrics.start();
    garbageCollector.start();

    QObject::connect(&terminationSignals, &app::TerminationSignals::received, [](int signalNumber) {
        qCInfo(lcServer).noquote() << "stopping" << logField(u"signal", signalName(signalNumber));
        QCoreApplication::quit();
    });

    QString ready =
        QStringLiteral("ready ") +
        logField(u"grpc", config.grpcListen.toString(static_cast<quint16>(grpcPort))) + u' ' +
        logField(u"grpc_tls", config.grpcUsesTls() ? QStringLiteral("on") : QStringLiteral("off")) + u' ' +
        logField(u"http", config.httpListen.toString(httpPort)) + u' ' +
        logField(u"router", router->listenAddress()) + u' ' + logField(u"data_dir", config.dataDir);
    if (QFileInfo::exists(adminTokenPath))
        ready += u' ' + logField(u"admin_token", adminTokenPath);
    qCInfo(lcServer).noquote() << ready;

    QCoreApplication::exec();

    // Outside in: nothing new is scheduled, no request reaches a part that is already gone, and builds
    // still running are canceled (they settle as CANCELED) before the store closes.
    garbageCollector.stop();
    metrics.stop();
    controller.stop();
    httpServer.close();
    grpcServer.shutdown(kGrpcShutdownGrace);
    // Before the controller, which hears what the instances do until they are gone.
    runtime.reset();
    builder.reset();
    router.reset();
    store.reset();
    qCInfo(lcServer) << "stopped";
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vitrine-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VITRINE_VERSION));
    if (argc > 1 && QLatin1String(argv[1]) == QLatin1String("builder"))
        return app::runBuilderCommand(QCoreApplication::arguments());

    app::Invocation invocation;
    try {
        invocation =
            app::parseInvocation(QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment());
    } catch (const app::ConfigError &error) {
        std::fprintf(stderr, "vitrine-server: %s\n", qUtf8Printable(error.message()));
        return kExitBadConfiguration;
    }
    switch (invocation.action) {
    case app::Invocation::Action::PrintHelp:
    case app::Invocation::Action::PrintVersion:
        std::fputs(qUtf8Printable(invocation.text), stdout);
        return 0;
    case app::Invocation::Action::Serve:
        break;
    }

    app::installLogHandler(invocation.config.logLevel, invocation.config.logFormat);
    adapters::grpc::forwardCoreLogsToQt();
    try {
        return serve(invocation.config);
    } catch (const std::exception &error) {
        qCCritical(lcServer).noquote() << whatOf(error);
        return kExitStartupFailed;
    }
}
