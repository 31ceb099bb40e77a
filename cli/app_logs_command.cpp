#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/output.grpc.pb.h"

#include <cstdio>
#include <functional>
#include <limits>
#include <optional>

namespace vitrine::cli {

namespace {

using Stub = v1::OutputService::Stub;

const QString kFollowFlag = QStringLiteral("follow");
const QString kTailFlag = QStringLiteral("tail");
const QString kAfterFlag = QStringLiteral("after");

// The value of a flag that takes a count or a sequence number.
qint64 parseNonNegative(const Invocation &invocation, const QString &flag, qint64 maximum, const char *what)
{
    bool ok = false;
    const qint64 value = invocation.value(flag).toLongLong(&ok);
    if (!ok || value < 0 || value > maximum)
        throw UsageError(QStringLiteral("--%1: expected %2, got '%3'")
                             .arg(flag, QLatin1StringView(what), invocation.value(flag)));
    return value;
}

QString streamName(v1::LogStream stream)
{
    switch (stream) {
    case v1::LOG_STREAM_STDERR:
        return QStringLiteral("err");
    case v1::LOG_STREAM_SYSTEM:
        return QStringLiteral("sys");
    default:
        return QStringLiteral("out");
    }
}

void printLogLine(const v1::LogLine &line, OutputFormat format)
{
    if (format == OutputFormat::Json)
        printJsonLine(line);
    else
        printLine(QStringList{formatTime(line.time()), streamName(line.stream()),
                              QString::fromStdString(line.text())}
                      .join(u' '));
}

void applicationLogs(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const Connection connection(invocation);
    v1::StreamOutputRequest request;
    request.set_application(invocation.argument(0).toStdString());
    request.set_follow(invocation.has(kFollowFlag));
    if (invocation.has(kTailFlag))
        request.set_tail(int(
            parseNonNegative(invocation, kTailFlag, std::numeric_limits<int>::max(), "a number of lines")));
    if (invocation.has(kAfterFlag))
        request.set_after_seq(parseNonNegative(invocation, kAfterFlag, std::numeric_limits<qint64>::max(),
                                               "a sequence number"));

    // A watcher that fell behind was dropped by the server: it resumes after the last line it printed.
    for (;;) {
        std::optional<qint64> fellBehindAfter;
        connection.stream(
            &Stub::StreamOutput, request, std::function([&](const v1::StreamOutputResponse &response) {
                if (response.dropped_lines() > 0)
                    writeStderr(
                        QStringLiteral("(%1 lines no longer kept, skipped)\n").arg(response.dropped_lines()));
                for (const v1::LogLine &line : response.lines()) {
                    printLogLine(line, format);
                    request.set_after_seq(line.seq());
                }
                std::fflush(stdout);
                if (response.has_fell_behind())
                    fellBehindAfter = response.fell_behind().last_sent_seq();
                return true;
            }));
        if (!fellBehindAfter)
            return;
        request.set_after_seq(*fellBehindAfter);
    }
}

} // namespace

Command appsLogsCommand()
{
    return {
        .name = QStringLiteral("logs"),
        .summary =
            QStringLiteral("Print an application's output (stdout and stderr): its last lines, and with "
                           "-f the new ones as they come"),
        .arguments = {{.name = QStringLiteral("APP"),
                       .description = QStringLiteral("The application's name or id")}},
        .flags = {{.name = kFollowFlag,
                   .description = QStringLiteral("Keep printing new lines until interrupted"),
                   .shortName = u'f'},
                  {.name = kTailFlag,
                   .valueName = QStringLiteral("N"),
                   .description =
                       QStringLiteral("Start with the last N lines (default 100; 0: only new ones)")},
                  {.name = kAfterFlag,
                   .valueName = QStringLiteral("SEQ"),
                   .description =
                       QStringLiteral("Start after this line number instead (as -o json shows it)")}},
        .run = applicationLogs,
    };
}

} // namespace vitrine::cli
