#pragma once

#include "adapters/docker/docker_client.h"
#include "adapters/runtime/docker/container_requests.h"
#include "adapters/runtime/docker/docker_runtime_options.h"
#include "domain/ports/runtime_backend.h"

#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace vitrine::adapters::runtime {

// domain::RuntimeBackend over a container engine's API (Docker, or Podman's compatible service): each
// instance is one container of the spec's image named "vitrine-<instance id>", labelled vitrine.managed,
// vitrine.server-id, vitrine.application-id, vitrine.application-name, vitrine.build-id and
// vitrine.instance-id, running the start command under /bin/sh -c (or the image's command), with the spec's
// variables and PORT, its port published on a free loopback port of the engine's choice
// (InstanceStatus.upstream, set once it is first healthy), and the memory (no swap beyond it) and CPU limits
// as the engine's. An instance without an image is Errored: this backend runs images built from a Dockerfile.
//
// States, health checks, restarts with backoff and their reports are the process backend's: the containers
// have no restart policy, Vitrine starts an exited one again itself. It learns of exits from one stream of
// the engine's events (reconnected with backoff, every instance checked again after each reconnect) and from
// the end of each run's log stream, and asks the engine how a run ended (exit code, OOM kill). Each run's
// output is followed from its start, so a restart does not repeat earlier lines.
//
// The engine is asked on threads of the runtime's own; callers never wait for it, except in sampleUsage()
// (one stats call per running container) and in the constructor, which removes the containers an earlier run
// of this server left (its vitrine.server-id): the controller converges again and recreates what it wants.
// The destructor stops and removes every container and reports nothing about it.
class DockerRuntime final : public domain::RuntimeBackend {
public:
    // Throws domain::Error: BadRequest for a host that is no unix socket, FailedPrecondition when the engine
    // does not answer there.
    explicit DockerRuntime(DockerRuntimeOptions options);
    ~DockerRuntime() override;

    DockerRuntime(const DockerRuntime &) = delete;
    DockerRuntime &operator=(const DockerRuntime &) = delete;

    void setObserver(domain::RuntimeObserver *observer) override;
    void converge(const QString &applicationId, const QList<domain::InstanceSpec> &desired) override;
    QList<domain::InstanceStatus> instances(const QString &applicationId = {}) override;
    QList<domain::InstanceUsage> sampleUsage() override;
    QString name() const override;

private:
    class Worker;

    // An instance the runtime holds: created by converge(), forgotten by the converge() that leaves it out.
    struct Entry {
        quint64 serial = 0; // tells a forgotten instance from a new one of the same id
        domain::InstanceSpec spec;
        domain::InstanceStatus status;
        QString containerId;
        double cpuSecondsOfEndedRuns = 0;
        double cpuSecondsOfCurrentRun = 0; // as last sampled
    };

    void removeLeftovers();
    // One stats call; nothing when the container does not run (any more) or the engine does not answer.
    std::optional<ContainerStats> containerStats(const QString &containerId);
    void followEvents();

    const DockerRuntimeOptions m_options;
    docker::DockerClient m_client;
    std::mutex m_mutex;
    domain::RuntimeObserver *m_observer = nullptr; // guarded by m_mutex
    std::map<QString, Entry> m_entries;            // by instance id; guarded by m_mutex
    quint64 m_lastSerial = 0;                      // guarded by m_mutex
    QThreadPool m_enginePool;                      // the supervisors' engine calls
    QThread m_thread;
    Worker *m_worker = nullptr; // lives on m_thread
    std::atomic_bool m_stopEvents{false};
    std::condition_variable m_stopEventsChanged; // with m_mutex
    std::thread m_eventThread;
};

} // namespace vitrine::adapters::runtime
