#include "client/connection_check.h"

#include "client/api_client.h"

#include <QMetaObject>

namespace vitrine::desktop {

void ConnectionCheck::start(const ConnectionSettings &settings)
{
    if (settings.token.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this] { emit failed(tr("No token: paste your API token first.")); }, Qt::QueuedConnection);
        return;
    }
    // A client of its own: the settings under test are not those of the connection in use.
    auto *client = new ApiClient(settings, this);
    fetchServerInfo(*client, this, [this, client](const CallResult<ServerInfo> &result) {
        if (result.ok())
            emit succeeded(*result.value);
        else
            emit failed(result.error);
        client->deleteLater();
    });
}

} // namespace vitrine::desktop
