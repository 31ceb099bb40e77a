#pragma once

#include "domain/alert.h"
#include "domain/build.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace vitrine::domain {

// Told to the people who asked to hear about it (chat channels, integrations): a finished build, or an alert
// about an application (alertKind set).
struct Notification {
    QString applicationName;
    QString buildId; // the finished build; an alert's build (may be empty)
    // The build's full sha (a notifier shortens it where people read it); may be empty for an alert.
    QString commit;
    BuildState state = BuildState::Failed; // a finished build's state; means nothing for an alert
    std::optional<AlertKind> alertKind;    // set: the notification is this alert, which just opened
    QString alertId;
    QString reason; // why the build failed or was canceled (empty for a success), or what the alert says
    QDateTime at;   // when the build finished, or the alert opened

    bool isAlert() const { return alertKind.has_value(); }
};

// Outgoing notifications. notify() queues and returns at once: it never waits for the network, so a build
// or a loop may call it on its way. Delivery is best effort: each configured destination decides which
// builds it wants (alerts go to every destination), failed deliveries are retried and then logged, and a
// full queue drops its oldest entries. Safe to call from any thread.
class Notifier {
public:
    virtual ~Notifier() = default;

    virtual void notify(const Notification &notification) = 0;
};

} // namespace vitrine::domain
