#pragma once

#include "adapters/grpc/status_mapping.h"

#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>

namespace vitrine::adapters::grpc {

// The server side of a server-streaming call fed by a pull-based hub subscription (build logs, events): a
// queue of messages, at most one write in flight, the next poll when the queue ran dry, and a wait for the
// hub's wakeup when a poll found nothing. Every call ends in Finish, and OnDone frees the reactor.
//
// A subclass sets itself up in its constructor (on failure: finishAtOnce), then calls begin(). Its
// subscription's wakeup calls wake(), from whatever thread the hub wakes on.
template<typename Message>
class PollingWriteReactor : public ::grpc::ServerWriteReactor<Message> {
public:
    // where: the RPC, for the log of an internal error.
    explicit PollingWriteReactor(std::string_view where)
        : m_where(where)
    {
    }

    void OnWriteDone(bool ok) override
    {
        std::unique_lock lock(m_mutex);
        m_writing = false;
        if (!ok) {
            // The client went away or the call was canceled: nothing more can be delivered.
            finishLocked(lock, ::grpc::Status::CANCELLED);
            return;
        }
        pumpLocked(lock);
    }

    void OnCancel() override
    {
        std::unique_lock lock(m_mutex);
        // With a write in flight, its OnWriteDone(false) finishes the call.
        if (!m_writing)
            finishLocked(lock, ::grpc::Status::CANCELLED);
    }

    void OnDone() override
    {
        // Outside the lock: leaving the hub waits for a wakeup in progress, which takes the lock.
        leave();
        delete this;
    }

protected:
    // Appends the messages the next poll of the subscription gives. Returns the status to finish with once
    // they are sent, when the stream ends; std::nullopt while it goes on (an empty poll arms the wakeup).
    // Never called from two threads at once. What it throws ends the call with that status.
    virtual std::optional<::grpc::Status> poll(std::deque<Message> &messages) = 0;
    // Leaves the hub: when it returns, wake() is not running and will not be called again.
    virtual void leave() = 0;
    void begin()
    {
        std::unique_lock lock(m_mutex);
        pumpLocked(lock);
    }

    // The hub has something for a poll that came back empty. This polls on the hub's thread rather than
    // posting: a watcher that found nothing had caught up, so what it polls now is in memory (at most the
    // end of a log adds one store lookup), and StartWrite does not wait for the client.
    void wake()
    {
        std::unique_lock lock(m_mutex);
        if (!m_writing && !m_finished)
            pumpLocked(lock);
    }

    // Ends the call before anything was sent, with the status for the exception being handled (e.g. the
    // caller is not authenticated).
    void finishAtOnce(std::exception_ptr error)
    {
        std::unique_lock lock(m_mutex);
        finishLocked(lock, statusOf(error));
    }

private:
    // With no write in flight: writes the next message, polling for more when none is queued, or finishes.
    void pumpLocked(std::unique_lock<std::mutex> &lock)
    {
        if (m_finished)
            return;
        if (m_queue.empty() && !m_endStatus) {
            try {
                m_endStatus = poll(m_queue);
            } catch (...) {
                // What the poll queued before it failed is still sent: the client resumes after it.
                m_endStatus = statusOf(std::current_exception());
            }
        }
        if (!m_queue.empty()) {
            m_current = std::move(m_queue.front());
            m_queue.pop_front();
            m_writing = true;
            lock.unlock();
            this->StartWrite(&m_current);
            return;
        }
        if (m_endStatus)
            finishLocked(lock, *m_endStatus);
    }

    void finishLocked(std::unique_lock<std::mutex> &lock, ::grpc::Status status)
    {
        if (m_finished)
            return;
        m_finished = true;
        lock.unlock();
        this->Finish(std::move(status));
    }

    ::grpc::Status statusOf(std::exception_ptr error) const
    {
        try {
            std::rethrow_exception(error);
        } catch (const domain::Error &domainError) {
            return toStatus(domainError, m_where);
        } catch (const std::exception &otherError) {
            return internalStatus(otherError.what(), m_where);
        }
    }

    const std::string_view m_where;
    std::mutex m_mutex;
    bool m_writing = false;  // a StartWrite awaits its OnWriteDone
    bool m_finished = false; // Finish was called
    std::deque<Message> m_queue;
    Message m_current; // the message being written: it must live until OnWriteDone
    std::optional<::grpc::Status> m_endStatus;
};

} // namespace vitrine::adapters::grpc
