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
    // The controller's last fetch, kept outside the version check: when it ran, and why it failed (empty
    // when it succeeded).
    QDateTime lastFetchedAt;
    QString lastFetchError;
};

// A repository URL reduced to what tells repositories apart, so the spellings of one remote match (a
// webhook names its repository by URL): scheme and host lowercased, user info dropped, trailing "/" and
// ".git" stripped, scp-like "git@host:path" read as "ssh://host/path", a plain path as "file://path".
QString repositoryUrlKey(const QString &url);

} // namespace vitrine::domain
