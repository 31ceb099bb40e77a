#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/tokens.grpc.pb.h"

#include <QDateTime>

namespace vitrine::cli {

namespace {

using Stub = v1::TokenService::Stub;

const QString kUserFlag = QStringLiteral("user");
const QString kExpiresInFlag = QStringLiteral("expires-in");

QString tokenStatus(const v1::Token &token)
{
    if (token.has_revoked_at())
        return QStringLiteral("revoked");
    if (token.has_expires_at() && token.expires_at().seconds() <= QDateTime::currentSecsSinceEpoch())
        return QStringLiteral("expired");
    return QStringLiteral("active");
}

void createToken(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::CreateTokenRequest request;
    request.set_user(invocation.value(kUserFlag).toStdString());
    request.set_description(invocation.value(QStringLiteral("description")).toStdString());
    if (invocation.has(kExpiresInFlag))
        request.mutable_expires_at()->set_seconds(
            QDateTime::currentSecsSinceEpoch() +
            parseDurationSeconds(kExpiresInFlag, invocation.value(kExpiresInFlag)));
    const v1::CreateTokenResponse response = Connection(invocation).call(&Stub::CreateToken, request);
    printResult(response, format, QString::fromStdString(response.secret()));
}

void listTokens(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListTokensRequest request;
    request.set_user(invocation.value(kUserFlag).toStdString());
    request.set_include_inactive(invocation.has(QStringLiteral("all")));
    const v1::ListTokensResponse response = Connection(invocation).call(&Stub::ListTokens, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table({QStringLiteral("ID"), QStringLiteral("USER"), QStringLiteral("DESCRIPTION"),
                 QStringLiteral("CREATED"), QStringLiteral("EXPIRES"), QStringLiteral("LAST USED"),
                 QStringLiteral("STATUS")});
    for (const v1::Token &token : response.tokens()) {
        const QString description = QString::fromStdString(token.description());
        table.addRow({QString::fromStdString(token.id()), QString::fromStdString(token.user_name()),
                      description.isEmpty() ? QStringLiteral("-") : description,
                      formatTime(token.created_at()),
                      token.has_expires_at() ? formatTime(token.expires_at()) : QStringLiteral("never"),
                      token.has_last_used_at() ? formatTime(token.last_used_at()) : QStringLiteral("never"),
                      tokenStatus(token)});
    }
    table.print();
}

void revokeToken(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::RevokeTokenRequest request;
    request.set_id(invocation.argument(0).toStdString());
    const v1::Token token = Connection(invocation).call(&Stub::RevokeToken, request);
    printResult(token, format, QStringLiteral("Revoked token %1.").arg(QString::fromStdString(token.id())));
}

} // namespace

Command tokensCommand()
{
    return {
        .name = QStringLiteral("tokens"),
        .summary = QStringLiteral("Create, list and revoke API tokens"),
        .subcommands =
            {
                {.name = QStringLiteral("create"),
                 .summary = QStringLiteral("Create a token and print its secret (shown only this once)"),
                 .flags = {{.name = kUserFlag,
                            .valueName = QStringLiteral("NAME"),
                            .description =
                                QStringLiteral("The user the token acts as (admins; default: you)")},
                           {.name = QStringLiteral("description"),
                            .valueName = QStringLiteral("TEXT"),
                            .description = QStringLiteral("What the token is for")},
                           {.name = kExpiresInFlag,
                            .valueName = QStringLiteral("DURATION"),
                            .description =
                                QStringLiteral("Expire after e.g. 30d, 12h or 1d12h (default: never)")}},
                 .run = createToken},
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List active tokens"),
                 .flags = {{.name = kUserFlag,
                            .valueName = QStringLiteral("NAME"),
                            .description = QStringLiteral("Whose tokens (admins; default: yours)")},
                           {.name = QStringLiteral("all"),
                            .description = QStringLiteral("Include revoked and expired tokens")}},
                 .run = listTokens},
                {.name = QStringLiteral("revoke"),
                 .summary = QStringLiteral("Revoke a token; it is refused from then on"),
                 .arguments = {{.name = QStringLiteral("ID"),
                                .description = QStringLiteral("The token's id")}},
                 .run = revokeToken},
            },
    };
}

} // namespace vitrine::cli
