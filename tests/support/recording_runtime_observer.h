#pragma once

#include "domain/ports/runtime_backend.h"

#include <QList>
#include <QStringList>

#include <mutex>
#include <utility>

namespace vitrine::tests {

// Records what a runtime backend reports, from its threads, for the runtime backends' tests.
class RecordingRuntimeObserver final : public domain::RuntimeObserver {
public:
    struct OutputLine {
        QString instanceId;
        domain::LogStream stream;
        QString text;
    };

    struct ReportedExit {
        domain::InstanceStatus status;
        domain::InstanceExit exit;
        int linesBefore = 0; // output lines of the instance the observer had heard when the exit came
    };

    void instanceOutput(const QString &, const QString &instanceId, domain::LogStream stream,
                        const QString &text) override
    {
        const std::lock_guard lock(m_mutex);
        m_output << OutputLine{instanceId, stream, text};
    }
    void instanceStateChanged(const domain::InstanceStatus &status) override
    {
        const std::lock_guard lock(m_mutex);
        m_states << status;
    }
    void instanceExited(const domain::InstanceStatus &status, const domain::InstanceExit &exit) override
    {
        const std::lock_guard lock(m_mutex);
        int lines = 0;
        for (const OutputLine &line : std::as_const(m_output))
            lines += line.instanceId == status.instanceId ? 1 : 0;
        m_exits << ReportedExit{status, exit, lines};
    }

    QStringList lines(const QString &instanceId, domain::LogStream stream)
    {
        const std::lock_guard lock(m_mutex);
        QStringList texts;
        for (const OutputLine &line : std::as_const(m_output)) {
            if (line.instanceId == instanceId && line.stream == stream)
                texts << line.text;
        }
        return texts;
    }
    QList<domain::InstanceState> states(const QString &instanceId)
    {
        const std::lock_guard lock(m_mutex);
        QList<domain::InstanceState> states;
        for (const domain::InstanceStatus &status : std::as_const(m_states)) {
            if (status.instanceId == instanceId)
                states << status.state;
        }
        return states;
    }
    QList<ReportedExit> exits(const QString &instanceId)
    {
        const std::lock_guard lock(m_mutex);
        QList<ReportedExit> exits;
        for (const ReportedExit &exit : std::as_const(m_exits)) {
            if (exit.status.instanceId == instanceId)
                exits << exit;
        }
        return exits;
    }

private:
    std::mutex m_mutex;
    QList<OutputLine> m_output;
    QList<domain::InstanceStatus> m_states;
    QList<ReportedExit> m_exits;
};

} // namespace vitrine::tests
