#include "domain/ids.h"

#include <QRandomGenerator>

#include <string_view>

namespace vitrine::domain {

namespace {
constexpr int kRandomLength = 26;
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's base32, lowercase
} // namespace

QString newId(QStringView prefix)
{
    QString id = prefix.toString() + QLatin1Char('_');
    id.reserve(id.size() + kRandomLength);
    auto *rng = QRandomGenerator::system();
    for (int i = 0; i < kRandomLength; ++i)
        id += QLatin1Char(kAlphabet[rng->bounded(32)]);
    return id;
}

bool looksLikeId(QStringView text, QStringView prefix)
{
    if (!text.startsWith(prefix) || text.size() != prefix.size() + 1 + kRandomLength ||
        text[prefix.size()] != QLatin1Char('_'))
        return false;
    for (QChar c : text.mid(prefix.size() + 1)) {
        if (std::string_view(kAlphabet).find(c.toLatin1()) == std::string_view::npos)
            return false;
    }
    return true;
}

} // namespace vitrine::domain
