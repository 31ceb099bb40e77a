#pragma once

#include "client/server_stream.h"
#include "models/metrics_sample.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace vitrine::desktop {

// An application's metrics as they are taken (MetricsService.StreamMetrics): first the points since a
// given time, then each sample. After a lost connection it asks again from the last point received, so a
// chart that merges by time (MetricsHistory) misses none and holds none twice.
class MetricsStream : public ServerStream {
    Q_OBJECT

public:
    // application: its id or name. since: the first points to send; null: those of the server's recent
    // window (the last 5 minutes).
    MetricsStream(ConnectionSettings settings, QString application, QDateTime since = {},
                  QObject *parent = nullptr);
    ~MetricsStream() override;

signals:
    // Oldest first, one batch per ~50 ms. After a reconnect the first point may repeat the last one.
    void samplesReceived(const QList<vitrine::desktop::MetricsSample> &samples);

protected:
    CallEnd readCall(grpc::ClientContext &context, const std::shared_ptr<grpc::Channel> &channel) override;
    void emitBatch() override;

private:
    const QString m_application;
    // On the worker: where the next call starts, moved to the last point received.
    QDateTime m_since;
    QList<MetricsSample> m_pending; // under batchMutex()
};

} // namespace vitrine::desktop
