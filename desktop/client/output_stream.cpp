#include "client/output_stream.h"

#include "client/pb_conversion.h"
#include "vitrine/v1/output.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <utility>

namespace vitrine::desktop {

OutputStream::OutputStream(ConnectionSettings settings, QString application, int tail, QObject *parent)
    : ServerStream(std::move(settings), parent)
    , m_application(std::move(application))
    , m_tail(tail)
{
}

OutputStream::~OutputStream()
{
    stop();
}

ServerStream::CallEnd OutputStream::readCall(grpc::ClientContext &context,
                                             const std::shared_ptr<grpc::Channel> &channel)
{
    v1::StreamOutputRequest request;
    request.set_application(m_application.toStdString());
    request.set_follow(true);
    if (m_lastSeq)
        request.set_after_seq(*m_lastSeq);
    else
        request.set_tail(m_tail);

    const std::unique_ptr<grpc::ClientReader<v1::StreamOutputResponse>> reader =
        v1::OutputService::NewStub(channel)->StreamOutput(&context, request);
    bool fellBehind = false;
    v1::StreamOutputResponse response;
    const grpc::Status status = readToEnd(*reader, response, channel, [&] {
        if (!response.lines().empty()) {
            addToBatch([&] {
                for (const v1::LogLine &line : response.lines())
                    m_pending.append(toStreamedLogLine(line));
            });
            m_lastSeq = response.lines().rbegin()->seq();
        }
        fellBehind = fellBehind || response.has_fell_behind();
    });
    return endOfReading(status, fellBehind, tr("The server ended the stream."));
}

void OutputStream::emitBatch()
{
    const QList<StreamedLogLine> batch = takeBatch(m_pending);
    if (!batch.isEmpty())
        emit linesReceived(batch);
}

} // namespace vitrine::desktop
