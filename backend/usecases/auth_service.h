#pragma once

#include "domain/ports/store.h"
#include "usecases/caller.h"

#include <QString>

#include <optional>

namespace vitrine::usecases {

// Turns bearer secrets into callers, and gives a new server its first admin.
class AuthService {
public:
    explicit AuthService(domain::Store &store);

    // The caller a bearer secret belongs to. Throws Unauthenticated, with the reason, when the secret is
    // empty, unknown, revoked or expired, or its user is gone. Records when the token was last used (at most
    // once a minute, so reads stay cheap).
    Caller authenticate(const QString &bearerSecret);

    // On a store without users: creates the admin user "admin" and a token for it, and returns the token's
    // secret. On any other store: nothing.
    std::optional<QString> bootstrapAdmin();

private:
    domain::Store &m_store;
};

} // namespace vitrine::usecases
