#pragma once

#include "domain/build.h"
#include "domain/log_line.h"
#include "domain/ports/build_log_store.h"

#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace vitrine::usecases {

// Why a build log subscription ended.
struct BuildLogEnd {
    enum class Reason {
        Finished,   // every line was delivered; the build ended in finalState
        FellBehind, // the watcher did not keep up and was dropped; it may subscribe again after lastSeq
    };
    Reason reason = Reason::Finished;
    domain::BuildState finalState = domain::BuildState::Succeeded; // Finished only
    qint64 lastSeq = 0; // the watcher has every line up to this seq: where to resume
};

// What one poll() hands over: lines, or the end, or nothing yet.
struct BuildLogBatch {
    QList<domain::LogLine> lines;   // in order, continuing exactly where the previous batch stopped
    std::optional<BuildLogEnd> end; // only in a batch without lines
};

namespace detail {
struct BuildLogChannel;
struct BuildLogSubscriber;
} // namespace detail

// One watcher of one build log, as BuildLogHub::subscribe() returns it. Pull based, so that a gRPC
// reactor drives it at its own pace: poll() after each completed write; when a poll comes back empty,
// onReady is called once as soon as there is something to poll again. Destroying it (or cancel()) leaves.
class BuildLogSubscription {
public:
    ~BuildLogSubscription();
    BuildLogSubscription(const BuildLogSubscription &) = delete;
    BuildLogSubscription &operator=(const BuildLogSubscription &) = delete;

    // At most maxLines lines after the last one delivered: first the backlog (read from the store on the
    // calling thread, so call it where blocking on a file read is acceptable), then live lines. Once every
    // line is delivered and the build has finished, and from then on, a batch with end Finished. A watcher
    // more than the hub's maxQueuedLines behind the builder gets end FellBehind instead. An empty batch
    // arms onReady. Not to be called from two threads at once; throws Internal when the store fails.
    BuildLogBatch poll(int maxLines = kDefaultPollLines);

    // Leaves the hub. When it returns, onReady is not running and will not be called again. Must not be
    // called from onReady, nor while holding a lock that onReady takes.
    void cancel();

    const QString &buildId() const { return m_buildId; }

    static constexpr int kDefaultPollLines = 500;

private:
    friend class BuildLogHub;
    BuildLogSubscription(domain::BuildLogStore &store, QString buildId,
                         std::shared_ptr<detail::BuildLogChannel> channel,
                         std::shared_ptr<detail::BuildLogSubscriber> subscriber, qint64 afterSeq);
    void end(BuildLogEnd ending);

    domain::BuildLogStore &m_store;
    QString m_buildId;
    std::shared_ptr<detail::BuildLogChannel> m_channel;
    std::shared_ptr<detail::BuildLogSubscriber> m_subscriber;
    qint64 m_cursor; // the watcher has every line up to this seq
    std::optional<BuildLogEnd> m_end;
};

// Live build logs. The builder side appends lines and finally finishes the build; any number of watchers
// subscribe, each from a sequence number, and get the backlog, then the live lines, each exactly once and in
// order, then the end. Every line is persisted through the BuildLogStore before any watcher sees it.
//
// The writer never waits for a watcher: the most recent maxQueuedLines lines of each building build are kept
// in memory for all its watchers together, which is each watcher's bounded queue; a watcher whose next line
// has left it fell behind and is dropped (it can resume from the store by subscribing again). Thread-safe:
// builders append from their threads, watchers subscribe and poll from theirs. Subscriptions read the store:
// it must outlive them.
class BuildLogHub {
public:
    static constexpr int kDefaultMaxQueuedLines = 10'000;
    // Finished builds the hub remembers (final state and last seq), so that a watcher arriving just after
    // the end still learns how it ended; older ones need the final state passed to subscribe().
    static constexpr int kRememberedFinishedBuilds = 1'000;

    explicit BuildLogHub(domain::BuildLogStore &store, int maxQueuedLines = kDefaultMaxQueuedLines);
    ~BuildLogHub();
    BuildLogHub(const BuildLogHub &) = delete;
    BuildLogHub &operator=(const BuildLogHub &) = delete;

    // Stamps the line with the next seq of the build's log (1 for a new log, the stored last seq + 1 for a
    // log that the hub has not seen since it started) and the current time, persists it, and hands it to the
    // watchers. Returns the line as stored. One writer per build. Throws FailedPrecondition when the hub
    // knows the build has finished, and what the store throws when it cannot persist (no line is numbered
    // then).
    domain::LogLine append(const QString &buildId, domain::LogStream stream, const QString &text);

    // The build has ended in finalState (a finished state; Internal otherwise): watchers get their remaining
    // lines, then the end, and the store may close the log. To be called for every build that ends, also one
    // canceled before it started, so that watchers waiting for it end too. Later calls for the same build do
    // nothing while the hub remembers it.
    void finish(const QString &buildId, domain::BuildState finalState);

    // Watches a build's log from the line after afterSeq (0: from the start). finalStateIfFinished is the
    // build's state as the caller read it from the store when it has finished, else std::nullopt: the hub's
    // own knowledge wins, this is used for builds that ended before the hub remembers. onReady is called,
    // from the thread of an append() or finish() and never under the hub's locks, when a poll that came back
    // empty would now return something; it must be quick and must not block (e.g. post to the reactor).
    // Throws what the store throws (BadRequest for what is not a build id).
    std::unique_ptr<BuildLogSubscription> subscribe(const QString &buildId, qint64 afterSeq,
                                                    std::optional<domain::BuildState> finalStateIfFinished,
                                                    std::function<void()> onReady);

private:
    std::shared_ptr<detail::BuildLogChannel> channelOf(const QString &buildId);
    void ensureLoaded(detail::BuildLogChannel &channel, const QString &buildId);
    void rememberFinished(const QString &buildId);

    domain::BuildLogStore &m_store;
    const int m_maxQueuedLines;
    std::mutex m_mutex; // guards the two members below; each channel has a lock of its own
    QHash<QString, std::shared_ptr<detail::BuildLogChannel>> m_channels;
    std::deque<QString> m_finishedOrder; // oldest first, for forgetting
};

} // namespace vitrine::usecases
