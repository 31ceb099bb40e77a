#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace vitrine::domain {

// An API token as stored: the secret itself is never kept, only its SHA-256.
struct Token {
    QString id;
    QString userId;
    QString userName; // filled by the store from the user's row
    QString description;
    QByteArray secretHash;
    QDateTime createdAt;
    QDateTime expiresAt; // null: never expires
    QDateTime revokedAt; // null: not revoked
    QDateTime lastUsedAt;

    bool isActiveAt(const QDateTime &now) const
    {
        return revokedAt.isNull() && (expiresAt.isNull() || now < expiresAt);
    }
};

} // namespace vitrine::domain

namespace vitrine::domain {

// A new bearer secret: "vtr_" and 43 base64url characters (256 random bits).
QString newTokenSecret();

// What the store keeps of a secret: its SHA-256. Secrets are random, so a fast hash is enough.
QByteArray hashTokenSecret(QStringView secret);

} // namespace vitrine::domain
