#include "client/in_flight_call.h"

#include <QMutexLocker>

namespace vitrine::desktop {

void InFlightCall::cancel()
{
    QMutexLocker lock(&m_mutex);
    m_cancelled = true;
    if (m_context)
        m_context->TryCancel();
}

bool InFlightCall::begin(grpc::ClientContext &context)
{
    QMutexLocker lock(&m_mutex);
    if (m_cancelled)
        return false;
    m_context = &context;
    return true;
}

void InFlightCall::end()
{
    QMutexLocker lock(&m_mutex);
    m_context = nullptr;
}

} // namespace vitrine::desktop
