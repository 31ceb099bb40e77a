#include "adapters/grpc/token_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

namespace vitrine::adapters::grpc {

TokenGrpcService::TokenGrpcService(usecases::AuthService &auth, usecases::TokenService &tokens)
    : m_auth(auth)
    , m_tokens(tokens)
{
}

::grpc::Status TokenGrpcService::CreateToken(::grpc::ServerContext *context,
                                             const v1::CreateTokenRequest *request,
                                             v1::CreateTokenResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const QDateTime expiresAt = request->has_expires_at()
                                        ? fromTimestamp(QStringLiteral("expires_at"), request->expires_at())
                                        : QDateTime();
        const usecases::CreatedToken created =
            m_tokens.create(caller, toQString(request->user()), toQString(request->description()), expiresAt);
        toPb(created.token, response->mutable_token());
        response->set_secret(toStd(created.secret));
    });
}

::grpc::Status TokenGrpcService::ListTokens(::grpc::ServerContext *context,
                                            const v1::ListTokensRequest *request,
                                            v1::ListTokensResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const QList<domain::Token> tokens =
            m_tokens.list(caller, toQString(request->user()), request->include_inactive());
        for (const domain::Token &token : tokens)
            toPb(token, response->add_tokens());
    });
}

::grpc::Status TokenGrpcService::RevokeToken(::grpc::ServerContext *context,
                                             const v1::RevokeTokenRequest *request, v1::Token *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_tokens.revoke(caller, toQString(request->id())), response);
    });
}

} // namespace vitrine::adapters::grpc
