#include "domain/ports/runtime_backend.h"

namespace vitrine::domain {

QString instanceStateName(InstanceState state)
{
    switch (state) {
    case InstanceState::Missing:
        return QStringLiteral("missing");
    case InstanceState::Starting:
        return QStringLiteral("starting");
    case InstanceState::Running:
        return QStringLiteral("running");
    case InstanceState::Restarting:
        return QStringLiteral("restarting");
    case InstanceState::Sleeping:
        return QStringLiteral("sleeping");
    case InstanceState::Exited:
        return QStringLiteral("exited");
    case InstanceState::Errored:
        return QStringLiteral("errored");
    case InstanceState::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace vitrine::domain
