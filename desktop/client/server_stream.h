#pragma once

#include "client/connection_settings.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace grpc {
class Channel;
class ClientContext;
class Status;
} // namespace grpc

namespace vitrine::desktop {

// How a stream's connection stands, for the UI to show.
struct StreamStatus {
    enum class State {
        Stopped,      // not started, or stop() was called
        Connecting,   // the first call is being opened
        Live,         // the call is open; messages arrive as they come
        Reconnecting, // the connection was lost; the next try is in retryIn
        Finished,     // the stream ended for good, as it should (a build log after its build finished)
        Failed,       // the server refused the stream (reason says why); no more tries
    };

    State state = State::Stopped;
    std::chrono::milliseconds retryIn{0}; // Reconnecting: how long until the next try
    QString reason;                       // Reconnecting and Failed: what went wrong, fit for the user

    bool operator==(const StreamStatus &) const = default;
};

// One line of a build log or of an application's output, as the server numbered it.
struct StreamedLogLine {
    enum class Source { Stdout, Stderr, System };

    qint64 seq = 0; // starts at 1, no gaps within one log
    QDateTime time;
    Source source = Source::Stdout;
    QString text; // without the trailing newline

    bool operator==(const StreamedLogLine &) const = default;
};

// The base of the server-stream workers: one call at a time on a thread of its own, reopened with exponential
// backoff when the connection is lost, and what the calls receive handed to the object's thread in batches
// (about every 50 ms) by queued invocation. The object lives on the GUI thread; nothing it does there blocks
// on the network.
//
// A subclass implements readCall() and calls stop() in its destructor (the worker calls into the subclass).
class ServerStream : public QObject {
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kBatchInterval{50};
    static constexpr std::chrono::milliseconds kFirstRetryDelay{500};
    static constexpr std::chrono::milliseconds kLongestRetryDelay{15'000};

    ~ServerStream() override;

    const ConnectionSettings &settings() const { return m_settings; }
    StreamStatus status() const { return m_status; }

public slots:
    // Starts the worker unless it runs. Returns at once.
    void start();
    // Cancels the call in flight or the wait for the next try and joins the worker: returns within
    // milliseconds. Messages received before are still delivered; no status comes after Stopped.
    void stop();

signals:
    void statusChanged(const vitrine::desktop::StreamStatus &status);

protected:
    // What to do once a call ended.
    struct CallEnd {
        enum class Next {
            RetryLater, // wait (backoff) and call again
            RetryNow,   // call again at once: the server asked to resume (fell behind)
            Finish,     // done: the stream ended as it should
            Fail,       // done: the server refused; failure says why
        };
        Next next = Next::RetryLater;
        QString failure;
    };

    ServerStream(ConnectionSettings settings, QObject *parent);

    // On the worker thread: opens one call with `context` on `channel` and reads it to its end. Calls
    // callOpened() once the call is open, and hands what it reads over with addToBatch().
    virtual CallEnd readCall(grpc::ClientContext &context, const std::shared_ptr<grpc::Channel> &channel) = 0;
    // On the object's thread: takes what addToBatch() collected (under batchMutex()) and emits it.
    virtual void emitBatch() = 0;

    // On the worker thread, right after the call was opened: the stream is live once the channel is
    // connected. Also called on every message, since a message proves it.
    void callOpened(const std::shared_ptr<grpc::Channel> &channel);
    // On the worker thread: runs `add` under batchMutex() and makes sure emitBatch() runs within
    // kBatchInterval.
    void addToBatch(const std::function<void()> &add);
    // On the worker thread: after the batch so far was emitted, runs `notify` on the object's thread.
    void postAfterBatch(std::function<void()> notify);
    // On the worker thread, when the call that opens next may have missed messages since the last one
    // received: `notify` runs on the object's thread once that call is live.
    void postOnceLive(std::function<void()> notify);
    QMutex &batchMutex() { return m_batchMutex; }
    // On the object's thread, in emitBatch(): takes what addToBatch() collected in `pending`.
    template<typename Item>
    QList<Item> takeBatch(QList<Item> &pending)
    {
        QList<Item> batch;
        const QMutexLocker lock(&m_batchMutex);
        batch.swap(pending);
        return batch;
    }
    // On the worker thread, in readCall(): reads the call into `message` to its end, runs `onMessage` on each
    // one, and returns the call's status. Calls callOpened() as readCall() must.
    template<typename Reader, typename Message, typename OnMessage>
    auto readToEnd(Reader &reader, Message &message, const std::shared_ptr<grpc::Channel> &channel,
                   OnMessage &&onMessage)
    {
        callOpened(channel);
        while (reader.Read(&message)) {
            callOpened(channel);
            onMessage();
        }
        return reader.Finish();
    }
    // On the worker thread: a call of this worker was live before.
    bool hasBeenLive();

    // How a call that ended with `status` goes on: retried for a lost connection or a server going away,
    // failed for a refusal (unknown target, no permission, bad token).
    CallEnd endOf(const grpc::Status &status) const;
    // How a call read to its end goes on: as endOf() says, but a clean end is retried at once when the server
    // asked to resume (`fellBehind`), and later otherwise, for `endedEarly`.
    CallEnd endOfReading(const grpc::Status &status, bool fellBehind, const QString &endedEarly) const;

private:
    void run();
    // False when stop() was called before the call could start.
    bool beginCall(grpc::ClientContext &context);
    // Whether the call was live.
    bool endCall();
    // Waits `delay` or until stop(); false when stopped.
    bool waitBeforeRetry(std::chrono::milliseconds delay);
    void postStatus(StreamStatus status);
    void setStatus(const StreamStatus &status);
    void flushBatch();

    const ConnectionSettings m_settings;
    StreamStatus m_status; // as last emitted, on the object's thread

    // Shared between the object's thread and the worker.
    std::mutex m_mutex;
    std::condition_variable m_stopRequested;
    bool m_stopping = false;
    bool m_running = false;                // the worker has not returned yet
    grpc::ClientContext *m_call = nullptr; // the call in flight, for stop() to cancel
    bool m_live = false;                   // the call in flight is live
    bool m_hasBeenLive = false;
    std::function<void()> m_onceLive;

    // Counts start()s and stop()s: a status posted by an earlier worker is dropped. Written only while no
    // worker runs.
    unsigned m_generation = 0;

    QMutex m_batchMutex;
    bool m_flushScheduled = false;

    std::thread m_worker;
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::StreamStatus)
Q_DECLARE_METATYPE(vitrine::desktop::StreamedLogLine)
