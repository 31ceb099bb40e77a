#pragma once

#include "client/api_client.h"
#include "models/build_summary.h"

#include <QList>
#include <QString>

namespace vitrine::desktop {

// How many builds listBuilds fetches: the newest page, which is what an application's page shows.
inline constexpr int kListedBuildCount = 50;

// The newest kListedBuildCount builds of `application` (id or name), newest first (BuildService.ListBuilds).
void listBuilds(ApiClient &client, QObject *receiver, const QString &application,
                ResultHandler<QList<BuildSummary>> done);

// Cancels a queued or building build; the build as it is afterwards (BuildService.CancelBuild).
void cancelBuild(ApiClient &client, QObject *receiver, const QString &buildId,
                 ResultHandler<BuildSummary> done);

// Queues a new build of the application's current commit and config; the new build (BuildService.RetryBuild).
void retryBuild(ApiClient &client, QObject *receiver, const QString &application,
                ResultHandler<BuildSummary> done);

} // namespace vitrine::desktop
