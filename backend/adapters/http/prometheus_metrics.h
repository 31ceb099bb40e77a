#pragma once

#include "usecases/auth_service.h"
#include "usecases/metrics_recorder.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QList>
#include <QString>

namespace vitrine::adapters::http {

// The Content-Type of Prometheus' text exposition format 0.0.4.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// The platform's and every application's metrics in the text exposition format 0.0.4: vitrine_up,
// vitrine_info{version}, and once the recorder has counted them, vitrine_applications{deploy_type},
// vitrine_builds{state} and vitrine_instances{state}; then per application (label app="NAME")
// vitrine_app_cpu_seconds_total, vitrine_app_cpu_cores, vitrine_app_memory_bytes, vitrine_app_restarts_total
// and vitrine_app_requests_total.
QByteArray prometheusText(const QString &version, const usecases::PlatformMetrics &platform,
                          const QList<usecases::ApplicationMetrics> &applications);

// GET /metrics: prometheusText() from the recorder, for admins only ("Authorization: Bearer TOKEN": 401
// without a valid token, 403 for a member). It reads the recorder's memory, never the store beyond the token.
class PrometheusEndpoint {
public:
    // All must outlive the endpoint.
    PrometheusEndpoint(usecases::MetricsRecorder &recorder, usecases::AuthService &auth, QString version);

    QHttpServerResponse respond(const QHttpServerRequest &request) const;

private:
    usecases::MetricsRecorder &m_recorder;
    usecases::AuthService &m_auth;
    QString m_version;
};

} // namespace vitrine::adapters::http
