#include "usecases/event_hub.h"

#include "usecases/access.h"
#include "usecases/watcher_wakeup.h"

#include <QDateTime>

#include <algorithm>

namespace vitrine::usecases {

using domain::Event;

namespace detail {

struct EventSubscriber : WatcherWakeup {
    EventFilter visible; // set once, before the subscriber is shared
};

struct EventHubState {
    explicit EventHubState(int retainedEvents)
        : retainedEvents(retainedEvents)
    {
    }

    const int retainedEvents;
    mutable std::mutex mutex; // guards what follows
    qint64 lastSeq = QDateTime::currentMSecsSinceEpoch() * 1000 - 1;
    std::deque<Event> recent; // lastSeq at the back
    std::vector<std::shared_ptr<EventSubscriber>> subscribers;
};

} // namespace detail

using detail::EventHubState;
using detail::EventSubscriber;

EventSubscription::EventSubscription(std::shared_ptr<EventHubState> state,
                                     std::shared_ptr<EventSubscriber> subscriber, qint64 cursor)
    : m_state(std::move(state))
    , m_subscriber(std::move(subscriber))
    , m_cursor(cursor)
{
}

EventSubscription::~EventSubscription()
{
    cancel();
}

void EventSubscription::cancel()
{
    {
        const std::lock_guard lock(m_state->mutex);
        std::erase(m_state->subscribers, m_subscriber);
    }
    m_subscriber->disable();
}

EventBatch EventSubscription::poll(int maxEvents)
{
    if (m_fellBehindAfter)
        return {{}, m_fellBehindAfter};
    maxEvents = std::max(1, maxEvents);

    EventHubState &state = *m_state;
    const std::lock_guard lock(state.mutex);
    const qint64 firstKept = state.lastSeq - qint64(state.recent.size()) + 1;
    // Before what is kept, or a seq this hub never gave (an earlier run of the server).
    if (m_cursor + 1 < firstKept || m_cursor > state.lastSeq) {
        m_fellBehindAfter = m_cursor;
        std::erase(state.subscribers, m_subscriber);
        return {{}, m_fellBehindAfter};
    }

    EventBatch batch;
    for (auto event = state.recent.cbegin() + (m_cursor + 1 - firstKept);
         event != state.recent.cend() && batch.events.size() < maxEvents; ++event) {
        m_cursor = event->seq;
        if (m_subscriber->visible(*event))
            batch.events.append(*event);
    }
    if (batch.events.isEmpty())
        m_subscriber->armed = true;
    return batch;
}

EventHub::EventHub(int retainedEvents)
    : m_state(std::make_shared<EventHubState>(std::max(1, retainedEvents)))
{
}

EventHub::~EventHub() = default;

Event EventHub::publish(Event event)
{
    std::vector<std::shared_ptr<EventSubscriber>> toWake;
    {
        const std::lock_guard lock(m_state->mutex);
        event.seq = ++m_state->lastSeq;
        event.at = QDateTime::currentDateTimeUtc();
        m_state->recent.push_back(event);
        if (qsizetype(m_state->recent.size()) > m_state->retainedEvents)
            m_state->recent.pop_front();
        toWake = detail::takeArmed(m_state->subscribers);
    }
    detail::wake(toWake);
    return event;
}

std::unique_ptr<EventSubscription> EventHub::subscribe(EventFilter visible, std::optional<qint64> afterSeq,
                                                       std::function<void()> onReady)
{
    auto subscriber = std::make_shared<EventSubscriber>();
    subscriber->visible = std::move(visible);
    subscriber->onReady = std::move(onReady);
    qint64 cursor = 0;
    {
        const std::lock_guard lock(m_state->mutex);
        cursor = afterSeq.value_or(m_state->lastSeq);
        m_state->subscribers.push_back(subscriber);
    }
    return std::unique_ptr<EventSubscription>(new EventSubscription(m_state, std::move(subscriber), cursor));
}

qint64 EventHub::lastSeq() const
{
    const std::lock_guard lock(m_state->mutex);
    return m_state->lastSeq;
}

EventFilter EventHub::visibleTo(const Caller &caller)
{
    return [caller](const Event &event) { return access::canSee(caller, event.ownerIds); };
}

} // namespace vitrine::usecases
