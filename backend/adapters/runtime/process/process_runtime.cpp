#include "adapters/runtime/process/process_runtime.h"

#include "adapters/runtime/process/instance_supervisor.h"
#include "adapters/runtime/process/runtime_logging.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QSet>

#include <vector>

namespace vitrine::adapters::runtime {
namespace {

// Free ports come from the kernel; a few tries skip the ones just handed to instances that do not listen yet.
constexpr int kPortAllocationAttempts = 20;

// A loopback port nobody listens on now (the kernel's choice for port 0); 0 when none can be had.
quint16 freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    quint16 port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

struct InstanceToStart {
    quint64 serial;
    domain::InstanceSpec spec;
    quint16 port;
};

} // namespace

// Owns the supervisors on the runtime's thread and passes what they report on to the observer.
class ProcessRuntime::Worker : public QObject, public InstanceListener {
public:
    explicit Worker(ProcessRuntime &runtime)
        : m_runtime(runtime)
    {
    }

    void startInstance(const InstanceToStart &instance)
    {
        auto *supervisor = new InstanceSupervisor(instance.serial, instance.spec, instance.port,
                                                  m_runtime.m_options, *this, this);
        m_supervisors.emplace(instance.serial, supervisor);
        supervisor->start();
    }

    void stopInstance(quint64 serial)
    {
        const auto it = m_supervisors.find(serial);
        if (it != m_supervisors.end())
            it->second->stop();
    }

    QList<domain::InstanceUsage> usage() const
    {
        QList<domain::InstanceUsage> usages;
        for (const auto &[serial, supervisor] : m_supervisors) {
            if (const auto usage = supervisor->usage())
                usages << *usage;
        }
        return usages;
    }

    // Stops every instance, then ends the thread.
    void shutdown()
    {
        m_shuttingDown = true;
        std::vector<quint64> serials;
        for (const auto &[serial, supervisor] : m_supervisors)
            serials.push_back(serial);
        for (const quint64 serial : serials)
            stopInstance(serial); // may end in stopped() at once
        quitWhenAllStopped();
    }

    void statusChanged(quint64 serial, const domain::InstanceStatus &status) override
    {
        if (domain::RuntimeObserver *observer = updateEntry(serial, status))
            observer->instanceStateChanged(status);
    }

    void exited(quint64 serial, const domain::InstanceStatus &status,
                const domain::InstanceExit &exit) override
    {
        qCInfo(lcRuntime, "instance %s of %s exited: %s%s", qUtf8Printable(status.instanceId),
               qUtf8Printable(status.applicationName), qUtf8Printable(exit.detail),
               exit.willRestart ? " (restarting)" : "");
        if (domain::RuntimeObserver *observer = updateEntry(serial, status))
            observer->instanceExited(status, exit);
    }

    void output(const domain::InstanceSpec &spec, domain::LogStream stream, const QString &text) override
    {
        domain::RuntimeObserver *observer = nullptr;
        {
            const std::lock_guard lock(m_runtime.m_mutex);
            observer = m_runtime.m_observer;
        }
        if (observer)
            observer->instanceOutput(spec.applicationId, spec.instanceId, stream, text);
    }

    void stopped(quint64 serial) override
    {
        const auto it = m_supervisors.find(serial);
        if (it == m_supervisors.end())
            return;
        it->second->deleteLater(); // stopped() may come from inside it
        m_supervisors.erase(it);
        quitWhenAllStopped();
    }

private:
    // Records the status of a held instance; the observer to tell, or null when there is none or the
    // instance was forgotten (converge() left it out while this was on its way).
    domain::RuntimeObserver *updateEntry(quint64 serial, const domain::InstanceStatus &status)
    {
        const std::lock_guard lock(m_runtime.m_mutex);
        const auto it = m_runtime.m_entries.find(status.instanceId);
        if (it == m_runtime.m_entries.end() || it->second.serial != serial)
            return nullptr;
        it->second.status = status;
        return m_runtime.m_observer;
    }

