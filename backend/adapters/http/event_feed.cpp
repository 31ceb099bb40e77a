#include "adapters/http/event_feed.h"

#include "domain/error.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <utility>

namespace vitrine::adapters::http {

namespace {

Q_LOGGING_CATEGORY(lcEventFeed, "vitrine.http.events")

// Past this many bytes waiting to be sent, a connection stops taking events until the client caught up; the
// event hub's retention bounds how far behind it may fall.
constexpr qint64 kMaxUnsentBytes = 1 << 20;

QString typeName(domain::EventType type)
{
    switch (type) {
    case domain::EventType::BuildStateChanged:
        return QStringLiteral("build.state_changed");
    case domain::EventType::ApplicationChanged:
        return QStringLiteral("application.changed");
    case domain::EventType::ApplicationDeleted:
        return QStringLiteral("application.deleted");
    case domain::EventType::ApplicationDeployed:
        return QStringLiteral("application.deployed");
    case domain::EventType::AlertOpened:
        return QStringLiteral("alert.opened");
    case domain::EventType::ApplicationStateChanged:
        return QStringLiteral("application.state_changed");
    }
    Q_UNREACHABLE();
}

QString toJson(const domain::Event &event)
{
    const QJsonObject object{
        {QStringLiteral("seq"), event.seq},
        {QStringLiteral("type"), typeName(event.type)},
        {QStringLiteral("application"), event.applicationName},
        {QStringLiteral("application_id"), event.applicationId},
        {QStringLiteral("build_id"), event.buildId},
        {QStringLiteral("state"), event.state},
        {QStringLiteral("message"), event.message},
        {QStringLiteral("alert_id"), event.alertId},
        {QStringLiteral("time"), event.at.toUTC().toString(Qt::ISODateWithMs)},
    };
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The bearer secret of the handshake: the Authorization header, else the token query item.
QString bearerSecret(const QWebSocket &socket)
{
    const QString header = QString::fromLatin1(socket.request().rawHeader("Authorization")).trimmed();
    const qsizetype space = header.indexOf(u' ');
    if (space > 0 && header.first(space).compare(u"Bearer", Qt::CaseInsensitive) == 0)
        return header.sliced(space + 1).trimmed();
    return QUrlQuery(socket.requestUrl()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
}

} // namespace

// One client of the feed: polls its subscription on the feed's thread, woken from publishers' threads.
class EventFeedConnection : public QObject {
public:
    EventFeedConnection(std::unique_ptr<QWebSocket> socket, QObject *parent)
        : QObject(parent)
        , m_socket(std::move(socket))
    {
        connect(m_socket.get(), &QWebSocket::disconnected, this, &QObject::deleteLater);
        connect(m_socket.get(), &QWebSocket::bytesWritten, this, &EventFeedConnection::pump);
    }

    ~EventFeedConnection() override
    {
        // Before the members go: neither the socket closing on destruction nor a wakeup may call back into a
        // half-destroyed connection.
        m_socket->disconnect(this);
        if (m_subscription)
            m_subscription->cancel();
    }

    QWebSocket &socket() { return *m_socket; }

    void start(std::unique_ptr<usecases::EventSubscription> subscription)
    {
        m_subscription = std::move(subscription);
        pump();
    }

    // From any thread: the subscription has something again.
    void wake() { QMetaObject::invokeMethod(this, &EventFeedConnection::pump, Qt::QueuedConnection); }

private:
    void pump()
    {
        if (!m_subscription || m_closing)
            return;
        while (m_socket->bytesToWrite() < kMaxUnsentBytes) {
            const usecases::EventBatch batch = m_subscription->poll();
            if (batch.fellBehindAfter) {
                m_closing = true;
                m_socket->close(
                    EventFeed::kFellBehindCode,
                    QStringLiteral("fell behind; resume with ?after=%1").arg(*batch.fellBehindAfter));
                return;
            }
            if (batch.events.isEmpty())
                return; // armed: wake() comes with the next event
            for (const domain::Event &event : batch.events)
                m_socket->sendTextMessage(toJson(event));
        }
    }

    std::unique_ptr<QWebSocket> m_socket;
    std::unique_ptr<usecases::EventSubscription> m_subscription;
    bool m_closing = false;
};

EventFeed::EventFeed(usecases::AuthService &auth, usecases::BuildService &builds, QObject *parent)
    : QObject(parent)
    , m_auth(auth)
    , m_builds(builds)
{
}

EventFeed::~EventFeed() = default;

void EventFeed::accept(std::unique_ptr<QWebSocket> socket)
{
    auto *connection = new EventFeedConnection(std::move(socket), this);
    QWebSocket &webSocket = connection->socket();
    const QUrl url = webSocket.requestUrl();
    try {
        const usecases::Caller caller = m_auth.authenticate(bearerSecret(webSocket));
        const QUrlQuery query(url);
        std::optional<qint64> afterSeq;
        if (query.hasQueryItem(QStringLiteral("after"))) {
            bool valid = false;
            afterSeq = query.queryItemValue(QStringLiteral("after")).toLongLong(&valid);
            if (!valid)
                throw domain::Error::badRequest(QStringLiteral("after"),
                                                QStringLiteral("must be an event seq"));
        }
        connection->start(m_builds.watchEvents(
            caller, query.queryItemValue(QStringLiteral("application"), QUrl::FullyDecoded), afterSeq,
            [connection] { connection->wake(); }));
    } catch (const domain::Error &error) {
        const QString reason =
            error.kind() == domain::ErrorKind::Internal ? QStringLiteral("internal error") : error.message();
        if (error.kind() == domain::ErrorKind::Internal)
            qCWarning(lcEventFeed).noquote()
                << "cannot open the event feed:" << QString::fromUtf8(error.what());
        // A close reason is at most 123 bytes.
        webSocket.close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(120));
    }
}

} // namespace vitrine::adapters::http
