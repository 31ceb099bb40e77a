#pragma once

#include "adapters/grpc/status_mapping.h"
#include "usecases/auth_service.h"
#include "usecases/caller.h"

#include <grpcpp/server_context.h>

#include <exception>
#include <source_location>

namespace vitrine::adapters::grpc {

// The caller named by a call's "authorization: Bearer <token>" metadata (the scheme in any case). Throws
// Error(Unauthenticated) when the metadata is missing or malformed, or when AuthService refuses the token.
usecases::Caller authenticateCall(const ::grpc::ServerContextBase &context, usecases::AuthService &auth);

// Runs one vitrine.v1 call: authenticates it, hands the caller to `body` (which fills the response), and
// turns whatever `body` throws into the status the client sees. So each RPC method is only its
// request → use case → response translation.
template<typename Body>
::grpc::Status handleCall(const ::grpc::ServerContextBase &context, usecases::AuthService &auth, Body &&body,
                          std::source_location where = std::source_location::current())
{
    try {
        body(authenticateCall(context, auth));
        return ::grpc::Status::OK;
    } catch (const domain::Error &error) {
        return toStatus(error, where.function_name());
    } catch (const std::exception &error) {
        return internalStatus(error.what(), where.function_name());
    }
}

} // namespace vitrine::adapters::grpc
