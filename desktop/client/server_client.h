#pragma once

#include "client/connection_settings.h"
#include "models/application_summary.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace grpc {
class Channel;
}

namespace vitrine::desktop {

class InFlightCall;

// The server as the caller sees it (SystemService.GetSystemInfo).
struct ServerInfo {
    QString version;
    QString database; // "sqlite" or "postgresql"
    QString userName; // the caller, as the server authenticated the token
    bool userIsAdmin = false;

    bool operator==(const ServerInfo &) const = default;
};

// Calls the server on a worker thread, never on the GUI thread, and reports on the thread it lives in
// through queued signals. Refreshes run one at a time, in the order asked.
class ServerClient : public QObject {
    Q_OBJECT

public:
    explicit ServerClient(ConnectionSettings settings, QObject *parent = nullptr);
    // Cancels the call in flight and waits for its worker, so that no result outlives the client.
    ~ServerClient() override;

    const ConnectionSettings &settings() const { return m_settings; }

public slots:
    // Asks for the server's info, then for every application the caller may see (all pages). Returns at once.
    void refresh();

signals:
    void serverInfoReceived(const vitrine::desktop::ServerInfo &info);
    void applicationsReceived(const QList<vitrine::desktop::ApplicationSummary> &applications);
    // A message fit for the user: what failed and, where it helps, what to do.
    void refreshFailed(const QString &message);
    // Last signal of every refresh, whether it succeeded or not.
    void refreshFinished();

private:
    const ConnectionSettings m_settings;
    // Opened by the first refresh on the worker (TLS reads the CA file); only the worker touches them.
    std::shared_ptr<grpc::Channel> m_channel;
    QString m_channelError;
    const std::unique_ptr<InFlightCall> m_inFlight;
    QThreadPool m_workers;
};

} // namespace vitrine::desktop
