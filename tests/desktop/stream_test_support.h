#pragma once

// Shared by the stream tests, which run the stream workers against a real vitrine-server.

#include "client/connection_settings.h"
#include "grpc_calls.h"
#include "server_process.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QHostAddress>
#include <QList>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

namespace vitrine::tests {

// A server whose gRPC port stays the same across restarts, so that a stream reconnects to the restarted one;
// null when no loopback port is free.
inline std::unique_ptr<ServerProcess> restartableServer()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return nullptr;
    ServerProcess::Options options;
    options.extraArgs = {QStringLiteral("--grpc-listen"),
                         QStringLiteral("127.0.0.1:%1").arg(probe.serverPort())};
    return std::make_unique<ServerProcess>(options);
}

// The server's address and its admin's token.
inline desktop::ConnectionSettings settingsFor(const ServerProcess &server)
{
    desktop::ConnectionSettings settings;
    settings.serverAddress = server.grpcAddress();
    settings.token = server.adminToken();
    return settings;
}

// Every item of every batch `spy` caught, in order: the streams emit a list per batch.
template<typename Item>
QList<Item> itemsIn(const QSignalSpy &spy)
{
    QList<Item> items;
    for (const QList<QVariant> &signal : spy)
        items += signal.at(0).value<QList<Item>>();
    return items;
}

// Creates a repository named `repositoryName` on `url`, then `application` on it, through the API as the
// admin. The caller checks QTest::currentTestFailed() after it.
inline void createApplication(const ServerProcess &server, const std::string &repositoryName,
                              const QString &url, vitrine::v1::CreateApplicationRequest application)
{
    namespace v1 = vitrine::v1;
    const auto channel = grpc::CreateChannel(str(server.grpcAddress()), grpc::InsecureChannelCredentials());
    const std::string token = str(server.adminToken());
    v1::CreateRepositoryRequest repository;
    repository.set_name(repositoryName);
    repository.set_url(str(url));
    v1::Repository createdRepository;
    VERIFY_OK(
        call(channel, token, &v1::RepositoryService::Stub::CreateRepository, repository, &createdRepository));
    application.set_repository(createdRepository.id());
    v1::Application createdApplication;
    VERIFY_OK(call(channel, token, &v1::ApplicationService::Stub::CreateApplication, application,
                   &createdApplication));
}

} // namespace vitrine::tests
