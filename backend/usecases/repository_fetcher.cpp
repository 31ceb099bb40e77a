// The repository fetch loop of Controller: reads each repository's refs and records the commit each of its
// applications' refs points at.
#include "domain/error.h"
#include "usecases/controller.h"
#include "usecases/controller_logging.h"

#include <QDateTime>

namespace vitrine::usecases {

namespace {
// The commit an application's ref names: a full ref ("refs/heads/main", "HEAD") as it is, else a branch,
// else a tag. Empty when the remote has no such ref.
QString resolveRef(const QMap<QString, QString> &refs, const QString &ref)
{
    for (const QString &candidate :
         {ref, QStringLiteral("refs/heads/") + ref, QStringLiteral("refs/tags/") + ref}) {
        const auto it = refs.constFind(candidate);
        if (it != refs.cend())
            return *it;
    }
    return {};
}

} // namespace

void Controller::fetchRepository(const QString &repositoryId)
{
    const auto repository = m_store.findRepositoryById(repositoryId);
    if (!repository) {
        m_fetchSchedule.forget(repositoryId);
        return;
    }
    // The full pass and retries visit every repository; only those due are fetched.
    const FetchSchedule::Clock::time_point startedAt = FetchSchedule::Clock::now();
    if (!m_fetchSchedule.isDue(repositoryId, startedAt))
        return;

    QMap<QString, QString> refs;
    QString error;
    try {
        refs = m_git.listRefs(repository->url);
    } catch (const domain::Error &failure) {
        error = failure.message();
    }
    m_store.recordFetch(repositoryId, QDateTime::currentDateTimeUtc(), error);
    if (!error.isEmpty()) {
        const auto delay = m_fetchSchedule.failed(repositoryId, startedAt, FetchSchedule::Clock::now());
        qCWarning(lcController).noquote() << "fetching repository" << repository->name << "failed:" << error;
        m_fetchLoop.triggerAfter(repositoryId, delay);
        return;
    }

    domain::ApplicationFilter filter;
    filter.repositoryId = repositoryId;
    domain::PageQuery page;
    for (;;) {
        const QList<domain::Application> applications = m_store.listApplications(filter, page);
        for (const domain::Application &application : applications) {
            const QString commit = resolveRef(refs, application.ref);
            if (commit.isEmpty() || commit == application.currentCommit)
                continue;
            m_store.setApplicationCommit(application.id, commit);
            qCInfo(lcController).noquote() << application.name << "is now at" << commit;
            m_registrationLoop.trigger(application.id);
        }
        if (applications.size() < page.limit)
            break;
        page.afterName = applications.constLast().name;
    }

    m_fetchLoop.triggerAfter(
        repositoryId, m_fetchSchedule.fetched(repositoryId, refs, startedAt, FetchSchedule::Clock::now()));
}

} // namespace vitrine::usecases
