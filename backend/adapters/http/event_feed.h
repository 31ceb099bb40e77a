#pragma once

#include "usecases/auth_service.h"
#include "usecases/build_service.h"

#include <QHash>
#include <QObject>
#include <QWebSocket>

#include <memory>

namespace vitrine::adapters::http {

class EventFeedConnection;

// The WebSocket event feed on the HTTP port: a client opens ws://HOST:PORT/events, authenticated by an
// "Authorization: Bearer TOKEN" header or, for browsers (which cannot set it), a "?token=TOKEN" query, and
// receives every event it may see as one JSON text message each:
//   {"seq": 17, "type": "build.state_changed", "application": "blog", "application_id": "app_…",
//    "build_id": "bld_…", "state": "failed", "message": "exit status 2", "time": "2024-05-01T13:45:07.123Z"}
// "?after=SEQ" resumes after an event already received; "?application=APP" narrows to one application. A
// connection refused after the upgrade is closed with 1008 (policy violated) and the reason; one that fell
// behind with 4000 and the seq to resume after. Lives on the thread of the HTTP server.
class EventFeed : public QObject {
    Q_OBJECT

public:
    EventFeed(usecases::AuthService &auth, usecases::BuildService &builds, QObject *parent = nullptr);
    ~EventFeed() override;

    // Takes over an upgraded connection.
    void accept(std::unique_ptr<QWebSocket> socket);

    static constexpr QWebSocketProtocol::CloseCode kFellBehindCode = QWebSocketProtocol::CloseCode(4000);

private:
    usecases::AuthService &m_auth;
    usecases::BuildService &m_builds;
};

} // namespace vitrine::adapters::http
