#include "usecases/build_queue.h"

#include "domain/ids.h"

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

namespace vitrine::usecases {

namespace {

bool waitedLonger(const domain::QueuedBuild &a, const domain::QueuedBuild &b)
{
    return std::tie(a.queuedAt, a.id) < std::tie(b.queuedAt, b.id);
}

// One owner's turn: fewer running first, then served longest ago, then whose next build waited longest.
struct Turn {
    int running;
    qint64 lastServed; // ms since the epoch of the latest start; lower: served longer ago
    domain::QueuedBuild next;
    QString ownerKey;

    bool operator<(const Turn &other) const
    {
        return std::tie(running, lastServed, next.queuedAt, next.id, ownerKey) <
               std::tie(other.running, other.lastServed, other.next.queuedAt, other.next.id, other.ownerKey);
    }
};

qint64 lastServedOf(const domain::OwnerBuildActivity &activity)
{
    return activity.lastStartedAt.isNull() ? std::numeric_limits<qint64>::min()
                                           : activity.lastStartedAt.toMSecsSinceEpoch();
}

} // namespace

QList<domain::QueuedBuild> fairQueueOrder(const QList<domain::QueuedBuild> &queued,
                                          const QHash<QString, domain::OwnerBuildActivity> &activity)
{
    QHash<QString, QList<domain::QueuedBuild>> byOwner;
    for (const domain::QueuedBuild &build : queued)
        byOwner[build.ownerKey].append(build);

    // Builds taken in this order start after every start the store knows of.
    qint64 servedClock = std::numeric_limits<qint64>::min();
    for (const domain::OwnerBuildActivity &owner : activity)
        servedClock = std::max(servedClock, lastServedOf(owner));

    std::set<Turn> turns;
    QHash<QString, qsizetype> nextIndex;
    for (auto it = byOwner.begin(); it != byOwner.end(); ++it) {
        std::sort(it->begin(), it->end(), waitedLonger);
        const domain::OwnerBuildActivity owner = activity.value(it.key());
        turns.insert({owner.building, lastServedOf(owner), it->first(), it.key()});
        nextIndex.insert(it.key(), 0);
    }

    QList<domain::QueuedBuild> order;
    order.reserve(queued.size());
    while (!turns.empty()) {
        const Turn turn = *turns.begin();
        turns.erase(turns.begin());
        order.append(turn.next);
        const QList<domain::QueuedBuild> &ownerBuilds = byOwner.value(turn.ownerKey);
        const qsizetype following = ++nextIndex[turn.ownerKey];
        if (following < ownerBuilds.size())
            turns.insert({turn.running + 1, ++servedClock, ownerBuilds[following], turn.ownerKey});
    }
    return order;
}

QHash<QString, int> queuePositions(const QList<domain::QueuedBuild> &queued,
                                   const QHash<QString, domain::OwnerBuildActivity> &activity)
{
    QHash<QString, int> positions;
    int position = 0;
    for (const domain::QueuedBuild &build : fairQueueOrder(queued, activity))
        positions.insert(build.id, ++position);
    return positions;
}

domain::Build newQueuedBuild(const domain::Application &application, const QDateTime &queuedAt)
{
    domain::Build build;
    build.id = domain::newId(domain::idprefix::kBuild);
    build.applicationId = application.id;
    build.applicationName = application.name;
    build.commit = application.currentCommit;
    build.configHash = application.configHash;
    build.config = application.build;
    build.env = application.env;
    build.deployType = application.deployType;
    build.startCommand = application.build.startCommand;
    build.state = domain::BuildState::Queued;
    build.ownerKey = application.ownerIds.value(0);
    build.queuedAt = queuedAt;
    return build;
}

} // namespace vitrine::usecases
