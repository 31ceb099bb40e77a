#include "usecases/webhook_service.h"

#include "domain/error.h"
#include "domain/repository.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QSet>

#include <utility>

namespace vitrine::usecases {

namespace {

constexpr qsizetype kSha256HexLength = 64;

// What differs between the providers: where they put the event name and the signature, and which URL fields
// their payloads carry.
struct ProviderFormat {
    QByteArray eventHeader;     // lowercased
    QString eventHeaderName;    // as the provider spells it, for messages
    QByteArray signatureHeader; // lowercased
    QString signatureHeaderName;
    QByteArray signaturePrefix; // before the hex digest
    QStringList urlFields;      // of payload.repository
};

ProviderFormat formatOf(WebhookProvider provider)
{
    switch (provider) {
    case WebhookProvider::GitHub:
        return {"x-github-event",
                QStringLiteral("X-GitHub-Event"),
                "x-hub-signature-256",
                QStringLiteral("X-Hub-Signature-256"),
                "sha256=",
                {QStringLiteral("clone_url"), QStringLiteral("ssh_url"), QStringLiteral("html_url"),
                 QStringLiteral("git_url")}};
    case WebhookProvider::Gitea:
        return {"x-gitea-event",
                QStringLiteral("X-Gitea-Event"),
                "x-gitea-signature",
                QStringLiteral("X-Gitea-Signature"),
                {},
                {QStringLiteral("clone_url"), QStringLiteral("ssh_url"), QStringLiteral("html_url")}};
    }
    Q_UNREACHABLE();
}

WebhookResult result(WebhookStatus status, const QString &message)
{
    return WebhookResult{status, message, {}};
}

bool isHexDigest(const QByteArray &text)
{
    if (text.size() != kSha256HexLength)
        return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

// Compares every byte whatever the first difference, so the time taken does not tell an attacker how much of
// a guessed signature was right. The lengths are not secret.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

// The digest the sender claims, or empty when the header is missing or not of the provider's form.
QByteArray claimedDigest(const ProviderFormat &format, const QByteArray &headerValue)
{
    const QByteArray value = headerValue.trimmed();
    if (!value.startsWith(format.signaturePrefix))
        return {};
    const QByteArray hex = value.mid(format.signaturePrefix.size());
    return isHexDigest(hex) ? QByteArray::fromHex(hex) : QByteArray{};
}

bool signatureFits(const QByteArray &claimed, const QByteArray &body, const QString &secret)
{
    if (claimed.isEmpty())
        return false;
    const QByteArray expected =
        QMessageAuthenticationCode::hash(body, secret.toUtf8(), QCryptographicHash::Sha256);
    return constantTimeEquals(expected, claimed);
}

QString countedRepositories(qsizetype count)
{
    return count == 1 ? QStringLiteral("1 repository") : QStringLiteral("%1 repositories").arg(count);
}

} // namespace

WebhookService::WebhookService(domain::Store &store, std::function<void(QString repositoryId)> requestFetch)
    : m_store(store)
    , m_requestFetch(std::move(requestFetch))
{
}

WebhookResult WebhookService::handlePush(WebhookProvider provider,
                                         const QMap<QByteArray, QByteArray> &headers, const QByteArray &body)
{
    if (body.size() > kMaxWebhookPayloadBytes)
        return result(WebhookStatus::PayloadTooLarge,
                      QStringLiteral("payload too large: at most %1 bytes").arg(kMaxWebhookPayloadBytes));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return result(WebhookStatus::BadRequest, QStringLiteral("body: not valid JSON (%1 at offset %2)")
                                                     .arg(parseError.errorString())
                                                     .arg(parseError.offset));
    if (!document.isObject())
        return result(WebhookStatus::BadRequest, QStringLiteral("body: not a JSON object"));

    const ProviderFormat format = formatOf(provider);
    const QString event = QString::fromUtf8(headers.value(format.eventHeader).trimmed());
    if (event.isEmpty())
        return result(WebhookStatus::BadRequest,
                      QStringLiteral("missing %1 header").arg(format.eventHeaderName));
    if (provider == WebhookProvider::GitHub && event == u"ping")
        return result(WebhookStatus::Pong, QStringLiteral("pong"));
    if (event != u"push")
        return result(
            WebhookStatus::Ignored,
            QStringLiteral("event %1 ignored: only push events trigger a fetch").arg(domain::quoted(event)));

    const QJsonValue repositoryValue = document.object().value(QStringLiteral("repository"));
    if (!repositoryValue.isObject())
        return result(WebhookStatus::BadRequest, QStringLiteral("repository: missing or not an object"));
    const QJsonObject repositoryObject = repositoryValue.toObject();

    QSet<QString> urlKeys;
    for (const QString &field : format.urlFields) {
        const QString url = repositoryObject.value(field).toString();
        if (url.isEmpty())
            continue;
        const QString key = domain::repositoryUrlKey(url);
        if (!key.isEmpty())
            urlKeys.insert(key);
    }
    if (urlKeys.isEmpty())
        return result(WebhookStatus::BadRequest, QStringLiteral("repository: no %1 in the payload")
                                                     .arg(format.urlFields.join(QStringLiteral(", "))));

    // Several repositories may share a URL (members registering the same upstream); each is judged by its
    // own secret.
    QMap<QString, domain::Repository> matches; // by id
    for (const QString &key : std::as_const(urlKeys)) {
        for (const domain::Repository &repository : m_store.findRepositoriesByUrl(key))
            matches.insert(repository.id, repository);
    }
    if (matches.isEmpty())
        return result(WebhookStatus::NotFound, QStringLiteral("no repository with this URL"));

    const QByteArray signatureHeader = headers.value(format.signatureHeader);
    const QByteArray claimed = claimedDigest(format, signatureHeader);
    QStringList verifiedIds;
    for (const domain::Repository &repository : std::as_const(matches)) {
        if (repository.webhookSecret.isEmpty() || signatureFits(claimed, body, repository.webhookSecret))
            verifiedIds.append(repository.id);
    }
    if (verifiedIds.isEmpty()) {
        const QString problem = signatureHeader.isEmpty()
                                    ? QStringLiteral("missing %1 header")
                                    : QStringLiteral("%1 does not match the repository's webhook secret");
        return result(WebhookStatus::Unauthenticated, problem.arg(format.signatureHeaderName));
    }

    for (const QString &id : std::as_const(verifiedIds))
        m_requestFetch(id);
    QString message = QStringLiteral("fetching %1").arg(countedRepositories(verifiedIds.size()));
    const qsizetype rejected = matches.size() - verifiedIds.size();
    if (rejected > 0)
        message += QStringLiteral("; the signature does not fit %1 more with this URL")
                       .arg(countedRepositories(rejected));
    return WebhookResult{WebhookStatus::FetchRequested, message, verifiedIds};
}

} // namespace vitrine::usecases
