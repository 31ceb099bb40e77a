#pragma once

#include "domain/ports/store.h"
#include "usecases/caller.h"
#include "usecases/paging.h"

#include <optional>

namespace vitrine::usecases {

// Accounts. Admins manage everyone; a member may read only themselves.
class UserService {
public:
    explicit UserService(domain::Store &store);

    domain::User create(const Caller &caller, const QString &name, domain::Role role);
    // userRef: an id or a name.
    domain::User get(const Caller &caller, const QString &userRef);
    // A member gets a page with only themselves.
    Page<domain::User> list(const Caller &caller, const PageRequest &page);
    // Refuses to demote the last admin.
    domain::User update(const Caller &caller, const QString &userRef, std::optional<domain::Role> role);
    // Refuses the last admin, the caller themselves, and a user who is the only owner of anything.
    void remove(const Caller &caller, const QString &userRef);

private:
    domain::Store &m_store;
};

} // namespace vitrine::usecases
