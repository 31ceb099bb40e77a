#include "adapters/http/wake_handler.h"

#include "domain/ports/router.h"

#include <QHttpServerResponse>
#include <QLoggingCategory>

#include <exception>
#include <utility>

namespace vitrine::adapters::http {

namespace {

Q_LOGGING_CATEGORY(lcWake, "vitrine.http.wake")

using StatusCode = QHttpServerResponse::StatusCode;

// Waiting requests hold a connection each; past this many, new ones get the waiting page at once.
constexpr qsizetype kMaxWaitingRequests = 1000;

// Where the client goes again: the path and query it asked for, as a relative reference, so that it repeats
// the request against the very host, port and scheme it used (behind any proxy), and a Host header cannot
// send it elsewhere.
QByteArray requestedUrl(const QHttpServerRequest &request)
{
    QByteArray pathAndQuery = request.url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    if (!pathAndQuery.startsWith('/'))
        pathAndQuery.prepend('/');
    // "//host/…" would be a network-path reference to another host.
    while (pathAndQuery.startsWith("//"))
        pathAndQuery.remove(0, 1);
    return pathAndQuery;
}

bool acceptsHtml(const QHttpServerRequest &request)
{
    return request.value("accept").contains("text/html");
}

QByteArray waitingPage(const QString &applicationName)
{
    const QString name = applicationName.toHtmlEscaped();
    return QStringLiteral(
               "<!DOCTYPE html>\n"
               "<html lang=\"en\">\n"
               "<head>\n"
               "<meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"refresh\" content=\"1\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>Starting %1…</title>\n"
               "<style>\n"
               "body { font-family: system-ui, sans-serif; margin: 0; min-height: 100vh; display: flex;\n"
               "       align-items: center; justify-content: center; color: #222; background: #f6f6f4; }\n"
               "main { text-align: center; padding: 2rem; }\n"
               "p { color: #555; }\n"
               "</style>\n"
               "</head>\n"
               "<body>\n"
               "<main>\n"
               "<h1>Starting %1…</h1>\n"
               "<p>This app was asleep. The page reloads by itself once the app is ready.</p>\n"
               "</main>\n"
               "</body>\n"
               "</html>\n")
        .arg(name)
        .toUtf8();
}

QHttpServerResponse notReadyResponse(const QString &applicationName, bool html)
{
    QHttpServerResponse response =
        html ? QHttpServerResponse("text/html; charset=utf-8", waitingPage(applicationName),
                                   StatusCode::ServiceUnavailable)
             : QHttpServerResponse(
                   "text/plain; charset=utf-8",
                   QStringLiteral("%1 is starting; try again in a moment.\n").arg(applicationName).toUtf8(),
                   StatusCode::ServiceUnavailable);
    response.setHeader("Retry-After", "1");
    response.setHeader("Cache-Control", "no-store");
    return response;
}

QHttpServerResponse redirectResponse(const QByteArray &location)
{
    QHttpServerResponse response(StatusCode::TemporaryRedirect);
    response.setHeader("Location", location);
    response.setHeader("Cache-Control", "no-store");
    return response;
}

QHttpServerResponse textResponse(const QString &text, StatusCode status)
{
    return QHttpServerResponse("text/plain; charset=utf-8", text.toUtf8(), status);
}

} // namespace

WakeHandler::WakeHandler(usecases::RuntimeControl &control, domain::Store &store, WakeTiming timing,
                         QObject *parent)
    : QObject(parent)
    , m_control(control)
    , m_store(store)
    , m_timing(timing)
{
    m_pollTimer.setInterval(m_timing.pollInterval);
    connect(&m_pollTimer, &QTimer::timeout, this, &WakeHandler::pollWaitingRequests);
}

bool WakeHandler::isWakeRequest(const QHttpServerRequest &request)
{
    return !request.value(QByteArray(domain::kWakeHeader)).isEmpty();
}

void WakeHandler::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const QString name = QString::fromUtf8(request.value(QByteArray(domain::kWakeHeader)));
    try {
        if (!m_store.findApplicationByName(name)) {
            textResponse(QStringLiteral("No application is named %1.\n").arg(name), StatusCode::NotFound)
                .write(std::move(responder));
            return;
        }
    } catch (const std::exception &error) {
        qCWarning(lcWake).noquote() << "cannot look up application" << name
                                    << "to wake it:" << QString::fromUtf8(error.what());
        notReadyResponse(name, acceptsHtml(request)).write(std::move(responder));
        return;
    }

    const QByteArray location = requestedUrl(request);
    if (wake(name)) {
        redirectResponse(location).write(std::move(responder));
        return;
    }
    if (m_waitingCount >= kMaxWaitingRequests) {
        notReadyResponse(name, acceptsHtml(request)).write(std::move(responder));
        return;
    }
    // The request object is reused for the connection's next request: keep copies only.
    QPointer<QTcpSocket> socket = responder.socket();
    m_waiting[name].push_back(WaitingRequest{socket, std::move(responder), location, acceptsHtml(request),
                                             QDeadlineTimer(m_timing.patience)});
    ++m_waitingCount;
    if (!m_pollTimer.isActive())
        m_pollTimer.start();
}

bool WakeHandler::wake(const QString &applicationName)
{
    try {
        return m_control.wakeApplication(applicationName);
    } catch (const std::exception &error) {
        qCWarning(lcWake).noquote() << "waking" << applicationName
                                    << "failed:" << QString::fromUtf8(error.what());
        return false;
    }
}

void WakeHandler::pollWaitingRequests()
{
    for (auto application = m_waiting.begin(); application != m_waiting.end();) {
        const bool ready = wake(application->first);
        std::list<WaitingRequest> &requests = application->second;
        for (auto request = requests.begin(); request != requests.end();) {
            const bool clientLeft =
                !request->socket || request->socket->state() != QAbstractSocket::ConnectedState;
            if (clientLeft || ready || request->deadline.hasExpired()) {
                if (!clientLeft)
                    answerWaiting(*request, application->first, ready);
                request = requests.erase(request);
                --m_waitingCount;
            } else {
                ++request;
            }
        }
        application = requests.empty() ? m_waiting.erase(application) : std::next(application);
    }
    if (m_waiting.empty())
        m_pollTimer.stop();
}

void WakeHandler::answerWaiting(WaitingRequest &request, const QString &applicationName, bool ready)
{
    if (ready)
        redirectResponse(request.location).write(std::move(request.responder));
    else
        notReadyResponse(applicationName, request.wantsHtml).write(std::move(request.responder));
}

} // namespace vitrine::adapters::http
