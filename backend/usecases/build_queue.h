#pragma once

#include "domain/ports/store.h"

#include <QHash>
#include <QList>
#include <QString>

namespace vitrine::usecases {

// The order in which the QUEUED builds will be taken, fairly across owners: each next build goes to the
// owner with the fewest builds running (those BUILDING now plus those already taken in this order), ties to
// the owner whose next build has waited longest; each owner's builds go first in, first out. So one
// member's burst of pushes does not starve the others: the second owner's build comes second, not last.
// buildingByOwner: how many builds each owner key has BUILDING (absent: none).
QList<domain::QueuedBuild> fairQueueOrder(const QList<domain::QueuedBuild> &queued,
                                          const QHash<QString, int> &buildingByOwner);

// Each queued build's place in fairQueueOrder, 1-based, by build id: what a member waiting sees.
QHash<QString, int> queuePositions(const QList<domain::QueuedBuild> &queued,
                                   const QHash<QString, int> &buildingByOwner);

} // namespace vitrine::usecases
