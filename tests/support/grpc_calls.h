#pragma once

#include "vitrine/v1/tokens.grpc.pb.h"
#include "vitrine/v1/users.grpc.pb.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include <QByteArray>
#include <QString>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

// gRPC calls for end-to-end tests, with a token and a deadline so that a hung server fails the test instead
// of hanging it.
namespace vitrine::tests {

inline std::string str(const QString &text)
{
    return text.toStdString();
}

// "status CODE: MESSAGE", for a failed check's message.
inline QByteArray describe(const grpc::Status &status)
{
    return "status " + QByteArray::number(status.error_code()) + ": " +
           QByteArray::fromStdString(status.error_message());
}

inline void authorize(grpc::ClientContext &context, const std::string &token)
{
    context.AddMetadata("authorization", "Bearer " + token);
}

// A unary call with the token and a 30 s deadline.
template<typename Stub, typename Request, typename Response>
grpc::Status call(const std::shared_ptr<grpc::Channel> &channel, const std::string &token,
                  grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
                  const Request &request, Response *response)
{
    Stub stub(channel);
    grpc::ClientContext context;
    authorize(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub.*method)(&context, request, response);
}

// Reads a server stream to its end, or until `seconds` passed, and returns what came. `start` opens the call
// on the context it is given.
template<typename Response, typename Start>
std::vector<Response> readStream(const std::string &token, int seconds, Start start)
{
    grpc::ClientContext context;
    authorize(context, token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
    std::unique_ptr<grpc::ClientReader<Response>> reader = start(&context);
    std::vector<Response> received;
    Response response;
    while (reader->Read(&response))
        received.push_back(response);
    reader->Finish();
    return received;
}

// Creates the member `name` and a token for them, as the admin; returns the token's secret, or an empty
// string when either call failed.
inline std::string createMemberToken(const std::shared_ptr<grpc::Channel> &channel,
                                     const std::string &adminToken, const std::string &name)
{
    v1::CreateUserRequest user;
    user.set_name(name);
    v1::User created;
    if (!call(channel, adminToken, &v1::UserService::Stub::CreateUser, user, &created).ok())
        return {};
    v1::CreateTokenRequest token;
    token.set_user(name);
    token.set_description("test");
    v1::CreateTokenResponse secret;
    if (!call(channel, adminToken, &v1::TokenService::Stub::CreateToken, token, &secret).ok())
        return {};
    return secret.secret();
}

} // namespace vitrine::tests

// Checks a call's grpc::Status is OK, showing the status otherwise; evaluates it once.
#define VERIFY_OK(status)                                                                                    \
    do {                                                                                                     \
        const grpc::Status checked = (status);                                                               \
        QVERIFY2(checked.ok(), vitrine::tests::describe(checked).constData());                               \
    } while (false)
