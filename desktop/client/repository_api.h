#pragma once

#include "client/api_client.h"
#include "models/repository_summary.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace vitrine::desktop {

// What a create or an update sends. On update, unset optionals are left as they are.
struct RepositoryChange {
    QString name; // create only
    std::optional<QString> url;
    std::optional<QString> webhookSecret; // "" removes the secret
    std::optional<QStringList> owners;    // empty on create: the caller
};

// Every repository the caller may see (all pages), by name.
void listRepositories(ApiClient &client, QObject *receiver, ResultHandler<QList<RepositorySummary>> done);
// Refused fields come back in CallResult::errorField ("name", "url", "webhook_secret", "owners").
void createRepository(ApiClient &client, QObject *receiver, const RepositoryChange &change,
                      ResultHandler<RepositorySummary> done);
// repository: its id or name.
void updateRepository(ApiClient &client, QObject *receiver, const QString &repository,
                      const RepositoryChange &change, ResultHandler<RepositorySummary> done);
void deleteRepository(ApiClient &client, QObject *receiver, const QString &repository,
                      ResultHandler<Done> done);

} // namespace vitrine::desktop
