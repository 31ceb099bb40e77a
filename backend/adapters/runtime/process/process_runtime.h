#pragma once

#include "adapters/runtime/process/process_runtime_options.h"
#include "domain/ports/runtime_backend.h"

#include <QThread>

#include <map>
#include <mutex>

namespace vitrine::adapters::runtime {

// domain::RuntimeBackend on the server's own machine: each instance is `sh -c START_COMMAND` in a bubblewrap
// sandbox (its own pid, ipc, uts, user, cgroup and mount namespaces; the host's network, so the router
// reaches it on 127.0.0.1), with its release directory read-write at /workspace as working directory, the
// system read-only and a private /tmp. Its environment holds PATH, HOME=/workspace, LANG=C.UTF-8, the spec's
// variables and PORT, a free loopback port of its own where it must listen (InstanceStatus.upstream, set
// once it is first healthy).
//
// An instance is Starting until its port accepts a connection (or its health path answers 2xx), then
// Running; not healthy within the health timeout, it is killed and Errored. One that exits on its own is
// restarted after a backoff that doubles from initialBackoff to maximumBackoff and starts again after a run
// that stayed up backoffResetAfter. Memory and CPU are limited through a cgroup of its own where the host
// allows (v2, or v1), which also tells OOM kills and measures usage; where it does not, memory falls back to
// RLIMIT_AS per process, CPU goes unlimited, usage is read from /proc, and one warning in the log says so.
//
// One worker thread owns every sandbox and runs the health probes; callers never wait for an instance. The
// destructor stops every instance (SIGTERM, SIGKILL after the grace period) and reports nothing about it.
class ProcessRuntime final : public domain::RuntimeBackend {
public:
    explicit ProcessRuntime(ProcessRuntimeOptions options = {});
    ~ProcessRuntime() override;

    ProcessRuntime(const ProcessRuntime &) = delete;
    ProcessRuntime &operator=(const ProcessRuntime &) = delete;

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
        quint16 port = 0;
        domain::InstanceStatus status;
    };

    quint16 allocatePort() const;

    const ProcessRuntimeOptions m_options;
    std::mutex m_mutex;
    domain::RuntimeObserver *m_observer = nullptr; // guarded by m_mutex
    std::map<QString, Entry> m_entries;            // by instance id; guarded by m_mutex
    quint64 m_lastSerial = 0;                      // guarded by m_mutex
    QThread m_thread;
    Worker *m_worker; // lives on m_thread, deleted as it finishes
};

} // namespace vitrine::adapters::runtime
