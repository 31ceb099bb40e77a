#include "usecases/runtime_log_hub.h"

#include "usecases/watcher_wakeup.h"

#include <QDateTime>

#include <algorithm>
#include <utility>
#include <vector>

namespace vitrine::usecases {

using detail::WatcherWakeup;
using domain::LogLine;

namespace detail {

struct RuntimeLogChannel {
    std::mutex writeMutex; // one append at a time; held while the store writes, unlike `mutex`

    std::mutex mutex;     // guards what follows
    bool loaded = false;  // lastSeq was read from the store
    bool removed = false; // the application's logs were removed: no more lines, watchers end
    qint64 lastSeq = 0;
    std::deque<LogLine>
        recent; // the last lines appended, lastSeq at the back; only while there are followers
    std::vector<std::shared_ptr<WatcherWakeup>> followers;

    // Under the lock.
    void leave(const std::shared_ptr<WatcherWakeup> &follower)
    {
        std::erase(followers, follower);
        if (followers.empty())
            recent = {};
    }
};

} // namespace detail

using detail::RuntimeLogChannel;

namespace {

QString cutToLength(const QString &text)
{
    if (text.size() <= RuntimeLogHub::kMaxLineLength)
        return text;
    qsizetype length = RuntimeLogHub::kMaxLineLength;
    // Never half a surrogate pair.
    if (text.at(length - 1).isHighSurrogate())
        --length;
    return text.first(length) + QStringLiteral(" [cut]");
}

} // namespace

RuntimeLogSubscription::RuntimeLogSubscription(domain::RuntimeLogStore &store, QString applicationId,
                                               std::shared_ptr<RuntimeLogChannel> channel,
                                               std::shared_ptr<WatcherWakeup> wakeup, qint64 cursor,
                                               qint64 backlogEnd, bool follow)
    : m_store(store)
    , m_applicationId(std::move(applicationId))
    , m_channel(std::move(channel))
    , m_wakeup(std::move(wakeup))
    , m_cursor(cursor)
    , m_backlogEnd(backlogEnd)
    , m_follow(follow)
{
}

RuntimeLogSubscription::~RuntimeLogSubscription()
{
    cancel();
}

void RuntimeLogSubscription::cancel()
{
    {
        const std::lock_guard lock(m_channel->mutex);
        m_channel->leave(m_wakeup);
    }
    m_wakeup->disable();
}

RuntimeLogBatch RuntimeLogSubscription::batchOf(QList<LogLine> lines)
{
    RuntimeLogBatch batch;
    batch.droppedLines = std::exchange(m_droppedSinceLast, 0);
    batch.lines = std::move(lines);
    batch.end = m_end;
    return batch;
}

RuntimeLogBatch RuntimeLogSubscription::endWith(RuntimeLogEnd::Reason reason)
{
    m_end = RuntimeLogEnd{reason, m_cursor};
    m_channel->leave(m_wakeup);
    return batchOf({});
}

RuntimeLogBatch RuntimeLogSubscription::poll(int maxLines)
{
    maxLines = std::max(1, maxLines);
    RuntimeLogChannel &channel = *m_channel;
    for (;;) {
        if (m_end)
            return batchOf({});
        std::unique_lock lock(channel.mutex);
        if (channel.removed) {
            m_droppedSinceLast = 0; // not dropped by retention: gone with the application
            return endWith(RuntimeLogEnd::Reason::Removed);
        }

        const qint64 next = m_cursor + 1;
        // Without follow, the watcher wants the lines up to the moment it subscribed, no more.
        const qint64 wanted = m_follow ? channel.lastSeq : std::min(channel.lastSeq, m_backlogEnd);
        const qint64 firstRecent = channel.lastSeq - qint64(channel.recent.size()) + 1;
        if (next >= firstRecent && next <= wanted) {
            const qint64 count = std::min<qint64>(maxLines, wanted - next + 1);
            QList<LogLine> lines;
            lines.reserve(count);
            const auto first = channel.recent.cbegin() + (next - firstRecent);
            for (auto line = first; line != first + count; ++line)
                lines.append(*line);
            m_cursor = lines.constLast().seq;
            return batchOf(std::move(lines));
        }

        if (next <= m_backlogEnd) {
            lock.unlock();
            QList<LogLine> lines = m_store.read(m_applicationId, m_cursor,
                                                int(std::min<qint64>(maxLines, m_backlogEnd - m_cursor)));
            // Newer lines come from memory, in order; the store's must not repeat them.
            lines.removeIf([this](const LogLine &line) { return line.seq > m_backlogEnd; });
            // Lines missing before the first one returned, or all the way to the backlog's end, were dropped
            // by retention (or removed with the application, which the next round finds out).
            const qint64 resumedAt = lines.isEmpty() ? m_backlogEnd + 1 : lines.constFirst().seq;
            m_droppedSinceLast += resumedAt - next;
            m_cursor = resumedAt - 1;
            if (lines.isEmpty())
                continue;
            m_cursor = lines.constLast().seq;
            return batchOf(std::move(lines));
        }

        if (!m_follow)
            return endWith(RuntimeLogEnd::Reason::BacklogDone);
        if (next <= channel.lastSeq)
            return endWith(RuntimeLogEnd::Reason::FellBehind);
        m_wakeup->armed = true;
        return batchOf({});
    }
}

RuntimeLogHub::RuntimeLogHub(domain::RuntimeLogStore &store, int maxQueuedLines)
    : m_store(store)
    , m_maxQueuedLines(std::max(1, maxQueuedLines))
{
}

RuntimeLogHub::~RuntimeLogHub() = default;

std::shared_ptr<RuntimeLogChannel> RuntimeLogHub::channelOf(const QString &applicationId)
{
    const std::lock_guard lock(m_mutex);
    if (m_removed.contains(applicationId))
        return nullptr;
    std::shared_ptr<RuntimeLogChannel> &channel = m_channels[applicationId];
    if (!channel)
        channel = std::make_shared<RuntimeLogChannel>();
    return channel;
}

// Under the channel's lock.
void RuntimeLogHub::ensureLoaded(RuntimeLogChannel &channel, const QString &applicationId)
{
    if (channel.loaded)
        return;
    channel.lastSeq = m_store.lastSeq(applicationId);
    channel.loaded = true;
}

std::optional<LogLine> RuntimeLogHub::append(const QString &applicationId, domain::LogStream stream,
                                             const QString &text)
{
    const std::shared_ptr<RuntimeLogChannel> channel = channelOf(applicationId);
    if (!channel)
        return std::nullopt;
    const std::lock_guard writing(channel->writeMutex);

    LogLine line;
    line.stream = stream;
    line.text = cutToLength(text);
    {
        const std::lock_guard lock(channel->mutex);
        if (channel->removed)
            return std::nullopt;
        ensureLoaded(*channel, applicationId);
        line.seq = channel->lastSeq + 1;
    }
    line.at = QDateTime::currentDateTimeUtc();
    // Persisted before any watcher can see it: a watcher that subscribes meanwhile reads up to lastSeq from
    // the store, and gets this line from memory.
    m_store.append(applicationId, line);

    std::vector<std::shared_ptr<WatcherWakeup>> toWake;
    {
        const std::lock_guard lock(channel->mutex);
        channel->lastSeq = line.seq;
        if (!channel->followers.empty()) {
            channel->recent.push_back(line);
            if (qsizetype(channel->recent.size()) > m_maxQueuedLines)
                channel->recent.pop_front();
        }
        toWake = detail::takeArmed(channel->followers);
    }
    detail::wake(toWake);
    return line;
}

std::unique_ptr<RuntimeLogSubscription> RuntimeLogHub::subscribe(const QString &applicationId,
                                                                 RuntimeLogStart start, bool follow,
                                                                 std::function<void()> onReady)
{
    std::shared_ptr<RuntimeLogChannel> channel = channelOf(applicationId);
    if (!channel) {
        // Removed: the subscription ends at its first poll.
        channel = std::make_shared<RuntimeLogChannel>();
        channel->removed = true;
    }
    auto wakeup = std::make_shared<WatcherWakeup>();
    wakeup->onReady = std::move(onReady);

    qint64 cursor = 0;
    qint64 backlogEnd = 0;
    {
        const std::lock_guard lock(channel->mutex);
        if (!channel->removed) {
            ensureLoaded(*channel, applicationId);
            // The switch-over: lines up to here are in the store; every later line is appended after this
            // and reaches a follower through memory.
            backlogEnd = channel->lastSeq;
            if (start.afterSeq)
                cursor = std::max<qint64>(0, *start.afterSeq);
            else
                cursor = std::max({qint64(0), backlogEnd - std::max(0, start.lastLines),
                                   m_store.firstSeq(applicationId) - 1});
            if (follow)
                channel->followers.push_back(wakeup);
        }
    }
    return std::unique_ptr<RuntimeLogSubscription>(new RuntimeLogSubscription(
        m_store, applicationId, std::move(channel), std::move(wakeup), cursor, backlogEnd, follow));
}

void RuntimeLogHub::removeApplication(const QString &applicationId)
{
    std::shared_ptr<RuntimeLogChannel> channel;
    {
        const std::lock_guard lock(m_mutex);
        channel = m_channels.take(applicationId);
        if (!m_removed.contains(applicationId)) {
            m_removed.insert(applicationId);
            m_removedOrder.push_back(applicationId);
            if (qsizetype(m_removedOrder.size()) > kRememberedRemovedApplications) {
                m_removed.remove(m_removedOrder.front());
                m_removedOrder.pop_front();
            }
        }
    }

    std::vector<std::shared_ptr<WatcherWakeup>> toWake;
    if (channel) {
        // Waits for an append in progress: its line goes with the rest.
        const std::lock_guard writing(channel->writeMutex);
        const std::lock_guard lock(channel->mutex);
        channel->removed = true;
        channel->recent = {};
        toWake = detail::takeArmed(channel->followers);
    }
    m_store.remove(applicationId);
    detail::wake(toWake);
}

} // namespace vitrine::usecases
