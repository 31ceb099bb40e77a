#include "usecases/composite_executor.h"

#include "domain/error.h"

namespace vitrine::usecases {

CompositeExecutor::CompositeExecutor(QList<BuildExecutor *> executors)
    : m_executors(std::move(executors))
{
}

int CompositeExecutor::freeSlots() const
{
    int free = 0;
    for (const BuildExecutor *executor : m_executors)
        free += executor->freeSlots();
    return free;
}

void CompositeExecutor::start(const domain::Build &build)
{
    BuildExecutor *chosen = nullptr;
    int chosenFree = 0;
    for (BuildExecutor *executor : m_executors) {
        const int free = executor->freeSlots();
        if (free > chosenFree) {
            chosen = executor;
            chosenFree = free;
        }
    }
    if (!chosen)
        throw domain::Error::failedPrecondition(QStringLiteral("no builder slot is free"));
    chosen->start(build);
}

QList<BuilderStatus> CompositeExecutor::builders() const
{
    QList<BuilderStatus> all;
    for (const BuildExecutor *executor : m_executors)
        all << executor->builders();
    return all;
}

bool CompositeExecutor::cancel(const QString &buildId)
{
    for (BuildExecutor *executor : m_executors) {
        if (executor->cancel(buildId))
            return true;
    }
    return false;
}

} // namespace vitrine::usecases
