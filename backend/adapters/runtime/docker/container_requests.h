#pragma once

#include "domain/ports/runtime_backend.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

// What the docker runtime says to the engine and reads from its answers (Docker Engine API v1.41), apart
// from the calls themselves.
namespace vitrine::adapters::runtime {

// The label that tells the containers of one server: its value is DockerRuntimeOptions::serverId.
inline constexpr char kServerIdLabel[] = "vitrine.server-id";

// "vitrine-<instance id>", with every character a container name may not hold ([a-zA-Z0-9_.-]) as '-'.
QString containerName(const QString &instanceId);

// The body of POST /containers/create for one instance: its image, `/bin/sh -c START_COMMAND` when there
// is one (else the image's own command), the spec's variables and PORT, Vitrine's labels, the port
// published on a free loopback port of the engine's choice, the memory (without swap beyond it) and CPU
// limits, and no restart policy: the runtime restarts with a backoff of its own.
QByteArray createContainerBody(const domain::InstanceSpec &spec, const QString &serverId);

// The `filters` query value (percent-encoded JSON) that selects the containers of this server, plus
// {"type": ["container"]} for /events when forEvents.
QString managedContainersFilter(const QString &serverId, bool forEvents = false);

// What GET /containers/ID/json tells about the current or last run.
struct ContainerState {
    bool running = false;
    int exitCode = 0;
    bool outOfMemory = false;
    quint16 hostPort = 0; // where containerPort is published on the host; 0 when it is not
};
ContainerState parseContainerState(const QJsonObject &inspect, quint16 containerPort);

// What GET /containers/ID/stats?stream=false tells; nothing when the container does not run.
struct ContainerStats {
    double cpuSeconds = 0;  // of the current run
    qint64 memoryBytes = 0; // in use, without the page cache the kernel may drop
};
std::optional<ContainerStats> parseContainerStats(const QJsonObject &stats);

// A moment as the engine's `since` takes it: Unix seconds with a fraction ("1700000000.250").
QString engineTimestamp(const QDateTime &at);

} // namespace vitrine::adapters::runtime
