#pragma once

#include "domain/ports/store.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

namespace vitrine::usecases {

// Larger push deliveries are refused. GitHub may send up to 25 MB, but a push that big lists thousands of
// commits, and all a delivery does here is say "fetch now": the poll loop still picks such a push up.
inline constexpr qsizetype kMaxWebhookPayloadBytes = 1024 * 1024;

enum class WebhookProvider { GitHub, Gitea };

enum class WebhookStatus {
    FetchRequested,  // a push for known repositories: each verified one is fetched now
    Pong,            // GitHub's "ping" when a webhook is created: nothing to do
    Ignored,         // an event other than push
    BadRequest,      // malformed JSON, no event header, no repository URL in the payload
    Unauthenticated, // every matching repository has a secret, and the signature fits none of them
    NotFound,        // no repository with the payload's URLs
    PayloadTooLarge, // over kMaxWebhookPayloadBytes
};

struct WebhookResult {
    WebhookStatus status = WebhookStatus::BadRequest;
    QString message;           // for the sender's delivery log: short, names the field or header at fault
    QStringList repositoryIds; // FetchRequested: the repositories whose fetch was requested
};

// Push webhooks from GitHub and Gitea. A delivery is matched to repositories by the URLs in its payload
// (https, ssh and git forms alike, through domain::repositoryUrlKey); a repository with a webhook secret only
// accepts deliveries signed with it (HMAC-SHA256 of the body). A delivery never changes the store: it only
// asks for an immediate fetch, and the fetch loop reads the refs from the remote itself, so a forged payload
// cannot make the platform build anything that is not really pushed.
class WebhookService {
public:
    // requestFetch is called once for each verified repository of a push, on the caller's thread; it should
    // only queue the fetch and return. `store` must outlive this service.
    WebhookService(domain::Store &store, std::function<void(QString repositoryId)> requestFetch);

    // headers: names lowercased ("x-github-event"). Bad input is reported in the result, never thrown; a
    // failing store throws domain::Error (Internal).
    WebhookResult handlePush(WebhookProvider provider, const QMap<QByteArray, QByteArray> &headers,
                             const QByteArray &body);

private:
    domain::Store &m_store;
    std::function<void(QString)> m_requestFetch;
};

} // namespace vitrine::usecases
