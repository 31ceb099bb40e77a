#pragma once

#include "domain/ports/notifier.h"

#include <QList>

#include <mutex>

namespace vitrine::tests {

// Keeps every notification it is given, from any thread, for the test to read.
class RecordingNotifier final : public domain::Notifier {
public:
    void notify(const domain::Notification &notification) override
    {
        const std::lock_guard lock(m_mutex);
        m_notifications << notification;
    }

    QList<domain::Notification> notifications() const
    {
        const std::lock_guard lock(m_mutex);
        return m_notifications;
    }

private:
    mutable std::mutex m_mutex;
    QList<domain::Notification> m_notifications;
};

} // namespace vitrine::tests
