#include "usecases/paging.h"

#include "domain/error.h"
#include "domain/validation.h"

namespace vitrine::usecases {

namespace {
constexpr auto kTokenPrefix = QLatin1StringView("after:");
} // namespace

QString pageTokenAfter(const QString &name)
{
    const QByteArray raw = QByteArray(kTokenPrefix.data(), kTokenPrefix.size()) + name.toUtf8();
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

domain::PageQuery toPageQuery(const PageRequest &request)
{
    if (request.pageSize < 0)
        throw domain::Error::badRequest(QStringLiteral("page.page_size"),
                                        QStringLiteral("must not be negative"));
    domain::PageQuery query;
    query.limit = std::min(request.pageSize == 0 ? kDefaultPageSize : request.pageSize, kMaxPageSize) + 1;
    if (request.pageToken.isEmpty())
        return query;

    const auto decoded = QByteArray::fromBase64Encoding(request.pageToken.toLatin1(),
                                                        QByteArray::Base64UrlEncoding |
                                                            QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray raw = decoded.decoded;
    if (!decoded || !raw.startsWith(QByteArrayView(kTokenPrefix.data(), kTokenPrefix.size())))
        throw domain::Error::badRequest(QStringLiteral("page.page_token"),
                                        QStringLiteral("is not a token from a previous page"));
    query.afterName = QString::fromUtf8(raw.mid(kTokenPrefix.size()));
    return query;
}

} // namespace vitrine::usecases
