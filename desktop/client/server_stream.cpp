#include "client/server_stream.h"

#include <grpcpp/grpcpp.h>

#include <QMetaObject>
#include <QMutexLocker>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace vitrine::desktop {

namespace {

// A channel of its own for every call, on a subchannel of its own: gRPC's reconnect backoff, kept per
// subchannel, would otherwise add its own wait (up to two minutes) to ours after the server went away.
std::shared_ptr<grpc::Channel> openChannel(const ConnectionSettings &settings)
{
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(settings.serverAddress.toStdString(), grpc::InsecureChannelCredentials(),
                                     arguments);
}

} // namespace

ServerStream::ServerStream(ConnectionSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    qRegisterMetaType<StreamStatus>();
    qRegisterMetaType<StreamedLogLine>();
}

ServerStream::~ServerStream() = default;

void ServerStream::start()
{
    if (m_worker.joinable()) {
        {
            const std::lock_guard lock(m_mutex);
            if (m_running)
                return;
        }
        m_worker.join();
    }
    {
        const std::lock_guard lock(m_mutex);
        m_running = true;
        m_hasBeenLive = false;
    }
    ++m_generation;
    setStatus({.state = StreamStatus::State::Connecting, .retryIn = {}, .reason = {}});
    m_worker = std::thread([this] { run(); });
}

void ServerStream::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        if (m_call)
            m_call->TryCancel();
    }
    m_stopRequested.notify_all();
    if (m_worker.joinable())
        m_worker.join();
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_onceLive = nullptr;
    }
    ++m_generation;
    setStatus({.state = StreamStatus::State::Stopped, .retryIn = {}, .reason = {}});
}

void ServerStream::run()
{
    std::chrono::milliseconds delay = kFirstRetryDelay;
    for (;;) {
        const std::shared_ptr<grpc::Channel> channel = openChannel(m_settings);
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + m_settings.token.toStdString());
        if (!beginCall(context))
            break;
        const CallEnd end = readCall(context, channel);
        const bool wasLive = endCall();
        {
            const std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
        }

        if (end.next == CallEnd::Next::Finish) {
            postStatus({.state = StreamStatus::State::Finished, .retryIn = {}, .reason = {}});
            break;
        }
        if (end.next == CallEnd::Next::Fail) {
            postStatus({.state = StreamStatus::State::Failed, .retryIn = {}, .reason = end.failure});
            break;
        }
        if (wasLive)
            delay = kFirstRetryDelay;
        // A call that never went live asking to resume again would otherwise spin.
        if (end.next == CallEnd::Next::RetryNow && wasLive)
            continue;
        postStatus({.state = StreamStatus::State::Reconnecting, .retryIn = delay, .reason = end.failure});
        if (!waitBeforeRetry(delay))
            break;
        delay = std::min(delay * 2, kLongestRetryDelay);
        postStatus({.state = StreamStatus::State::Connecting, .retryIn = {}, .reason = {}});
    }
    const std::lock_guard lock(m_mutex);
    m_running = false;
}

bool ServerStream::beginCall(grpc::ClientContext &context)
{
    const std::lock_guard lock(m_mutex);
    if (m_stopping)
        return false;
    m_call = &context;
    m_live = false;
    return true;
}

bool ServerStream::endCall()
{
    const std::lock_guard lock(m_mutex);
    m_call = nullptr;
    return m_live;
}

bool ServerStream::waitBeforeRetry(std::chrono::milliseconds delay)
{
    std::unique_lock lock(m_mutex);
    return !m_stopRequested.wait_for(lock, delay, [this] { return m_stopping; });
}

void ServerStream::callOpened(const std::shared_ptr<grpc::Channel> &channel)
{
    std::function<void()> onceLive;
    {
        const std::lock_guard lock(m_mutex);
        if (m_live)
            return;
        // The call's headers went out on a connected channel: the server has the call.
        if (channel->GetState(false) != GRPC_CHANNEL_READY)
            return;
        m_live = true;
        m_hasBeenLive = true;
        onceLive = std::exchange(m_onceLive, nullptr);
    }
    postStatus({.state = StreamStatus::State::Live, .retryIn = {}, .reason = {}});
    if (onceLive)
        postAfterBatch(std::move(onceLive));
}

bool ServerStream::hasBeenLive()
{
    const std::lock_guard lock(m_mutex);
    return m_hasBeenLive;
}

void ServerStream::addToBatch(const std::function<void()> &add)
{
    bool schedule = false;
    {
        const QMutexLocker lock(&m_batchMutex);
        add();
        schedule = !std::exchange(m_flushScheduled, true);
    }
    if (schedule) {
        QMetaObject::invokeMethod(
            this, [this] { QTimer::singleShot(kBatchInterval, this, [this] { flushBatch(); }); },
            Qt::QueuedConnection);
    }
}

void ServerStream::flushBatch()
{
    {
        const QMutexLocker lock(&m_batchMutex);
        m_flushScheduled = false;
    }
    emitBatch();
}

void ServerStream::postAfterBatch(std::function<void()> notify)
{
    QMetaObject::invokeMethod(
        this,
        [this, notify = std::move(notify)] {
            emitBatch();
            notify();
        },
        Qt::QueuedConnection);
}

void ServerStream::postOnceLive(std::function<void()> notify)
{
    const std::lock_guard lock(m_mutex);
    m_onceLive = std::move(notify);
}

void ServerStream::postStatus(StreamStatus status)
{
    // Read on the worker while no one writes it: start() and stop() change it only while no worker runs.
    const unsigned generation = m_generation;
    postAfterBatch([this, generation, status = std::move(status)] {
        if (generation == m_generation)
            setStatus(status);
    });
}

void ServerStream::setStatus(const StreamStatus &status)
{
    if (status == m_status)
        return;
    m_status = status;
    emit statusChanged(m_status);
}

ServerStream::CallEnd ServerStream::endOf(const grpc::Status &status) const
{
    const QString detail = QString::fromStdString(status.error_message());
    switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::UNIMPLEMENTED:
        return {.next = CallEnd::Next::Fail, .failure = detail};
    case grpc::StatusCode::UNAUTHENTICATED:
        return {.next = CallEnd::Next::Fail, .failure = tr("The server refused the token: %1").arg(detail)};
    case grpc::StatusCode::UNAVAILABLE:
        return {.next = CallEnd::Next::RetryLater,
                .failure = tr("Cannot reach %1 (%2).").arg(m_settings.serverAddress, detail)};
    default:
        // Lost connections and servers going away (CANCELLED from a server shutting down, INTERNAL from a
        // broken connection) are worth another try.
        return {.next = CallEnd::Next::RetryLater,
                .failure = detail.isEmpty()
                               ? tr("The connection to %1 was lost.").arg(m_settings.serverAddress)
                               : detail};
    }
}

ServerStream::CallEnd ServerStream::endOfReading(const grpc::Status &status, bool fellBehind,
                                                 const QString &endedEarly) const
{
    if (status.ok() && fellBehind)
        return {.next = CallEnd::Next::RetryNow, .failure = {}};
    if (status.ok())
        return {.next = CallEnd::Next::RetryLater, .failure = endedEarly};
    return endOf(status);
}

} // namespace vitrine::desktop
