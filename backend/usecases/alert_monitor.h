#pragma once

#include "domain/alert.h"
#include "domain/application.h"
#include "domain/ports/notifier.h"
#include "domain/ports/runtime_backend.h"
#include "domain/ports/store.h"
#include "usecases/application_observer.h"
#include "usecases/event_hub.h"

#include <QHash>
#include <QString>

#include <chrono>
#include <deque>
#include <mutex>

namespace vitrine::usecases {

// When the platform raises its voice about a crashing application. A count of 0 turns that reaction off.
struct AlertPolicy {
    int restartLoopCount = 5; // this many exits within the window open a restart-loop alert
    std::chrono::seconds restartLoopWindow{300};
    int autoStopRestarts = 10; // this many exits within the window stop the application
};

// The recent exits of each build of each application, within a sliding window. Not thread-safe.
class RestartHistory {
public:
    using Clock = std::chrono::steady_clock;

    explicit RestartHistory(std::chrono::seconds window);

    // Records an exit of the build at `now` and returns how many exits of it fell within the window up to
    // now, this one included. Forgets whatever has left the window, of every build.
    int recordExit(const QString &applicationId, const QString &buildId, Clock::time_point now);
    // Starts the build's count again from zero (after the application was stopped for it).
    void forget(const QString &applicationId, const QString &buildId);

private:
    static QString keyOf(const QString &applicationId, const QString &buildId);

    std::chrono::seconds m_window;
    QHash<QString, std::deque<Clock::time_point>> m_exits; // by keyOf(), oldest first
};

// Watches runtime applications for trouble and tells people about it. An alert opens for a restart loop
// (restartLoopCount exits within restartLoopWindow), an exit for lack of memory, or a deploy whose new
// version never became healthy; each is stored, published as an AlertOpened event to the application's owners
// and handed to the notifier. At most one alert of a kind is open for a build of an application: until a
// person acknowledges it, the same trouble opens no other. Past autoStopRestarts exits within the window the
// application is stopped, with the reason on it, until an owner starts it again.
// Called by the controller; thread-safe. It never throws: a failure is logged, and the next exit tries again.
class AlertMonitor {
public:
    // notifier may be null (no outgoing notifications). observer hears of an application stopped here and
    // publishes the ApplicationChanged event, as it does for ApplicationService.
    AlertMonitor(domain::Store &store, EventHub &events, domain::Notifier *notifier,
                 ApplicationObserver &observer, AlertPolicy policy = {});

    AlertMonitor(const AlertMonitor &) = delete;
    AlertMonitor &operator=(const AlertMonitor &) = delete;

    // An instance's process ended without the controller asking for it (RuntimeObserver::instanceExited);
    // status names its application and build.
    void instanceExited(const domain::InstanceStatus &status, const domain::InstanceExit &exit);

    // The build's new instance never became healthy, so the application kept serving its previous one.
    // reason is for people.
    void deployFailed(const QString &applicationId, const QString &buildId, const QString &reason);

private:
    // Opens an alert of that kind unless one is open for the application's build already.
    void openAlert(const QString &applicationId, const QString &buildId, domain::AlertKind kind,
                   const QString &message);
    // Stops the application for the reason, unless it is stopped already.
    void stopApplication(const QString &applicationId, const QString &reason);

    domain::Store &m_store;
    EventHub &m_events;
    domain::Notifier *m_notifier;
    ApplicationObserver &m_observer;
    const AlertPolicy m_policy;

    // Held while the history changes and from looking for an open alert until the new one is stored, so that
    // two exits at once cannot open two alerts.
    std::mutex m_mutex;
    RestartHistory m_history;
};

} // namespace vitrine::usecases
