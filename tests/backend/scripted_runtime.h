#pragma once

#include "domain/ports/router.h"
#include "domain/ports/runtime_backend.h"

#include <QHash>
#include <QMap>
#include <QString>

#include <mutex>

// Ports whose readings the test scripts, for the metrics tests. Thread-safe: a recorder may sample them from
// its own thread.
namespace vitrine::tests {

// A runtime backend that runs nothing: it reports the instances the test sets.
class ScriptedBackend final : public domain::RuntimeBackend {
public:
    struct Instance {
        QString applicationId;
        QString applicationName;
        domain::InstanceState state = domain::InstanceState::Running;
        double cpuSeconds = 0;
        qint64 memoryBytes = 0;
        int restartCount = 0;
        bool hasProcess = true; // false: listed by instances(), absent from sampleUsage()
    };

    void set(const QString &instanceId, Instance instance);
    void remove(const QString &instanceId);

    void setObserver(domain::RuntimeObserver *) override {}
    void converge(const QString &, const QList<domain::InstanceSpec> &) override {}
    QList<domain::InstanceStatus> instances(const QString &applicationId = {}) override;
    QList<domain::InstanceUsage> sampleUsage() override;
    QString name() const override { return QStringLiteral("scripted"); }

private:
    std::mutex m_mutex;
    QMap<QString, Instance> m_instances; // by instance id
};

// A router that routes nothing: it reports the request counts the test sets.
class ScriptedRouter final : public domain::Router {
public:
    void setRequests(const QString &applicationName, qint64 requests);

    void apply(const QList<domain::Route> &) override {}
    QHash<QString, domain::RequestActivity> requestActivity() override;

private:
    std::mutex m_mutex;
    QHash<QString, domain::RequestActivity> m_activity;
};

} // namespace vitrine::tests
