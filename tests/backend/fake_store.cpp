#include "fake_store.h"

#include "domain/error.h"

#include <algorithm>

namespace vitrine::tests {

using domain::Error;

namespace {

template<typename T, typename Keep>
QList<T> page(const QMap<QString, T> &rows, const domain::PageQuery &query, Keep keep)
{
    QList<T> items;
    for (const T &row : rows) {
        if (row.name > query.afterName && keep(row))
            items.append(row);
    }
    std::sort(items.begin(), items.end(), [](const T &a, const T &b) { return a.name < b.name; });
    if (items.size() > query.limit)
        items.resize(query.limit);
    return items;
}

template<typename T>
std::optional<T> byName(const QMap<QString, T> &rows, const QString &name)
{
    for (const T &row : rows) {
        if (row.name == name)
            return row;
    }
    return std::nullopt;
}

Error missing(const QString &what, const QString &id)
{
    return Error::notFound(what, id);
}

Error staleCopy(const QString &what, const QString &name)
{
    return Error::failedPrecondition(QStringLiteral("%1 '%2' was changed by someone else").arg(what, name));
}

} // namespace

void FakeStore::insertUser(const domain::User &user)
{
    if (byName(m_users, user.name))
        throw Error::alreadyExists(QStringLiteral("user '%1' already exists").arg(user.name));
    m_users.insert(user.id, user);
}

std::optional<domain::User> FakeStore::findUserById(const QString &id)
{
    return m_users.contains(id) ? std::optional(m_users.value(id)) : std::nullopt;
}

std::optional<domain::User> FakeStore::findUserByName(const QString &name)
{
    return byName(m_users, name);
}

QList<domain::User> FakeStore::listUsers(const domain::PageQuery &query)
{
    return page(m_users, query, [](const domain::User &) { return true; });
}

int FakeStore::countUsers()
{
    return int(m_users.size());
}

int FakeStore::countAdmins()
{
    return int(
        std::count_if(m_users.cbegin(), m_users.cend(), [](const domain::User &u) { return u.isAdmin(); }));
}

void FakeStore::updateUser(const domain::User &user)
{
    if (!m_users.contains(user.id))
        throw missing(QStringLiteral("user"), user.id);
    m_users[user.id].role = user.role;
}

void FakeStore::deleteUser(const QString &id)
{
    if (!m_users.remove(id))
        throw missing(QStringLiteral("user"), id);
    m_tokens.removeIf(
        [&id](std::pair<const QString &, domain::Token &> entry) { return entry.second.userId == id; });
    for (domain::Repository &repository : m_repositories)
        repository.ownerIds.removeAll(id);
    for (domain::Application &application : m_applications)
        application.ownerIds.removeAll(id);
}

void FakeStore::insertToken(const domain::Token &token)
{
    if (findTokenBySecretHash(token.secretHash))
        throw Error::alreadyExists(QStringLiteral("token secret already exists"));
    m_tokens.insert(token.id, token);
}

std::optional<domain::Token> FakeStore::findTokenById(const QString &id)
{
    return m_tokens.contains(id) ? std::optional(withNames(m_tokens.value(id))) : std::nullopt;
}

std::optional<domain::Token> FakeStore::findTokenBySecretHash(const QByteArray &secretHash)
{
    for (const domain::Token &token : std::as_const(m_tokens)) {
        if (token.secretHash == secretHash)
            return withNames(token);
    }
    return std::nullopt;
}

QList<domain::Token> FakeStore::listTokens(const QString &userId)
{
    QList<domain::Token> tokens;
    for (const domain::Token &token : std::as_const(m_tokens)) {
        if (token.userId == userId)
            tokens.append(withNames(token));
    }
    std::sort(tokens.begin(), tokens.end(),
              [](const domain::Token &a, const domain::Token &b) { return a.createdAt > b.createdAt; });
    return tokens;
}

void FakeStore::setTokenRevoked(const QString &id, const QDateTime &at)
{
    if (!m_tokens.contains(id))
        throw missing(QStringLiteral("token"), id);
    m_tokens[id].revokedAt = at;
}

void FakeStore::setTokenLastUsed(const QString &id, const QDateTime &at)
{
    if (!m_tokens.contains(id))
        throw missing(QStringLiteral("token"), id);
    m_tokens[id].lastUsedAt = at;
    ++lastUsedWrites;
}

void FakeStore::insertRepository(const domain::Repository &repository)
{
    if (byName(m_repositories, repository.name))
        throw Error::alreadyExists(QStringLiteral("repository '%1' already exists").arg(repository.name));
    domain::Repository stored = repository;
    stored.version = 1;
    m_repositories.insert(stored.id, stored);
}

std::optional<domain::Repository> FakeStore::findRepositoryById(const QString &id)
{
    return m_repositories.contains(id) ? std::optional(withNames(m_repositories.value(id))) : std::nullopt;
}

std::optional<domain::Repository> FakeStore::findRepositoryByName(const QString &name)
{
    const auto repository = byName(m_repositories, name);
    return repository ? std::optional(withNames(*repository)) : std::nullopt;
}

QList<domain::Repository> FakeStore::listRepositories(const domain::RepositoryFilter &filter,
                                                      const domain::PageQuery &query)
{
    QList<domain::Repository> repositories =
        page(m_repositories, query, [&filter](const domain::Repository &r) {
            return filter.ownerId.isEmpty() || r.ownerIds.contains(filter.ownerId);
        });
    for (domain::Repository &repository : repositories)
        repository = withNames(repository);
    return repositories;
}

void FakeStore::updateRepository(const domain::Repository &repository)
{
    if (!m_repositories.contains(repository.id))
        throw missing(QStringLiteral("repository"), repository.id);
    domain::Repository &stored = m_repositories[repository.id];
    if (stored.version != repository.version)
        throw staleCopy(QStringLiteral("repository"), stored.name);
    stored.url = repository.url;
    stored.webhookSecret = repository.webhookSecret;
    stored.ownerIds = repository.ownerIds;
    stored.updatedAt = QDateTime::currentDateTimeUtc();
    ++stored.version;
}

QList<domain::Repository> FakeStore::findRepositoriesByUrl(const QString &url)
{
    const QString key = domain::repositoryUrlKey(url);
    QList<domain::Repository> found;
    for (const domain::Repository &repository : std::as_const(m_repositories)) {
        if (domain::repositoryUrlKey(repository.url) == key)
            found.append(withNames(repository));
    }
    std::sort(found.begin(), found.end(),
              [](const domain::Repository &a, const domain::Repository &b) { return a.name < b.name; });
    return found;
}

void FakeStore::recordFetch(const QString &repositoryId, const QDateTime &at, const QString &error)
{
    if (!m_repositories.contains(repositoryId))
        throw missing(QStringLiteral("repository"), repositoryId);
    m_repositories[repositoryId].lastFetchedAt = at;
    m_repositories[repositoryId].lastFetchError = error;
}

void FakeStore::deleteRepository(const QString &id)
{
    if (!m_repositories.remove(id))
        throw missing(QStringLiteral("repository"), id);
}

int FakeStore::countApplicationsOfRepository(const QString &repositoryId)
{
    return int(std::count_if(
        m_applications.cbegin(), m_applications.cend(),
        [&repositoryId](const domain::Application &a) { return a.repositoryId == repositoryId; }));
}

void FakeStore::insertApplication(const domain::Application &application)
{
    if (byName(m_applications, application.name))
        throw Error::alreadyExists(QStringLiteral("application '%1' already exists").arg(application.name));
    checkWebsitesFree(application);
    domain::Application stored = application;
    stored.version = 1;
    m_applications.insert(stored.id, stored);
}

std::optional<domain::Application> FakeStore::findApplicationById(const QString &id)
{
    return m_applications.contains(id) ? std::optional(withNames(m_applications.value(id))) : std::nullopt;
}

std::optional<domain::Application> FakeStore::findApplicationByName(const QString &name)
{
    const auto application = byName(m_applications, name);
    return application ? std::optional(withNames(*application)) : std::nullopt;
}

QList<domain::Application> FakeStore::listApplications(const domain::ApplicationFilter &filter,
                                                       const domain::PageQuery &query)
{
    QList<domain::Application> applications =
        page(m_applications, query, [&filter](const domain::Application &a) {
            return (filter.ownerId.isEmpty() || a.ownerIds.contains(filter.ownerId)) &&
                   (filter.repositoryId.isEmpty() || a.repositoryId == filter.repositoryId);
        });
    for (domain::Application &application : applications)
        application = withNames(application);
    return applications;
}

void FakeStore::updateApplication(const domain::Application &application)
{
    if (!m_applications.contains(application.id))
        throw missing(QStringLiteral("application"), application.id);
    domain::Application &stored = m_applications[application.id];
    if (racesToLose > 0) {
        --racesToLose;
        if (concurrentChange)
            concurrentChange(stored);
        ++stored.version;
    }
    if (stored.version != application.version)
        throw staleCopy(QStringLiteral("application"), stored.name);
    checkWebsitesFree(application);
    domain::Application updated = application;
    updated.name = stored.name;
    updated.repositoryId = stored.repositoryId;
    updated.createdAt = stored.createdAt;
    updated.currentCommit = stored.currentCommit;
    updated.currentBuildId = stored.currentBuildId;
    updated.pinnedBuildId = stored.configHash == application.configHash ? stored.pinnedBuildId : QString();
    updated.updatedAt = QDateTime::currentDateTimeUtc();
    updated.version = stored.version + 1;
    stored = updated;
}

void FakeStore::deleteApplication(const QString &id)
{
    if (!m_applications.remove(id))
        throw missing(QStringLiteral("application"), id);
    m_builds.removeIf([&id](const auto &entry) { return entry.value().applicationId == id; });
    m_alerts.removeIf([&id](const auto &entry) { return entry.value().applicationId == id; });
}

void FakeStore::setApplicationCommit(const QString &applicationId, const QString &commit)
{
    if (!m_applications.contains(applicationId))
        throw missing(QStringLiteral("application"), applicationId);
    domain::Application &application = m_applications[applicationId];
    if (application.currentCommit != commit)
        application.pinnedBuildId.clear();
    application.currentCommit = commit;
}

void FakeStore::setApplicationCurrentBuild(const QString &applicationId, const QString &buildId)
{
    if (!m_applications.contains(applicationId))
        throw missing(QStringLiteral("application"), applicationId);
    m_applications[applicationId].currentBuildId = buildId;
}

QMap<domain::DeployType, int> FakeStore::countApplicationsByDeployType()
{
    QMap<domain::DeployType, int> counts;
    for (const domain::Application &application : std::as_const(m_applications))
        ++counts[application.deployType];
    return counts;
}

void FakeStore::setApplicationPinnedBuild(const QString &applicationId, const QString &buildId)
{
    if (!m_applications.contains(applicationId))
        throw missing(QStringLiteral("application"), applicationId);
    m_applications[applicationId].pinnedBuildId = buildId;
}

void FakeStore::insertBuild(const domain::Build &build)
{
    if (!m_applications.contains(build.applicationId))
        throw missing(QStringLiteral("application"), build.applicationId);
    if (m_builds.contains(build.id))
        throw Error::alreadyExists(QStringLiteral("build id '%1' is taken").arg(build.id));
    domain::Build stored = build;
    if (!stored.queuedAt.isValid())
        stored.queuedAt = QDateTime::currentDateTimeUtc();
    stored.version = 1;
    m_builds.insert(stored.id, stored);
}

std::optional<domain::Build> FakeStore::findBuildById(const QString &id)
{
    return m_builds.contains(id) ? std::optional(withNames(m_builds.value(id))) : std::nullopt;
}

QList<domain::Build> FakeStore::listBuilds(const domain::BuildFilter &filter,
                                           const domain::BuildPageQuery &page)
{
    QList<domain::Build> builds = buildsWhere([&](const domain::Build &build) {
        const bool afterCursor = !page.afterQueuedAt.isValid() || build.queuedAt < page.afterQueuedAt ||
                                 (build.queuedAt == page.afterQueuedAt && build.id < page.afterId);
        return afterCursor &&
               (filter.applicationId.isEmpty() || build.applicationId == filter.applicationId) &&
               (filter.visibleToUserId.isEmpty() ||
                m_applications.value(build.applicationId).ownerIds.contains(filter.visibleToUserId)) &&
               (filter.states.isEmpty() || filter.states.contains(build.state));
    });
    std::reverse(builds.begin(), builds.end());
    if (builds.size() > page.limit)
        builds.resize(std::max(page.limit, 0));
    return builds;
}

std::optional<domain::Build> FakeStore::findBuild(const QString &applicationId, const QString &commit,
                                                  const QString &configHash)
{
    const QList<domain::Build> builds = buildsWhere([&](const domain::Build &build) {
        return build.applicationId == applicationId && build.commit == commit &&
               build.configHash == configHash;
    });
    return builds.isEmpty() ? std::nullopt : std::optional(builds.last());
}

bool FakeStore::transitionBuild(const QString &id, domain::BuildState from, domain::BuildState to,
                                const domain::BuildTransitionFields &fields)
{
    if (!domain::canTransition(from, to))
        throw Error::internal(QStringLiteral("build '%1' cannot make this transition").arg(id));
    if (!m_builds.contains(id) || m_builds.value(id).state != from)
        return false;
    domain::Build &build = m_builds[id];
    const QDateTime at = fields.at.isValid() ? fields.at : QDateTime::currentDateTimeUtc();
    build.state = to;
    if (to == domain::BuildState::Building) {
        build.startedAt = at;
        build.heartbeatAt = at;
    } else if (domain::isFinished(to)) {
        build.finishedAt = at;
    }
    if (!fields.builderId.isEmpty())
        build.builderId = fields.builderId;
    if (!fields.failureReason.isEmpty())
        build.failureReason = fields.failureReason;
    if (!fields.artifactPath.isEmpty())
        build.artifactPath = fields.artifactPath;
    if (!fields.image.isEmpty())
        build.image = fields.image;
    if (fields.plan) {
        build.deployType = fields.plan->deployType;
        build.startCommand = fields.plan->startCommand;
    }
    ++build.version;
    return true;
}

bool FakeStore::recordBuildHeartbeat(const QString &id, const QDateTime &at)
{
    if (!m_builds.contains(id) || m_builds.value(id).state != domain::BuildState::Building)
        return false;
    m_builds[id].heartbeatAt = at;
    return true;
}

QList<domain::QueuedBuild> FakeStore::listQueuedBuilds()
{
    QList<domain::QueuedBuild> queued;
    for (const domain::Build &build :
         buildsWhere([](const domain::Build &b) { return b.state == domain::BuildState::Queued; }))
        queued.append({build.id, build.ownerKey, build.queuedAt});
    return queued;
}

QHash<QString, domain::OwnerBuildActivity> FakeStore::buildActivityByOwner()
{
    QHash<QString, domain::OwnerBuildActivity> activity;
    for (const domain::Build &build : std::as_const(m_builds)) {
        if (build.state != domain::BuildState::Building && build.startedAt.isNull())
            continue;
        domain::OwnerBuildActivity &owner = activity[build.ownerKey];
        if (build.state == domain::BuildState::Building)
            ++owner.building;
        if (owner.lastStartedAt.isNull() || build.startedAt > owner.lastStartedAt)
            owner.lastStartedAt = build.startedAt;
    }
    return activity;
}

QList<domain::Build> FakeStore::listStaleBuilds(const QDateTime &heartbeatBefore)
{
    QList<domain::Build> stale = buildsWhere([&](const domain::Build &build) {
        return build.state == domain::BuildState::Building && build.heartbeatAt < heartbeatBefore;
    });
    std::stable_sort(stale.begin(), stale.end(), [](const domain::Build &a, const domain::Build &b) {
        return a.heartbeatAt < b.heartbeatAt;
    });
    return stale;
}

QStringList FakeStore::cancelQueuedBuildsExcept(const QString &applicationId, const QString &keepBuildId,
                                                const QString &reason, const QDateTime &at)
{
    QStringList canceled;
    for (const domain::Build &build : buildsWhere([&](const domain::Build &b) {
             return b.applicationId == applicationId && b.id != keepBuildId &&
                    b.state == domain::BuildState::Queued;
         })) {
        transitionBuild(build.id, domain::BuildState::Queued, domain::BuildState::Canceled,
                        {at, {}, reason, {}});
        canceled.append(build.id);
    }
    return canceled;
}

QList<domain::Build> FakeStore::deleteBuildsOfApplication(const QString &applicationId)
{
    const QList<domain::Build> builds =
        buildsWhere([&](const domain::Build &build) { return build.applicationId == applicationId; });
    for (const domain::Build &build : builds)
        m_builds.remove(build.id);
    return builds;
}

domain::BuildFigures FakeStore::buildFiguresSince(const QDateTime &since)
{
    domain::BuildFigures figures;
    QList<qint64> durations;
    for (const domain::Build &build : std::as_const(m_builds)) {
        if (!domain::isFinished(build.state) || build.finishedAt < since)
            continue;
        if (build.state == domain::BuildState::Canceled) {
            ++figures.canceled;
            continue;
        }
        ++(build.state == domain::BuildState::Succeeded ? figures.succeeded : figures.failed);
        if (build.startedAt.isValid())
            durations << build.startedAt.msecsTo(build.finishedAt);
    }
    std::sort(durations.begin(), durations.end());
    figures.durationP50Ms = domain::nearestRankPercentile(durations, 50);
    figures.durationP90Ms = domain::nearestRankPercentile(durations, 90);
    return figures;
}

QStringList FakeStore::repositoriesOwnedOnlyBy(const QString &userId)
{
    QStringList names;
    for (const domain::Repository &repository : std::as_const(m_repositories)) {
        if (repository.ownerIds == QStringList{userId})
            names.append(repository.name);
    }
    names.sort();
    return names;
}

QStringList FakeStore::applicationsOwnedOnlyBy(const QString &userId)
{
    QStringList names;
    for (const domain::Application &application : std::as_const(m_applications)) {
        if (application.ownerIds == QStringList{userId})
            names.append(application.name);
    }
    names.sort();
    return names;
}

void FakeStore::sortOwners(QStringList &ownerIds, QStringList &ownerNames) const
{
    std::sort(ownerIds.begin(), ownerIds.end(), [this](const QString &a, const QString &b) {
        return m_users.value(a).name < m_users.value(b).name;
    });
    ownerNames.clear();
    for (const QString &id : std::as_const(ownerIds))
        ownerNames.append(m_users.value(id).name);
}

domain::Repository FakeStore::withNames(domain::Repository repository) const
{
    sortOwners(repository.ownerIds, repository.ownerNames);
    return repository;
}

domain::Application FakeStore::withNames(domain::Application application) const
{
    sortOwners(application.ownerIds, application.ownerNames);
    application.repositoryName = m_repositories.value(application.repositoryId).name;
    return application;
}

domain::Build FakeStore::withNames(domain::Build build) const
{
    build.applicationName = m_applications.value(build.applicationId).name;
    return build;
}

QList<domain::Build> FakeStore::buildsWhere(const std::function<bool(const domain::Build &)> &keep) const
{
    QList<domain::Build> builds;
    for (const domain::Build &build : m_builds) {
        if (keep(build))
            builds.append(withNames(build));
    }
    std::sort(builds.begin(), builds.end(), [](const domain::Build &a, const domain::Build &b) {
        return std::pair(a.queuedAt, a.id) < std::pair(b.queuedAt, b.id);
    });
    return builds;
}

domain::Token FakeStore::withNames(domain::Token token) const
{
    token.userName = m_users.value(token.userId).name;
    return token;
}

void FakeStore::checkWebsitesFree(const domain::Application &application) const
{
    for (const domain::Application &other : m_applications) {
        if (other.id == application.id)
            continue;
        for (const domain::Website &website : application.websites) {
            for (const domain::Website &taken : other.websites) {
                if (website.fqdn == taken.fqdn && website.pathPrefix == taken.pathPrefix)
                    throw Error::alreadyExists(
                        QStringLiteral("website %1%2 is already used by application '%3'")
                            .arg(website.fqdn, website.pathPrefix, other.name));
            }
        }
    }
}

QHash<QString, QString> FakeStore::deployableBuildIds()
{
    QHash<QString, QString> buildIds;
    // Oldest first: a later build of the same application replaces an earlier one.
    for (const domain::Build &build : buildsWhere([this](const domain::Build &build) {
             const domain::Application application = m_applications.value(build.applicationId);
             return build.state == domain::BuildState::Succeeded &&
                    build.commit == application.currentCommit && build.configHash == application.configHash;
         }))
        buildIds.insert(build.applicationId, build.id);
    return buildIds;
}

QHash<QString, domain::Build> FakeStore::latestBuilds(const QStringList &applicationIds)
{
    QHash<QString, domain::Build> latest;
    // Oldest first: a later build of the same application replaces an earlier one.
    for (const domain::Build &build : buildsWhere(
             [&](const domain::Build &build) { return applicationIds.contains(build.applicationId); }))
        latest.insert(build.applicationId, build);
    return latest;
}

void FakeStore::insertAlert(const domain::Alert &alert)
{
    if (!m_applications.contains(alert.applicationId))
        throw missing(QStringLiteral("application"), alert.applicationId);
    if (m_alerts.contains(alert.id))
        throw Error::alreadyExists(QStringLiteral("alert id '%1' is taken").arg(alert.id));
    domain::Alert stored = alert;
    if (!stored.openedAt.isValid())
        stored.openedAt = QDateTime::currentDateTimeUtc();
    m_alerts.insert(stored.id, stored);
}

std::optional<domain::Alert> FakeStore::findAlertById(const QString &id)
{
    if (!m_alerts.contains(id))
        return std::nullopt;
    domain::Alert alert = m_alerts.value(id);
    alert.applicationName = m_applications.value(alert.applicationId).name;
    alert.acknowledgedByName = m_users.value(alert.acknowledgedBy).name;
    return alert;
}

QList<domain::Alert> FakeStore::listAlerts(const domain::AlertFilter &filter,
                                           const domain::AlertPageQuery &page)
{
    QList<domain::Alert> alerts;
    for (const domain::Alert &alert : std::as_const(m_alerts)) {
        const bool afterCursor = !page.afterOpenedAt.isValid() || alert.openedAt < page.afterOpenedAt ||
                                 (alert.openedAt == page.afterOpenedAt && alert.id < page.afterId);
        if (afterCursor && (filter.applicationId.isEmpty() || alert.applicationId == filter.applicationId) &&
            (filter.buildId.isEmpty() || alert.buildId == filter.buildId) &&
            (filter.visibleToUserId.isEmpty() ||
             m_applications.value(alert.applicationId).ownerIds.contains(filter.visibleToUserId)) &&
            (filter.kinds.isEmpty() || filter.kinds.contains(alert.kind)) &&
            (!filter.openOnly || alert.isOpen()))
            alerts << *findAlertById(alert.id);
    }
    std::sort(alerts.begin(), alerts.end(), [](const domain::Alert &a, const domain::Alert &b) {
        return a.openedAt != b.openedAt ? a.openedAt > b.openedAt : a.id > b.id;
    });
    if (alerts.size() > page.limit)
        alerts.resize(std::max(page.limit, 0));
    return alerts;
}

bool FakeStore::acknowledgeAlert(const QString &id, const QString &userId, const QDateTime &at)
{
    if (!m_alerts.contains(id) || !m_alerts.value(id).isOpen())
        return false;
    m_alerts[id].acknowledgedAt = at.isValid() ? at : QDateTime::currentDateTimeUtc();
    m_alerts[id].acknowledgedBy = userId;
    return true;
}

int FakeStore::countOpenAlerts()
{
    return int(std::count_if(m_alerts.cbegin(), m_alerts.cend(),
                             [](const domain::Alert &alert) { return alert.isOpen(); }));
}

} // namespace vitrine::tests
