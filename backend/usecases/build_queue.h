#pragma once

#include "domain/ports/store.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace vitrine::usecases {

// The order in which the QUEUED builds will be taken, fairly across owners. Each next build goes to the
// owner with the fewest builds running (those BUILDING now plus those already taken in this order); among
// those, to the owner served longest ago (whose latest build started earliest, or never), then to the one
// whose next build has waited longest. Each owner's builds go first in, first out. So one member's burst of
// pushes does not starve the others: the other owner's build is taken second, not last, even when builds run
// one at a time and every pass starts from an empty builder.
// activity: what the store says of each owner (absent: nothing running, never started).
QList<domain::QueuedBuild> fairQueueOrder(const QList<domain::QueuedBuild> &queued,
                                          const QHash<QString, domain::OwnerBuildActivity> &activity);

// Each queued build's place in fairQueueOrder, 1-based, by build id: what a member waiting sees.
QHash<QString, int> queuePositions(const QList<domain::QueuedBuild> &queued,
                                   const QHash<QString, domain::OwnerBuildActivity> &activity);

// A new QUEUED build of the application's current commit, with its current build config and env vars, in
// the queue of its first owner.
domain::Build newQueuedBuild(const domain::Application &application, const QDateTime &queuedAt);

} // namespace vitrine::usecases
