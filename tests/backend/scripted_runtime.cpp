#include "scripted_runtime.h"

namespace vitrine::tests {

void ScriptedBackend::set(const QString &instanceId, Instance instance)
{
    const std::lock_guard lock(m_mutex);
    m_instances.insert(instanceId, std::move(instance));
}

void ScriptedBackend::remove(const QString &instanceId)
{
    const std::lock_guard lock(m_mutex);
    m_instances.remove(instanceId);
}

QList<domain::InstanceStatus> ScriptedBackend::instances(const QString &applicationId)
{
    const std::lock_guard lock(m_mutex);
    QList<domain::InstanceStatus> statuses;
    for (auto instance = m_instances.cbegin(); instance != m_instances.cend(); ++instance) {
        if (!applicationId.isEmpty() && instance->applicationId != applicationId)
            continue;
        domain::InstanceStatus status;
        status.instanceId = instance.key();
        status.applicationId = instance->applicationId;
        status.applicationName = instance->applicationName;
        status.state = instance->state;
        status.restartCount = instance->restartCount;
        statuses.append(status);
    }
    return statuses;
}

QList<domain::InstanceUsage> ScriptedBackend::sampleUsage()
{
    const std::lock_guard lock(m_mutex);
    QList<domain::InstanceUsage> usage;
    for (auto instance = m_instances.cbegin(); instance != m_instances.cend(); ++instance) {
        if (instance->hasProcess)
            usage.append({instance.key(), instance->applicationId, instance->applicationName,
                          instance->cpuSeconds, instance->memoryBytes});
    }
    return usage;
}

void ScriptedRouter::setRequests(const QString &applicationName, qint64 requests)
{
    const std::lock_guard lock(m_mutex);
    m_activity[applicationName].requests = requests;
}

QHash<QString, domain::RequestActivity> ScriptedRouter::requestActivity()
{
    const std::lock_guard lock(m_mutex);
    return m_activity;
}

} // namespace vitrine::tests
