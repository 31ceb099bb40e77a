#include "usecases/build_service.h"

#include "domain/error.h"
#include "usecases/access.h"
#include "usecases/build_queue.h"

#include <utility>

namespace vitrine::usecases {

using domain::BuildState;
using domain::Error;

BuildService::BuildService(domain::Store &store, BuildExecutor &executor, EventHub &events,
                           std::function<void()> scheduleNow, BuildLogHub &logs)
    : m_store(store)
    , m_executor(executor)
    , m_events(events)
    , m_scheduleNow(std::move(scheduleNow))
    , m_logs(logs)
{
}

Page<BuildView> BuildService::list(const Caller &caller, const QString &applicationRef,
                                   const QList<BuildState> &states, const PageRequest &page)
{
    domain::BuildFilter filter;
    filter.states = states;
    if (!applicationRef.isEmpty())
        filter.applicationId = access::requireVisibleApplication(m_store, caller, applicationRef).id;
    if (!caller.isAdmin())
        filter.visibleToUserId = caller.user.id;

    const domain::BuildPageQuery query = toBuildPageQuery(page);
    QList<domain::Build> builds = m_store.listBuilds(filter, query);

    Page<BuildView> result;
    result.nextPageToken = cutToPage(builds, query.limit, buildPageTokenAfter);
    QHash<QString, int> positions;
    const bool anyQueued = std::any_of(builds.cbegin(), builds.cend(), [](const domain::Build &build) {
        return build.state == BuildState::Queued;
    });
    if (anyQueued)
        positions = queuePositions(m_store.listQueuedBuilds(), m_store.buildActivityByOwner());
    for (domain::Build &build : builds) {
        const int position = positions.value(build.id);
        result.items.append(BuildView{std::move(build), position});
    }
    return result;
}

BuildView BuildService::get(const Caller &caller, const QString &buildId)
{
    return viewOf(requireVisibleBuild(caller, buildId));
}

BuildView BuildService::cancel(const Caller &caller, const QString &buildId)
{
    domain::BuildTransitionFields fields;
    fields.failureReason = QStringLiteral("canceled by %1").arg(caller.user.name);

    // Each attempt acts on the state it read; a lost compare-and-set means the build moved meanwhile
    // (e.g. a builder took it), so read it again and act on its new state.
    for (int attempt = 0; attempt <= access::kUpdateRetries; ++attempt) {
        const domain::Build build = requireVisibleBuild(caller, buildId);
        if (domain::isFinished(build.state))
            throw Error::failedPrecondition(QStringLiteral("build %1 already finished (%2)")
                                                .arg(build.id, domain::buildStateName(build.state)));
        if (build.state == BuildState::Building && m_executor.cancel(build.id))
            return viewOf(requireVisibleBuild(caller, buildId));
        if (m_store.transitionBuild(build.id, build.state, BuildState::Canceled, fields)) {
            const domain::Build canceled = requireVisibleBuild(caller, buildId);
            const auto application = m_store.findApplicationById(canceled.applicationId);
            buildChanged(canceled, application ? application->ownerIds : QStringList());
            return viewOf(canceled);
        }
    }
    throw Error::failedPrecondition(
        QStringLiteral("build %1 kept changing while it was being canceled; try again").arg(buildId));
}

BuildView BuildService::retry(const Caller &caller, const QString &applicationRef)
{
    const domain::Application application =
        access::requireVisibleApplication(m_store, caller, applicationRef);
    if (application.currentCommit.isEmpty())
        throw Error::failedPrecondition(
            QStringLiteral("application %1 has no commit to build yet: its repository has not been "
                           "fetched")
                .arg(domain::quoted(applicationRef)));

    const domain::Build build = newQueuedBuild(application, access::nowUtc());
    m_store.insertBuild(build);

    const QStringList superseded = m_store.cancelQueuedBuildsExcept(
        application.id, build.id,
        QStringLiteral("superseded by build %1 (retried by %2)").arg(build.id, caller.user.name),
        access::nowUtc());

    const domain::Build queued = requireVisibleBuild(caller, build.id);
    buildChanged(queued, application.ownerIds);
    for (const QString &id : superseded) {
        if (const auto canceled = m_store.findBuildById(id))
            buildChanged(*canceled, application.ownerIds);
    }
    if (m_scheduleNow)
        m_scheduleNow();
    return viewOf(requireVisibleBuild(caller, build.id));
}

std::unique_ptr<BuildLogSubscription> BuildService::watchLog(const Caller &caller, const QString &buildId,
                                                             qint64 afterSeq, std::function<void()> onReady)
{
    if (afterSeq < 0)
        throw Error::badRequest(QStringLiteral("after_seq"), QStringLiteral("must not be negative"));
    const domain::Build build = requireVisibleBuild(caller, buildId);
    const std::optional<BuildState> finalState =
        domain::isFinished(build.state) ? std::optional(build.state) : std::nullopt;
    return m_logs.subscribe(build.id, afterSeq, finalState, std::move(onReady));
}

std::unique_ptr<EventSubscription> BuildService::watchEvents(const Caller &caller,
                                                             const QString &applicationRef,
                                                             std::optional<qint64> afterSeq,
                                                             std::function<void()> onReady)
{
    EventFilter visible = EventHub::visibleTo(caller);
    if (!applicationRef.isEmpty()) {
        const QString applicationId = access::requireVisibleApplication(m_store, caller, applicationRef).id;
        visible = [visible = std::move(visible), applicationId](const domain::Event &event) {
            return event.applicationId == applicationId && visible(event);
        };
    }
    return m_events.subscribe(std::move(visible), afterSeq, std::move(onReady));
}

domain::Build BuildService::requireVisibleBuild(const Caller &caller, const QString &buildId)
{
    std::optional<domain::Build> build = m_store.findBuildById(buildId);
    if (!build)
        throw Error::notFound(QStringLiteral("build"), buildId);
    access::requireCanSeeApplicationOf(m_store, caller, build->applicationId,
                                       QStringLiteral("build %1").arg(domain::quoted(buildId)));
    return *std::move(build);
}

BuildView BuildService::viewOf(domain::Build build)
{
    int position = 0;
    if (build.state == BuildState::Queued)
        position = queuePositions(m_store.listQueuedBuilds(), m_store.buildActivityByOwner()).value(build.id);
    return BuildView{std::move(build), position};
}

void BuildService::buildChanged(const domain::Build &build, const QStringList &ownerIds)
{
    domain::Event event;
    event.type = domain::EventType::BuildStateChanged;
    event.applicationId = build.applicationId;
    event.applicationName = build.applicationName;
    event.buildId = build.id;
    event.state = domain::buildStateName(build.state);
    event.message = build.failureReason;
    event.ownerIds = ownerIds;
    m_events.publish(std::move(event));
    if (domain::isFinished(build.state))
        m_logs.finish(build.id, build.state);
}

} // namespace vitrine::usecases
