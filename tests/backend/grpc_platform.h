#pragma once

#include "adapters/grpc/grpc_server.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "idle_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/event_hub.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <QMap>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace vitrine::tests {

// The gRPC API of a server, for the gRPC adapter's tests: a SQLite store in a temporary folder (called from
// gRPC's threads), the core use cases over it (builds run nowhere), and the GrpcServer, which start() binds
// to a free loopback port. Users "root" (admin), "alice" and "bob" (members), each with a token.
//
// A test that serves more (serveAlerts(), serveMetrics(), …) builds those use cases on store(), serves them
// before start(), and calls shutdown() before they are destroyed.
class GrpcPlatform {
public:
    GrpcPlatform();

    // An application of `owner` from a repository of its own, with the website NAME.localhost, inserted.
    domain::Application addApplication(const QString &name, const QString &owner,
                                       domain::DeployType deployType = domain::DeployType::Static);

    void start();
    void shutdown();

    // userName empty: no authorization metadata at all.
    void authorize(grpc::ClientContext &context, const QString &userName) const;

    QString filePath(const QString &name) const; // in the temporary folder
    adapters::store::SqlStore &store() { return m_store; }
    usecases::BuildLogHub &buildLogs() { return m_buildLogs; }
    usecases::EventHub &events() { return m_events; }
    adapters::grpc::GrpcServer &server() { return m_server; }
    const std::shared_ptr<grpc::Channel> &channel() const { return m_channel; }

private:
    void addUser(const QString &name, domain::Role role);

    QTemporaryDir m_dir;
    adapters::store::SqlStore m_store;
    adapters::logfiles::FileBuildLogStore m_buildLogStore;
    usecases::BuildLogHub m_buildLogs{m_buildLogStore};
    usecases::EventHub m_events;
    IdleExecutor m_executor;
    usecases::AuthService m_auth{m_store};
    usecases::UserService m_users{m_store};
    usecases::TokenService m_tokens{m_store};
    usecases::RepositoryService m_repositories{m_store, usecases::RepositoryPolicy{}};
    usecases::ApplicationService m_applications{m_store};
    usecases::BuildService m_builds{m_store, m_executor, m_events, {}, m_buildLogs};
    adapters::grpc::GrpcServer m_server{
        adapters::grpc::UseCases{m_auth, m_users, m_tokens, m_repositories, m_applications, m_builds},
        adapters::grpc::SystemFacts{}};
    QMap<QString, QString> m_secrets; // by user name
    std::shared_ptr<grpc::Channel> m_channel;
};

} // namespace vitrine::tests
