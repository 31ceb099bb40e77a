#pragma once

#include "client/server_stream.h"

#include <QList>

#include <optional>

namespace vitrine::desktop {

// An application's runtime output (OutputService.StreamOutput, following): first the newest lines, then live
// ones. After a lost connection it resumes after the last line received, so that no line comes twice or goes
// missing.
class OutputStream : public ServerStream {
    Q_OBJECT

public:
    // application: its id or name. tail: how many of the newest lines to send first.
    OutputStream(ConnectionSettings settings, QString application, int tail = 100, QObject *parent = nullptr);
    ~OutputStream() override;

signals:
    // In order of seq, one batch per ~50 ms.
    void linesReceived(const QList<vitrine::desktop::StreamedLogLine> &lines);

protected:
    CallEnd readCall(grpc::ClientContext &context, const std::shared_ptr<grpc::Channel> &channel) override;
    void emitBatch() override;

private:
    const QString m_application;
    const int m_tail;
    // On the worker: the last line received. Until one came, a new call asks for the tail again.
    std::optional<qint64> m_lastSeq;
    QList<StreamedLogLine> m_pending; // under batchMutex()
};

} // namespace vitrine::desktop
