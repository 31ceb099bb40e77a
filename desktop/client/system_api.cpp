#include "client/system_api.h"

#include "client/call_scope.h"
#include "vitrine/v1/system.grpc.pb.h"

namespace vitrine::desktop {

namespace pb = ::vitrine::v1;

void fetchServerInfo(ApiClient &client, QObject *receiver, ResultHandler<ServerInfo> done)
{
    runCall(
        client, receiver, &pb::SystemService::Stub::GetSystemInfo, pb::GetSystemInfoRequest(),
        [](const pb::SystemInfo &reply) {
            return ServerInfo{
                .version = QString::fromStdString(reply.version()),
                .database = QString::fromStdString(reply.database()),
                .userName = QString::fromStdString(reply.caller().name()),
                .userIsAdmin = reply.caller().role() == pb::ROLE_ADMIN,
                .webhookBaseUrl = QString::fromStdString(reply.webhook_base_url()),
                .siteScheme = QString::fromStdString(reply.site_scheme()),
                .sitePort = static_cast<int>(reply.site_port()),
            };
        },
        std::move(done));
}

} // namespace vitrine::desktop
