#pragma once

#include "client/connection_settings.h"
#include "client/system_api.h"

#include <QObject>
#include <QString>

namespace vitrine::desktop {

// Tries a connection before the user relies on it: calls SystemService.GetSystemInfo with the settings given,
// never on the GUI thread, and reports on this object's thread.
class ConnectionCheck : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;

public slots:
    // Returns at once; each check ends in one succeeded or failed. Checks still running when the object goes
    // are cancelled.
    void start(const vitrine::desktop::ConnectionSettings &settings);

signals:
    // The server's version and the caller as the server authenticated the token.
    void succeeded(const vitrine::desktop::ServerInfo &info);
    // A message fit for the user: what failed and, where it helps, what to do.
    void failed(const QString &message);
};

} // namespace vitrine::desktop
