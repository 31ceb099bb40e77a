#include "domain/error.h"

namespace vitrine::domain {

namespace {
constexpr qsizetype kMaxQuotedLength = 64;
} // namespace

Error::Error(ErrorKind kind, const QString &message, const QString &field)
    : std::runtime_error(message.toStdString())
    , m_kind(kind)
    , m_message(message)
    , m_field(field)
{
}

Error Error::badRequest(const QString &field, const QString &problem)
{
    return Error(ErrorKind::BadRequest, QStringLiteral("%1: %2").arg(field, problem), field);
}

Error Error::notFound(const QString &what, const QString &key)
{
    return Error(ErrorKind::NotFound, QStringLiteral("%1 %2 not found").arg(what, quoted(key)));
}

Error Error::alreadyExists(const QString &message)
{
    return Error(ErrorKind::AlreadyExists, message);
}

Error Error::forbidden(const QString &message)
{
    return Error(ErrorKind::Forbidden, message);
}

Error Error::failedPrecondition(const QString &message)
{
    return Error(ErrorKind::FailedPrecondition, message);
}

Error Error::internal(const QString &detail)
{
    return Error(ErrorKind::Internal, detail);
}

QString quoted(QStringView value)
{
    if (value.size() <= kMaxQuotedLength)
        return QStringLiteral("'%1'").arg(value);
    return QStringLiteral("'%1…'").arg(value.left(kMaxQuotedLength));
}

} // namespace vitrine::domain
