#include "usecases/paging.h"

#include "domain/error.h"

#include <algorithm>

namespace vitrine::usecases {

namespace {

constexpr auto kNameTokenPrefix = QLatin1StringView("after:");
constexpr auto kBuildTokenPrefix = QLatin1StringView("builds-before:");

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

// The position of a build token: "<queuedAt in ms since the epoch>:<id>".
QString buildPageTokenAfter(const domain::Build &build)
{
    return encodePageToken(kBuildTokenPrefix,
                           QString::number(build.queuedAt.toMSecsSinceEpoch()) + u':' + build.id);
}

domain::BuildPageQuery toBuildPageQuery(const PageRequest &request)
{
    domain::BuildPageQuery query;
    query.limit = queryLimit(request);
    if (request.pageToken.isEmpty())
        return query;

    const QString position = decodePageToken(kBuildTokenPrefix, request.pageToken);
    const qsizetype separator = position.indexOf(u':');
    bool numeric = false;
    const qint64 queuedAtMs = separator < 0 ? 0 : position.first(separator).toLongLong(&numeric);
    if (!numeric)
        throw notAPageToken();
    query.afterQueuedAt = QDateTime::fromMSecsSinceEpoch(queuedAtMs, Qt::UTC);
    query.afterId = position.sliced(separator + 1);
    return query;
}

} // namespace vitrine::usecases
