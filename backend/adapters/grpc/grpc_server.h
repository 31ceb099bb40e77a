#pragma once

#include "usecases/alert_service.h"
#include "usecases/application_service.h"
#include "usecases/auth_service.h"
#include "usecases/build_service.h"
#include "usecases/metrics_recorder.h"
#include "usecases/platform_status.h"
#include "usecases/remote_builder_pool.h"
#include "usecases/repository_service.h"
#include "usecases/runtime_log_hub.h"
#include "usecases/token_service.h"
#include "usecases/user_service.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <memory>

namespace vitrine::adapters::grpc {

// What SystemService.GetSystemInfo reports besides the clock and the caller.
struct SystemFacts {
    QString version;
    QDateTime startedAt;
    QString database; // "sqlite" or "postgresql"
    bool allowLocalRepos = false;
    QString webhookBaseUrl; // "http://HOST:PORT/webhooks/" or [http] public_url's equivalent
    QString siteScheme;     // how browsers reach the websites: "http" or "https"
    quint16 sitePort = 0;   // the router's port; 0: the scheme's default
};

struct GrpcServerOptions {
    QString listenAddress = QStringLiteral("127.0.0.1:50051"); // host:port; port 0 picks a free one
    QString tlsCertFile; // PEM; with tlsKeyFile, serve TLS; both empty: plaintext
    QString tlsKeyFile;
};

struct UseCases {
    usecases::AuthService &auth;
    usecases::UserService &users;
    usecases::TokenService &tokens;
    usecases::RepositoryService &repositories;
    usecases::ApplicationService &applications;
    usecases::BuildService &builds; // also serves the build log streams and WatchEvents
};

// The vitrine.v1 services, the gRPC health service and server reflection, on one listening port.
// Every vitrine.v1 call must carry "authorization: Bearer <token>".
class GrpcServer {
public:
    GrpcServer(UseCases useCases, SystemFacts facts);
    ~GrpcServer();

    // Also serves vitrine.v1.BuilderService: remote builders join the pool. Call before start().
    void serveRemoteBuilders(usecases::RemoteBuilderPool &pool);
    // Also serves vitrine.v1.OutputService: the runtime logs of applications. Call before start().
    void serveRuntimeOutput(usecases::RuntimeLogHub &hub);
    // Also serves vitrine.v1.MetricsService from the recorder. Call before start().
    void serveMetrics(usecases::MetricsRecorder &recorder);
    // Also serves vitrine.v1.AlertService. Call before start().
    void serveAlerts(usecases::AlertService &alerts);
    // Answers SystemService.GetPlatformStatus from `status` (UNIMPLEMENTED without). Call before start().
    void servePlatformStatus(usecases::PlatformStatusService &status);

    // Binds and starts serving on gRPC's own threads; returns the bound port. Throws std::runtime_error
    // with a message fit for the operator (naming the address) when the address cannot be bound (also
    // when another process holds the port: SO_REUSEPORT is off) or the TLS files cannot be read.
    int start(const GrpcServerOptions &options);

    // Stops accepting calls, lets calls in flight finish for up to `grace`, then cancels the rest.
    void shutdown(std::chrono::milliseconds grace);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace vitrine::adapters::grpc
