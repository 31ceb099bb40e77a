#include "usecases/build_log_hub.h"

#include "domain/error.h"
#include "usecases/watcher_wakeup.h"

#include <QDateTime>

#include <algorithm>
#include <vector>

namespace vitrine::usecases {

using domain::BuildState;
using domain::Error;
using domain::LogLine;

namespace detail {

struct BuildLogSubscriber : WatcherWakeup {
    qint64 backlogEnd = 0; // guarded by the channel's mutex: lines up to this seq may be read from the store
};

struct BuildLogChannel {
    std::mutex writeMutex; // one append or finish at a time; held while the store writes, unlike `mutex`

    std::mutex mutex;    // guards what follows
    bool loaded = false; // lastSeq was read from the store
    qint64 lastSeq = 0;
    std::deque<LogLine> recent; // the last lines appended, lastSeq at the back; empty once finished
    std::optional<BuildState> finalState;
    std::vector<std::shared_ptr<BuildLogSubscriber>> subscribers; // the ones that may need a wake
};

} // namespace detail

using detail::BuildLogChannel;
using detail::BuildLogSubscriber;

BuildLogSubscription::BuildLogSubscription(domain::BuildLogStore &store, QString buildId,
                                           std::shared_ptr<BuildLogChannel> channel,
                                           std::shared_ptr<BuildLogSubscriber> subscriber, qint64 afterSeq)
    : m_store(store)
    , m_buildId(std::move(buildId))
    , m_channel(std::move(channel))
    , m_subscriber(std::move(subscriber))
    , m_cursor(std::max<qint64>(0, afterSeq))
{
}

BuildLogSubscription::~BuildLogSubscription()
{
    cancel();
}

void BuildLogSubscription::cancel()
{
    {
        const std::lock_guard lock(m_channel->mutex);
        std::erase(m_channel->subscribers, m_subscriber);
    }
    m_subscriber->disable();
}

// Under the channel's lock.
void BuildLogSubscription::end(BuildLogEnd ending)
{
    ending.lastSeq = m_cursor;
    m_end = ending;
    std::erase(m_channel->subscribers, m_subscriber);
}

BuildLogBatch BuildLogSubscription::poll(int maxLines)
{
    maxLines = std::max(1, maxLines);
    BuildLogChannel &channel = *m_channel;
    for (;;) {
        if (m_end)
            return {{}, m_end};
        std::unique_lock lock(channel.mutex);
        const qint64 next = m_cursor + 1;
        const qint64 firstRecent = channel.lastSeq - qint64(channel.recent.size()) + 1;

        if (next >= firstRecent && next <= channel.lastSeq) {
            const qint64 count = std::min<qint64>(maxLines, channel.lastSeq - next + 1);
            BuildLogBatch batch;
            batch.lines.reserve(count);
            const auto first = channel.recent.cbegin() + (next - firstRecent);
            for (auto line = first; line != first + count; ++line)
                batch.lines.append(*line);
            m_cursor = batch.lines.constLast().seq;
            return batch;
        }

        const qint64 backlogEnd = m_subscriber->backlogEnd;
        if (next <= backlogEnd) {
            lock.unlock();
            BuildLogBatch batch;
            batch.lines =
                m_store.read(m_buildId, m_cursor, int(std::min<qint64>(maxLines, backlogEnd - m_cursor)));
            // Newer lines come from memory, in order; the store's (a damaged log's) must not repeat them.
            batch.lines.removeIf([backlogEnd](const LogLine &line) { return line.seq > backlogEnd; });
            // Nothing although lines were stored: the log was removed meanwhile; there is no more to read.
            m_cursor = batch.lines.isEmpty() ? backlogEnd : batch.lines.constLast().seq;
            if (batch.lines.isEmpty())
                continue;
            return batch;
        }

        if (next <= channel.lastSeq)
            end({BuildLogEnd::Reason::FellBehind});
        else if (channel.finalState)
            end({BuildLogEnd::Reason::Finished, *channel.finalState});
        else
            m_subscriber->armed = true;
        return {{}, m_end};
    }
}

BuildLogHub::BuildLogHub(domain::BuildLogStore &store, int maxQueuedLines)
    : m_store(store)
    , m_maxQueuedLines(std::max(1, maxQueuedLines))
{
}

BuildLogHub::~BuildLogHub() = default;

std::shared_ptr<BuildLogChannel> BuildLogHub::channelOf(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<BuildLogChannel> &channel = m_channels[buildId];
    if (!channel)
        channel = std::make_shared<BuildLogChannel>();
    return channel;
}

// Under the channel's lock.
void BuildLogHub::ensureLoaded(BuildLogChannel &channel, const QString &buildId)
{
    if (channel.loaded)
        return;
    channel.lastSeq = m_store.lastSeq(buildId);
    channel.loaded = true;
}

void BuildLogHub::rememberFinished(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    m_finishedOrder.push_back(buildId);
    while (qsizetype(m_finishedOrder.size()) > kRememberedFinishedBuilds) {
        m_channels.remove(m_finishedOrder.front());
        m_finishedOrder.pop_front();
    }
}

LogLine BuildLogHub::append(const QString &buildId, domain::LogStream stream, const QString &text)
{
    const std::shared_ptr<BuildLogChannel> channel = channelOf(buildId);
    const std::lock_guard writing(channel->writeMutex);

    LogLine line;
    line.stream = stream;
    line.text = text;
    {
        const std::lock_guard lock(channel->mutex);
        ensureLoaded(*channel, buildId);
        if (channel->finalState)
            throw Error::failedPrecondition(
                QStringLiteral("build %1 has finished; its log takes no more lines").arg(buildId));
        line.seq = channel->lastSeq + 1;
    }
    line.at = QDateTime::currentDateTimeUtc();
    // Persisted before any watcher can see it: a watcher that subscribes meanwhile reads up to lastSeq from
    // the store, and gets this line from memory.
    m_store.append(buildId, line);

    std::vector<std::shared_ptr<BuildLogSubscriber>> toWake;
    {
        const std::lock_guard lock(channel->mutex);
        channel->lastSeq = line.seq;
        channel->recent.push_back(line);
        if (qsizetype(channel->recent.size()) > m_maxQueuedLines)
            channel->recent.pop_front();
        toWake = detail::takeArmed(channel->subscribers);
    }
    detail::wake(toWake);
    return line;
}

void BuildLogHub::finish(const QString &buildId, BuildState finalState)
{
    if (!domain::isFinished(finalState))
        throw Error::internal(QStringLiteral("build %1 cannot finish in state %2")
                                  .arg(buildId, domain::buildStateName(finalState)));
    const std::shared_ptr<BuildLogChannel> channel = channelOf(buildId);
    const std::lock_guard writing(channel->writeMutex);

    std::vector<std::shared_ptr<BuildLogSubscriber>> toWake;
    {
        const std::lock_guard lock(channel->mutex);
        ensureLoaded(*channel, buildId);
        if (channel->finalState)
            return;
        channel->finalState = finalState;
        // Every line is in the store: the watchers still reading take the rest from there, and the memory
        // goes now rather than when the slowest of them is done.
        channel->recent = {};
        for (const auto &subscriber : channel->subscribers)
            subscriber->backlogEnd = channel->lastSeq;
        toWake = detail::takeArmed(channel->subscribers);
    }
    rememberFinished(buildId);
    m_store.close(buildId);
    detail::wake(toWake);
}

std::unique_ptr<BuildLogSubscription> BuildLogHub::subscribe(const QString &buildId, qint64 afterSeq,
                                                             std::optional<BuildState> finalStateIfFinished,
                                                             std::function<void()> onReady)
{
    std::shared_ptr<BuildLogChannel> channel;
    {
        const std::lock_guard lock(m_mutex);
        channel = m_channels.value(buildId);
        if (!channel && !finalStateIfFinished) {
            // Not started yet, or started before this hub: lines will come.
            channel = std::make_shared<BuildLogChannel>();
            m_channels.insert(buildId, channel);
        }
    }
    if (!channel) {
        // Ended before the hub remembers: all there is to read is in the store, nothing will join it.
        channel = std::make_shared<BuildLogChannel>();
        channel->finalState = finalStateIfFinished;
    }

    auto subscriber = std::make_shared<BuildLogSubscriber>();
    subscriber->onReady = std::move(onReady);
    {
        const std::lock_guard lock(channel->mutex);
        ensureLoaded(*channel, buildId);
        // The switch-over: lines up to here are in the store; every later line is appended after this and
        // reaches the subscriber through memory.
        subscriber->backlogEnd = channel->lastSeq;
        if (!channel->finalState)
            channel->subscribers.push_back(subscriber);
    }
    return std::unique_ptr<BuildLogSubscription>(
        new BuildLogSubscription(m_store, buildId, std::move(channel), std::move(subscriber), afterSeq));
}

} // namespace vitrine::usecases
