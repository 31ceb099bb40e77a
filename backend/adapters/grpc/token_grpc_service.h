#pragma once

#include "usecases/auth_service.h"
#include "usecases/token_service.h"
#include "vitrine/v1/tokens.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.TokenService over usecases::TokenService.
class TokenGrpcService final : public v1::TokenService::Service {
public:
    TokenGrpcService(usecases::AuthService &auth, usecases::TokenService &tokens);

    ::grpc::Status CreateToken(::grpc::ServerContext *context, const v1::CreateTokenRequest *request,
                               v1::CreateTokenResponse *response) override;
    ::grpc::Status ListTokens(::grpc::ServerContext *context, const v1::ListTokensRequest *request,
                              v1::ListTokensResponse *response) override;
    ::grpc::Status RevokeToken(::grpc::ServerContext *context, const v1::RevokeTokenRequest *request,
                               v1::Token *response) override;

private:
    usecases::AuthService &m_auth;
    usecases::TokenService &m_tokens;
};

} // namespace vitrine::adapters::grpc
