#pragma once

#include <QLoggingCategory>

namespace vitrine::adapters::grpc {

// "vitrine.grpc": failed calls, and the records of gRPC's own C core.
Q_DECLARE_LOGGING_CATEGORY(lcGrpc)

// gRPC's C core logs through gpr_log, straight to stderr unless told otherwise. After this call its records
// go to lcGrpc, so they take the server's log format and level filter. Call once, before the first server
// or channel is built.
void forwardCoreLogsToQt();

} // namespace vitrine::adapters::grpc
