#pragma once

#include "usecases/auth_service.h"
#include "usecases/user_service.h"
#include "vitrine/v1/users.grpc.pb.h"

namespace vitrine::adapters::grpc {

// vitrine.v1.UserService over usecases::UserService.
class UserGrpcService final : public v1::UserService::Service {
public:
    UserGrpcService(usecases::AuthService &auth, usecases::UserService &users);

    ::grpc::Status CreateUser(::grpc::ServerContext *context, const v1::CreateUserRequest *request,
                              v1::User *response) override;
    ::grpc::Status GetUser(::grpc::ServerContext *context, const v1::GetUserRequest *request,
                           v1::User *response) override;
    ::grpc::Status ListUsers(::grpc::ServerContext *context, const v1::ListUsersRequest *request,
                             v1::ListUsersResponse *response) override;
    ::grpc::Status UpdateUser(::grpc::ServerContext *context, const v1::UpdateUserRequest *request,
                              v1::User *response) override;
    ::grpc::Status DeleteUser(::grpc::ServerContext *context, const v1::DeleteUserRequest *request,
                              v1::DeleteUserResponse *response) override;
    ::grpc::Status WhoAmI(::grpc::ServerContext *context, const v1::WhoAmIRequest *request,
                          v1::User *response) override;

private:
    usecases::AuthService &m_auth;
    usecases::UserService &m_users;
};

} // namespace vitrine::adapters::grpc
