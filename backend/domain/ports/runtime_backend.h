#pragma once

#include "domain/application.h"
#include "domain/log_line.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace vitrine::domain {

// The states an instance of a runtime application goes through, as every backend reports them.
enum class InstanceState {
    Missing,    // the backend knows no such instance (any more)
    Starting,   // started, not healthy yet
    Running,    // healthy: the router may send it requests
    Restarting, // exited and waiting for its next start (backoff)
    Sleeping,   // stopped on purpose until a request wakes the application
    Exited,     // stopped and stays stopped
    Errored,    // never became healthy within the timeout, or could not be started
    Unknown,    // the backend cannot tell
};

// "missing", "starting", "running", "restarting", "sleeping", "exited", "errored", "unknown".
QString instanceStateName(InstanceState state);

// How to tell that an instance is ready for requests.
struct HealthCheck {
    QString httpPath;        // empty: the port accepts a TCP connection; set: GET path answers 2xx
    int timeoutSeconds = 60; // not healthy by then: Errored

    bool operator==(const HealthCheck &) const = default;
};

struct ResourceLimits {
    qint64 memoryBytes = 512LL << 20; // 0: no limit
    int cpuMillicores = 1000;         // 0: no limit; 1000 = one core

    bool operator==(const ResourceLimits &) const = default;
};

// One instance the controller wants running. An instance is a start of one build of one application; a
// restart without downtime is a second instance of the same build. Its spec never changes: a change of
// what runs (build, env, limits) is a new instance.
struct InstanceSpec {
    QString instanceId; // unique across the server, chosen by the controller: "<build id>.<n>"
    QString applicationId;
    QString applicationName;
    QString buildId;
    QString releaseDirectory; // the build's unpacked artifact (process backend: the working directory)
    // Container backends: the image to run (a Dockerfile build's image); empty: the backend makes one of
    // releaseDirectory. The process backend ignores it.
    QString image;
    QString startCommand; // a shell command
    EnvVars env;          // the app's variables; the backend adds PORT
    // Where the app listens inside its container. The process backend shares the host's network, so it gives
    // each instance a free loopback port of its own as PORT instead (apps must listen on $PORT there).
    quint16 port = kDefaultAppPort;
    HealthCheck health;
    ResourceLimits limits;

    bool operator==(const InstanceSpec &) const = default;
};

// What the backend knows about one instance now.
struct InstanceStatus {
    QString instanceId;
    QString applicationId;
    QString applicationName;
    QString buildId;
    InstanceState state = InstanceState::Unknown;
    QString upstream;     // "127.0.0.1:PORT": where the router reaches it; empty until it listens
    int restartCount = 0; // restarts after exits since the instance was created
    QDateTime startedAt;  // the current run's start
    QString detail; // for people: why it is restarting, errored or exited ("exit code 1", "out of memory")
};

// Why an instance's process ended.
struct InstanceExit {
    int exitCode = -1;        // -1 when killed by a signal
    int signal = 0;           // the signal that killed it, 0 when it exited
    bool outOfMemory = false; // the kernel killed it for exceeding its memory limit
    bool willRestart = false; // the backend restarts it after a backoff
    QString detail; // for people: "exit code 1", "killed by signal 9", "out of memory (limit 64 MiB)"
};

// Resource use of one instance, cumulative where it can be.
struct InstanceUsage {
    QString instanceId;
    QString applicationId;
    QString applicationName;
    double cpuSeconds = 0;  // CPU time used since the instance was created, all its processes
    qint64 memoryBytes = 0; // resident memory now
};

// Hears what instances do. Called from the backend's threads, never under its locks; must be quick.
class RuntimeObserver {
public:
    virtual ~RuntimeObserver() = default;

    // One line of the instance's stdout or stderr, in order per instance.
    virtual void instanceOutput(const QString &applicationId, const QString &instanceId, LogStream stream,
                                const QString &text) = 0;
    // The instance's state changed (to Running, Restarting, Errored, …).
    virtual void instanceStateChanged(const InstanceStatus &status) = 0;
    // The instance's process ended (before instanceStateChanged tells what comes next). Not called for an
    // exit the controller asked for (converge removed it).
    virtual void instanceExited(const InstanceStatus &status, const InstanceExit &exit) = 0;
};

// Runs the instances of runtime applications: the process backend (sandboxed children of the server) today,
// containers and Kubernetes behind the same port later. Level-based like the controller: it is told the
// whole desired set of one application and converges to it; it restarts crashed instances with backoff on
// its own. Every method is thread-safe and returns without waiting for an instance to become healthy.
// Failures that concern one instance are reported through its state; methods throw Error only when the
// backend itself is unusable.
class RuntimeBackend {
public:
    virtual ~RuntimeBackend() = default;

    // Where output, state changes and exits are reported. Set once, before the first converge().
    virtual void setObserver(RuntimeObserver *observer) = 0;

    // Makes the application run exactly these instances: starts the ones it does not run yet, stops and
    // forgets the ones not listed (SIGTERM, then SIGKILL after a grace period, off the calling thread), and
    // leaves the others alone, also when they are restarting or errored. An empty list stops the application.
    virtual void converge(const QString &applicationId, const QList<InstanceSpec> &desired) = 0;

    // The instances the backend holds for the application (every application: empty id), in no particular
    // order.
    virtual QList<InstanceStatus> instances(const QString &applicationId = {}) = 0;

    // Resource use of every instance that has a process now.
    virtual QList<InstanceUsage> sampleUsage() = 0;

    // "process", "docker": for logs and the system info.
    virtual QString name() const = 0;
};

} // namespace vitrine::domain
