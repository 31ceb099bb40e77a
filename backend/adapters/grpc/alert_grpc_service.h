#pragma once

#include "usecases/alert_service.h"
#include "usecases/auth_service.h"
#include "vitrine/v1/alerts.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.AlertService over usecases::AlertService.
class AlertGrpcService final : public v1::AlertService::Service {
public:
    AlertGrpcService(usecases::AuthService &auth, usecases::AlertService &alerts);

    ::grpc::Status ListAlerts(::grpc::ServerContext *context, const v1::ListAlertsRequest *request,
                              v1::ListAlertsResponse *response) override;
    ::grpc::Status AcknowledgeAlert(::grpc::ServerContext *context,
                                    const v1::AcknowledgeAlertRequest *request, v1::Alert *response) override;

private:
    usecases::AuthService &m_auth;
    usecases::AlertService &m_alerts;
};

} // namespace vitrine::adapters::grpc
