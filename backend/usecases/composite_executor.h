#pragma once

#include "usecases/build_executor.h"

#include <QList>

namespace vitrine::usecases {

// Several executors (the in-process builder slots and the remote builders) as the one the controller and
// BuildService use: free slots add up, a build goes to the executor with the most free slots, and a cancel
// reaches the one that runs the build.
class CompositeExecutor final : public BuildExecutor {
public:
    explicit CompositeExecutor(QList<BuildExecutor *> executors);

    int freeSlots() const override;
    // Throws FailedPrecondition when no executor has a free slot.
    void start(const domain::Build &build) override;
    bool cancel(const QString &buildId) override;
    QList<BuilderStatus> builders() const override;

private:
    const QList<BuildExecutor *> m_executors;
};

} // namespace vitrine::usecases
