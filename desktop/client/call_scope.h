#pragma once

#include "client/api_client.h"
#include "client/connection_channel.h"
#include "client/in_flight_call.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <QList>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace vitrine::desktop {

// What a call running on ApiClient's worker has: the channel and the settings. Only the client's typed calls
// (the *_api.cpp files) see it; views never meet gRPC.
class CallScope {
public:
    CallScope(const ConnectionSettings &settings, std::shared_ptr<grpc::Channel> channel,
              InFlightCall &inFlight);

    const ConnectionSettings &settings() const { return m_settings; }
    const std::shared_ptr<grpc::Channel> &channel() const { return m_channel; }

    // Makes one call, `call(context)`, with the bearer token and the settings' deadline set on the context;
    // cancelled when the client goes.
    template<typename Call>
    grpc::Status invoke(Call &&call)
    {
        grpc::ClientContext context;
        prepare(context);
        return m_inFlight.run(context, [&] { return call(context); });
    }

    // The failed call's message for the user, with the refused field for INVALID_ARGUMENT.
    template<typename T>
    CallResult<T> failure(const grpc::Status &status) const
    {
        CallResult<T> result;
        result.error = describeCallFailure(status, m_settings);
        result.errorField = refusedField(status);
        return result;
    }

    // `value` as a result.
    template<typename T>
    static CallResult<T> success(T value)
    {
        CallResult<T> result;
        result.value = std::move(value);
        return result;
    }

private:
    void prepare(grpc::ClientContext &context) const;
    static QString refusedField(const grpc::Status &status);

    const ConnectionSettings &m_settings;
    const std::shared_ptr<grpc::Channel> m_channel;
    InFlightCall &m_inFlight;
};

// A generated stub's unary method: `Status Method(ClientContext *, const Request &, Reply *)`.
template<typename Stub, typename Request, typename Reply>
using StubMethod = grpc::Status (Stub::*)(grpc::ClientContext *, const Request &, Reply *);

// Turns any reply into Done, for calls that answer with nothing worth keeping.
inline constexpr auto toDone = [](const auto &) { return Done{}; };

// Makes one call of `method` with `request` on the client's worker; `convert(reply)` is what `done` gets.
template<typename T, typename Stub, typename Request, typename Reply, typename Convert>
void runCall(ApiClient &client, QObject *receiver, StubMethod<Stub, Request, Reply> method,
             std::type_identity_t<Request> request, Convert convert, ResultHandler<T> done)
{
    client.run<T>(
        receiver,
        [method, request = std::move(request), convert = std::move(convert)](CallScope &scope) {
            Stub stub(scope.channel());
            Reply reply;
            const grpc::Status status = scope.invoke(
                [&](grpc::ClientContext &context) { return (stub.*method)(&context, request, &reply); });
            if (!status.ok())
                return scope.failure<T>(status);
            return CallScope::success(T(convert(reply)));
        },
        std::move(done));
}

// Fetches every page of a paged list on the client's worker: `method` with `request` and the page fields set,
// until the server gives no next page token. `itemsOf(reply)` is a page's repeated field, `convert` turns one
// of its items into an Item; `done` gets them all, or the first failure.
template<typename Item, typename Stub, typename Request, typename Reply, typename ItemsOf, typename Convert>
void listAllPages(ApiClient &client, QObject *receiver, StubMethod<Stub, Request, Reply> method,
                  std::type_identity_t<Request> request, ItemsOf itemsOf, Convert convert,
                  ResultHandler<QList<Item>> done)
{
    // The server caps a page at this size; asking for the most keeps the round trips few.
    constexpr int kPageSize = 1000;
    client.run<QList<Item>>(
        receiver,
        [method, request = std::move(request), itemsOf = std::move(itemsOf),
         convert = std::move(convert)](CallScope &scope) {
            Stub stub(scope.channel());
            Request page = request;
            QList<Item> items;
            std::string pageToken;
            do {
                page.mutable_page()->set_page_size(kPageSize);
                page.mutable_page()->set_page_token(pageToken);
                Reply reply;
                const grpc::Status status = scope.invoke(
                    [&](grpc::ClientContext &context) { return (stub.*method)(&context, page, &reply); });
                if (!status.ok())
                    return scope.failure<QList<Item>>(status);
                for (const auto &item : itemsOf(reply))
                    items.append(convert(item));
                pageToken = reply.next_page_token();
            } while (!pageToken.empty());
            return CallScope::success(std::move(items));
        },
        std::move(done));
}

} // namespace vitrine::desktop
