#include "connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <QFile>

#include <chrono>

namespace vitrine::cli {

namespace {

const QString kServerFlag = QStringLiteral("server");
const QString kTokenFlag = QStringLiteral("token");
const QString kTlsFlag = QStringLiteral("tls");
const QString kCaFileFlag = QStringLiteral("ca-file");
const QString kDefaultServer = QStringLiteral("127.0.0.1:50051");

// Long enough for a busy server, short enough that a silent network does not leave the user waiting.
constexpr std::chrono::seconds kCallDeadline{15};

// A flag wins over the environment variable. Trimmed: a value pasted from a file often ends in a newline.
QString flagOrEnvironment(const Invocation &invocation, const QString &flag, const char *variable)
{
    return (invocation.has(flag) ? invocation.value(flag) : qEnvironmentVariable(variable)).trimmed();
}

std::shared_ptr<grpc::ChannelCredentials> channelCredentials(const Invocation &invocation)
{
    if (invocation.has(kCaFileFlag)) {
        const QString path = invocation.value(kCaFileFlag);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw CommandError(QStringLiteral("cannot read --ca-file %1: %2").arg(path, file.errorString()),
                               ExitCode::Usage);
        grpc::SslCredentialsOptions options;
        options.pem_root_certs = file.readAll().toStdString();
        return grpc::SslCredentials(options);
    }
    if (invocation.has(kTlsFlag))
        return grpc::SslCredentials(grpc::SslCredentialsOptions());
    return grpc::InsecureChannelCredentials();
}

} // namespace

QList<Flag> connectionFlags()
{
    return {
        {.name = kServerFlag,
         .valueName = QStringLiteral("ADDR"),
         .description =
             QStringLiteral("gRPC address of the server, host:port (default: $VITRINE_SERVER, else %1)")
                 .arg(kDefaultServer)},
        {.name = kTokenFlag,
         .valueName = QStringLiteral("TOKEN"),
         .description = QStringLiteral("API token to call with (default: $VITRINE_TOKEN)")},
        {.name = kTlsFlag,
         .description = QStringLiteral("Connect over TLS, trusting the system's certificate authorities")},
        {.name = kCaFileFlag,
         .valueName = QStringLiteral("FILE"),
         .description =
             QStringLiteral("Connect over TLS, trusting the certificate authorities in FILE (PEM)")},
    };
}

Connection::Connection(const Invocation &invocation)
    : m_server(flagOrEnvironment(invocation, kServerFlag, "VITRINE_SERVER"))
    , m_tls(invocation.has(kTlsFlag) || invocation.has(kCaFileFlag))
{
    if (m_server.isEmpty())
        m_server = kDefaultServer;

    const QString token = flagOrEnvironment(invocation, kTokenFlag, "VITRINE_TOKEN");
    if (token.isEmpty())
        throw CommandError(
            QStringLiteral("no API token: set VITRINE_TOKEN or pass --token. The server writes the "
                           "admin's token to DATA_DIR/admin.token on its first start: "
                           "export VITRINE_TOKEN=$(cat DATA_DIR/admin.token)"),
            ExitCode::Usage);
    m_authorization = QStringLiteral("Bearer %1").arg(token).toStdString();

    grpc::ChannelArguments arguments;
    arguments.SetUserAgentPrefix("vitrinectl/" VITRINE_VERSION);
    m_channel = grpc::CreateCustomChannel(m_server.toStdString(), channelCredentials(invocation), arguments);
}

void Connection::prepare(grpc::ClientContext &context) const
{
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    context.AddMetadata("authorization", m_authorization);
}

void Connection::check(const grpc::Status &status) const
{
    const QString message = QString::fromStdString(status.error_message());
    switch (status.error_code()) {
    case grpc::StatusCode::OK:
        return;
    case grpc::StatusCode::UNAVAILABLE:
        throw CommandError(
            QStringLiteral("cannot reach the server at %1 (%2). Is it running? Give its address with "
                           "--server or VITRINE_SERVER; %3.")
                .arg(m_server, message,
                     m_tls ? QStringLiteral("its certificate must come from a trusted authority (--ca-file)")
                           : QStringLiteral("add --tls if it serves TLS")));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
        throw CommandError(QStringLiteral("the server at %1 did not answer within %2 s")
                               .arg(m_server)
                               .arg(kCallDeadline.count()));
    case grpc::StatusCode::UNAUTHENTICATED:
        throw CommandError(QStringLiteral("%1 (check the token in --token or VITRINE_TOKEN)").arg(message));
    default:
        throw CommandError(message.isEmpty()
                               ? QStringLiteral("the server failed the request (gRPC status %1)")
                                     .arg(int(status.error_code()))
                               : message);
    }
}

} // namespace vitrine::cli
