#include "client/connection_settings.h"

#include <QtGlobal>

namespace vitrine::desktop {

ConnectionSettings ConnectionSettings::fromEnvironment()
{
    ConnectionSettings settings;
    const QString server = qEnvironmentVariable("VITRINE_SERVER").trimmed();
    if (!server.isEmpty())
        settings.serverAddress = server;
    settings.token = qEnvironmentVariable("VITRINE_TOKEN").trimmed();
    return settings;
}

} // namespace vitrine::desktop
