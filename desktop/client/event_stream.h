#pragma once

#include "client/server_stream.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace vitrine::desktop {

// Something that happened on the platform (EventService's Event), as the models take it.
struct StreamedEvent {
    enum class Type {
        Unknown,
        BuildStateChanged,  // buildId, state ("queued" … "canceled"), message: the failure reason
        ApplicationChanged, // created or updated
        ApplicationDeleted,
        ApplicationDeployed,     // the application now serves buildId
        AlertOpened,             // alertId, state: its kind ("restart-loop" …), message
        ApplicationStateChanged, // state ("starting", "running" … "errored"), message: why
    };

    qint64 seq = 0;
    QDateTime time;
    Type type = Type::Unknown;
    QString applicationId;
    QString applicationName;
    QString buildId;
    QString state;
    QString message;
    QString alertId;

    bool operator==(const StreamedEvent &) const = default;
};

// The platform's events (EventService.WatchEvents) the caller may see, live. After a lost connection it
// resumes after the last event received while the server still holds it; when it cannot (the server
// restarted, or dropped this watcher for falling behind) it goes on live and emits reloadNeeded() once the
// new call is open, so that a model reloading then misses nothing.
class EventStream : public ServerStream {
    Q_OBJECT

public:
    // application: only its events (id or name); empty: every event the caller may see.
    explicit EventStream(ConnectionSettings settings, QString application = {}, QObject *parent = nullptr);
    ~EventStream() override;

signals:
    // In order of seq, one batch per ~50 ms.
    void eventsReceived(const QList<vitrine::desktop::StreamedEvent> &events);
    // Events may have been missed: reload what is shown from the server. Live events keep coming.
    void reloadNeeded();

protected:
    CallEnd readCall(grpc::ClientContext &context, const std::shared_ptr<grpc::Channel> &channel) override;
    void emitBatch() override;

private:
    const QString m_application;
    std::optional<qint64> m_lastSeq; // on the worker: the last event received, while resuming from it works
    QList<StreamedEvent> m_pending;  // under batchMutex()
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::StreamedEvent)
