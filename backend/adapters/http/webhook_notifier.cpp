#include "adapters/http/webhook_notifier.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QMutex>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <utility>

namespace vitrine::adapters::http {

namespace {

Q_LOGGING_CATEGORY(lcNotify, "vitrine.notify")

constexpr qsizetype kShortCommitLength = 7;

// Where a delivery went, for logs: scheme, host and port only. Slack and Discord webhook URLs carry their
// secret in the path, and any URL may carry credentials.
QString loggableTarget(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
        .toString();
}

bool wanted(const WebhookTarget &target, const domain::Notification &notification)
{
    if (notification.isAlert())
        return true;
    return notification.state == domain::BuildState::Failed ||
           (notification.state == domain::BuildState::Succeeded && target.includeSuccesses);
}

QString isoTime(const domain::Notification &notification)
{
    return notification.at.toUTC().toString(Qt::ISODate);
}

QByteArray compact(const QJsonObject &body)
{
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray alertJsonBody(const domain::Notification &notification)
{
    return compact({
        {QStringLiteral("type"), QStringLiteral("alert")},
        {QStringLiteral("application"), notification.applicationName},
        {QStringLiteral("alert_id"), notification.alertId},
        {QStringLiteral("kind"), domain::alertKindName(*notification.alertKind)},
        {QStringLiteral("message"), notification.reason},
        {QStringLiteral("build_id"), notification.buildId},
        {QStringLiteral("commit"), notification.commit},
        {QStringLiteral("commit_short"), notification.commit.left(kShortCommitLength)},
        {QStringLiteral("opened_at"), isoTime(notification)},
    });
}

// "Vitrine: alert on blog (restart-loop): restarted 5 times in 300 s; last exit: exit code 1 (build b_… at
// 1a2b3c4, alert alr_…, <time>)".
QString alertChatText(const domain::Notification &notification)
{
    QStringList details;
    if (!notification.buildId.isEmpty()) {
        details << (notification.commit.isEmpty()
                        ? QStringLiteral("build %1").arg(notification.buildId)
                        : QStringLiteral("build %1 at %2")
                              .arg(notification.buildId, notification.commit.left(kShortCommitLength)));
    }
    details << QStringLiteral("alert %1").arg(notification.alertId) << isoTime(notification);
    return QStringLiteral("Vitrine: alert on %1 (%2): %3 (%4)")
        .arg(notification.applicationName, domain::alertKindName(*notification.alertKind),
             notification.reason, details.join(QStringLiteral(", ")));
}

QByteArray jsonBody(const domain::Notification &notification)
{
    if (notification.isAlert())
        return alertJsonBody(notification);
    const QJsonObject body{
        {QStringLiteral("type"), QStringLiteral("build")},
        {QStringLiteral("application"), notification.applicationName},
        {QStringLiteral("build_id"), notification.buildId},
        {QStringLiteral("commit"), notification.commit},
        {QStringLiteral("commit_short"), notification.commit.left(kShortCommitLength)},
        {QStringLiteral("state"), domain::buildStateName(notification.state)},
        {QStringLiteral("reason"), notification.reason},
        {QStringLiteral("finished_at"), isoTime(notification)},
    };
    return compact(body);
}

// "Vitrine: blog build failed at 1a2b3c4: exit status 2 (build b_…, <time>)".
QString buildChatText(const domain::Notification &notification)
{
    QString text = QStringLiteral("Vitrine: %1 build %2 at %3")
                       .arg(notification.applicationName, domain::buildStateName(notification.state),
                            notification.commit.left(kShortCommitLength));
    if (!notification.reason.isEmpty())
        text += QStringLiteral(": ") + notification.reason;
    return text + QStringLiteral(" (build %1, %2)").arg(notification.buildId, isoTime(notification));
}

// One line for a chat channel.
QByteArray chatBody(const domain::Notification &notification)
{
    const QString text = notification.isAlert() ? alertChatText(notification) : buildChatText(notification);
    return compact({{QStringLiteral("text"), text}, {QStringLiteral("content"), text}});
}

// What a delivery is about, for logs: "build b_… of blog (failed)", "alert alr_… of blog (restart-loop)".
QString subjectOf(const domain::Notification &notification)
{
    if (notification.isAlert())
        return QStringLiteral("alert %1 of %2 (%3)")
            .arg(notification.alertId, notification.applicationName,
                 domain::alertKindName(*notification.alertKind));
    return QStringLiteral("build %1 of %2 (%3)")
        .arg(notification.buildId, notification.applicationName, domain::buildStateName(notification.state));
}

// Worth another attempt: the target may answer later. Other answers (400, 403, 404, …) will not change.
bool isTransient(QNetworkReply::NetworkError error, int httpStatus)
{
    if (httpStatus == 0)
        return error != QNetworkReply::NoError;
    return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
}

// Why an attempt failed, without the URL (QNetworkReply::errorString() quotes it whole).
QString failureOf(QNetworkReply::NetworkError error, int httpStatus, std::chrono::milliseconds timeout)
{
    if (httpStatus != 0)
        return QStringLiteral("HTTP %1").arg(httpStatus);
    // The transfer timeout is the only thing that cancels a request here.
    if (error == QNetworkReply::OperationCanceledError)
        return QStringLiteral("no answer within %1 ms").arg(timeout.count());
    return QString::fromLatin1(QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(error));
}

// One notification on its way to one target.
struct Delivery {
    qsizetype targetIndex = 0;
    QByteArray body;
    QString subject; // subjectOf() the notification, for logs
    int attempt = 0; // attempts made so far
};

} // namespace

std::optional<WebhookFormat> webhookFormatFromName(QStringView name)
{
    if (name == u"json")
        return WebhookFormat::Json;
    if (name == u"slack")
        return WebhookFormat::Slack;
    return std::nullopt;
}

// The notifier's half that lives in its thread: the queue it drains and the requests in flight. enqueue() is
// called from any thread; everything else runs in the worker thread.
class NotifierWorker final : public QObject {
public:
    explicit NotifierWorker(WebhookNotifierOptions options)
        : m_options(std::move(options))
    {
    }

