#pragma once

#include "client/server_stream.h"

#include <QList>

namespace vitrine::desktop {

// One build's log (BuildService.StreamBuildLog): the stored lines, then live ones while it builds, then its
// final state, and the stream is Finished. After a lost connection it resumes after the last line received,
// so that no line comes twice or goes missing.
class BuildLogStream : public ServerStream {
    Q_OBJECT

public:
    BuildLogStream(ConnectionSettings settings, QString buildId, QObject *parent = nullptr);
    ~BuildLogStream() override;

signals:
    // In order of seq, one batch per ~50 ms.
    void linesReceived(const QList<vitrine::desktop::StreamedLogLine> &lines);
    // After the last line. state: "succeeded", "failed" or "canceled"; failureReason: why, if it did not
    // succeed.
    void finished(const QString &state, const QString &failureReason);

protected:
    CallEnd readCall(grpc::ClientContext &context, const std::shared_ptr<grpc::Channel> &channel) override;
    void emitBatch() override;

private:
    const QString m_buildId;
    qint64 m_lastSeq = 0;             // on the worker: the last line received
    QList<StreamedLogLine> m_pending; // under batchMutex()
};

} // namespace vitrine::desktop
