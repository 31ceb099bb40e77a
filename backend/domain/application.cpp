#include "domain/application.h"

#include <array>
#include <utility>

namespace vitrine::domain {

namespace {

constexpr std::array kBuildTypeNames{
    std::pair{BuildType::Static, u"static"},
    std::pair{BuildType::StaticCmd, u"static-cmd"},
    std::pair{BuildType::StaticDockerfile, u"static-dockerfile"},
    std::pair{BuildType::RuntimeCmd, u"runtime-cmd"},
    std::pair{BuildType::RuntimeDockerfile, u"runtime-dockerfile"},
    std::pair{BuildType::Auto, u"auto"},
};

} // namespace

QString buildTypeName(BuildType type)
{
    for (const auto &[value, name] : kBuildTypeNames) {
        if (value == type)
            return QString::fromUtf16(name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<BuildType> buildTypeFromName(QStringView name)
{
    for (const auto &[value, candidate] : kBuildTypeNames) {
        if (name == QStringView(candidate))
            return value;
    }
    return std::nullopt;
}

QString deployTypeName(DeployType type)
{
    return type == DeployType::Static ? QStringLiteral("static") : QStringLiteral("runtime");
}

std::optional<DeployType> deployTypeFromName(QStringView name)
{
    if (name == u"static")
        return DeployType::Static;
    if (name == u"runtime")
        return DeployType::Runtime;
    return std::nullopt;
}

std::optional<DeployType> impliedDeployType(BuildType type)
{
    switch (type) {
    case BuildType::Static:
    case BuildType::StaticCmd:
    case BuildType::StaticDockerfile:
        return DeployType::Static;
    case BuildType::RuntimeCmd:
    case BuildType::RuntimeDockerfile:
        return DeployType::Runtime;
    case BuildType::Auto:
        return std::nullopt;
    }
    Q_UNREACHABLE();
    return std::nullopt;
}

} // namespace vitrine::domain
