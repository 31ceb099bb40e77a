#include "usecases/build_queue.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace vitrine::usecases {

namespace {

bool waitedLonger(const domain::QueuedBuild &a, const domain::QueuedBuild &b)
{
    return std::tie(a.queuedAt, a.id) < std::tie(b.queuedAt, b.id);
}

// One owner's turn: whoever has fewer running goes first, then whoever's next build waited longest.
struct Turn {
    int running;
    domain::QueuedBuild next;
    QString ownerKey;

    bool operator<(const Turn &other) const
    {
        return std::tie(running, next.queuedAt, next.id, ownerKey) <
               std::tie(other.running, other.next.queuedAt, other.next.id, other.ownerKey);
    }
};

} // namespace

QList<domain::QueuedBuild> fairQueueOrder(const QList<domain::QueuedBuild> &queued,
                                          const QHash<QString, int> &buildingByOwner)
{
    QHash<QString, QList<domain::QueuedBuild>> byOwner;
    for (const domain::QueuedBuild &build : queued)
        byOwner[build.ownerKey].append(build);
    std::set<Turn> turns;
    QHash<QString, qsizetype> nextIndex;
    for (auto it = byOwner.begin(); it != byOwner.end(); ++it) {
        std::sort(it->begin(), it->end(), waitedLonger);
        turns.insert({buildingByOwner.value(it.key()), it->first(), it.key()});
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
            turns.insert({turn.running + 1, ownerBuilds[following], turn.ownerKey});
    }
    return order;
}

QHash<QString, int> queuePositions(const QList<domain::QueuedBuild> &queued,
                                   const QHash<QString, int> &buildingByOwner)
{
    QHash<QString, int> positions;
    int position = 0;
    for (const domain::QueuedBuild &build : fairQueueOrder(queued, buildingByOwner))
        positions.insert(build.id, ++position);
    return positions;
}

} // namespace vitrine::usecases
