#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/alerts.grpc.pb.h"

namespace vitrine::cli {

namespace {

using Stub = v1::AlertService::Stub;

const QString kAppFlag = QStringLiteral("app");
const QString kAllFlag = QStringLiteral("all");

void listAlerts(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListAlertsRequest request;
    request.set_application(invocation.value(kAppFlag).toStdString());
    request.set_include_acknowledged(invocation.has(kAllFlag));
    const auto response = Connection(invocation).callAllPages(&Stub::ListAlerts, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    QStringList header{QStringLiteral("ID"), QStringLiteral("APP"), QStringLiteral("KIND"),
                       QStringLiteral("OPENED")};
    if (invocation.has(kAllFlag))
        header << QStringLiteral("ACKNOWLEDGED");
    header << QStringLiteral("MESSAGE");
    Table table(header);
    for (const v1::Alert &alert : response.alerts()) {
        QStringList row{QString::fromStdString(alert.id()), QString::fromStdString(alert.application_name()),
                        QString::fromStdString(alert.kind()), formatTime(alert.opened_at())};
        if (invocation.has(kAllFlag)) {
            row << (alert.has_acknowledged_at() ? QStringLiteral("%1 by %2")
                                                      .arg(formatTime(alert.acknowledged_at()),
                                                           QString::fromStdString(alert.acknowledged_by()))
                                                : QStringLiteral("-"));
        }
        row << QString::fromStdString(alert.message());
        table.addRow(row);
    }
    table.print();
}

void acknowledgeAlert(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::AcknowledgeAlertRequest request;
    request.set_alert_id(invocation.argument(0).toStdString());
    const v1::Alert alert = Connection(invocation).call(&Stub::AcknowledgeAlert, request);
    printResult(alert, format,
                QStringLiteral("Acknowledged alert %1 (%2 of %3).")
                    .arg(invocation.argument(0), QString::fromStdString(alert.kind()),
                         QString::fromStdString(alert.application_name())));
}

} // namespace

Command alertsCommand()
{
    return {
        .name = QStringLiteral("alerts"),
        .summary = QStringLiteral("Look at alerts about applications (restart loops, out of memory, failed "
                                  "deploys) and acknowledge them"),
        .subcommands =
            {
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List the open alerts you can see, newest first"),
                 .flags = {{.name = kAppFlag,
                            .valueName = QStringLiteral("APP"),
                            .description = QStringLiteral("Only this application's alerts")},
                           {.name = kAllFlag,
                            .description = QStringLiteral("Also the alerts acknowledged already")}},
                 .run = listAlerts},
                {.name = QStringLiteral("ack"),
                 .summary = QStringLiteral("Acknowledge an open alert"),
                 .arguments = {{.name = QStringLiteral("ALERT"),
                                .description = QStringLiteral("The alert's id")}},
                 .run = acknowledgeAlert},
            },
    };
}

} // namespace vitrine::cli
