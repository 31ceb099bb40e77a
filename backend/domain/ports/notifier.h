#pragma once

#include "domain/build.h"

#include <QDateTime>
#include <QString>

namespace vitrine::domain {

// A finished build, told to the people who asked to hear about it (chat channels, integrations).
struct Notification {
    QString applicationName;
    QString buildId;
    QString commit; // the full sha; a notifier shortens it where people read it
    BuildState state = BuildState::Failed;
    QString reason; // why it failed or was canceled; empty for a success
    QDateTime at;   // when the build finished
};

// Outgoing notifications. notify() queues and returns at once: it never waits for the network, so a build
// or a loop may call it on its way. Delivery is best effort: each configured destination decides which
// states it wants, failed deliveries are retried and then logged, and a full queue drops its oldest entries.
// Safe to call from any thread.
class Notifier {
public:
    virtual ~Notifier() = default;

    virtual void notify(const Notification &notification) = 0;
};

} // namespace vitrine::domain
