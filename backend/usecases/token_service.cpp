#include "usecases/token_service.h"

#include "domain/error.h"
#include "domain/ids.h"
#include "domain/token.h"
#include "usecases/access.h"

namespace vitrine::usecases {

using domain::Error;

namespace {

constexpr qsizetype kMaxDescriptionLength = 200;

// The user whose tokens a request is about. A member asking about anyone else is refused before the store is
// asked, so the answer does not tell which users exist.
domain::User tokenOwner(domain::Store &store, const Caller &caller, const QString &userRef,
                        const QString &action)
{
    if (userRef.isEmpty() || access::refersTo(caller.user, userRef))
        return caller.user;
    if (!caller.isAdmin())
        throw Error::forbidden(QStringLiteral("only admins can %1 other users' tokens").arg(action));
    return access::requireUser(store, userRef);
}

} // namespace

TokenService::TokenService(domain::Store &store)
    : m_store(store)
{
}

CreatedToken TokenService::create(const Caller &caller, const QString &userRef, const QString &description,
                                  const QDateTime &expiresAt)
{
    const domain::User owner = tokenOwner(m_store, caller, userRef, QStringLiteral("create"));
    if (description.size() > kMaxDescriptionLength)
        throw Error::badRequest(QStringLiteral("description"),
                                QStringLiteral("must be at most %1 characters").arg(kMaxDescriptionLength));
    const QDateTime now = access::nowUtc();
    if (!expiresAt.isNull() && expiresAt <= now)
        throw Error::badRequest(QStringLiteral("expires_at"), QStringLiteral("must be in the future"));

    CreatedToken created;
    created.secret = domain::newTokenSecret();
    domain::Token &token = created.token;
    token.id = domain::newId(domain::idprefix::kToken);
    token.userId = owner.id;
    token.userName = owner.name;
    token.description = description;
    token.secretHash = domain::hashTokenSecret(created.secret);
    token.createdAt = now;
    token.expiresAt = expiresAt.isNull() ? QDateTime() : expiresAt.toUTC();
    m_store.insertToken(token);
    return created;
}

QList<domain::Token> TokenService::list(const Caller &caller, const QString &userRef, bool includeInactive)
{
    const domain::User owner = tokenOwner(m_store, caller, userRef, QStringLiteral("list"));
    QList<domain::Token> tokens = m_store.listTokens(owner.id);
    if (!includeInactive) {
        const QDateTime now = access::nowUtc();
        tokens.removeIf([&now](const domain::Token &token) { return !token.isActiveAt(now); });
    }
    return tokens;
}

domain::Token TokenService::revoke(const Caller &caller, const QString &tokenId)
{
    const auto token = m_store.findTokenById(tokenId);
    if (!token)
        throw Error::notFound(QStringLiteral("token"), tokenId);
    if (!caller.isAdmin() && token->userId != caller.user.id)
        throw Error::forbidden(QStringLiteral("you can only revoke your own tokens"));
    if (!token->revokedAt.isNull())
        return *token;
    m_store.setTokenRevoked(token->id, access::nowUtc());
    if (auto revoked = m_store.findTokenById(token->id))
        return *std::move(revoked);
    throw Error::notFound(QStringLiteral("token"), tokenId);
}

} // namespace vitrine::usecases
