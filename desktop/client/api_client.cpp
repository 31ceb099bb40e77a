#include "client/api_client.h"

#include "client/call_scope.h"

#include <QRegularExpression>

#include <chrono>

namespace vitrine::desktop {

CallScope::CallScope(const ConnectionSettings &settings, std::shared_ptr<grpc::Channel> channel,
                     InFlightCall &inFlight)
    : m_settings(settings)
    , m_channel(std::move(channel))
    , m_inFlight(inFlight)
{
}

void CallScope::prepare(grpc::ClientContext &context) const
{
    context.AddMetadata("authorization", "Bearer " + m_settings.token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + m_settings.callTimeout);
}

QString CallScope::refusedField(const grpc::Status &status)
{
    if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT)
        return {};
    // The server writes a refused field's message as "field: problem" (domain::Error::badRequest).
    static const QRegularExpression fieldPrefix(
        QStringLiteral(R"(^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*): )"));
    const QRegularExpressionMatch match = fieldPrefix.match(QString::fromStdString(status.error_message()));
    return match.hasMatch() ? match.captured(1) : QString();
}

ApiClient::ApiClient(ConnectionSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_inFlight(std::make_unique<InFlightCall>())
{
    // One worker: calls run in the order asked.
    m_worker.setMaxThreadCount(1);
}

ApiClient::~ApiClient()
{
    m_worker.clear();
    m_inFlight->cancel();
    m_worker.waitForDone();
}

void ApiClient::submit(Task task)
{
    m_worker.start([this, task = std::move(task)] {
        if (m_settings.token.isEmpty()) {
            task(nullptr, tr("No token: set VITRINE_TOKEN or start with --token."));
            return;
        }
        if (!m_scope && m_channelError.isEmpty()) {
            if (std::shared_ptr<grpc::Channel> channel = openChannel(m_settings, &m_channelError))
                m_scope = std::make_unique<CallScope>(m_settings, std::move(channel), *m_inFlight);
        }
        task(m_scope.get(), m_channelError);
    });
}

} // namespace vitrine::desktop
