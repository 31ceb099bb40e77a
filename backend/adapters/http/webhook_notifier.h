#pragma once

#include "domain/ports/notifier.h"

#include <QList>
#include <QThread>
#include <QUrl>

#include <chrono>
#include <optional>

namespace vitrine::adapters::http {

class NotifierWorker;

enum class WebhookFormat {
    // The notification's fields as a JSON object; "type" is "build" for a finished build, "alert" for an
    // alert.
    Json,
    Slack, // {"text": …, "content": …}: one line for people, read by Slack ("text") and Discord ("content")
};

// "json" or "slack" (the names used in the configuration); std::nullopt for anything else.
std::optional<WebhookFormat> webhookFormatFromName(QStringView name);

struct WebhookTarget {
    QUrl url;
    WebhookFormat format = WebhookFormat::Json;
    bool includeSuccesses = false; // failed builds and alerts are always sent; canceled builds never
};

struct WebhookNotifierOptions {
    QList<WebhookTarget> targets;
    // One delivery is tried up to maxAttempts times, waiting firstRetryDelay, then twice as long each time.
    int maxAttempts = 5;
    std::chrono::milliseconds firstRetryDelay{1000};
    std::chrono::milliseconds attemptTimeout{10000};
    // Deliveries waiting to be sent; past it the oldest is dropped (and logged).
    int queueCapacity = 1000;
    // Requests in flight at once. A hanging target holds a slot until its attempt times out; a delivery
    // waiting to be retried holds none.
    int maxConcurrentDeliveries = 8;
};

// Posts notifications to webhook URLs (Slack, Discord, any HTTP endpoint) from a thread of its own. A
// delivery is retried on a network error, a timeout, 408, 429 and 5xx answers; any other answer ends it.
// Failures are logged with the target's scheme and host only: chat webhook URLs carry their secret in the
// path.
class HttpWebhookNotifier final : public domain::Notifier {
public:
    explicit HttpWebhookNotifier(WebhookNotifierOptions options);
    // Stops the thread; deliveries still queued or in flight are abandoned.
    ~HttpWebhookNotifier() override;

    HttpWebhookNotifier(const HttpWebhookNotifier &) = delete;
    HttpWebhookNotifier &operator=(const HttpWebhookNotifier &) = delete;

    void notify(const domain::Notification &notification) override;

private:
    QThread m_thread;
    NotifierWorker *m_worker = nullptr; // lives in m_thread
};

} // namespace vitrine::adapters::http
