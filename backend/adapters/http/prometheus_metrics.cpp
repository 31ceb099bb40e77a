#include "adapters/http/prometheus_metrics.h"

#include "domain/error.h"

#include <QLocale>
#include <QLoggingCategory>

#include <algorithm>
#include <utility>

namespace vitrine::adapters::http {

namespace {

Q_LOGGING_CATEGORY(lcPrometheus, "vitrine.http.metrics")

constexpr domain::InstanceState kInstanceStates[] = {
    domain::InstanceState::Missing,    domain::InstanceState::Starting, domain::InstanceState::Running,
    domain::InstanceState::Restarting, domain::InstanceState::Sleeping, domain::InstanceState::Exited,
    domain::InstanceState::Errored,    domain::InstanceState::Unknown,
};

// A label value inside its double quotes: backslash, double quote and line feed escaped.
QString escapedLabelValue(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size());
    for (const QChar c : value) {
        if (c == u'\\')
            escaped += QStringLiteral("\\\\");
        else if (c == u'"')
            escaped += QStringLiteral("\\\"");
        else if (c == u'\n')
            escaped += QStringLiteral("\\n");
        else
            escaped += c;
    }
    return escaped;
}

QString number(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

// Writes one metric family: its HELP and TYPE lines, then one sample per label value.
class Exposition {
public:
    void family(const QString &name, const QString &type, const QString &help)
    {
        m_text += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n").arg(name, help, type);
    }

    void sample(const QString &name, const QString &value) { m_text += name + u' ' + value + u'\n'; }

    void sample(const QString &name, const QString &label, const QString &labelValue, const QString &value)
    {
        m_text += QStringLiteral("%1{%2=\"%3\"} %4\n").arg(name, label, escapedLabelValue(labelValue), value);
    }

    QByteArray text() const { return m_text.toUtf8(); }

private:
    QString m_text;
};

using AppValue = QString (*)(const usecases::ApplicationMetrics &);

// The family of one per-application metric.
void applicationFamily(Exposition &out, const QList<usecases::ApplicationMetrics> &applications,
                       const QString &name, const QString &type, const QString &help, AppValue value)
{
    out.family(name, type, help);
    for (const usecases::ApplicationMetrics &application : applications)
        out.sample(name, QStringLiteral("app"), application.applicationName, value(application));
}

// The bearer secret of "Authorization: Bearer SECRET" (the header's name and the scheme in any case).
QString bearerSecret(const QHttpServerRequest &request)
{
    for (const auto &[name, value] : request.headers()) {
        if (name.compare("authorization", Qt::CaseInsensitive) != 0)
            continue;
        const QString header = QString::fromLatin1(value).trimmed();
        const qsizetype space = header.indexOf(u' ');
        if (space > 0 && header.first(space).compare(u"Bearer", Qt::CaseInsensitive) == 0)
            return header.sliced(space + 1).trimmed();
    }
    return {};
}

QHttpServerResponse plainText(const QString &message, QHttpServerResponse::StatusCode code)
{
    return QHttpServerResponse(QByteArrayLiteral("text/plain; charset=utf-8"), (message + u'\n').toUtf8(),
                               code);
}

} // namespace

QByteArray prometheusText(const QString &version, const usecases::PlatformMetrics &platform,
                          const QList<usecases::ApplicationMetrics> &applications,
                          const usecases::DiskUsage &disk)
{
    const QString gauge = QStringLiteral("gauge");
    const QString counter = QStringLiteral("counter");
    Exposition out;
    out.family(QStringLiteral("vitrine_up"), gauge, QStringLiteral("1 while the Vitrine server answers."));
    out.sample(QStringLiteral("vitrine_up"), QStringLiteral("1"));
    out.family(QStringLiteral("vitrine_info"), gauge, QStringLiteral("The Vitrine server's version."));
    out.sample(QStringLiteral("vitrine_info"), QStringLiteral("version"), version, QStringLiteral("1"));

    if (platform.collected) {
        out.family(QStringLiteral("vitrine_applications"), gauge,
                   QStringLiteral("Applications by deploy type."));
        for (const domain::DeployType type : {domain::DeployType::Static, domain::DeployType::Runtime}) {
            out.sample(QStringLiteral("vitrine_applications"), QStringLiteral("deploy_type"),
                       domain::deployTypeName(type),
                       QString::number(platform.applicationsByDeployType.value(type)));
        }
        out.family(QStringLiteral("vitrine_builds"), gauge, QStringLiteral("Builds waiting or running."));
        out.sample(QStringLiteral("vitrine_builds"), QStringLiteral("state"), QStringLiteral("queued"),
                   QString::number(platform.buildsQueued));
        out.sample(QStringLiteral("vitrine_builds"), QStringLiteral("state"), QStringLiteral("building"),
                   QString::number(platform.buildsBuilding));
        out.family(QStringLiteral("vitrine_instances"), gauge,
                   QStringLiteral("Instances of runtime applications by state."));
        for (const domain::InstanceState state : kInstanceStates) {
            out.sample(QStringLiteral("vitrine_instances"), QStringLiteral("state"),
                       domain::instanceStateName(state),
                       QString::number(platform.instancesByState.value(state)));
        }
    }

    applicationFamily(out, applications, QStringLiteral("vitrine_app_cpu_seconds_total"), counter,
                      QStringLiteral("CPU time the application's instances used, in seconds."),
                      [](const usecases::ApplicationMetrics &app) { return number(app.cpuSecondsTotal); });
    applicationFamily(out, applications, QStringLiteral("vitrine_app_cpu_cores"), gauge,
                      QStringLiteral("CPU the application used over the last sample interval, in cores."),
                      [](const usecases::ApplicationMetrics &app) { return number(app.cpuCores); });
    applicationFamily(
        out, applications, QStringLiteral("vitrine_app_memory_bytes"), gauge,
        QStringLiteral("Resident memory of the application's instances."),
        [](const usecases::ApplicationMetrics &app) { return QString::number(app.memoryBytes); });
    applicationFamily(
        out, applications, QStringLiteral("vitrine_app_restarts_total"), counter,
        QStringLiteral("Restarts of the application's instances after they exited."),
        [](const usecases::ApplicationMetrics &app) { return QString::number(app.restartsTotal); });
    applicationFamily(
        out, applications, QStringLiteral("vitrine_app_requests_total"), counter,
        QStringLiteral("Requests the router passed to the application."),
        [](const usecases::ApplicationMetrics &app) { return QString::number(app.requestsTotal); });

    if (disk.measured) {
        out.family(
            QStringLiteral("vitrine_disk_used_bytes"), gauge,
            QStringLiteral("Bytes under the data dir plus the images Vitrine built, as last measured."));
        out.sample(QStringLiteral("vitrine_disk_used_bytes"),
                   QString::number(disk.total.totalBytes + disk.total.imagesBytes));
        out.family(
            QStringLiteral("vitrine_app_disk_bytes"), gauge,
            QStringLiteral("Bytes the application's artifacts, releases, sites, logs and images take, as "
                           "last measured."));
        QList<usecases::ApplicationDiskUse> byName = disk.byApplication.values();
        std::sort(byName.begin(), byName.end(),
                  [](const auto &a, const auto &b) { return a.applicationName < b.applicationName; });
        for (const usecases::ApplicationDiskUse &application : std::as_const(byName))
            out.sample(QStringLiteral("vitrine_app_disk_bytes"), QStringLiteral("app"),
                       application.applicationName, QString::number(application.totalBytes()));
    }
    return out.text();
}

PrometheusEndpoint::PrometheusEndpoint(usecases::MetricsRecorder &recorder, usecases::AuthService &auth,
                                       QString version, const usecases::DiskUsageMeter *disk)
    : m_recorder(recorder)
    , m_auth(auth)
    , m_version(std::move(version))
    , m_disk(disk)
{
}

QHttpServerResponse PrometheusEndpoint::respond(const QHttpServerRequest &request) const
{
    const auto internalError = [](const std::exception &error) {
        qCWarning(lcPrometheus).noquote()
            << "/metrics: cannot check the token:" << QString::fromUtf8(error.what());
        return plainText(QStringLiteral("internal error"),
                         QHttpServerResponse::StatusCode::InternalServerError);
    };
    try {
        if (!m_auth.authenticate(bearerSecret(request)).isAdmin())
            return plainText(QStringLiteral("only admins may read the metrics"),
                             QHttpServerResponse::StatusCode::Forbidden);
    } catch (const domain::Error &error) {
        if (error.kind() != domain::ErrorKind::Unauthenticated)
            return internalError(error);
        QHttpServerResponse response =
            plainText(error.message(), QHttpServerResponse::StatusCode::Unauthorized);
        response.setHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral("Bearer realm=\"vitrine\""));
        return response;
    } catch (const std::exception &error) {
        return internalError(error);
    }
    return QHttpServerResponse(QByteArray(kPrometheusContentType),
                               prometheusText(m_version, m_recorder.platform(), m_recorder.latest(),
                                              m_disk ? m_disk->lastMeasured() : usecases::DiskUsage{}));
}

} // namespace vitrine::adapters::http
