#pragma once

#include "usecases/auth_service.h"
#include "usecases/disk_usage.h"
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
// and vitrine_app_requests_total; once the disk was measured, vitrine_disk_used_bytes (the data dir and the
// images) and per application vitrine_app_disk_bytes.
QByteArray prometheusText(const QString &version, const usecases::PlatformMetrics &platform,
                          const QList<usecases::ApplicationMetrics> &applications,
                          const usecases::DiskUsage &disk = {});

// GET /metrics: prometheusText() from the recorder and the disk meter's last walk, for admins only
// ("Authorization: Bearer TOKEN": 401 without a valid token, 403 for a member). It reads their memory, never
// the store beyond the token, and never walks the disk.
class PrometheusEndpoint {
public:
    // All must outlive the endpoint; disk may be null (no disk figures).
    PrometheusEndpoint(usecases::MetricsRecorder &recorder, usecases::AuthService &auth, QString version,
                       const usecases::DiskUsageMeter *disk = nullptr);

    QHttpServerResponse respond(const QHttpServerRequest &request) const;

private:
    usecases::MetricsRecorder &m_recorder;
    usecases::AuthService &m_auth;
    QString m_version;
    const usecases::DiskUsageMeter *m_disk;
};

} // namespace vitrine::adapters::http
