#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/system.grpc.pb.h"

namespace vitrine::cli {

namespace {

void showSystemInfo(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const v1::SystemInfo info =
        Connection(invocation).call(&v1::SystemService::Stub::GetSystemInfo, v1::GetSystemInfoRequest());
    if (format == OutputFormat::Json) {
        printJson(info);
        return;
    }
    printFields({
        {QStringLiteral("Server version"), QString::fromStdString(info.version())},
        {QStringLiteral("Server time"), formatTime(info.server_time())},
        {QStringLiteral("Started"), formatTime(info.started_at())},
        {QStringLiteral("Database"), QString::fromStdString(info.database())},
        {QStringLiteral("Local repositories"),
         info.allow_local_repos() ? QStringLiteral("allowed") : QStringLiteral("refused")},
        {QStringLiteral("You"), QStringLiteral("%1 (%2)").arg(QString::fromStdString(info.caller().name()),
                                                              roleName(info.caller().role()))},
        {QStringLiteral("Webhooks"),
         QString::fromStdString(info.webhook_base_url()) + QStringLiteral("{github,gitea}")},
        {QStringLiteral("Websites"),
         info.site_port() == 0 ? QStringLiteral("%1://FQDN").arg(QString::fromStdString(info.site_scheme()))
                               : QStringLiteral("%1://FQDN:%2")
                                     .arg(QString::fromStdString(info.site_scheme()))
                                     .arg(info.site_port())},
    });
}

// "850 ms", "12.4 s", "3 min 20 s".
QString formatDuration(const google::protobuf::Duration &duration)
{
    const qint64 milliseconds = duration.seconds() * 1000 + duration.nanos() / 1'000'000;
    if (milliseconds < 1000)
        return QStringLiteral("%1 ms").arg(milliseconds);
    if (milliseconds < 60'000)
        return QStringLiteral("%1 s").arg(double(milliseconds) / 1000, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(milliseconds / 60'000).arg(milliseconds % 60'000 / 1000);
}

QString recentBuilds(const v1::BuildFigures &figures)
{
    QString text = QStringLiteral("%1 succeeded, %2 failed, %3 canceled")
                       .arg(figures.succeeded())
                       .arg(figures.failed())
                       .arg(figures.canceled());
    if (figures.has_duration_p50()) {
        text += QStringLiteral("; took %1 (median), %2 (90th percentile)")
                    .arg(formatDuration(figures.duration_p50()), formatDuration(figures.duration_p90()));
    }
    return text;
}

QString instances(const v1::PlatformStatus &status)
{
    QStringList states;
    for (const auto &[state, count] : status.instances_by_state()) {
        if (count > 0)
            states << QStringLiteral("%1 %2").arg(count).arg(QString::fromStdString(state));
    }
    states.sort();
    return joinedOrDash(states);
}

void showPlatformStatus(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const v1::PlatformStatus status =
        Connection(invocation)
            .call(&v1::SystemService::Stub::GetPlatformStatus, v1::GetPlatformStatusRequest());
    if (format == OutputFormat::Json) {
        printJson(status);
        return;
    }
    const v1::DiskUse &disk = status.disk();
    printFields({
        {QStringLiteral("Server time"), formatTime(status.server_time())},
        {QStringLiteral("Builds"),
         QStringLiteral("%1 queued, %2 running").arg(status.queued_builds()).arg(status.running_builds())},
        {QStringLiteral("Last %1 h").arg(status.recent_builds().window().seconds() / 3600),
         recentBuilds(status.recent_builds())},
        {QStringLiteral("Applications"), QStringLiteral("%1 static, %2 runtime")
                                             .arg(status.static_applications())
                                             .arg(status.runtime_applications())},
        {QStringLiteral("Instances"), instances(status)},
        {QStringLiteral("Open alerts"), QString::number(status.open_alerts())},
        {QStringLiteral("Disk"), QStringLiteral("%1 used, %2 free")
                                     .arg(formatBytes(disk.total_bytes()), formatBytes(disk.free_bytes()))},
        {QStringLiteral("  artifacts"), formatBytes(disk.artifacts_bytes())},
        {QStringLiteral("  websites"), formatBytes(disk.sites_bytes())},
        {QStringLiteral("  build logs"), formatBytes(disk.build_logs_bytes())},
        {QStringLiteral("  runtime logs"), formatBytes(disk.runtime_logs_bytes())},
    });
    printLine(QString());
    Table builders({QStringLiteral("BUILDER"), QStringLiteral("NAME"), QStringLiteral("WHERE"),
                    QStringLiteral("BUSY"), QStringLiteral("BUILDS")});
    for (const v1::BuilderStatus &builder : status.builders()) {
        builders.addRow({QString::fromStdString(builder.id()), QString::fromStdString(builder.name()),
                         builder.remote() ? QStringLiteral("remote") : QStringLiteral("this server"),
                         QStringLiteral("%1/%2").arg(builder.busy_slots()).arg(builder.slot_count()),
                         joinedOrDash(toQStringList(builder.build_ids()))});
    }
    builders.print();
}

} // namespace

Command systemCommand()
{
    return {
        .name = QStringLiteral("system"),
        .summary = QStringLiteral("Facts about the server"),
        .subcommands = {{.name = QStringLiteral("info"),
                         .summary = QStringLiteral("Show the server's version, database and settings"),
                         .run = showSystemInfo},
                        {.name = QStringLiteral("status"),
                         .summary =
                             QStringLiteral("Show the builders, the build queue, the last day's builds, "
                                            "the applications and the disk (admins only)"),
                         .run = showPlatformStatus}},
    };
}

} // namespace vitrine::cli