    ~NotifierWorker() override
    {
        // Aborting the replies still in flight (as their manager goes) must not start new ones.
        m_stopping = true;
        delete m_network;
    }

    const WebhookNotifierOptions &options() const { return m_options; }

    void enqueue(QList<Delivery> deliveries)
    {
        {
            QMutexLocker lock(&m_mutex);
            for (Delivery &delivery : deliveries) {
                m_queue.push_back(std::move(delivery));
                if (std::ssize(m_queue) > m_options.queueCapacity) {
                    const Delivery &dropped = m_queue.front();
                    qCWarning(lcNotify).noquote()
                        << QStringLiteral(
                               "the notification queue is full (%1): dropped the notification of %2 to %3")
                               .arg(QString::number(m_options.queueCapacity), dropped.subject,
                                    loggableTarget(m_options.targets[dropped.targetIndex].url));
                    m_queue.pop_front();
                }
            }
        }
        QMetaObject::invokeMethod(
            this, [this] { pump(); }, Qt::QueuedConnection);
    }

private:
    void pump()
    {
        while (!m_stopping && m_active < m_options.maxConcurrentDeliveries) {
            Delivery delivery;
            {
                QMutexLocker lock(&m_mutex);
                if (m_queue.empty())
                    return;
                delivery = std::move(m_queue.front());
                m_queue.pop_front();
            }
            ++m_active;
            send(std::move(delivery));
        }
    }

    void send(Delivery delivery)
    {
        if (!m_network)
            m_network = new QNetworkAccessManager(this);
        const WebhookTarget &target = m_options.targets[delivery.targetIndex];
        QNetworkRequest request(target.url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Vitrine/" VITRINE_VERSION));
        request.setTransferTimeout(int(m_options.attemptTimeout.count()));
        ++delivery.attempt;
        QNetworkReply *reply = m_network->post(request, delivery.body);
        connect(
            reply, &QNetworkReply::finished, this,
            [this, reply, delivery = std::move(delivery)]() mutable { settle(reply, std::move(delivery)); });
    }

    void settle(QNetworkReply *reply, Delivery delivery)
    {
        reply->deleteLater();
        if (m_stopping)
            return;
        const QNetworkReply::NetworkError error = reply->error();
        const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (error == QNetworkReply::NoError) {
            finish();
            return;
        }

        const QString target = loggableTarget(m_options.targets[delivery.targetIndex].url);
        const QString failure = failureOf(error, httpStatus, m_options.attemptTimeout);
        if (!isTransient(error, httpStatus) || delivery.attempt >= m_options.maxAttempts) {
            qCWarning(lcNotify).noquote()
                << QStringLiteral("gave up notifying %1 of %2 after %3 attempt(s): %4")
                       .arg(target, delivery.subject, QString::number(delivery.attempt), failure);
            finish();
            return;
        }
        const auto delay = m_options.firstRetryDelay * (1 << (delivery.attempt - 1));
        qCInfo(lcNotify).noquote()
            << QStringLiteral("notifying %1 of %2 failed (attempt %3 of %4): %5; retrying in %6 ms")
                   .arg(target, delivery.subject, QString::number(delivery.attempt),
                        QString::number(m_options.maxAttempts), failure, QString::number(delay.count()));
        // Waiting for the retry takes no slot: a dead target must not hold up the deliveries to the others.
        QTimer::singleShot(delay, this, [this, delivery = std::move(delivery)]() mutable {
            if (!m_stopping)
                retry(std::move(delivery));
        });
        finish();
    }

    // Ahead of the queue: it was sent before them. It may take the queue over its capacity for a moment;
    // dropping a delivery that is half done would waste the attempts made.
    void retry(Delivery delivery)
    {
        {
            QMutexLocker lock(&m_mutex);
            m_queue.push_front(std::move(delivery));
        }
        pump();
    }

    void finish()
    {
        --m_active;
        pump();
    }

    const WebhookNotifierOptions m_options;
    QMutex m_mutex; // guards m_queue
    std::deque<Delivery> m_queue;
    int m_active = 0; // requests in flight
    bool m_stopping = false;
    QNetworkAccessManager *m_network = nullptr; // made in the worker thread, on the first send
};

HttpWebhookNotifier::HttpWebhookNotifier(WebhookNotifierOptions options)
    : m_worker(new NotifierWorker(std::move(options)))
{
    m_thread.setObjectName(QStringLiteral("vitrine-notifier"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

HttpWebhookNotifier::~HttpWebhookNotifier()
{
    // Deleted in its own thread, where its network manager and timers live.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { delete worker; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void HttpWebhookNotifier::notify(const domain::Notification &notification)
{
    const WebhookNotifierOptions &options = m_worker->options();
    const QString subject = subjectOf(notification);
    QList<Delivery> deliveries;
    for (qsizetype i = 0; i < options.targets.size(); ++i) {
        const WebhookTarget &target = options.targets[i];
        if (!wanted(target, notification))
            continue;
        const QByteArray body =
            target.format == WebhookFormat::Slack ? chatBody(notification) : jsonBody(notification);
        deliveries.append(Delivery{i, body, subject, 0});
    }
    if (!deliveries.isEmpty())
        m_worker->enqueue(std::move(deliveries));
}

} // namespace vitrine::adapters::http
