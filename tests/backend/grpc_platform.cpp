#include "grpc_platform.h"

#include "store_fixtures.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <string>

namespace vitrine::tests {

GrpcPlatform::GrpcPlatform()
    : m_store(m_dir.filePath(QStringLiteral("vitrine.db")))
    , m_buildLogStore(m_dir.filePath(QStringLiteral("logs")))
{
    addUser(QStringLiteral("root"), domain::Role::Admin);
    addUser(QStringLiteral("alice"), domain::Role::Member);
    addUser(QStringLiteral("bob"), domain::Role::Member);
}

domain::Application GrpcPlatform::addApplication(const QString &name, const QString &owner,
                                                 domain::DeployType deployType)
{
    const domain::Repository repository = addRepository(
        m_store, name + QStringLiteral("-repo"), QStringLiteral("https://git.example/%1.git").arg(name),
        {m_store.findUserByName(owner)->id});
    domain::Application application = newApplication(repository, name, QStringLiteral("hash-of-") + name);
    application.deployType = deployType;
    application.websites = {domain::Website{.fqdn = name + QStringLiteral(".localhost")}};
    m_store.insertApplication(application);
    return application;
}

void GrpcPlatform::start()
{
    const int port = m_server.start({QStringLiteral("127.0.0.1:0"), {}, {}});
    m_channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
}

void GrpcPlatform::shutdown()
{
    m_server.shutdown(std::chrono::milliseconds(0));
}

void GrpcPlatform::authorize(grpc::ClientContext &context, const QString &userName) const
{
    if (!userName.isEmpty())
        context.AddMetadata("authorization", "Bearer " + m_secrets.value(userName).toStdString());
}

QString GrpcPlatform::filePath(const QString &name) const
{
    return m_dir.filePath(name);
}

void GrpcPlatform::addUser(const QString &name, domain::Role role)
{
    m_secrets.insert(name, addToken(m_store, tests::addUser(m_store, name, role).id));
}

} // namespace vitrine::tests
