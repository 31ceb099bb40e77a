#include "domain/token.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <array>

namespace vitrine::domain {

QString newTokenSecret()
{
    std::array<quint32, 8> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray random(reinterpret_cast<const char *>(words.data()), sizeof(words));
    return QStringLiteral("vtr_") + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding |
                                                                        QByteArray::OmitTrailingEquals));
}

QByteArray hashTokenSecret(QStringView secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace vitrine::domain
