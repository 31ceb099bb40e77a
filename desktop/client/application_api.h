#pragma once

#include "client/api_client.h"
#include "models/application_summary.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace vitrine::desktop {

// Where an application is published: SCHEME://FQDN[:PORT]PATH_PREFIX.
struct ApplicationWebsite {
    QString fqdn;
    QString pathPrefix; // "/" for the root
    bool stripPrefix = false;

    bool operator==(const ApplicationWebsite &) const = default;
};

// One application as its page shows it: the list's summary (state, builds served, owners, …) and the rest.
struct ApplicationDetails {
    ApplicationSummary summary;
    QList<ApplicationWebsite> websites;
    QString currentCommit{}; // the commit the ref points at as last fetched; empty until the first fetch
    QString pinnedBuildId{}; // set by a rollback: the build served instead of the newest one
    int envVarCount = 0;
    int memoryLimitMb = 0;    // 0: the server's default
    int cpuMillicores = 0;    // 1000 is one core; 0: the server's default
    int autoSleepSeconds = 0; // 0: never sleeps

    bool operator==(const ApplicationDetails &) const = default;
};

// Every application the caller may see (all pages of ApplicationService.ListApplications).
void listApplications(ApiClient &client, QObject *receiver, ResultHandler<QList<ApplicationSummary>> done);

// In the calls below, `application` is the application's id or name.

// ApplicationService.GetApplication.
void getApplication(ApiClient &client, QObject *receiver, const QString &application,
                    ResultHandler<ApplicationDetails> done);

// Runtime apps: start (clears a stop reason), stop, or replace the running instance without downtime. Each
// answers with the application as it is afterwards.
void startApplication(ApiClient &client, QObject *receiver, const QString &application,
                      ResultHandler<ApplicationDetails> done);
void stopApplication(ApiClient &client, QObject *receiver, const QString &application,
                     ResultHandler<ApplicationDetails> done);
void restartApplication(ApiClient &client, QObject *receiver, const QString &application,
                        ResultHandler<ApplicationDetails> done);

// Serves `buildId`, an earlier succeeded build, until the next commit or config change.
void rollbackApplication(ApiClient &client, QObject *receiver, const QString &application,
                         const QString &buildId, ResultHandler<ApplicationDetails> done);

// Stops the application and removes it with its builds, artifacts and logs.
void deleteApplication(ApiClient &client, QObject *receiver, const QString &application,
                       ResultHandler<Done> done);

} // namespace vitrine::desktop
