// The build registration loop of Controller: one build per (application, commit, config hash).
#include "usecases/build_queue.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"

#include <QDateTime>

namespace vitrine::usecases {

void Controller::registerBuild(const QString &applicationId)
{
    const auto application = m_store.findApplicationById(applicationId);
    if (!application || application->currentCommit.isEmpty())
        return;
    if (m_store.findBuild(application->id, application->currentCommit, application->configHash))
        return;

    const domain::Build build = newQueuedBuild(*application, QDateTime::currentDateTimeUtc());
    m_store.insertBuild(build);
    qCInfo(lcController).noquote() << "queued build" << build.id << "of" << application->name << "at"
                                   << build.commit;
    publishBuildState(*application, build.id, domain::BuildState::Queued);

    const QString reason = QStringLiteral("superseded by a newer commit or config");
    const QStringList superseded =
        m_store.cancelQueuedBuildsExcept(application->id, build.id, reason, build.queuedAt);
    for (const QString &id : superseded)
        publishBuildState(*application, id, domain::BuildState::Canceled, reason);
    scheduleNow();
}

} // namespace vitrine::usecases
