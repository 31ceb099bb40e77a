#include "adapters/grpc/grpc_logging.h"

#include <grpc/support/log.h>

#include <QFileInfo>
#include <QString>

namespace vitrine::adapters::grpc {

Q_LOGGING_CATEGORY(lcGrpc, "vitrine.grpc")

namespace {

void forwardCoreLog(gpr_log_func_args *args)
{
    // A file name and a line number never need logfmt quoting.
    const QString message =
        QStringLiteral("%1 source=%2:%3")
            .arg(QString::fromUtf8(args->message), QFileInfo(QString::fromUtf8(args->file)).fileName())
            .arg(args->line);
    switch (args->severity) {
    case GPR_LOG_SEVERITY_DEBUG:
        qCDebug(lcGrpc).noquote() << message;
        break;
    case GPR_LOG_SEVERITY_INFO:
        qCInfo(lcGrpc).noquote() << message;
        break;
    case GPR_LOG_SEVERITY_ERROR:
        // gRPC logs many recoverable events as errors; the server itself reports the failures that stop it.
        qCWarning(lcGrpc).noquote() << message;
        break;
    }
}

} // namespace

void forwardCoreLogsToQt()
{
    gpr_set_log_function(forwardCoreLog);
}

} // namespace vitrine::adapters::grpc
