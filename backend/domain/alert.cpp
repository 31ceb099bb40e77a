#include "domain/alert.h"

#include <array>
#include <utility>

namespace vitrine::domain {

namespace {

constexpr std::array kAlertKindNames{
    std::pair{AlertKind::RestartLoop, u"restart-loop"},
    std::pair{AlertKind::OutOfMemory, u"out-of-memory"},
    std::pair{AlertKind::DeployFailed, u"deploy-failed"},
};

} // namespace

QString alertKindName(AlertKind kind)
{
    for (const auto &[value, name] : kAlertKindNames) {
        if (value == kind)
            return QString::fromUtf16(name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<AlertKind> alertKindFromName(QStringView name)
{
    for (const auto &[value, candidate] : kAlertKindNames) {
        if (name == QStringView(candidate))
            return value;
    }
    return std::nullopt;
}

} // namespace vitrine::domain
