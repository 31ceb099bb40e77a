#pragma once

#include <QString>

#include <stdexcept>

namespace vitrine::domain {

// How a failed request is classified. Only the gRPC adapter maps these to status codes.
enum class ErrorKind {
    BadRequest,
    NotFound,
    AlreadyExists,
    Unauthenticated,
    Forbidden,
    FailedPrecondition,
    Internal,
};

// A failure with a message fit to show the user. For BadRequest, field() names the offending input
// (e.g. "websites[1].fqdn"), and the message starts with it.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const QString &message, const QString &field = {});

    ErrorKind kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    const QString &field() const { return m_field; }

    static Error badRequest(const QString &field, const QString &problem);
    static Error notFound(const QString &what, const QString &key);
    static Error alreadyExists(const QString &message);
    static Error forbidden(const QString &message);
    static Error failedPrecondition(const QString &message);
    static Error internal(const QString &detail);

private:
    ErrorKind m_kind;
    QString m_message;
    QString m_field;
};

// Input from outside, quoted for a message: 'value', cut after its first 64 characters ('value…'), so that a
// huge value cannot flood the message.
QString quoted(QStringView value);

} // namespace vitrine::domain
