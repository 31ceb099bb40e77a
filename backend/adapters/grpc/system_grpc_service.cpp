#include "adapters/grpc/system_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

#include <utility>

namespace vitrine::adapters::grpc {

SystemGrpcService::SystemGrpcService(usecases::AuthService &auth, SystemFacts facts)
    : m_auth(auth)
    , m_facts(std::move(facts))
{
}

::grpc::Status SystemGrpcService::GetSystemInfo(::grpc::ServerContext *context,
                                                const v1::GetSystemInfoRequest * /*request*/,
                                                v1::SystemInfo *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        response->set_version(toStd(m_facts.version));
        *response->mutable_server_time() = toTimestamp(QDateTime::currentDateTimeUtc());
        *response->mutable_started_at() = toTimestamp(m_facts.startedAt);
        response->set_database(toStd(m_facts.database));
        response->set_allow_local_repos(m_facts.allowLocalRepos);
        toPb(caller.user, response->mutable_caller());
    });
}

} // namespace vitrine::adapters::grpc
