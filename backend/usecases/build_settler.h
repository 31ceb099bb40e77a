#pragma once

#include "domain/build.h"
#include "domain/ports/notifier.h"
#include "domain/ports/store.h"
#include "usecases/build_log_hub.h"
#include "usecases/build_steps.h"
#include "usecases/event_hub.h"

#include <QString>

namespace vitrine::usecases {

// Settles a build that ran on a builder, whichever: by compare-and-set from BUILDING (a success also stores
// the plan it deploys with, when the outcome has one), then the closing
// "==> …" line and the end of its log, a BuildStateChanged event and (unless canceled) a notification.
// When the build was settled elsewhere meanwhile (canceled, or declared dead) the store's state wins and
// the outcome's artifact is removed. When the store fails, the build stays BUILDING without heartbeats and
// crash detection fails it. Safe to call from several threads at once.
class BuildSettler {
public:
    // Artifact paths are relative to dataDir. notifier may be null.
    BuildSettler(domain::Store &store, BuildLogHub &logHub, EventHub &eventHub, domain::Notifier *notifier,
                 QString dataDir);

    // Never throws. Returns the build as stored afterwards (as settled here when the store cannot tell).
    domain::Build settle(const domain::Build &build, const BuildOutcome &outcome, qint64 elapsedMs);

private:
    void announce(const QString &buildId, const QString &text);

    domain::Store &m_store;
    BuildLogHub &m_logHub;
    EventHub &m_eventHub;
    domain::Notifier *m_notifier;
    const QString m_dataDir;
};

} // namespace vitrine::usecases
