#pragma once

#include "client/api_client.h"

#include <QString>

namespace vitrine::desktop {

// The server as the caller sees it (SystemService.GetSystemInfo).
struct ServerInfo {
    QString version;
    QString database; // "sqlite" or "postgresql"
    QString userName; // the caller, as the server authenticated the token
    bool userIsAdmin = false;
    // Where forges deliver webhooks, ending in "/webhooks/": append "github" or "gitea".
    QString webhookBaseUrl{};
    // How browsers reach the websites: SCHEME://FQDN[:PORT]PATH_PREFIX (port 0: the scheme's default).
    QString siteScheme{};
    int sitePort = 0;

    bool operator==(const ServerInfo &) const = default;
};

// SystemService.GetSystemInfo.
void fetchServerInfo(ApiClient &client, QObject *receiver, ResultHandler<ServerInfo> done);

} // namespace vitrine::desktop
