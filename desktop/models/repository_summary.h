#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace vitrine::desktop {

// A git repository applications build from (RepositoryService's Repository).
struct RepositorySummary {
    QString id;
    QString name;
    QString url;
    bool hasWebhookSecret = false;
    QStringList owners{}; // user names, sorted
    QDateTime createdAt{};
    QDateTime updatedAt{};

    bool operator==(const RepositorySummary &) const = default;
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::RepositorySummary)
