// The scheduling and crash detection loops of Controller.
#include "usecases/build_queue.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"

#include <QDateTime>

#include <exception>

namespace vitrine::usecases {

namespace {
// The builder id of the in-process slots, written on the builds they take.
const QString kLocalBuilderId = QStringLiteral("local");
} // namespace

void Controller::scheduleBuilds()
{
    while (m_executor.freeSlots() > 0) {
        const QList<domain::QueuedBuild> queued = m_store.listQueuedBuilds();
        if (queued.isEmpty())
            return;
        bool started = false;
        for (const domain::QueuedBuild &next : fairQueueOrder(queued, m_store.buildActivityByOwner())) {
            domain::BuildTransitionFields fields;
            fields.builderId = kLocalBuilderId;
            // Losing means another scheduler took it, or it was canceled meanwhile: try the next one.
            if (!m_store.transitionBuild(next.id, domain::BuildState::Queued, domain::BuildState::Building,
                                         fields))
                continue;
            const auto build = m_store.findBuildById(next.id);
            if (!build)
                continue; // its application was deleted right now
            const domain::Application application = applicationOf(*build);
            publishBuildState(application, build->id, domain::BuildState::Building);
            try {
                m_executor.start(*build);
            } catch (const std::exception &error) {
                const QString reason = QStringLiteral("the builder could not start the build: %1")
                                           .arg(QString::fromUtf8(error.what()));
                qCWarning(lcController).noquote() << build->id << reason;
                domain::BuildTransitionFields failed;
                failed.failureReason = reason;
                if (m_store.transitionBuild(build->id, domain::BuildState::Building,
                                            domain::BuildState::Failed, failed))
                    publishBuildState(application, build->id, domain::BuildState::Failed, reason);
            }
            started = true;
            break;
        }
        if (!started)
            return;
    }
}

void Controller::failStaleBuilds()
{
    const auto timeout = m_options.heartbeatTimeout;
    const QList<domain::Build> stale =
        m_store.listStaleBuilds(QDateTime::currentDateTimeUtc().addSecs(-timeout.count()));
    for (const domain::Build &build : stale) {
        domain::BuildTransitionFields fields;
        fields.failureReason =
            QStringLiteral("the builder stopped sending heartbeats (no heartbeat for %1 s)")
                .arg(timeout.count());
        if (!m_store.transitionBuild(build.id, domain::BuildState::Building, domain::BuildState::Failed,
                                     fields))
            continue; // it settled meanwhile
        qCWarning(lcController).noquote()
            << "build" << build.id << "of" << build.applicationName << "failed:" << fields.failureReason;
        publishBuildState(applicationOf(build), build.id, domain::BuildState::Failed, fields.failureReason);
        // If it still runs here, its process tree must go too.
        m_executor.cancel(build.id);
    }
    if (!stale.isEmpty())
        scheduleNow();
}

} // namespace vitrine::usecases
