#include "usecases/build_settler.h"

#include "usecases/builder_logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <exception>
#include <optional>

namespace vitrine::usecases {

using domain::Build;
using domain::BuildState;

BuildSettler::BuildSettler(domain::Store &store, BuildLogHub &logHub, EventHub &eventHub,
                           domain::Notifier *notifier, QString dataDir)
    : m_store(store)
    , m_logHub(logHub)
    , m_eventHub(eventHub)
    , m_notifier(notifier)
    , m_dataDir(std::move(dataDir))
{
}

void BuildSettler::announce(const QString &buildId, const QString &text)
{
    try {
        m_logHub.append(buildId, domain::LogStream::System, text);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: cannot write to the log: %s", qPrintable(buildId), error.what());
    }
}

Build BuildSettler::settle(const Build &build, const BuildOutcome &outcome, qint64 elapsedMs)
{
    bool settledHere = false;
    bool storeFailed = false;
    std::optional<Build> stored;
    std::optional<domain::Application> application;
    try {
        domain::BuildTransitionFields fields;
        fields.failureReason = outcome.reason;
        fields.artifactPath = outcome.artifactPath;
        if (outcome.state == BuildState::Succeeded) {
            fields.plan = outcome.plan;
            fields.image = outcome.image;
        }
        settledHere = m_store.transitionBuild(build.id, BuildState::Building, outcome.state, fields);
        stored = m_store.findBuildById(build.id);
        application = m_store.findApplicationById(build.applicationId);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s could not be settled as %s: %s", qPrintable(build.id),
                  qPrintable(domain::buildStateName(outcome.state)), error.what());
        storeFailed = true;
    }
    if (!settledHere && !outcome.artifactPath.isEmpty())
        QFile::remove(QDir(m_dataDir).filePath(outcome.artifactPath));

    BuildState finalState = outcome.state;
    if (stored && domain::isFinished(stored->state))
        finalState = stored->state;
    else if (storeFailed)
        finalState = BuildState::Failed; // nobody heartbeats it any more: crash detection will fail it

    if (settledHere) {
        switch (outcome.state) {
        case BuildState::Succeeded:
            announce(build.id,
                     QStringLiteral("==> Build succeeded in %1 s").arg(elapsedMs / 1000.0, 0, 'f', 1));
            break;
        case BuildState::Canceled:
            announce(build.id, QStringLiteral("==> Build %1").arg(outcome.reason));
            break;
        default:
            announce(build.id, QStringLiteral("==> Build failed: %1").arg(outcome.reason));
            break;
        }
    } else if (stored) {
        qCInfo(lcBuilder, "build %s was settled elsewhere as %s; keeping that", qPrintable(build.id),
               qPrintable(domain::buildStateName(stored->state)));
        announce(build.id, stored->failureReason.isEmpty()
                               ? QStringLiteral("==> Stopped: the build is already %1")
                                     .arg(domain::buildStateName(stored->state))
                               : QStringLiteral("==> Stopped: the build is already %1 (%2)")
                                     .arg(domain::buildStateName(stored->state), stored->failureReason));
    }
    try {
        m_logHub.finish(build.id, finalState);
    } catch (const std::exception &error) {
        qCWarning(lcBuilder, "build %s: cannot finish the log: %s", qPrintable(build.id), error.what());
    }

    if (settledHere) {
        domain::Event event;
        event.type = domain::EventType::BuildStateChanged;
        event.applicationId = build.applicationId;
        event.applicationName = application ? application->name : build.applicationName;
        event.buildId = build.id;
        event.state = domain::buildStateName(outcome.state);
        event.message = outcome.reason;
        event.ownerIds = application ? application->ownerIds : QStringList();
        m_eventHub.publish(event);

        if (m_notifier && outcome.state != BuildState::Canceled) {
            domain::Notification notification;
            notification.applicationName = event.applicationName;
            notification.buildId = build.id;
            notification.commit = build.commit;
            notification.state = outcome.state;
            notification.reason = outcome.reason;
            notification.at = stored ? stored->finishedAt : QDateTime::currentDateTimeUtc();
            try {
                m_notifier->notify(notification);
            } catch (const std::exception &error) {
                qCWarning(lcBuilder, "build %s: notifying failed: %s", qPrintable(build.id), error.what());
            }
        }
    }

    if (stored)
        return *stored;
    Build settled = build;
    settled.state = finalState;
    settled.failureReason = outcome.reason;
    settled.artifactPath = settledHere ? outcome.artifactPath : QString();
    settled.image = settledHere && outcome.state == BuildState::Succeeded ? outcome.image : QString();
    if (settledHere && outcome.state == BuildState::Succeeded && outcome.plan) {
        settled.deployType = outcome.plan->deployType;
        settled.startCommand = outcome.plan->startCommand;
    }
    return settled;
}

} // namespace vitrine::usecases
