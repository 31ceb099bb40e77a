#include "client/connection_channel.h"

#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QFile>

#include <chrono>

namespace vitrine::desktop {

namespace {

// The translation context of this file's messages.
class ConnectionChannel {
    Q_DECLARE_TR_FUNCTIONS(ConnectionChannel)
};

} // namespace

std::shared_ptr<grpc::Channel> openChannel(const ConnectionSettings &settings, QString *error)
{
    const std::string target = settings.serverAddress.toStdString();
    if (!settings.useTls)
        return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());

    grpc::SslCredentialsOptions options;
    if (!settings.caFile.isEmpty()) {
        QFile file(settings.caFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = ConnectionChannel::tr("Cannot read the CA file %1: %2")
                         .arg(settings.caFile, file.errorString());
            return nullptr;
        }
        options.pem_root_certs = file.readAll().toStdString();
    }
    return grpc::CreateChannel(target, grpc::SslCredentials(options));
}

QString describeCallFailure(const grpc::Status &status, const ConnectionSettings &settings)
{
    const QString detail = QString::fromStdString(status.error_message());
    switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
        if (settings.useTls)
            return ConnectionChannel::tr("Cannot reach %1 over TLS. Does vitrine-server there serve TLS, "
                                         "with a certificate the CA file vouches for? (%2)")
                .arg(settings.serverAddress, detail);
        return ConnectionChannel::tr("Cannot reach %1. Is vitrine-server running there, without TLS? (%2)")
            .arg(settings.serverAddress, detail);
    case grpc::StatusCode::DEADLINE_EXCEEDED: {
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(settings.callTimeout).count();
        return ConnectionChannel::tr("%1 did not answer within %2 s.")
            .arg(settings.serverAddress)
            .arg(seconds);
    }
    case grpc::StatusCode::UNAUTHENTICATED:
        return ConnectionChannel::tr("The server refused the token: %1").arg(detail);
    default:
        // The server's messages are written for the user (they name the field or the object).
        if (!detail.isEmpty())
            return detail;
        return ConnectionChannel::tr("The server answered with error code %1.")
            .arg(static_cast<int>(status.error_code()));
    }
}

} // namespace vitrine::desktop
