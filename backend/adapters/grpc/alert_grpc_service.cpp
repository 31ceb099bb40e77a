#include "adapters/grpc/alert_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

namespace vitrine::adapters::grpc {

namespace {

void toPb(const domain::Alert &alert, v1::Alert *out)
{
    out->set_id(toStd(alert.id));
    out->set_application_id(toStd(alert.applicationId));
    out->set_application_name(toStd(alert.applicationName));
    out->set_build_id(toStd(alert.buildId));
    out->set_kind(toStd(domain::alertKindName(alert.kind)));
    out->set_message(toStd(alert.message));
    *out->mutable_opened_at() = toTimestamp(alert.openedAt);
    if (!alert.isOpen()) {
        *out->mutable_acknowledged_at() = toTimestamp(alert.acknowledgedAt);
        out->set_acknowledged_by(toStd(alert.acknowledgedByName));
    }
}

} // namespace

AlertGrpcService::AlertGrpcService(usecases::AuthService &auth, usecases::AlertService &alerts)
    : m_auth(auth)
    , m_alerts(alerts)
{
}

::grpc::Status AlertGrpcService::ListAlerts(::grpc::ServerContext *context,
                                            const v1::ListAlertsRequest *request,
                                            v1::ListAlertsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::Page<domain::Alert> page =
            m_alerts.list(caller, toQString(request->application()), !request->include_acknowledged(),
                          fromPb(request->page()));
        for (const domain::Alert &alert : page.items)
            toPb(alert, response->add_alerts());
        response->set_next_page_token(toStd(page.nextPageToken));
    });
}

::grpc::Status AlertGrpcService::AcknowledgeAlert(::grpc::ServerContext *context,
                                                  const v1::AcknowledgeAlertRequest *request,
                                                  v1::Alert *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_alerts.acknowledge(caller, toQString(request->alert_id())), response);
    });
}

} // namespace vitrine::adapters::grpc
