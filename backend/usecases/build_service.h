#pragma once

#include "domain/build.h"
#include "domain/ports/store.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/caller.h"
#include "usecases/event_hub.h"
#include "usecases/paging.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace vitrine::usecases {

// A build as a member sees it: with its place in the fair queue while it waits.
struct BuildView {
    domain::Build build;
    int queuePosition = 0; // QUEUED: 1-based, 1 is next; 0 in every other state
};

// Builds through the API: list, look at, cancel, retry, and watch their logs and the event stream. Owners of
// an application see and act on its builds, admins on all; anyone else gets Forbidden. Every state change
// made here is published to the EventHub.
class BuildService {
public:
    // scheduleNow wakes the scheduler after a build was queued. logs serves watchLog() and is told about
    // builds canceled here, so that their log watchers end.
    BuildService(domain::Store &store, BuildExecutor &executor, EventHub &events,
                 std::function<void()> scheduleNow, BuildLogHub &logs);

    // Newest first. applicationRef (id or name) narrows to one application (empty: every application the
    // caller sees); states, when not empty, to those states. Members see their applications' builds only.
    Page<BuildView> list(const Caller &caller, const QString &applicationRef,
                         const QList<domain::BuildState> &states, const PageRequest &page);
    BuildView get(const Caller &caller, const QString &buildId);

    // QUEUED: canceled at once. BUILDING: its executor stops it (the build settles as CANCELED shortly
    // after), or, when no executor here runs it, it is marked CANCELED. Finished: FailedPrecondition.
    // Returns the build as it is now.
    BuildView cancel(const Caller &caller, const QString &buildId);

    // Queues a new build of the application's current commit with its current build config and env vars,
    // even if that combination was built before, and cancels the application's other QUEUED builds. No
    // commit fetched yet: FailedPrecondition.
    BuildView retry(const Caller &caller, const QString &applicationRef);

    // Subscribes the caller to a build's log from after afterSeq (see BuildLogHub::subscribe). Checks that
    // the caller may see the build first.
    std::unique_ptr<BuildLogSubscription> watchLog(const Caller &caller, const QString &buildId,
                                                   qint64 afterSeq, std::function<void()> onReady);

    // Subscribes the caller to the events it may see (see EventHub::subscribe), of one application when
    // applicationRef (id or name) is not empty.
    std::unique_ptr<EventSubscription> watchEvents(const Caller &caller, const QString &applicationRef,
                                                   std::optional<qint64> afterSeq,
                                                   std::function<void()> onReady);

private:
    domain::Build requireVisibleBuild(const Caller &caller, const QString &buildId);
    BuildView viewOf(domain::Build build);
    // Publishes BuildStateChanged for a state change made here, and ends the log of a finished build.
    void buildChanged(const domain::Build &build, const QStringList &ownerIds);

    domain::Store &m_store;
    BuildExecutor &m_executor;
    EventHub &m_events;
    std::function<void()> m_scheduleNow;
    BuildLogHub &m_logs;
};

} // namespace vitrine::usecases
