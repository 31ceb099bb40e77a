#pragma once

#include "models/application_summary.h"

#include <QDateTime>
#include <QString>

namespace vitrine::desktop {

// One build of an application as its page lists it.
struct BuildSummary {
    QString id;
    QString commit; // 40 hex characters
    BuildState state = BuildState::None;
    int queuePosition = 0; // queued builds: 1 is next; 0 otherwise
    QString failureReason{};
    QDateTime queuedAt{};
    QDateTime startedAt{};  // invalid until the build starts
    QDateTime finishedAt{}; // invalid until it finishes
    // From the application when queued; an auto build's detected plan once it succeeded.
    DeployType deployType = DeployType::Unspecified;

    bool operator==(const BuildSummary &) const = default;
};

} // namespace vitrine::desktop
