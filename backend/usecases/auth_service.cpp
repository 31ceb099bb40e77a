#include "usecases/auth_service.h"

#include "domain/error.h"
#include "domain/ids.h"
#include "domain/token.h"
#include "usecases/access.h"

#include <QLoggingCategory>

namespace vitrine::usecases {

using domain::Error;
using domain::ErrorKind;

namespace {

Q_LOGGING_CATEGORY(lcAuth, "vitrine.auth")

constexpr qint64 kLastUsedResolutionSeconds = 60;

Error unauthenticated(const QString &reason)
{
    return Error(ErrorKind::Unauthenticated, reason);
}

} // namespace

AuthService::AuthService(domain::Store &store)
    : m_store(store)
{
}

Caller AuthService::authenticate(const QString &bearerSecret)
{
    if (bearerSecret.isEmpty())
        throw unauthenticated(QStringLiteral("missing bearer token"));
    const auto token = m_store.findTokenBySecretHash(domain::hashTokenSecret(bearerSecret));
    if (!token)
        throw unauthenticated(QStringLiteral("unknown token"));
    if (!token->revokedAt.isNull())
        throw unauthenticated(QStringLiteral("token revoked"));
    const QDateTime now = access::nowUtc();
    if (!token->isActiveAt(now))
        throw unauthenticated(QStringLiteral("token expired"));
    const auto user = m_store.findUserById(token->userId);
    if (!user)
        throw unauthenticated(QStringLiteral("the token's user no longer exists"));

    if (token->lastUsedAt.isNull() || token->lastUsedAt.secsTo(now) >= kLastUsedResolutionSeconds) {
        // Bookkeeping only: a busy database must not turn a valid token into a failed call.
        try {
            m_store.setTokenLastUsed(token->id, now);
        } catch (const Error &error) {
            qCWarning(lcAuth) << "could not record when token" << token->id
                              << "was last used:" << error.message();
        }
    }
    return Caller{*user};
}

std::optional<QString> AuthService::bootstrapAdmin()
{
    if (m_store.countUsers() > 0)
        return std::nullopt;

    const QDateTime now = access::nowUtc();
    domain::User admin;
    admin.id = domain::newId(domain::idprefix::kUser);
    admin.name = QStringLiteral("admin");
    admin.role = domain::Role::Admin;
    admin.createdAt = now;
    try {
        m_store.insertUser(admin);
    } catch (const Error &error) {
        // Another server on the same database bootstrapped first; its admin is the one.
        if (error.kind() == ErrorKind::AlreadyExists)
            return std::nullopt;
        throw;
    }

    const QString secret = domain::newTokenSecret();
    domain::Token token;
    token.id = domain::newId(domain::idprefix::kToken);
    token.userId = admin.id;
    token.userName = admin.name;
    token.description = QStringLiteral("created on first start");
    token.secretHash = domain::hashTokenSecret(secret);
    token.createdAt = now;
    m_store.insertToken(token);
    return secret;
}

} // namespace vitrine::usecases
