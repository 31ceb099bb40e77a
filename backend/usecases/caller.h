#pragma once

#include "domain/user.h"

namespace vitrine::usecases {

// Who is making a request, as authenticated from their token. Every use case takes one and decides from it
// what the request may see and change.
struct Caller {
    domain::User user;

    bool isAdmin() const { return user.isAdmin(); }
};

} // namespace vitrine::usecases
