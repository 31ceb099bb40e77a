#pragma once

#include <QString>

#include <chrono>

namespace vitrine::desktop {

// Where the server is and who we are to it.
struct ConnectionSettings {
    QString serverAddress = QStringLiteral("127.0.0.1:50051"); // host:port of the gRPC API
    QString token;                                             // sent as "authorization: Bearer <token>"
    bool useTls = false;
    QString caFile; // PEM file of the CA to trust when useTls is on; empty: the system's roots
    // How long one call may take before the user is told the server did not answer.
    std::chrono::milliseconds callTimeout{10'000};

    // VITRINE_SERVER (the default address when unset or empty) and VITRINE_TOKEN.
    static ConnectionSettings fromEnvironment();
};

} // namespace vitrine::desktop
