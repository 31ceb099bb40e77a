#pragma once

#include "client/connection_settings.h"

#include <QString>

#include <memory>

namespace grpc {
class Channel;
class Status;
} // namespace grpc

namespace vitrine::desktop {

// A channel to settings.serverAddress: TLS when settings.useTls (trusting settings.caFile, else the system's
// roots), plaintext otherwise. Reads the CA file: call it off the GUI thread. Returns nullptr and a message
// fit for the user in *error when the CA file cannot be read.
std::shared_ptr<grpc::Channel> openChannel(const ConnectionSettings &settings, QString *error);

// What a failed call means to the user, naming the server and, where it helps, what to do.
QString describeCallFailure(const grpc::Status &status, const ConnectionSettings &settings);

} // namespace vitrine::desktop
