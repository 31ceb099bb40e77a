#include "adapters/grpc/grpc_server.h"

#include "adapters/grpc/alert_grpc_service.h"
#include "adapters/grpc/application_grpc_service.h"
#include "adapters/grpc/build_grpc_service.h"
#include "adapters/grpc/builder_grpc_service.h"
#include "adapters/grpc/event_grpc_service.h"
#include "adapters/grpc/metrics_grpc_service.h"
#include "adapters/grpc/output_grpc_service.h"
#include "adapters/grpc/repository_grpc_service.h"
#include "adapters/grpc/system_grpc_service.h"
#include "adapters/grpc/token_grpc_service.h"
#include "adapters/grpc/user_grpc_service.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <QFile>

#include <stdexcept>

namespace vitrine::adapters::grpc {

namespace {

std::string readPemFile(const QString &path, const char *what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        throw std::runtime_error(QStringLiteral("cannot read the TLS %1 file %2: %3")
                                     .arg(QLatin1StringView(what), path, file.errorString())
                                     .toStdString());
    }
    return file.readAll().toStdString();
}

std::shared_ptr<::grpc::ServerCredentials> serverCredentials(const GrpcServerOptions &options)
{
    if (options.tlsCertFile.isEmpty() && options.tlsKeyFile.isEmpty())
        return ::grpc::InsecureServerCredentials();
    if (options.tlsCertFile.isEmpty() || options.tlsKeyFile.isEmpty())
        throw std::runtime_error("TLS for gRPC needs both a certificate file and a key file");

    ::grpc::SslServerCredentialsOptions tls;
    tls.pem_key_cert_pairs.push_back(
        {readPemFile(options.tlsKeyFile, "key"), readPemFile(options.tlsCertFile, "certificate")});
    return ::grpc::SslServerCredentials(tls);
}

} // namespace

struct GrpcServer::Impl {
    Impl(UseCases useCases, SystemFacts facts)
        : users(useCases.auth, useCases.users)
        , tokens(useCases.auth, useCases.tokens)
        , repositories(useCases.auth, useCases.repositories)
        , applications(useCases.auth, useCases.applications)
        , builds(useCases.auth, useCases.builds)
        , events(useCases.auth, useCases.builds)
        , system(useCases.auth, std::move(facts))
        , auth(useCases.auth)
        , applicationService(useCases.applications)
    {
    }

    UserGrpcService users;
    TokenGrpcService tokens;
    RepositoryGrpcService repositories;
    ApplicationGrpcService applications;
    BuildGrpcService builds;
    EventGrpcService events;
    SystemGrpcService system;
    usecases::AuthService &auth;
    usecases::ApplicationService &applicationService;
    std::unique_ptr<BuilderGrpcService> builders; // when remote builders are served
    std::unique_ptr<OutputGrpcService> output;    // when runtime logs are served
    std::unique_ptr<MetricsGrpcService> metrics;  // when metrics are served
    std::unique_ptr<AlertGrpcService> alerts;     // when alerts are served
    std::unique_ptr<::grpc::Server> server;
};

GrpcServer::GrpcServer(UseCases useCases, SystemFacts facts)
    : m_impl(std::make_unique<Impl>(useCases, std::move(facts)))
{
}

GrpcServer::~GrpcServer()
{
    shutdown(std::chrono::milliseconds(0));
}

void GrpcServer::serveRemoteBuilders(usecases::RemoteBuilderPool &pool)
{
    m_impl->builders = std::make_unique<BuilderGrpcService>(m_impl->auth, pool);
}

void GrpcServer::serveRuntimeOutput(usecases::RuntimeLogHub &hub)
{
    m_impl->output = std::make_unique<OutputGrpcService>(m_impl->auth, m_impl->applicationService, hub);
}

void GrpcServer::serveAlerts(usecases::AlertService &alerts)
{
    m_impl->alerts = std::make_unique<AlertGrpcService>(m_impl->auth, alerts);
}

void GrpcServer::servePlatformStatus(usecases::PlatformStatusService &status)
{
    m_impl->system.servePlatformStatus(status);
}

void GrpcServer::serveMetrics(usecases::MetricsRecorder &recorder)
{
    m_impl->metrics = std::make_unique<MetricsGrpcService>(m_impl->auth, recorder);
}

int GrpcServer::start(const GrpcServerOptions &options)
{
    const std::shared_ptr<::grpc::ServerCredentials> credentials = serverCredentials(options);

    // Both take effect for servers built after the call.
    ::grpc::EnableDefaultHealthCheckService(true);
    ::grpc::reflection::InitProtoReflectionServerBuilderPlugin();

    ::grpc::ServerBuilder builder;
    int selectedPort = 0;
    builder.AddListeningPort(options.listenAddress.toStdString(), credentials, &selectedPort);
    // With SO_REUSEPORT a second server would silently share the port; the operator must hear it is taken.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.RegisterService(&m_impl->users);
    builder.RegisterService(&m_impl->tokens);
    builder.RegisterService(&m_impl->repositories);
    builder.RegisterService(&m_impl->applications);
    // Their streaming methods use the callback API; the builder gives the server a callback executor.
    builder.RegisterService(&m_impl->builds);
    builder.RegisterService(&m_impl->events);
    builder.RegisterService(&m_impl->system);
    if (m_impl->builders)
        builder.RegisterService(m_impl->builders.get());
    if (m_impl->output)
        builder.RegisterService(m_impl->output.get());
    if (m_impl->metrics)
        builder.RegisterService(m_impl->metrics.get());
    if (m_impl->alerts)
        builder.RegisterService(m_impl->alerts.get());

    m_impl->server = builder.BuildAndStart();
    if (!m_impl->server || selectedPort == 0) {
        m_impl->server.reset();
        throw std::runtime_error(
            QStringLiteral("cannot listen for gRPC on %1: address in use or not permitted")
                .arg(options.listenAddress)
                .toStdString());
    }
    return selectedPort;
}

void GrpcServer::shutdown(std::chrono::milliseconds grace)
{
    if (!m_impl->server)
        return;
    m_impl->server->Shutdown(std::chrono::system_clock::now() + grace);
    m_impl->server->Wait();
    m_impl->server.reset();
}

} // namespace vitrine::adapters::grpc
