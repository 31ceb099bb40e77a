#pragma once

#include "client/api_client.h"
#include "models/admin_records.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace vitrine::desktop {

// The calls of the admin console. The server refuses most of them to members (PERMISSION_DENIED).

// SystemService.GetPlatformStatus: builders, queue, recent builds, applications, alerts, disk.
void fetchPlatformStatus(ApiClient &client, QObject *receiver, ResultHandler<PlatformStatus> done);

// The builds of every application the caller may see that wait in the queue or run (all pages of
// BuildService.ListBuilds with states QUEUED and BUILDING).
void listQueuedBuilds(ApiClient &client, QObject *receiver, ResultHandler<QList<QueuedBuild>> done);

// The alerts of every application the caller may see, newest first: the open ones, or all.
void listAlerts(ApiClient &client, QObject *receiver, bool includeAcknowledged,
                ResultHandler<QList<Alert>> done);
// Marks an open alert acknowledged by the caller; an acknowledged one is refused.
void acknowledgeAlert(ApiClient &client, QObject *receiver, const QString &alertId,
                      ResultHandler<Alert> done);

void listUsers(ApiClient &client, QObject *receiver, ResultHandler<QList<UserAccount>> done);
// `name`: a DNS label; refused with errorField "name" otherwise.
void createUser(ApiClient &client, QObject *receiver, const QString &name, bool admin,
                ResultHandler<UserAccount> done);
// `user`: id or name. Refused while the user is the only owner of something, and for the last admin.
void deleteUser(ApiClient &client, QObject *receiver, const QString &user, ResultHandler<Done> done);

// `user`: id or name. includeInactive adds the revoked and expired tokens.
void listTokens(ApiClient &client, QObject *receiver, const QString &user, bool includeInactive,
                ResultHandler<QList<ApiToken>> done);
// A new token acting as `user`, with its secret: the only time anyone sees it. No expiry: it never expires.
void createToken(ApiClient &client, QObject *receiver, const QString &user, const QString &description,
                 std::optional<QDateTime> expiresAt, ResultHandler<CreatedToken> done);
// Refused from then on; revoking twice is not an error.
void revokeToken(ApiClient &client, QObject *receiver, const QString &tokenId, ResultHandler<ApiToken> done);

} // namespace vitrine::desktop
