#include "adapters/runtime/docker/docker_runtime.h"

#include "adapters/runtime/docker/container_supervisor.h"
#include "adapters/runtime/process/runtime_logging.h"
#include "domain/error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <algorithm>
#include <future>
#include <vector>

namespace vitrine::adapters::runtime {
namespace {

// Engine calls that may run at once: stops wait up to the stop timeout each, so a deploy of many apps should
// not queue behind a few slow ones.
constexpr int kEngineThreads = 8;

struct InstanceToStart {
    quint64 serial;
    domain::InstanceSpec spec;
};

} // namespace

// Owns the supervisors on the runtime's thread, runs their engine calls on the pool and passes what they
// report on to the observer.
class DockerRuntime::Worker : public QObject, public ContainerHost {
public:
    explicit Worker(DockerRuntime &runtime)
        : m_runtime(runtime)
    {
    }

    ~Worker() override
    {
        // Before QObject's destructor, while this object can still take the followers' last posts.
        const QObjectList supervisors = children();
        qDeleteAll(supervisors);
    }

    void startInstance(const InstanceToStart &instance)
    {
        auto *supervisor = new ContainerSupervisor(instance.serial, instance.spec, *this, this);
        m_supervisors.emplace(instance.serial, supervisor);
        supervisor->start();
    }

    void stopInstance(quint64 serial)
    {
        const auto it = m_supervisors.find(serial);
        if (it != m_supervisors.end())
            it->second->stop();
    }

    void onEngineEvent(const QString &containerId, const QString &action)
    {
        const auto serial = m_serialsByContainer.find(containerId);
        if (serial == m_serialsByContainer.end())
            return;
        const auto supervisor = m_supervisors.find(serial->second);
        if (supervisor != m_supervisors.end())
            supervisor->second->onEngineEvent(action);
    }

