#include "adapters/grpc/call_handling.h"

#include "domain/error.h"

namespace vitrine::adapters::grpc {

namespace {

domain::Error unauthenticated(const QString &message)
{
    return domain::Error(domain::ErrorKind::Unauthenticated, message);
}

} // namespace

usecases::Caller authenticateCall(const ::grpc::ServerContextBase &context, usecases::AuthService &auth)
{
    // gRPC delivers metadata keys in lowercase.
    const auto &metadata = context.client_metadata();
    const auto header = metadata.find("authorization");
    if (header == metadata.end())
        throw unauthenticated(
            QStringLiteral("missing authorization metadata: send \"authorization: Bearer <token>\""));

    const QString value =
        QString::fromUtf8(header->second.data(), qsizetype(header->second.size())).trimmed();
    const qsizetype space = value.indexOf(u' ');
    const QString secret = space < 0 ? QString() : value.sliced(space + 1).trimmed();
    if (space < 0 || value.first(space).compare(u"Bearer", Qt::CaseInsensitive) != 0 || secret.isEmpty())
        throw unauthenticated(
            QStringLiteral("malformed authorization metadata: expected \"Bearer <token>\""));
    return auth.authenticate(secret);
}

} // namespace vitrine::adapters::grpc
