#include "adapters/grpc/user_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "domain/error.h"

namespace vitrine::adapters::grpc {

UserGrpcService::UserGrpcService(usecases::AuthService &auth, usecases::UserService &users)
    : m_auth(auth)
    , m_users(users)
{
}

::grpc::Status UserGrpcService::CreateUser(::grpc::ServerContext *context,
                                           const v1::CreateUserRequest *request, v1::User *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const domain::Role role =
            fromPb(QStringLiteral("role"), request->role()).value_or(domain::Role::Member);
        toPb(m_users.create(caller, toQString(request->name()), role), response);
    });
}

::grpc::Status UserGrpcService::GetUser(::grpc::ServerContext *context, const v1::GetUserRequest *request,
                                        v1::User *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_users.get(caller, toQString(request->user())), response);
    });
}

::grpc::Status UserGrpcService::ListUsers(::grpc::ServerContext *context, const v1::ListUsersRequest *request,
                                          v1::ListUsersResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::Page<domain::User> page = m_users.list(caller, fromPb(request->page()));
        for (const domain::User &user : page.items)
            toPb(user, response->add_users());
        response->set_next_page_token(toStd(page.nextPageToken));
    });
}

::grpc::Status UserGrpcService::UpdateUser(::grpc::ServerContext *context,
                                           const v1::UpdateUserRequest *request, v1::User *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        std::optional<domain::Role> role;
        if (request->has_role()) {
            const QString field = QStringLiteral("role");
            role = fromPb(field, request->role());
            if (!role)
                throw domain::Error::badRequest(field,
                                                QStringLiteral("must be ROLE_MEMBER or ROLE_ADMIN when set"));
        }
        toPb(m_users.update(caller, toQString(request->user()), role), response);
    });
}

::grpc::Status UserGrpcService::DeleteUser(::grpc::ServerContext *context,
                                           const v1::DeleteUserRequest *request,
                                           v1::DeleteUserResponse * /*response*/)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        m_users.remove(caller, toQString(request->user()));
    });
}

::grpc::Status UserGrpcService::WhoAmI(::grpc::ServerContext *context, const v1::WhoAmIRequest * /*request*/,
                                       v1::User *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) { toPb(caller.user, response); });
}

} // namespace vitrine::adapters::grpc