    // Events may have been missed while the event stream was away.
    void checkEveryInstance()
    {
        for (const auto &[serial, supervisor] : m_supervisors)
            supervisor->requestCheck();
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

    docker::DockerClient &client() override { return m_runtime.m_client; }
    const DockerRuntimeOptions &options() const override { return m_runtime.m_options; }

    void runOnEngine(quint64 serial, std::function<EngineReply()> call,
                     std::function<void(const EngineReply &)> then) override
    {
        m_runtime.m_enginePool.start([this, serial, call = std::move(call), then = std::move(then)] {
            EngineReply reply;
            try {
                reply = call();
            } catch (const domain::Error &error) {
                reply = {};
                reply.engineUnreachable = true;
                reply.error = error.message();
            }
            QMetaObject::invokeMethod(
                this,
                [this, serial, reply = std::move(reply), then] {
                    if (m_supervisors.contains(serial))
                        then(reply);
                },
                Qt::QueuedConnection);
        });
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

    void followerEnded(quint64 serial, int run) override
    {
        QMetaObject::invokeMethod(
            this,
            [this, serial, run] {
                const auto it = m_supervisors.find(serial);
                if (it != m_supervisors.end())
                    it->second->onFollowerEnded(run);
            },
            Qt::QueuedConnection);
    }

    void containerCreated(quint64 serial, const QString &containerId) override
    {
        m_serialsByContainer[containerId] = serial;
        const std::lock_guard lock(m_runtime.m_mutex);
        if (Entry *entry = entryOf(serial))
            entry->containerId = containerId;
    }

    void runEnded(quint64 serial) override
    {
        const std::lock_guard lock(m_runtime.m_mutex);
        if (Entry *entry = entryOf(serial)) {
            entry->cpuSecondsOfEndedRuns += entry->cpuSecondsOfCurrentRun;
            entry->cpuSecondsOfCurrentRun = 0;
        }
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

    void stopped(quint64 serial) override
    {
        const auto it = m_supervisors.find(serial);
        if (it == m_supervisors.end())
            return;
        std::erase_if(m_serialsByContainer, [serial](const auto &item) { return item.second == serial; });
        it->second->deleteLater(); // stopped() may come from inside it
        m_supervisors.erase(it);
        quitWhenAllStopped();
    }

private:
    // The entry of a held instance (m_runtime.m_mutex locked), or null when converge() has forgotten it.
    Entry *entryOf(quint64 serial)
    {
        for (auto &[instanceId, entry] : m_runtime.m_entries) {
            if (entry.serial == serial)
                return &entry;
        }
        return nullptr;
    }

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

    DockerRuntime &m_runtime;
    std::map<quint64, ContainerSupervisor *> m_supervisors; // children of this object
    std::map<QString, quint64> m_serialsByContainer;
    bool m_shuttingDown = false;
};

DockerRuntime::DockerRuntime(DockerRuntimeOptions options)
    : m_options(std::move(options))
    , m_client(m_options.host)
{
    removeLeftovers();
    m_worker = new Worker(*this);
    m_enginePool.setMaxThreadCount(kEngineThreads);
    m_thread.setObjectName(QStringLiteral("vitrine-docker"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    m_eventThread = std::thread([this] { followEvents(); });
}

DockerRuntime::~DockerRuntime()
{
    {
        const std::lock_guard lock(m_mutex);
        m_observer = nullptr;
        m_entries.clear();
        m_stopEvents = true;
    }
    m_stopEventsChanged.notify_all();
    m_eventThread.join();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->shutdown(); }, Qt::QueuedConnection);
    m_thread.wait();
    // The engine calls still under way post to the worker: it goes after them.
    m_enginePool.waitForDone();
    delete m_worker;
}

void DockerRuntime::setObserver(domain::RuntimeObserver *observer)
{
    const std::lock_guard lock(m_mutex);
    m_observer = observer;
}

void DockerRuntime::converge(const QString &applicationId, const QList<domain::InstanceSpec> &desired)
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
            entry.status.instanceId = spec.instanceId;
            entry.status.applicationId = spec.applicationId;
            entry.status.applicationName = spec.applicationName;
            entry.status.buildId = spec.buildId;
            entry.status.state = domain::InstanceState::Starting;
            toStart.push_back({entry.serial, spec});
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

QList<domain::InstanceStatus> DockerRuntime::instances(const QString &applicationId)
{
    const std::lock_guard lock(m_mutex);
    QList<domain::InstanceStatus> statuses;
    for (const auto &[instanceId, entry] : m_entries) {
        if (applicationId.isEmpty() || entry.spec.applicationId == applicationId)
            statuses << entry.status;
    }
    return statuses;
}

QList<domain::InstanceUsage> DockerRuntime::sampleUsage()
{
    struct Sample {
        quint64 serial;
        domain::InstanceUsage usage;
        QString containerId;
        std::future<std::optional<ContainerStats>> stats;
    };
    std::vector<Sample> samples;
    {
        const std::lock_guard lock(m_mutex);
        for (const auto &[instanceId, entry] : m_entries) {
            const domain::InstanceState state = entry.status.state;
            if (entry.containerId.isEmpty() ||
                (state != domain::InstanceState::Starting && state != domain::InstanceState::Running))
                continue;
            Sample sample;
            sample.serial = entry.serial;
            sample.usage.instanceId = instanceId;
            sample.usage.applicationId = entry.spec.applicationId;
            sample.usage.applicationName = entry.spec.applicationName;
            sample.containerId = entry.containerId;
            samples.push_back(std::move(sample));
        }
    }
    // A few at a time, so that hundreds of containers do not mean hundreds of threads.
    for (size_t first = 0; first < samples.size(); first += kEngineThreads) {
        const size_t end = std::min(samples.size(), first + kEngineThreads);
        for (size_t index = first; index < end; ++index)
            samples[index].stats =
                std::async(std::launch::async, [this, containerId = samples[index].containerId] {
                    return containerStats(containerId);
                });
        for (size_t index = first; index < end; ++index)
            samples[index].stats.wait();
    }

    QList<domain::InstanceUsage> usages;
    for (Sample &sample : samples) {
        const std::optional<ContainerStats> stats = sample.stats.get();
        if (!stats)
            continue; // it stopped meanwhile
        const std::lock_guard lock(m_mutex);
        const auto it = m_entries.find(sample.usage.instanceId);
        if (it == m_entries.end() || it->second.serial != sample.serial)
            continue;
        it->second.cpuSecondsOfCurrentRun = stats->cpuSeconds;
        sample.usage.cpuSeconds = it->second.cpuSecondsOfEndedRuns + stats->cpuSeconds;
        sample.usage.memoryBytes = stats->memoryBytes;
        usages << sample.usage;
    }
    return usages;
}

std::optional<ContainerStats> DockerRuntime::containerStats(const QString &containerId)
{
    try {
        const docker::DockerResponse response = m_client.request(
            "GET", QStringLiteral("/containers/%1/stats?stream=false&one-shot=true").arg(containerId));
        return response.ok() ? parseContainerStats(response.json().object()) : std::nullopt;
    } catch (const domain::Error &error) {
        qCWarning(lcRuntime, "cannot sample container %s: %s", qUtf8Printable(containerId),
                  qUtf8Printable(error.message()));
        return std::nullopt;
    }
}

QString DockerRuntime::name() const
{
    return QStringLiteral("docker");
}

void DockerRuntime::removeLeftovers()
{
    const docker::DockerResponse listed = m_client.request(
        "GET",
        QStringLiteral("/containers/json?all=1&filters=%1").arg(managedContainersFilter(m_options.serverId)));
    if (!listed.ok()) {
        throw domain::Error::failedPrecondition(
            QStringLiteral("the container engine at %1 cannot list containers: %2")
                .arg(m_client.socketPath(), listed.errorMessage()));
    }
    const QJsonArray containers = listed.json().array();
    for (const QJsonValue &container : containers) {
        const QString id = container.toObject().value(QStringLiteral("Id")).toString();
        const docker::DockerResponse removed =
            m_client.request("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(id));
        if (removed.ok() || removed.status == 404) {
            qCInfo(lcRuntime, "removed container %s left by an earlier run", qUtf8Printable(id));
        } else {
            qCWarning(lcRuntime, "cannot remove container %s left by an earlier run: %s", qUtf8Printable(id),
                      qUtf8Printable(removed.errorMessage()));
        }
    }
}

void DockerRuntime::followEvents()
{
    const QString path =
        QStringLiteral("/events?filters=%1").arg(managedContainersFilter(m_options.serverId, true));
    std::chrono::milliseconds backoff = m_options.initialBackoff;
    while (!m_stopEvents) {
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker] { worker->checkEveryInstance(); }, Qt::QueuedConnection);
        bool heardSomething = false;
        docker::JsonLinesDecoder decoder([this, &heardSomething](const QJsonDocument &document) {
            heardSomething = true;
            const QJsonObject event = document.object();
            const QString action = event.value(QStringLiteral("Action")).toString();
            if (action != QLatin1String("die") && action != QLatin1String("oom"))
                return;
            const QString containerId =
                event.value(QStringLiteral("Actor")).toObject().value(QStringLiteral("ID")).toString();
            QMetaObject::invokeMethod(
                m_worker,
                [worker = m_worker, containerId, action] { worker->onEngineEvent(containerId, action); },
                Qt::QueuedConnection);
        });
        try {
            const int status = m_client.stream(
                "GET", path, nullptr, {},
                [&decoder](QByteArrayView chunk) {
                    decoder.feed(chunk);
                    return true;
                },
                &m_stopEvents);
            if (status != 0 && status != 200)
                qCWarning(lcRuntime, "the container engine refused its event stream (HTTP %d)", status);
        } catch (const domain::Error &error) {
            qCWarning(lcRuntime, "lost the container engine's event stream: %s",
                      qUtf8Printable(error.message()));
        }
        if (heardSomething)
            backoff = m_options.initialBackoff;
        std::unique_lock lock(m_mutex);
        m_stopEventsChanged.wait_for(lock, backoff, [this] { return m_stopEvents.load(); });
        backoff = std::min(backoff * 2, m_options.maximumBackoff);
    }
}

} // namespace vitrine::adapters::runtime
