#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace vitrine::domain {

struct Repository {
    QString id;
    QString name;
    QString url;
    QString webhookSecret; // empty: deliveries are not signed
    QStringList ownerIds;  // the store keeps them sorted by user name
    QStringList ownerNames;
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 version = 0; // optimistic concurrency: the store refuses an update from a stale copy
};

} // namespace vitrine::domain
