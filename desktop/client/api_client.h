#pragma once

#include "client/connection_settings.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vitrine::desktop {

class CallScope;
class InFlightCall;

// What one request to the server gave: its value, or a message fit for the user.
template<typename T>
struct CallResult {
    std::optional<T> value;
    QString error;
    // When the server refused one field of the request (INVALID_ARGUMENT), that field as the server names it
    // ("name", "websites[0].fqdn", "build.start_cmd"); the error then starts with it. Empty otherwise.
    QString errorField;

    bool ok() const { return value.has_value(); }
};

// The value of a call that returns nothing worth keeping (a delete, an acknowledgement).
struct Done {};

// Where a typed call (fetchServerInfo, listApplications, …) hands its result, on the client's thread.
template<typename T>
using ResultHandler = std::function<void(const CallResult<T> &)>;

// The unary calls of one connection: one channel, opened on first use off the GUI thread, and one worker
// thread that makes the calls one at a time, in the order asked (a stop asked after a start runs after it).
// Results come back on the client's thread. The typed calls (application_api.h, …) build on run().
class ApiClient : public QObject {
    Q_OBJECT

public:
    explicit ApiClient(ConnectionSettings settings, QObject *parent = nullptr);
    // Cancels the call in flight and waits for the worker: no result outlives the client.
    ~ApiClient() override;

    const ConnectionSettings &settings() const { return m_settings; }

    // Runs `call` on the worker, then `done` with its result on this client's thread, unless `receiver`
    // (which lives on that thread too) was destroyed in the meantime.
    template<typename T>
    void run(QObject *receiver, std::function<CallResult<T>(CallScope &)> call, ResultHandler<T> done)
    {
        submit([this, receiver = QPointer<QObject>(receiver), call = std::move(call),
                done = std::move(done)](CallScope *scope, const QString &unavailable) mutable {
            CallResult<T> result;
            if (scope)
                result = call(*scope);
            else
                result.error = unavailable;
            // Queued to the client: the destructor waits for this worker, and an invocation still queued
            // when the client goes is dropped with it.
            QMetaObject::invokeMethod(
                this,
                [receiver, done = std::move(done), result = std::move(result)] {
                    if (receiver)
                        done(result);
                },
                Qt::QueuedConnection);
        });
    }

private:
    // scope is null when no call can be made (no token, unreadable CA file); `unavailable` then says why.
    using Task = std::function<void(CallScope *scope, const QString &unavailable)>;
    void submit(Task task);

    const ConnectionSettings m_settings;
    const std::unique_ptr<InFlightCall> m_inFlight;
    std::unique_ptr<CallScope> m_scope; // only the worker touches it, once the channel is open
    QString m_channelError;
    QThreadPool m_worker;
};

} // namespace vitrine::desktop
