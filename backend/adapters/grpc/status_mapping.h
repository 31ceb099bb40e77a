#pragma once

#include "domain/error.h"

#include <grpcpp/support/status.h>

#include <string_view>

namespace vitrine::adapters::grpc {

// The status a client sees for a use-case error: its kind as a status code, its message as the status
// message. An internal error shows only "internal error"; its detail is logged here, once, with `where`.
::grpc::Status toStatus(const domain::Error &error, std::string_view where);

// An exception that is not a domain::Error is a bug or a failure below the use cases: INTERNAL, logged.
::grpc::Status internalStatus(std::string_view detail, std::string_view where);

} // namespace vitrine::adapters::grpc