    void quitWhenAllStopped()
    {
        if (m_shuttingDown && m_supervisors.empty())
            thread()->quit();
    }

    ProcessRuntime &m_runtime;
    std::map<quint64, InstanceSupervisor *> m_supervisors; // children of this object
    bool m_shuttingDown = false;
};

ProcessRuntime::ProcessRuntime(ProcessRuntimeOptions options)
    : m_options(std::move(options))
    , m_worker(new Worker(*this))
{
    m_thread.setObjectName(QStringLiteral("vitrine-runtime"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ProcessRuntime::~ProcessRuntime()
{
    {
        const std::lock_guard lock(m_mutex);
        m_observer = nullptr;
        m_entries.clear();
    }
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->shutdown(); }, Qt::QueuedConnection);
    m_thread.wait();
}

void ProcessRuntime::setObserver(domain::RuntimeObserver *observer)
{
    const std::lock_guard lock(m_mutex);
    m_observer = observer;
}

void ProcessRuntime::converge(const QString &applicationId, const QList<domain::InstanceSpec> &desired)
{
    std::vector<InstanceToStart> toStart;
    std::vector<quint64> toStop;
    {
        const std::lock_guard lock(m_mutex);
        QSet<QString> wanted;
        for (const domain::InstanceSpec &spec : desired) {
            wanted.insert(spec.instanceId);
            if (m_entries.contains(spec.instanceId))
                continue;
            Entry entry;
            entry.serial = ++m_lastSerial;
            entry.spec = spec;
            entry.port = allocatePort();
            entry.status.instanceId = spec.instanceId;
            entry.status.applicationId = spec.applicationId;
            entry.status.applicationName = spec.applicationName;
            entry.status.buildId = spec.buildId;
            entry.status.state = domain::InstanceState::Starting;
            toStart.push_back({entry.serial, spec, entry.port});
            m_entries.emplace(spec.instanceId, std::move(entry));
        }
        for (auto it = m_entries.begin(); it != m_entries.end();) {
            if (it->second.spec.applicationId == applicationId && !wanted.contains(it->first)) {
                toStop.push_back(it->second.serial);
                it = m_entries.erase(it);
            } else {
                ++it;
            }
        }
    }
    if (toStart.empty() && toStop.empty())
        return;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, toStart = std::move(toStart), toStop = std::move(toStop)] {
            for (const quint64 serial : toStop)
                worker->stopInstance(serial);
            for (const InstanceToStart &instance : toStart)
                worker->startInstance(instance);
        },
        Qt::QueuedConnection);
}

QList<domain::InstanceStatus> ProcessRuntime::instances(const QString &applicationId)
{
    const std::lock_guard lock(m_mutex);
    QList<domain::InstanceStatus> statuses;
    for (const auto &[instanceId, entry] : m_entries) {
        if (applicationId.isEmpty() || entry.spec.applicationId == applicationId)
            statuses << entry.status;
    }
    return statuses;
}

QList<domain::InstanceUsage> ProcessRuntime::sampleUsage()
{
    if (QThread::currentThread() == &m_thread)
        return m_worker->usage();
    QList<domain::InstanceUsage> usages;
    QMetaObject::invokeMethod(
        m_worker, [this, &usages] { usages = m_worker->usage(); }, Qt::BlockingQueuedConnection);
    return usages;
}

QString ProcessRuntime::name() const
{
    return QStringLiteral("process");
}

quint16 ProcessRuntime::allocatePort() const
{
    QSet<quint16> taken;
    for (const auto &[instanceId, entry] : m_entries)
        taken.insert(entry.port);
    for (int attempt = 0; attempt < kPortAllocationAttempts; ++attempt) {
        const quint16 port = freeLoopbackPort();
        if (port != 0 && !taken.contains(port))
            return port;
    }
    return 0;
}

} // namespace vitrine::adapters::runtime
