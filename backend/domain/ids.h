#pragma once

#include <QString>

namespace vitrine::domain {

// Ids are a type prefix, '_', and 26 random base32 characters: "app_3kq…". The '_' keeps every id
// apart from every name (names are DNS labels), so a request may carry either.
QString newId(QStringView prefix);

// Whether text has the shape of an id with this prefix.
bool looksLikeId(QStringView text, QStringView prefix);

namespace idprefix {
inline constexpr QStringView kUser = u"usr";
inline constexpr QStringView kToken = u"tok";
inline constexpr QStringView kRepository = u"repo";
inline constexpr QStringView kApplication = u"app";
inline constexpr QStringView kBuild = u"bld";
inline constexpr QStringView kAlert = u"alr";
} // namespace idprefix

} // namespace vitrine::domain
