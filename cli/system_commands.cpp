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
    });
}

} // namespace

Command systemCommand()
{
    return {
        .name = QStringLiteral("system"),
        .summary = QStringLiteral("Facts about the server"),
        .subcommands = {{.name = QStringLiteral("info"),
                         .summary = QStringLiteral("Show the server's version, database and settings"),
                         .run = showSystemInfo}},
    };
}

} // namespace vitrine::cli
