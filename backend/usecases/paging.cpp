#include "usecases/paging.h"

#include "domain/error.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace vitrine::usecases {

namespace {

constexpr auto kNameTokenPrefix = QLatin1StringView("after:");
constexpr auto kBuildTokenPrefix = QLatin1StringView("builds-before:");
constexpr auto kAlertTokenPrefix = QLatin1StringView("alerts-before:");

// One store query item more than the page holds, to learn whether another page follows.
int queryLimit(const PageRequest &request)
{
    if (request.pageSize < 0)
        throw domain::Error::badRequest(QStringLiteral("page.page_size"),
                                        QStringLiteral("must not be negative"));
    return std::min(request.pageSize == 0 ? kDefaultPageSize : request.pageSize, kMaxPageSize) + 1;
}

domain::Error notAPageToken()
{
    return domain::Error::badRequest(QStringLiteral("page.page_token"),
                                     QStringLiteral("is not a token from a previous page"));
}

// Tokens are opaque to clients: the prefix tells the kinds apart, base64url keeps them safe in URLs.
QString encodePageToken(QLatin1StringView prefix, const QString &position)
{
    const QByteArray raw = QByteArray(prefix.data(), prefix.size()) + position.toUtf8();
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// The position a token of that kind names; throws notAPageToken() for anything else.
QString decodePageToken(QLatin1StringView prefix, const QString &token)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(QByteArrayView(prefix.data(), prefix.size())))
        throw notAPageToken();
    return QString::fromUtf8(decoded.decoded.mid(prefix.size()));
}

// A position in a list ordered by time, then id: "<time in ms since the epoch>:<id>".
QString timePosition(const QDateTime &time, const QString &id)
{
    return QString::number(time.toMSecsSinceEpoch()) + u':' + id;
}

// The time and id of a token of that kind made from timePosition(); throws notAPageToken() for anything else.
std::pair<QDateTime, QString> decodeTimePosition(QLatin1StringView prefix, const QString &token)
{
    const QString position = decodePageToken(prefix, token);
    const qsizetype separator = position.indexOf(u':');
    bool numeric = false;
    const qint64 timeMs = separator < 0 ? 0 : position.first(separator).toLongLong(&numeric);
    if (!numeric)
        throw notAPageToken();
    return {QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC), position.sliced(separator + 1)};
}

} // namespace

QString pageTokenAfter(const QString &name)
{
    return encodePageToken(kNameTokenPrefix, name);
}

domain::PageQuery toPageQuery(const PageRequest &request)
{
    domain::PageQuery query;
    query.limit = queryLimit(request);
    if (!request.pageToken.isEmpty())
        query.afterName = decodePageToken(kNameTokenPrefix, request.pageToken);
    return query;
}

QString buildPageTokenAfter(const domain::Build &build)
{
    return encodePageToken(kBuildTokenPrefix, timePosition(build.queuedAt, build.id));
}

domain::BuildPageQuery toBuildPageQuery(const PageRequest &request)
{
    domain::BuildPageQuery query;
    query.limit = queryLimit(request);
    if (!request.pageToken.isEmpty())
        std::tie(query.afterQueuedAt, query.afterId) =
            decodeTimePosition(kBuildTokenPrefix, request.pageToken);
    return query;
}

QString alertPageTokenAfter(const domain::Alert &alert)
{
    return encodePageToken(kAlertTokenPrefix, timePosition(alert.openedAt, alert.id));
}

domain::AlertPageQuery toAlertPageQuery(const PageRequest &request)
{
    domain::AlertPageQuery query;
    query.limit = queryLimit(request);
    if (!request.pageToken.isEmpty())
        std::tie(query.afterOpenedAt, query.afterId) =
            decodeTimePosition(kAlertTokenPrefix, request.pageToken);
    return query;
}

} // namespace vitrine::usecases
