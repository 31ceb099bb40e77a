#pragma once

#include "client/connection_settings.h"
#include "client/server_client.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace vitrine::desktop {

class InFlightCall;

// Tries a connection before the user relies on it: calls SystemService.GetSystemInfo on a worker thread,
// never on the GUI thread, and reports on this object's thread. Checks run one at a time, in the order asked.
class ConnectionCheck : public QObject {
    Q_OBJECT

public:
    explicit ConnectionCheck(QObject *parent = nullptr);
    // Cancels the call in flight and waits for its worker, so that no result outlives the check.
    ~ConnectionCheck() override;

public slots:
    // Returns at once; ends in succeeded or failed.
    void start(const vitrine::desktop::ConnectionSettings &settings);

signals:
    // The server's version and the caller as the server authenticated the token.
    void succeeded(const vitrine::desktop::ServerInfo &info);
    // A message fit for the user: what failed and, where it helps, what to do.
    void failed(const QString &message);

private:
    const std::unique_ptr<InFlightCall> m_inFlight;
    QThreadPool m_workers;
};

} // namespace vitrine::desktop
