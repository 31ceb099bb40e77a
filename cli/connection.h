#pragma once

#include "command_line.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace vitrine::cli {

// The global flags that say where the server is and who calls: --server, --token, --tls, --ca-file.
QList<Flag> connectionFlags();

// A channel to the server that sends the caller's token with every call. Each call has a deadline, and a
// failed call becomes a CommandError: the server's own message when it refused the request, the address when
// the server could not be reached.
class Connection {
public:
    // Flags first, then VITRINE_SERVER and VITRINE_TOKEN. Without any token: a CommandError telling how to
    // set one; an unreadable --ca-file: a CommandError naming it.
    explicit Connection(const Invocation &invocation);

    // One unary call, e.g. call(&v1::UserService::Stub::WhoAmI, request).
    template<typename Stub, typename Request, typename Response>
    Response call(grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
                  const Request &request) const
    {
        Stub stub(m_channel);
        grpc::ClientContext context;
        prepare(context);
        Response response;
        check((stub.*method)(&context, request, &response));
        return response;
    }

    // Calls a paged List method until the last page; the answer holds every item and no next_page_token.
    template<typename Stub, typename Request, typename Response>
    Response callAllPages(grpc::Status (Stub::*method)(grpc::ClientContext *, const Request &, Response *),
                          Request request) const
    {
        Response all;
        for (;;) {
            Response page = call(method, request);
            std::string nextPageToken = page.next_page_token();
            page.clear_next_page_token();
            all.MergeFrom(page);
            if (nextPageToken.empty())
                return all;
            request.mutable_page()->set_page_token(std::move(nextPageToken));
        }
    }

    // One server-streaming call without a deadline (it may follow a build for as long as it runs), e.g.
    // stream(&v1::BuildService::Stub::StreamBuildLog, request, print). Hands each message to onMessage
    // until the stream ends, or until onMessage returns false (the call is then canceled); a failed call is a
    // CommandError as for call().
    template<typename Stub, typename Request, typename Response>
    void stream(std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext *,
                                                                              const Request &),
                const Request &request, const std::function<bool(const Response &)> &onMessage) const
    {
        Stub stub(m_channel);
        grpc::ClientContext context;
        context.AddMetadata("authorization", m_authorization);
        const std::unique_ptr<grpc::ClientReader<Response>> reader = (stub.*method)(&context, request);
        Response message;
        while (reader->Read(&message)) {
            if (!onMessage(message)) {
                context.TryCancel();
                reader->Finish();
                return;
            }
        }
        check(reader->Finish());
    }

private:
    void prepare(grpc::ClientContext &context) const;
    void check(const grpc::Status &status) const;

    QString m_server;
    bool m_tls = false;
    std::string m_authorization;
    std::shared_ptr<grpc::Channel> m_channel;
};

} // namespace vitrine::cli
