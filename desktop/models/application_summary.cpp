#include "models/application_summary.h"

#include <QHash>

namespace vitrine::desktop {

namespace {

ApplicationState runtimeStateFromName(const QString &name)
{
    static const QHash<QString, ApplicationState> kStates = {
        {QStringLiteral("starting"), ApplicationState::Starting},
        {QStringLiteral("running"), ApplicationState::Running},
        {QStringLiteral("restarting"), ApplicationState::Restarting},
        {QStringLiteral("sleeping"), ApplicationState::Sleeping},
        {QStringLiteral("exited"), ApplicationState::Exited},
        {QStringLiteral("errored"), ApplicationState::Errored},
        {QStringLiteral("missing"), ApplicationState::Missing},
    };
    return kStates.value(name, ApplicationState::Unknown);
}

} // namespace

ApplicationState applicationState(const ApplicationSummary &application)
{
    if (application.deployType != DeployType::Runtime)
        return application.currentBuildId.isEmpty() ? ApplicationState::NoBuild : ApplicationState::Published;
    // A stopped app has no instance ("missing"): say why it is down rather than what is left of it.
    if (!application.running)
        return ApplicationState::Stopped;
    if (application.runtimeState.isEmpty() && application.currentBuildId.isEmpty())
        return ApplicationState::NoBuild;
    return runtimeStateFromName(application.runtimeState);
}

BuildState buildStateFromName(const QString &name)
{
    static const QHash<QString, BuildState> kStates = {
        {QStringLiteral("queued"), BuildState::Queued},
        {QStringLiteral("building"), BuildState::Building},
        {QStringLiteral("succeeded"), BuildState::Succeeded},
        {QStringLiteral("failed"), BuildState::Failed},
        {QStringLiteral("canceled"), BuildState::Canceled},
    };
    return kStates.value(name, BuildState::None);
}

} // namespace vitrine::desktop
