#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/metrics.grpc.pb.h"

#include <QDateTime>

#include <cstdio>
#include <functional>

namespace vitrine::cli {

namespace {

using Stub = v1::MetricsService::Stub;

const QString kSinceFlag = QStringLiteral("since");
const QString kFollowFlag = QStringLiteral("follow");
const QString kDefaultSince = QStringLiteral("5m");

// "12.5%" of one core; above 100% the application kept more than one core busy.
QString cpuPercent(double cores)
{
    return QString::number(cores * 100, 'f', 1) + u'%';
}

QStringList header()
{
    return {QStringLiteral("TIME"), QStringLiteral("CPU"), QStringLiteral("MEMORY"),
            QStringLiteral("RESTARTS"), QStringLiteral("REQUESTS")};
}

QStringList row(const v1::MetricsSample &sample)
{
    return {formatTime(sample.time()), cpuPercent(sample.cpu_cores()), formatBytes(sample.memory_bytes()),
            QString::number(sample.restarts()), QString::number(sample.requests())};
}

// A followed sample as one line with fixed columns, under the header printed first: the table cannot be
// aligned to rows that have not arrived yet.
QString followedLine(const QStringList &cells)
{
    constexpr int kWidths[] = {19, 8, 10, 8, 8};
    QString line;
    for (qsizetype i = 0; i < cells.size(); ++i)
        line += (i + 1 < cells.size() ? cells[i].leftJustified(kWidths[i]) + QStringLiteral("  ") : cells[i]);
    return line;
}

google::protobuf::Timestamp secondsAgo(qint64 seconds)
{
    google::protobuf::Timestamp time;
    time.set_seconds(QDateTime::currentSecsSinceEpoch() - seconds);
    return time;
}

void followMetrics(const Invocation &invocation, OutputFormat format, qint64 sinceSeconds)
{
    v1::StreamMetricsRequest request;
    request.set_application(invocation.argument(0).toStdString());
    *request.mutable_since() = secondsAgo(sinceSeconds);
    if (format == OutputFormat::Table) {
        printLine(followedLine(header()));
        std::fflush(stdout);
    }
    Connection(invocation)
        .stream(&Stub::StreamMetrics, request, std::function([&](const v1::MetricsSample &sample) {
            if (format == OutputFormat::Json)
                printJsonLine(sample);
            else
                printLine(followedLine(row(sample)));
            std::fflush(stdout);
            return true;
        }));
    writeStderr(QStringLiteral("application %1 was deleted\n").arg(invocation.argument(0)));
}

void showMetrics(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const qint64 sinceSeconds = parseDurationSeconds(kSinceFlag, invocation.value(kSinceFlag, kDefaultSince));
    if (invocation.has(kFollowFlag)) {
        followMetrics(invocation, format, sinceSeconds);
        return;
    }
    v1::QueryMetricsRequest request;
    request.set_application(invocation.argument(0).toStdString());
    *request.mutable_from() = secondsAgo(sinceSeconds);
    const v1::QueryMetricsResponse response = Connection(invocation).call(&Stub::QueryMetrics, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table(header());
    for (const v1::MetricsSample &sample : response.samples())
        table.addRow(row(sample));
    table.print();
    if (response.samples().empty())
        writeStderr(QStringLiteral("no metrics since %1 ago: an application has them only while it runs or "
                                   "serves requests\n")
                        .arg(invocation.value(kSinceFlag, kDefaultSince)));
}

} // namespace

Command appsMetricsCommand()
{
    return {.name = QStringLiteral("metrics"),
            .summary = QStringLiteral("Show an application's CPU, memory, restarts and requests over time"),
            .arguments = {{.name = QStringLiteral("APP"),
                           .description = QStringLiteral("The application's name or id")}},
            .flags = {{.name = kSinceFlag,
                       .valueName = QStringLiteral("DURATION"),
                       .description = QStringLiteral("From this long ago, e.g. 90s, 30m, 6h, 3d (default 5m; "
                                                     "older metrics come in coarser steps)")},
                      {.name = kFollowFlag,
                       .description = QStringLiteral("Then print each new sample as it is taken"),
                       .shortName = u'f'}},
            .run = showMetrics};
}

} // namespace vitrine::cli
