#pragma once

#include "domain/ports/store.h"
#include "usecases/caller.h"

#include <QDateTime>
#include <QList>

namespace vitrine::usecases {

struct CreatedToken {
    domain::Token token;
    QString secret; // shown once, never stored
};

// API tokens. Members manage their own, admins everyone's.
class TokenService {
public:
    explicit TokenService(domain::Store &store);

    // userRef: an id or a name; empty means the caller. expiresAt: null for never, else in the future.
    CreatedToken create(const Caller &caller, const QString &userRef, const QString &description,
                        const QDateTime &expiresAt);
    QList<domain::Token> list(const Caller &caller, const QString &userRef, bool includeInactive);
    // Revoking an already revoked token returns it unchanged.
    domain::Token revoke(const Caller &caller, const QString &tokenId);

private:
    domain::Store &m_store;
};

} // namespace vitrine::usecases
