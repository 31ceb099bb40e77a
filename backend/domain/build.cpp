#include "domain/build.h"

#include <algorithm>
#include <array>
#include <utility>

namespace vitrine::domain {

namespace {

constexpr std::array kBuildStateNames{
    std::pair{BuildState::Queued, u"queued"},       std::pair{BuildState::Building, u"building"},
    std::pair{BuildState::Succeeded, u"succeeded"}, std::pair{BuildState::Failed, u"failed"},
    std::pair{BuildState::Canceled, u"canceled"},
};

} // namespace

QString buildStateName(BuildState state)
{
    for (const auto &[value, name] : kBuildStateNames) {
        if (value == state)
            return QString::fromUtf16(name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<BuildState> buildStateFromName(QStringView name)
{
    for (const auto &[value, candidate] : kBuildStateNames) {
        if (name == QStringView(candidate))
            return value;
    }
    return std::nullopt;
}

bool isFinished(BuildState state)
{
    return state == BuildState::Succeeded || state == BuildState::Failed || state == BuildState::Canceled;
}

bool canTransition(BuildState from, BuildState to)
{
    switch (from) {
    case BuildState::Queued:
        return to == BuildState::Building || to == BuildState::Canceled;
    case BuildState::Building:
        return to == BuildState::Succeeded || to == BuildState::Failed || to == BuildState::Canceled;
    case BuildState::Succeeded:
    case BuildState::Failed:
    case BuildState::Canceled:
        return false;
    }
    return false;
}

std::optional<qint64> nearestRankPercentile(const QList<qint64> &sortedValues, int percent)
{
    if (sortedValues.isEmpty())
        return std::nullopt;
    // The smallest value with at least `percent` % of the values at or below it: rank ceil(p/100 * n).
    const qsizetype rank = (percent * sortedValues.size() + 99) / 100;
    return sortedValues[std::clamp<qsizetype>(rank, 1, sortedValues.size()) - 1];
}

} // namespace vitrine::domain
