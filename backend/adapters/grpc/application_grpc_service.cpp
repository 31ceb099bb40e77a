#include "adapters/grpc/application_grpc_service.h"

#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"

namespace vitrine::adapters::grpc {

namespace {

void toEnvResponse(const domain::Application &application, v1::ListEnvVarsResponse *response)
{
    toPb(application.env, response->mutable_env());
    response->set_config_hash(toStd(application.configHash));
}

} // namespace

ApplicationGrpcService::ApplicationGrpcService(usecases::AuthService &auth,
                                               usecases::ApplicationService &applications)
    : m_auth(auth)
    , m_applications(applications)
{
}

::grpc::Status ApplicationGrpcService::CreateApplication(::grpc::ServerContext *context,
                                                         const v1::CreateApplicationRequest *request,
                                                         v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        usecases::NewApplication application;
        application.name = toQString(request->name());
        application.repositoryRef = toQString(request->repository());
        application.ref = toQString(request->ref());
        application.deployType = fromPb(QStringLiteral("deploy_type"), request->deploy_type());
        application.build = fromPb(QStringLiteral("build"), request->build());
        application.websites = fromPb(QStringLiteral("websites"), request->websites());
        application.env = fromPb(QStringLiteral("env"), request->env());
        application.ownerNames = toQStringList(request->owners());
        application.autoSleepSeconds = request->auto_sleep_seconds();
        application.spaFallback = request->spa_fallback();
        application.healthCheckPath = toQString(request->health_check_path());
        application.memoryLimitMb = request->memory_limit_mb();
        application.cpuMillicores = request->cpu_millicores();
        toPb(m_applications.create(caller, application), response);
    });
}

::grpc::Status ApplicationGrpcService::GetApplication(::grpc::ServerContext *context,
                                                      const v1::GetApplicationRequest *request,
                                                      v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_applications.get(caller, toQString(request->application())), response);
    });
}

::grpc::Status ApplicationGrpcService::ListApplications(::grpc::ServerContext *context,
                                                        const v1::ListApplicationsRequest *request,
                                                        v1::ListApplicationsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const usecases::Page<domain::Application> page = m_applications.list(
            caller, toQString(request->owner()), toQString(request->repository()), fromPb(request->page()));
        for (const domain::Application &application : page.items)
            toPb(application, response->add_applications());
        response->set_next_page_token(toStd(page.nextPageToken));
    });
}

::grpc::Status ApplicationGrpcService::UpdateApplication(::grpc::ServerContext *context,
                                                         const v1::UpdateApplicationRequest *request,
                                                         v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        usecases::ApplicationChanges changes;
        if (request->has_ref())
            changes.ref = toQString(request->ref());
        changes.deployType = fromPb(QStringLiteral("deploy_type"), request->deploy_type());
        if (request->has_build())
            changes.build = fromPb(QStringLiteral("build"), request->build());
        if (request->has_websites())
            changes.websites = fromPb(QStringLiteral("websites"), request->websites().items());
        if (request->has_owners())
            changes.ownerNames = toQStringList(request->owners().names());
        if (request->has_auto_sleep_seconds())
            changes.autoSleepSeconds = request->auto_sleep_seconds();
        if (request->has_spa_fallback())
            changes.spaFallback = request->spa_fallback();
        if (request->has_health_check_path())
            changes.healthCheckPath = toQString(request->health_check_path());
        if (request->has_memory_limit_mb())
            changes.memoryLimitMb = request->memory_limit_mb();
        if (request->has_cpu_millicores())
            changes.cpuMillicores = request->cpu_millicores();
        toPb(m_applications.update(caller, toQString(request->application()), changes), response);
    });
}

::grpc::Status ApplicationGrpcService::DeleteApplication(::grpc::ServerContext *context,
                                                         const v1::DeleteApplicationRequest *request,
                                                         v1::DeleteApplicationResponse * /*response*/)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        m_applications.remove(caller, toQString(request->application()));
    });
}

::grpc::Status ApplicationGrpcService::StartApplication(::grpc::ServerContext *context,
                                                        const v1::ApplicationActionRequest *request,
                                                        v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_applications.start(caller, toQString(request->application())), response);
    });
}

::grpc::Status ApplicationGrpcService::StopApplication(::grpc::ServerContext *context,
                                                       const v1::ApplicationActionRequest *request,
                                                       v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_applications.stop(caller, toQString(request->application())), response);
    });
}

::grpc::Status ApplicationGrpcService::RestartApplication(::grpc::ServerContext *context,
                                                          const v1::ApplicationActionRequest *request,
                                                          v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_applications.restart(caller, toQString(request->application())), response);
    });
}

::grpc::Status ApplicationGrpcService::RollbackApplication(::grpc::ServerContext *context,
                                                           const v1::RollbackApplicationRequest *request,
                                                           v1::Application *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toPb(m_applications.rollback(caller, toQString(request->application()),
                                     toQString(request->build_id())),
             response);
    });
}

::grpc::Status ApplicationGrpcService::ListEnvVars(::grpc::ServerContext *context,
                                                   const v1::ListEnvVarsRequest *request,
                                                   v1::ListEnvVarsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        toEnvResponse(m_applications.get(caller, toQString(request->application())), response);
    });
}

::grpc::Status ApplicationGrpcService::SetEnvVars(::grpc::ServerContext *context,
                                                  const v1::SetEnvVarsRequest *request,
                                                  v1::ListEnvVarsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const domain::EnvVars vars = fromPb(QStringLiteral("env"), request->env());
        toEnvResponse(m_applications.setEnv(caller, toQString(request->application()), vars), response);
    });
}

::grpc::Status ApplicationGrpcService::UnsetEnvVars(::grpc::ServerContext *context,
                                                    const v1::UnsetEnvVarsRequest *request,
                                                    v1::ListEnvVarsResponse *response)
{
    return handleCall(*context, m_auth, [&](const usecases::Caller &caller) {
        const QStringList keys = toQStringList(request->keys());
        toEnvResponse(m_applications.unsetEnv(caller, toQString(request->application()), keys), response);
    });
}

} // namespace vitrine::adapters::grpc
