#pragma once

#include "domain/event.h"
#include "usecases/caller.h"

#include <QList>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace vitrine::usecases {

// Whether a watcher may see an event. Called under the hub's lock: it must be quick and take no locks.
using EventFilter = std::function<bool(const domain::Event &)>;

// What one poll() hands over: events, or the news that the watcher fell behind, or nothing yet.
struct EventBatch {
    QList<domain::Event> events; // in seq order, each once
    // Set, only in a batch without events, when the watcher was dropped because events it had not yet
    // received are no longer kept: it has every event it may see up to this seq, and should reload what
    // it shows, then subscribe again. From then on every poll returns the same.
    std::optional<qint64> fellBehindAfter;
};

namespace detail {
struct EventHubState;
struct EventSubscriber;
} // namespace detail

// One watcher of the event stream, as EventHub::subscribe() returns it. Pull based like
// BuildLogSubscription: poll() until it comes back empty, then wait for onReady. Destroying it (or
// cancel()) leaves.
class EventSubscription {
public:
    ~EventSubscription();
    EventSubscription(const EventSubscription &) = delete;
    EventSubscription &operator=(const EventSubscription &) = delete;

    // At most maxEvents of the events after the last one delivered that the watcher may see. An empty
    // batch arms onReady. Never blocks on anything but the hub's lock; not to be called from two threads
    // at once.
    EventBatch poll(int maxEvents = kDefaultPollEvents);

    // When it returns, onReady is not running and will not be called again. Must not be called from onReady,
    // nor while holding a lock that onReady takes.
    void cancel();

    static constexpr int kDefaultPollEvents = 500;

private:
    friend class EventHub;
    EventSubscription(std::shared_ptr<detail::EventHubState> state,
                      std::shared_ptr<detail::EventSubscriber> subscriber, qint64 cursor);

    std::shared_ptr<detail::EventHubState> m_state;
    std::shared_ptr<detail::EventSubscriber> m_subscriber;
    qint64 m_cursor; // every event up to this seq was delivered or was not for this watcher
    std::optional<qint64> m_fellBehindAfter;
};

// State changes of builds and applications, for every watcher allowed to see them (WatchEvents, the
// WebSocket feed, outgoing notifications). Keeps the last retainedEvents events, so that a watcher that lost
// its connection resumes by seq without missing any; that is also each watcher's bounded queue: one more
// than retainedEvents events behind, it fell behind and is dropped. Publishing never waits for a watcher.
// Thread-safe.
//
// Seqs start at the hub's creation time in microseconds since the epoch and increase by one, so they keep
// increasing across restarts of the server: a watcher resuming with a seq of an earlier run is told it fell
// behind instead of silently missing events.
class EventHub {
public:
    static constexpr int kDefaultRetainedEvents = 10'000;

    explicit EventHub(int retainedEvents = kDefaultRetainedEvents);
    ~EventHub();
    EventHub(const EventHub &) = delete;
    EventHub &operator=(const EventHub &) = delete;

    // Stamps the event with the next seq and the current time, keeps it, and hands it to the watchers who may
    // see it. Returns it as stamped.
    domain::Event publish(domain::Event event);

    // Watches the events that `visible` accepts: with afterSeq, those after it (fell behind at once when they
    // are no longer all kept, or afterSeq is not a seq of this hub); without, those published from now on.
    // onReady is called, from a publisher's thread and never under the hub's lock, when a poll that came back
    // empty may now return something; it must be quick and must not block.
    std::unique_ptr<EventSubscription> subscribe(EventFilter visible, std::optional<qint64> afterSeq,
                                                 std::function<void()> onReady);

    // The seq of the last event published; before the first, one less than the first will be.
    qint64 lastSeq() const;

    // Admins see every event; members the events of applications they own.
    static EventFilter visibleTo(const Caller &caller);

private:
    std::shared_ptr<detail::EventHubState>
        m_state; // shared with the subscriptions, which may outlive the hub
};

} // namespace vitrine::usecases
