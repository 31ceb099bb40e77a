#pragma once

#include "domain/log_line.h"
#include "domain/ports/runtime_log_store.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace vitrine::usecases {

// Where a runtime log subscription starts: after a seq (a watcher resuming), or with the newest lines kept.
struct RuntimeLogStart {
    std::optional<qint64> afterSeq; // set: the lines after it
    int lastLines = 0;              // afterSeq unset: this many of the newest lines (0: only lines to come)

    static RuntimeLogStart after(qint64 seq) { return {seq, 0}; }
    static RuntimeLogStart tail(int lines) { return {std::nullopt, lines}; }
};

// Why a runtime log subscription ended.
struct RuntimeLogEnd {
    enum class Reason {
        BacklogDone, // without follow: every line up to the moment of subscribing was delivered
        FellBehind,  // the watcher did not keep up and was dropped; it may subscribe again after lastSeq
        Removed,     // the application's logs were removed (the application was deleted)
    };
    Reason reason = Reason::BacklogDone;
    qint64 lastSeq = 0; // the watcher has every line up to this seq that was kept: where to resume
};

// What one poll() hands over: lines, or the end, or nothing yet; any of them with the count of lines
// retention dropped before them.
struct RuntimeLogBatch {
    // Lines the watcher never got because retention dropped them first: the ones between the last line
    // delivered (or the start) and the first of `lines` (or the end).
    qint64 droppedLines = 0;
    QList<domain::LogLine> lines;     // in order, continuing after the previous batch and the dropped lines
    std::optional<RuntimeLogEnd> end; // only in a batch without lines
};

namespace detail {
struct RuntimeLogChannel;
struct WatcherWakeup;
} // namespace detail

// One watcher of one application's runtime log, as RuntimeLogHub::subscribe() returns it. Pull based, so that
// a gRPC reactor drives it at its own pace: poll() after each completed write; when a poll comes back empty,
// onReady is called once as soon as there is something to poll again. Destroying it (or cancel()) leaves.
class RuntimeLogSubscription {
public:
    ~RuntimeLogSubscription();
    RuntimeLogSubscription(const RuntimeLogSubscription &) = delete;
    RuntimeLogSubscription &operator=(const RuntimeLogSubscription &) = delete;

    // At most maxLines lines after the last one delivered: first the backlog (read from the store on the
    // calling thread, so call it where blocking on a file read is acceptable), then, when following, live
    // lines. A batch with an end ends the subscription, and every later poll returns that end again. An empty
    // batch arms onReady. Not to be called from two threads at once; throws Internal when the store fails.
    RuntimeLogBatch poll(int maxLines = kDefaultPollLines);

    // Leaves the hub. When it returns, onReady is not running and will not be called again. Must not be
    // called from onReady, nor while holding a lock that onReady takes.
    void cancel();

    const QString &applicationId() const { return m_applicationId; }

    static constexpr int kDefaultPollLines = 500;

private:
    friend class RuntimeLogHub;
    RuntimeLogSubscription(domain::RuntimeLogStore &store, QString applicationId,
                           std::shared_ptr<detail::RuntimeLogChannel> channel,
                           std::shared_ptr<detail::WatcherWakeup> wakeup, qint64 cursor, qint64 backlogEnd,
                           bool follow);
    // Under the channel's lock.
    RuntimeLogBatch endWith(RuntimeLogEnd::Reason reason);
    RuntimeLogBatch batchOf(QList<domain::LogLine> lines);

    domain::RuntimeLogStore &m_store;
    const QString m_applicationId;
    const std::shared_ptr<detail::RuntimeLogChannel> m_channel;
    const std::shared_ptr<detail::WatcherWakeup> m_wakeup;
    qint64 m_cursor;               // the watcher has every kept line up to this seq
    const qint64 m_backlogEnd;     // the last line when it subscribed: the ones up to it come from the store
    const bool m_follow;           // then live lines, with no end of its own
    qint64 m_droppedSinceLast = 0; // dropped lines not reported yet
    std::optional<RuntimeLogEnd> m_end;
};

// Live runtime logs: the stdout and stderr of each application's instances, numbered per application. The
// controller appends the lines its runtime backend reports; any number of watchers subscribe, each from a seq
// or with the newest lines, and get the backlog, then (when they follow) the live lines, each exactly once
// and in order. Every line is persisted through the RuntimeLogStore, which keeps each application's log
// within its retention budget, before any watcher sees it.
//
// Appending never waits for a watcher. While an application has followers, its most recent maxQueuedLines
// lines are kept in memory for all of them together, which is each follower's bounded queue; a follower
// whose next line has left it fell behind and is dropped (it can resume by subscribing again after the last
// line it got). An application nobody follows costs no memory for lines. Thread-safe: backends append from
// their threads, watchers subscribe and poll from theirs. Subscriptions read the store: it must outlive them.
class RuntimeLogHub {
public:
    static constexpr int kDefaultMaxQueuedLines = 2'000;
    // Lines of backlog a watcher gets when it says neither where to resume nor how many.
    static constexpr int kDefaultTailLines = 100;
    // Longer lines are cut to this many characters, so that one line cannot take a log's whole budget.
    static constexpr qsizetype kMaxLineLength = 16 * 1024;
    // Removed applications the hub remembers, to drop the output of their instances still stopping.
    static constexpr qsizetype kRememberedRemovedApplications = 1'000;

    explicit RuntimeLogHub(domain::RuntimeLogStore &store, int maxQueuedLines = kDefaultMaxQueuedLines);
    ~RuntimeLogHub();
    RuntimeLogHub(const RuntimeLogHub &) = delete;
    RuntimeLogHub &operator=(const RuntimeLogHub &) = delete;

    // Stamps the line with the application's next seq (continuing the stored last seq after a restart) and
    // the current time, persists it, and hands it to the followers. Returns the line as stored; std::nullopt
    // when the application's logs were removed (output of an instance still stopping). Throws what the store
    // throws when it cannot persist (no line is numbered then).
    std::optional<domain::LogLine> append(const QString &applicationId, domain::LogStream stream,
                                          const QString &text);

    // Watches an application's log from `start`. Without follow, the subscription ends (BacklogDone) once
    // it delivered every line there was when it subscribed. A start before the oldest line kept gets the
    // lines kept, with the count of those dropped. onReady is called, from the thread of an append() or
    // removeApplication() and never under the hub's locks, when a poll that came back empty would now return
    // something; it must be quick and must not block (e.g. post to the reactor). The caller checks that the
    // application exists and may be watched. Throws what the store throws (BadRequest for what is not an
    // application id).
    std::unique_ptr<RuntimeLogSubscription> subscribe(const QString &applicationId, RuntimeLogStart start,
                                                      bool follow, std::function<void()> onReady);

    // The application was deleted: its watchers end (Removed), its logs are removed from the store, and later
    // appends for it are dropped. Throws what the store throws.
    void removeApplication(const QString &applicationId);

private:
    // The application's channel; null once it was removed.
    std::shared_ptr<detail::RuntimeLogChannel> channelOf(const QString &applicationId);
    void ensureLoaded(detail::RuntimeLogChannel &channel, const QString &applicationId);

    domain::RuntimeLogStore &m_store;
    const int m_maxQueuedLines;
    std::mutex m_mutex; // guards the members below; each channel has a lock of its own
    QHash<QString, std::shared_ptr<detail::RuntimeLogChannel>> m_channels;
    QSet<QString> m_removed;
    std::deque<QString> m_removedOrder; // oldest first, for forgetting
};

} // namespace vitrine::usecases
