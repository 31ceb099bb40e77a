#pragma once

#include <QString>

#include <chrono>

namespace vitrine::adapters::runtime {

struct DockerRuntimeOptions {
    // The engine's socket: "unix:///run/docker.sock", or Podman's "unix:///run/podman/podman.sock".
    QString host = QStringLiteral("unix:///run/docker.sock");
    // Labels every container of this server (vitrine.server-id), so that two servers sharing an engine never
    // remove each other's containers. Keep it stable across restarts: leftovers are found by it.
    QString serverId = QStringLiteral("vitrine");
    // How long a stopped container has between SIGTERM and SIGKILL (the engine's stop timeout).
    std::chrono::seconds stopTimeout{10};
    // The wait before restarting a crashed instance: the first, doubling with every crash up to the maximum.
    std::chrono::milliseconds initialBackoff{1000};
    std::chrono::milliseconds maximumBackoff{60000};
    // A run that stayed up this long resets the wait to the first.
    std::chrono::milliseconds backoffResetAfter{60000};
    // How often a starting instance is asked whether it is healthy.
    std::chrono::milliseconds probeInterval{50};
};

} // namespace vitrine::adapters::runtime
