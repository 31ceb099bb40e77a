#pragma once

#include "domain/ports/store.h"
#include "usecases/runtime_control.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <list>
#include <map>

namespace vitrine::adapters::http {

// How often WakeHandler asks again whether an application serves, and how long a request waits for it.
struct WakeTiming {
    std::chrono::milliseconds pollInterval{200};
    std::chrono::milliseconds patience{10'000};
};

// The wake handler of sleeping applications. The router sends a sleeping application's requests here, each
// with the header domain::kWakeHeader naming the application (see domain::Route::wake). For each request it
// asks the controller to wake the application, then:
// - once the application serves (wakeApplication() gives true), 307 to the URL the client asked for, rebuilt
//   from the Host header, the path and query, and X-Forwarded-Proto (http when absent), so the client repeats
//   the request and reaches the application;
// - while it starts, the request waits, without blocking the HTTP server: wakeApplication() is asked again
//   every pollInterval, for every waiting request of the application at once;
// - still not serving after `patience`, 503 with Retry-After: 1: a small page that reloads itself every
// second
//   for browsers (Accept: text/html), one line of text for other clients;
// - an application name the store does not know: 404.
// Lives on the thread of the HTTP server.
class WakeHandler : public QObject {
public:
    // `control` and `store` must outlive the handler.
    WakeHandler(usecases::RuntimeControl &control, domain::Store &store, WakeTiming timing = {},
                QObject *parent = nullptr);

    // Whether the router sent this request for a sleeping application.
    static bool isWakeRequest(const QHttpServerRequest &request);

    // Answers a wake request, now or later (the responder is kept until then).
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);

private:
    struct WaitingRequest {
        QPointer<QTcpSocket> socket; // gone or closed: the client gave up
        QHttpServerResponder responder;
        QByteArray location;
        bool wantsHtml = false;
        QDeadlineTimer deadline;
    };

    // wakeApplication(), where a failure counts as "not yet".
    bool wake(const QString &applicationName);
    void pollWaitingRequests();
    void answerWaiting(WaitingRequest &request, const QString &applicationName, bool ready);

    usecases::RuntimeControl &m_control;
    domain::Store &m_store;
    WakeTiming m_timing;
    QTimer m_pollTimer;
    std::map<QString, std::list<WaitingRequest>> m_waiting; // by application name
    qsizetype m_waitingCount = 0;
};

} // namespace vitrine::adapters::http
