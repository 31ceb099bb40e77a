#include "adapters/grpc/status_mapping.h"

#include "adapters/grpc/grpc_logging.h"

namespace vitrine::adapters::grpc {

namespace {

::grpc::StatusCode statusCode(domain::ErrorKind kind)
{
    switch (kind) {
    case domain::ErrorKind::BadRequest:
        return ::grpc::StatusCode::INVALID_ARGUMENT;
    case domain::ErrorKind::NotFound:
        return ::grpc::StatusCode::NOT_FOUND;
    case domain::ErrorKind::AlreadyExists:
        return ::grpc::StatusCode::ALREADY_EXISTS;
    case domain::ErrorKind::Unauthenticated:
        return ::grpc::StatusCode::UNAUTHENTICATED;
    case domain::ErrorKind::Forbidden:
        return ::grpc::StatusCode::PERMISSION_DENIED;
    case domain::ErrorKind::FailedPrecondition:
        return ::grpc::StatusCode::FAILED_PRECONDITION;
    case domain::ErrorKind::Internal:
        return ::grpc::StatusCode::INTERNAL;
    }
    return ::grpc::StatusCode::INTERNAL;
}

} // namespace

::grpc::Status toStatus(const domain::Error &error, std::string_view where)
{
    if (error.kind() == domain::ErrorKind::Internal)
        return internalStatus(error.what(), where);
    return ::grpc::Status(statusCode(error.kind()), error.message().toStdString());
}

::grpc::Status internalStatus(std::string_view detail, std::string_view where)
{
    qCWarning(lcGrpc).noquote() << QString::fromUtf8(where.data(), qsizetype(where.size()))
                                << "failed:" << QString::fromUtf8(detail.data(), qsizetype(detail.size()));
    return ::grpc::Status(::grpc::StatusCode::INTERNAL, "internal error");
}

} // namespace vitrine::adapters::grpc
