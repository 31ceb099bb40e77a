#include "adapters/store/sql_store.h"

#include "adapters/store/migrations.h"
#include "adapters/store/sql_connection.h"
#include "domain/error.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QSet>

#include <atomic>
#include <limits>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace vitrine::adapters::store {

using domain::Application;
using domain::ApplicationFilter;
using domain::Build;
using domain::BuildFilter;
using domain::BuildPageQuery;
using domain::BuildState;
using domain::BuildTransitionFields;
using domain::OwnerBuildActivity;
using domain::PageQuery;
using domain::QueuedBuild;
using domain::Repository;
using domain::RepositoryFilter;
using domain::Role;
using domain::Token;
using domain::User;
using domain::Website;

namespace {

std::atomic<quint64> g_nextStoreSerial{1};
std::atomic<quint64> g_nextThreadSerial{1};

// The connections the calling thread opened, one per store it called. A thread that ends closes its own, so
// a server whose thread pool comes and goes does not pile up connections.
struct ThreadConnections {
    const quint64 serial = g_nextThreadSerial++;
    std::unordered_map<quint64, std::shared_ptr<SqlConnection>> byStore;

    ~ThreadConnections()
    {
        for (auto &entry : byStore) {
            if (entry.second)
                entry.second->close();
        }
    }
};

thread_local ThreadConnections t_connections;

// Qt SQL binds a null QString as NULL; text columns are NOT NULL and keep "none" as the empty string.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QVariant timestamp(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

QDateTime timestampFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QDateTime createdAtOrNow(const QDateTime &createdAt)
{
    return createdAt.isValid() ? createdAt : QDateTime::currentDateTimeUtc();
}

QString roleName(Role role)
{
    return role == Role::Admin ? QStringLiteral("admin") : QStringLiteral("member");
}

QString websiteName(const Website &website)
{
    return website.pathPrefix == u"/" ? website.fqdn : website.fqdn + website.pathPrefix;
}

bool exists(SqlConnection &connection, const QString &sql, const QVariantList &values)
{
    Rows rows = connection.run(sql, values);
    return rows.next();
}

int count(SqlConnection &connection, const QString &sql, const QVariantList &values = {})
{
    Rows rows = connection.run(sql, values);
    return rows.next() ? rows.value(0).toInt() : 0;
}

QStringList names(SqlConnection &connection, const QString &sql, const QVariantList &values)
{
    QStringList result;
    Rows rows = connection.run(sql, values);
    while (rows.next())
        result << rows.value(0).toString();
    return result;
}

int appliedSchemaVersion(SqlConnection &connection)
{
    return count(connection, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
}

// Which rows a load reads: a condition over the table's alias ("r" or "a") with its values, in name order.
struct Selection {
    QString where;
    QVariantList values;
    int limit = 1;

    QVariantList valuesWithLimit() const { return QVariantList(values) << limit; }
};

Selection pageSelection(const QString &nameColumn, const PageQuery &page)
{
    return {QStringLiteral("%1 > ?").arg(nameColumn), {text(page.afterName)}, page.limit};
}

void requireUsers(SqlConnection &connection, const QStringList &userIds)
{
    for (const QString &userId : userIds) {
        if (!exists(connection, QStringLiteral("SELECT 1 FROM users WHERE id = ?"), {userId}))
            throw domain::Error::notFound(QStringLiteral("user"), userId);
    }
}

QStringList withoutDuplicates(const QStringList &ids)
{
    QStringList result = ids;
    result.removeDuplicates();
    return result;
}

const QString kUserColumns = QStringLiteral("u.id, u.name, u.role, u.created_at");

User userFrom(const Rows &rows)
{
    User user;
    user.id = rows.value(0).toString();
    user.name = rows.value(1).toString();
    user.role = rows.value(2).toString() == u"admin" ? Role::Admin : Role::Member;
    user.createdAt = timestampFrom(rows.value(3));
    return user;
}

std::optional<User> findUser(SqlConnection &connection, const QString &column, const QString &key)
{
    Rows rows = connection.run(
        QStringLiteral("SELECT %1 FROM users u WHERE u.%2 = ?").arg(kUserColumns, column), {key});
    if (!rows.next())
        return std::nullopt;
    return userFrom(rows);
}

const QString kTokenSelect = QStringLiteral(
    "SELECT t.id, t.user_id, u.name, t.description, t.secret_hash, t.created_at, t.expires_at, "
    "t.revoked_at, t.last_used_at FROM tokens t JOIN users u ON u.id = t.user_id");

Token tokenFrom(const Rows &rows)
{
    Token token;
    token.id = rows.value(0).toString();
    token.userId = rows.value(1).toString();
    token.userName = rows.value(2).toString();
    token.description = rows.value(3).toString();
    token.secretHash = rows.value(4).toByteArray();
    token.createdAt = timestampFrom(rows.value(5));
    token.expiresAt = timestampFrom(rows.value(6));
    token.revokedAt = timestampFrom(rows.value(7));
    token.lastUsedAt = timestampFrom(rows.value(8));
    return token;
}

std::optional<Token> findToken(SqlConnection &connection, const QString &column, const QVariant &key)
{
    Rows rows = connection.run(QStringLiteral("%1 WHERE t.%2 = ?").arg(kTokenSelect, column), {key});
    if (!rows.next())
        return std::nullopt;
    return tokenFrom(rows);
}

void setTokenTime(SqlConnection &connection, const QString &column, const QString &id, const QDateTime &at)
{
    Rows rows = connection.run(QStringLiteral("UPDATE tokens SET %1 = ? WHERE id = ?").arg(column),
                               {timestamp(at), id});
    if (rows.rowsAffected() == 0)
        throw domain::Error::notFound(QStringLiteral("token"), id);
}

// Repositories and applications keep their owners alike, in a table `<kind>_owners` (<kind>_id, user_id).
void writeOwners(SqlConnection &connection, const QString &kind, const QString &id,
                 const QStringList &ownerIds)
{
    const QStringList distinctIds = withoutDuplicates(ownerIds);
    requireUsers(connection, distinctIds);
    const QString insert = QStringLiteral("INSERT INTO %1_owners (%1_id, user_id) VALUES (?, ?)").arg(kind);
    for (const QString &userId : distinctIds)
        connection.run(insert, {id, userId});
}

// Fills ownerIds and ownerNames (sorted by user name) of the loaded `entities`, whose ids the statement
// `selectedIds` picks again.
template<typename Entity>
void readOwners(SqlConnection &connection, const QString &kind, const QString &selectedIds,
                const QVariantList &values, const QHash<QString, qsizetype> &indexById,
                QList<Entity> &entities)
{
    Rows owners = connection.run(QStringLiteral("SELECT o.%1_id, u.id, u.name FROM %1_owners o "
                                                "JOIN users u ON u.id = o.user_id WHERE o.%1_id IN (%2) "
                                                "ORDER BY u.name")
                                     .arg(kind, selectedIds),
                                 values);
    while (owners.next()) {
        Entity &entity = entities[indexById.value(owners.value(0).toString())];
        entity.ownerIds << owners.value(1).toString();
        entity.ownerNames << owners.value(2).toString();
    }
}

// Names of the rows of `table` whose only owner is userId: they would be left without one.
QStringList namesOwnedOnlyBy(SqlConnection &connection, const QString &table, const QString &kind,
                             const QString &userId)
{
    return names(connection,
                 QStringLiteral("SELECT t.name FROM %1 t "
                                "JOIN %2_owners o ON o.%2_id = t.id AND o.user_id = ? "
                                "WHERE NOT EXISTS (SELECT 1 FROM %2_owners x "
                                "WHERE x.%2_id = t.id AND x.user_id <> ?) ORDER BY t.name")
                     .arg(table, kind),
                 {userId, userId});
}

QList<Repository> loadRepositories(SqlConnection &connection, const Selection &selection)
{
    QList<Repository> repositories;
    QHash<QString, qsizetype> indexById;
    {
        Rows rows = connection.run(
            QStringLiteral(
                "SELECT r.id, r.name, r.url, r.webhook_secret, r.created_at, r.updated_at, r.version, "
                "r.last_fetched_at, r.last_fetch_error FROM repositories r WHERE %1 ORDER BY r.name LIMIT ?")
                .arg(selection.where),
            selection.valuesWithLimit());
        while (rows.next()) {
            Repository repository;
            repository.id = rows.value(0).toString();
            repository.name = rows.value(1).toString();
            repository.url = rows.value(2).toString();
            repository.webhookSecret = rows.value(3).toString();
            repository.createdAt = timestampFrom(rows.value(4));
            repository.updatedAt = timestampFrom(rows.value(5));
            repository.version = rows.value(6).toLongLong();
            repository.lastFetchedAt = timestampFrom(rows.value(7));
            repository.lastFetchError = rows.value(8).toString();
            indexById.insert(repository.id, repositories.size());
            repositories << repository;
        }
    }
    if (repositories.isEmpty())
        return repositories;

    readOwners(connection, QStringLiteral("repository"),
               QStringLiteral("SELECT r.id FROM repositories r WHERE %1 ORDER BY r.name LIMIT ?")
                   .arg(selection.where),
               selection.valuesWithLimit(), indexById, repositories);
    return repositories;
}

std::optional<Repository> loadRepository(SqlConnection &connection, const QString &column, const QString &key)
{
    const QList<Repository> found =
        loadRepositories(connection, {QStringLiteral("r.%1 = ?").arg(column), {key}});
    return found.isEmpty() ? std::nullopt : std::optional(found.first());
}

Application applicationFrom(const Rows &rows)
{
    Application application;
    application.id = rows.value(0).toString();
    application.name = rows.value(1).toString();
    application.repositoryId = rows.value(2).toString();
    application.repositoryName = rows.value(3).toString();
    application.ref = rows.value(4).toString();

    const QString deployType = rows.value(5).toString();
    const QString buildType = rows.value(6).toString();
    const auto knownDeployType = domain::deployTypeFromName(deployType);
    const auto knownBuildType = domain::buildTypeFromName(buildType);
    if (!knownDeployType || !knownBuildType) {
        throw domain::Error::internal(
            QStringLiteral("application '%1' has an unknown deploy type '%2' or build type "
                           "'%3' in the database")
                .arg(application.name, deployType, buildType));
    }
    application.deployType = *knownDeployType;
    application.build.type = *knownBuildType;
    application.build.buildCommand = rows.value(7).toString();
    application.build.startCommand = rows.value(8).toString();
    application.build.artifactDir = rows.value(9).toString();
    application.build.dockerfile = rows.value(10).toString();
    application.build.contextDir = rows.value(11).toString();
    application.build.port = quint16(rows.value(12).toUInt());
    application.running = rows.value(13).toBool();
    application.autoSleepSeconds = quint32(rows.value(14).toLongLong());
    application.configHash = rows.value(15).toString();
    application.createdAt = timestampFrom(rows.value(16));
    application.updatedAt = timestampFrom(rows.value(17));
    application.version = rows.value(18).toLongLong();
    application.spaFallback = rows.value(19).toBool();
    application.currentCommit = rows.value(20).toString();
    application.currentBuildId = rows.value(21).toString();
    application.stoppedReason = rows.value(22).toString();
    application.healthCheckPath = rows.value(23).toString();
    application.memoryLimitMb = quint32(rows.value(24).toLongLong());
    application.cpuMillicores = quint32(rows.value(25).toLongLong());
    application.pinnedBuildId = rows.value(26).toString();
    return application;
}

QList<Application> loadApplications(SqlConnection &connection, const Selection &selection)
{
    QList<Application> applications;
    QHash<QString, qsizetype> indexById;
    {
        Rows rows = connection.run(
            QStringLiteral(
                "SELECT a.id, a.name, a.repository_id, r.name, a.ref, a.deploy_type, a.build_type, "
                "a.build_command, a.start_command, a.artifact_dir, a.dockerfile, a.context_dir, a.port, "
                "a.running, a.auto_sleep_seconds, a.config_hash, a.created_at, a.updated_at, a.version, "
                "a.spa_fallback, a.current_commit, a.current_build_id, a.stopped_reason, "
                "a.health_check_path, a.memory_limit_mb, a.cpu_millicores, a.pinned_build_id "
                "FROM applications a JOIN repositories "
                "r ON r.id = a.repository_id "
                "WHERE %1 ORDER BY a.name LIMIT ?")
                .arg(selection.where),
            selection.valuesWithLimit());
        while (rows.next()) {
            Application application = applicationFrom(rows);
            indexById.insert(application.id, applications.size());
            applications << application;
        }
    }
    if (applications.isEmpty())
        return applications;

    // The same selection again, so the children are read in one statement per table whatever the page size.
    const QString selected =
        QStringLiteral("SELECT a.id FROM applications a WHERE %1 ORDER BY a.name LIMIT ?")
            .arg(selection.where);
    const QVariantList values = selection.valuesWithLimit();
    {
        Rows websites =
            connection.run(QStringLiteral("SELECT w.application_id, w.fqdn, w.path_prefix, w.strip_prefix "
                                          "FROM application_websites w WHERE w.application_id IN (%1) "
                                          "ORDER BY w.application_id, w.ordinal")
                               .arg(selected),
                           values);
        while (websites.next()) {
            Website website;
            website.fqdn = websites.value(1).toString();
            website.pathPrefix = websites.value(2).toString();
            website.stripPrefix = websites.value(3).toBool();
            applications[indexById.value(websites.value(0).toString())].websites << website;
        }
    }
    {
        Rows env =
            connection.run(QStringLiteral("SELECT e.application_id, e.name, e.value FROM application_env e "
                                          "WHERE e.application_id IN (%1)")
                               .arg(selected),
                           values);
        while (env.next())
            applications[indexById.value(env.value(0).toString())].env.insert(env.value(1).toString(),
                                                                              env.value(2).toString());
    }
    readOwners(connection, QStringLiteral("application"), selected, values, indexById, applications);
    return applications;
}

std::optional<Application> loadApplication(SqlConnection &connection, const QString &column,
                                           const QString &key)
{
    const QList<Application> found =
        loadApplications(connection, {QStringLiteral("a.%1 = ?").arg(column), {key}});
    return found.isEmpty() ? std::nullopt : std::optional(found.first());
}

// Each (FQDN, path prefix) routes to one application only.
void requireFreeWebsites(SqlConnection &connection, const Application &application)
{
    QSet<QPair<QString, QString>> listed;
    for (const Website &website : application.websites) {
        if (!listed.contains({website.fqdn, website.pathPrefix})) {
            listed.insert({website.fqdn, website.pathPrefix});
        } else {
            throw domain::Error::alreadyExists(
                QStringLiteral("website %1 is listed twice for application '%2'")
                    .arg(websiteName(website), application.name));
        }
        const QStringList holders =
            names(connection,
                  QStringLiteral("SELECT a.name FROM application_websites w JOIN applications a "
                                 "ON a.id = w.application_id "
                                 "WHERE w.fqdn = ? AND w.path_prefix = ? AND w.application_id <> ?"),
                  {text(website.fqdn), text(website.pathPrefix), application.id});
        if (!holders.isEmpty()) {
            throw domain::Error::alreadyExists(
                QStringLiteral("website %1 is already used by application '%2'")
                    .arg(websiteName(website), holders.first()));
        }
    }
}

void writeApplicationParts(SqlConnection &connection, const Application &application)
{
    for (qsizetype i = 0; i < application.websites.size(); ++i) {
        const Website &website = application.websites[i];
        connection.run(
            QStringLiteral("INSERT INTO application_websites "
                           "(application_id, ordinal, fqdn, path_prefix, strip_prefix) "
                           "VALUES (?, ?, ?, ?, ?)"),
            {application.id, int(i), text(website.fqdn), text(website.pathPrefix), website.stripPrefix});
    }
    for (auto it = application.env.cbegin(); it != application.env.cend(); ++it) {
        connection.run(
            QStringLiteral("INSERT INTO application_env (application_id, name, value) VALUES (?, ?, ?)"),
            {application.id, text(it.key()), text(it.value())});
    }
    writeOwners(connection, QStringLiteral("application"), application.id, application.ownerIds);
}

void deleteApplicationParts(SqlConnection &connection, const QString &applicationId)
{
    for (const auto *table : {"application_websites", "application_env", "application_owners"}) {
        connection.run(
            QStringLiteral("DELETE FROM %1 WHERE application_id = ?").arg(QLatin1StringView(table)),
            {applicationId});
    }
}

// Writes one column of one row; NotFound when the row is missing.
void setColumn(SqlConnection &connection, const QString &table, const QString &what, const QString &column,
               const QString &id, const QVariant &value)
{
    Rows rows =
        connection.run(QStringLiteral("UPDATE %1 SET %2 = ? WHERE id = ?").arg(table, column), {value, id});
    if (rows.rowsAffected() == 0)
        throw domain::Error::notFound(what, id);
}

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QString &json, const QString &buildId, const QString &column)
{
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    if (!document.isObject()) {
        throw domain::Error::internal(
            QStringLiteral("build '%1' has malformed %2 in the database").arg(buildId, column));
    }
    return document.object();
}

QString buildConfigJson(const domain::BuildConfig &config)
{
    return compactJson({
        {QStringLiteral("type"), domain::buildTypeName(config.type)},
        {QStringLiteral("buildCommand"), config.buildCommand},
        {QStringLiteral("startCommand"), config.startCommand},
        {QStringLiteral("artifactDir"), config.artifactDir},
        {QStringLiteral("dockerfile"), config.dockerfile},
        {QStringLiteral("contextDir"), config.contextDir},
        {QStringLiteral("port"), int(config.port)},
    });
}

domain::BuildConfig buildConfigFromJson(const QString &json, const QString &buildId)
{
    const QJsonObject object = jsonObject(json, buildId, QStringLiteral("build_config"));
    const QString typeName = object.value(QStringLiteral("type")).toString();
    const auto type = domain::buildTypeFromName(typeName);
    if (!type) {
        throw domain::Error::internal(
            QStringLiteral("build '%1' has an unknown build type '%2' in the database")
                .arg(buildId, typeName));
    }
    domain::BuildConfig config;
    config.type = *type;
    config.buildCommand = object.value(QStringLiteral("buildCommand")).toString();
    config.startCommand = object.value(QStringLiteral("startCommand")).toString();
    config.artifactDir = object.value(QStringLiteral("artifactDir")).toString();
    config.dockerfile = object.value(QStringLiteral("dockerfile")).toString();
    config.contextDir = object.value(QStringLiteral("contextDir")).toString();
    config.port = quint16(object.value(QStringLiteral("port")).toInt());
    return config;
}

QString envJson(const domain::EnvVars &env)
{
    QJsonObject object;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        object.insert(it.key(), it.value());
    return compactJson(object);
}

domain::EnvVars envFromJson(const QString &json, const QString &buildId)
{
    const QJsonObject object = jsonObject(json, buildId, QStringLiteral("env"));
    domain::EnvVars env;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        env.insert(it.key(), it.value().toString());
    return env;
}

QVariant stateValue(BuildState state)
{
    return domain::buildStateName(state);
}

const QString kBuildSelect = QStringLiteral(
    "SELECT b.id, b.application_id, a.name, b.commit_sha, b.config_hash, b.build_config, b.env, b.state, "
    "b.owner_key, b.builder_id, b.failure_reason, b.artifact_path, b.queued_at, b.started_at, "
    "b.finished_at, b.heartbeat_at, b.version, b.deploy_type, b.start_command, b.image "
    "FROM builds b JOIN applications a ON a.id = b.application_id");

Build buildFrom(const Rows &rows)
{
    Build build;
    build.id = rows.value(0).toString();
    build.applicationId = rows.value(1).toString();
    build.applicationName = rows.value(2).toString();
    build.commit = rows.value(3).toString();
    build.configHash = rows.value(4).toString();
    build.config = buildConfigFromJson(rows.value(5).toString(), build.id);
    build.env = envFromJson(rows.value(6).toString(), build.id);
    const QString stateName = rows.value(7).toString();
    const auto state = domain::buildStateFromName(stateName);
    if (!state) {
        throw domain::Error::internal(
            QStringLiteral("build '%1' has an unknown state '%2' in the database").arg(build.id, stateName));
    }
    build.state = *state;
    build.ownerKey = rows.value(8).toString();
    build.builderId = rows.value(9).toString();
    build.failureReason = rows.value(10).toString();
    build.artifactPath = rows.value(11).toString();
    build.queuedAt = timestampFrom(rows.value(12));
    build.startedAt = timestampFrom(rows.value(13));
    build.finishedAt = timestampFrom(rows.value(14));
    build.heartbeatAt = timestampFrom(rows.value(15));
    build.version = rows.value(16).toLongLong();
    const QString deployTypeName = rows.value(17).toString();
    const auto deployType = domain::deployTypeFromName(deployTypeName);
    if (!deployType) {
        throw domain::Error::internal(
            QStringLiteral("build '%1' has an unknown deploy type '%2' in the database")
                .arg(build.id, deployTypeName));
    }
    build.deployType = *deployType;
    build.startCommand = rows.value(18).toString();
    build.image = rows.value(19).toString();
    return build;
}

// The builds a statement of the form "kBuildSelect WHERE …" gives.
QList<Build> loadBuilds(SqlConnection &connection, const QString &conditionAndOrder,
                        const QVariantList &values)
{
    QList<Build> builds;
    Rows rows = connection.run(QStringLiteral("%1 WHERE %2").arg(kBuildSelect, conditionAndOrder), values);
    while (rows.next())
        builds << buildFrom(rows);
    return builds;
}

std::optional<Build> loadBuild(SqlConnection &connection, const QString &conditionAndOrder,
                               const QVariantList &values)
{
    const QList<Build> found = loadBuilds(connection, conditionAndOrder, values);
    return found.isEmpty() ? std::nullopt : std::optional(found.first());
}

// An optimistic update changed no row: the row is gone, or someone else updated it since it was read.
[[noreturn]] void explainStaleUpdate(SqlConnection &connection, const QString &table, const QString &what,
                                     const QString &id, const QString &name)
{
    if (!exists(connection, QStringLiteral("SELECT 1 FROM %1 WHERE id = ?").arg(table), {id}))
        throw domain::Error::notFound(what, name.isEmpty() ? id : name);
    throw domain::Error::failedPrecondition(
        QStringLiteral("%1 '%2' was changed by someone else since it was read; read it again and retry")
            .arg(what, name.isEmpty() ? id : name));
}

// The condition of one newest-first page of rows that belong to an application and sort by a time column,
// then by id (builds by queue time, alerts by opening time): filters joined by AND, their values in bind
// order.
class NewestFirstPage {
public:
    NewestFirstPage(QString alias, QString timeColumn)
        : m_alias(std::move(alias))
        , m_timeColumn(std::move(timeColumn))
    {
    }

    void require(const QString &condition, const QVariantList &values = {})
    {
        m_conditions << condition;
        m_values << values;
    }

    // An empty value filters nothing.
    void requireEqual(const QString &column, const QString &value)
    {
        if (!value.isEmpty())
            require(QStringLiteral("%1.%2 = ?").arg(m_alias, column), {value});
    }

    // An empty user id filters nothing.
    void requireOwnedBy(const QString &userId)
    {
        if (!userId.isEmpty()) {
            require(QStringLiteral("EXISTS (SELECT 1 FROM application_owners o "
                                   "WHERE o.application_id = %1.application_id AND o.user_id = ?)")
                        .arg(m_alias),
                    {userId});
        }
    }

    // The column holds one of the names of `items`; no items filter nothing.
    template<typename Items, typename NameOf>
    void requireOneOf(const QString &column, const Items &items, NameOf nameOf)
    {
        if (items.isEmpty())
            return;
        QStringList placeholders;
        for (const auto &item : items) {
            placeholders << QStringLiteral("?");
            m_values << nameOf(item);
        }
        m_conditions
            << QStringLiteral("%1.%2 IN (%3)").arg(m_alias, column, placeholders.join(QStringLiteral(", ")));
    }

    // Continues after the row with this time and id, the last of the previous page; a null time starts at the
    // newest.
    void startAfter(const QDateTime &at, const QString &id)
    {
        if (!at.isValid())
            return;
        const QVariant after = timestamp(at);
        require(QStringLiteral("(%1.%2 < ? OR (%1.%2 = ? AND %1.id < ?))").arg(m_alias, m_timeColumn),
                {after, after, text(id)});
    }

    // "condition ORDER BY … LIMIT ?", to follow a "SELECT … WHERE".
    QString conditionAndOrder() const
    {
        return QStringLiteral("%1 ORDER BY %2.%3 DESC, %2.id DESC LIMIT ?")
            .arg(m_conditions.join(QStringLiteral(" AND ")), m_alias, m_timeColumn);
    }

    QVariantList valuesWithLimit(int limit) const { return m_values + QVariantList{limit}; }

private:
    QString m_alias;
    QString m_timeColumn;
    QStringList m_conditions{QStringLiteral("1 = 1")};
    QVariantList m_values;
};

const QString kAlertSelect = QStringLiteral(
    "SELECT l.id, l.application_id, a.name, l.build_id, l.kind, l.message, l.opened_at, l.acknowledged_at, "
    "l.acknowledged_by, COALESCE(u.name, '') FROM alerts l JOIN applications a ON a.id = l.application_id "
    "LEFT JOIN users u ON u.id = l.acknowledged_by");

domain::Alert alertFrom(const Rows &rows)
{
    domain::Alert alert;
    alert.id = rows.value(0).toString();
    alert.applicationId = rows.value(1).toString();
    alert.applicationName = rows.value(2).toString();
    alert.buildId = rows.value(3).toString();
    const QString kindName = rows.value(4).toString();
    const auto kind = domain::alertKindFromName(kindName);
    if (!kind) {
        throw domain::Error::internal(
            QStringLiteral("alert '%1' has an unknown kind '%2' in the database").arg(alert.id, kindName));
    }
    alert.kind = *kind;
    alert.message = rows.value(5).toString();
    alert.openedAt = timestampFrom(rows.value(6));
    alert.acknowledgedAt = timestampFrom(rows.value(7));
    alert.acknowledgedBy = rows.value(8).toString();
    alert.acknowledgedByName = rows.value(9).toString();
    return alert;
}

// The alerts a statement of the form "kAlertSelect WHERE …" gives.
QList<domain::Alert> loadAlerts(SqlConnection &connection, const QString &conditionAndOrder,
                                const QVariantList &values)
{
    QList<domain::Alert> alerts;
    Rows rows = connection.run(kAlertSelect + QStringLiteral(" WHERE ") + conditionAndOrder, values);
    while (rows.next())
        alerts << alertFrom(rows);
    return alerts;
}

} // namespace

template<typename Work>
auto SqlStore::withConnection(Work &&work)
{
    SqlConnection *connection = nullptr;
    try {
        connection = &this->connection();
        return work(*connection);
    } catch (const SqlFailure &failure) {
        if (connection && !failure.isConstraintViolation())
            connection->markBroken();
        throw domain::Error::internal(failure.detail());
    }
}

template<typename Work>
auto SqlStore::inTransaction(TransactionKind kind, Work &&work)
{
    constexpr int kAttempts = 2;
    for (int attempt = 1;; ++attempt) {
        SqlConnection *connection = nullptr;
        bool begun = false;
        try {
            connection = &this->connection();
            connection->begin(kind);
            begun = true;
            if constexpr (std::is_void_v<std::invoke_result_t<Work &, SqlConnection &>>) {
                work(*connection);
                connection->commit();
                return;
            } else {
                auto result = work(*connection);
                connection->commit();
                return result;
            }
        } catch (const SqlFailure &failure) {
            if (begun)
                connection->rollback();
            const bool worthRetrying = failure.isConstraintViolation() || failure.isTransient();
            if (worthRetrying && attempt < kAttempts)
                continue;
            if (connection && !worthRetrying)
                connection->markBroken();
            throw domain::Error::internal(failure.detail());
        } catch (...) {
            if (begun)
                connection->rollback();
            throw;
        }
    }
}

SqlStore::SqlStore(const QString &url)
    : m_url(DatabaseUrl::parse(url))
    , m_serial(g_nextStoreSerial++)
{
    const QString database = QStringLiteral("%1 database %2")
                                 .arg(m_url.backend == DatabaseBackend::Sqlite ? QStringLiteral("SQLite")
                                                                               : QStringLiteral("PostgreSQL"),
                                      m_url.displayName());
    try {
        migrate(connection());
    } catch (const SqlFailure &failure) {
        closeConnections();
        throw StoreOpenError(
            QStringLiteral("cannot open the %1: %2").arg(database, failure.detail()).toStdString());
    } catch (const StoreOpenError &error) {
        closeConnections();
        throw StoreOpenError(QStringLiteral("cannot open the %1: %2")
                                 .arg(database, QString::fromStdString(error.what()))
                                 .toStdString());
    }
}

SqlStore::~SqlStore()
{
    closeConnections();
}

QString SqlStore::backendName() const
{
    return m_url.backendName();
}

int SqlStore::schemaVersion()
{
    return withConnection([](SqlConnection &connection) { return appliedSchemaVersion(connection); });
}

SqlConnection &SqlStore::connection()
{
    std::shared_ptr<SqlConnection> &slot = t_connections.byStore[m_serial];
    if (slot && slot->isBroken()) {
        slot->close();
        slot.reset();
    }
    if (!slot) {
        // Connections of stores that are gone are closed already; forget them.
        std::erase_if(t_connections.byStore,
                      [](const auto &entry) { return entry.second && entry.second->isClosed(); });
        auto opened = std::make_shared<SqlConnection>(
            m_url, QStringLiteral("vitrine-store-%1-thread-%2").arg(m_serial).arg(t_connections.serial));
        QMutexLocker lock(&m_connectionsMutex);
        std::erase_if(m_connections, [](const auto &connection) { return connection.expired(); });
        m_connections.push_back(opened);
        slot = std::move(opened);
    }
    return *slot;
}

void SqlStore::closeConnections()
{
    QMutexLocker lock(&m_connectionsMutex);
    for (const auto &weak : m_connections) {
        if (const auto connection = weak.lock())
            connection->close();
    }
    m_connections.clear();
}

void SqlStore::migrate(SqlConnection &connection)
{
    connection.execute(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                                      "KEY, applied_at BIGINT NOT NULL)"));
    const int applied = appliedSchemaVersion(connection);
    const int known = latestSchemaVersion();
    if (applied > known) {
        throw StoreOpenError(QStringLiteral("its schema version %1 is newer than this program knows (%2); "
                                            "run a newer Vitrine")
                                 .arg(applied)
                                 .arg(known)
                                 .toStdString());
    }

    for (const Migration &migration : migrations(m_url.backend)) {
        if (migration.version <= applied)
            continue;
        try {
            connection.begin(TransactionKind::Write);
            // Two servers starting on one PostgreSQL database take turns; the second finds the work done.
            if (m_url.backend == DatabaseBackend::Postgresql)
                connection.execute(QStringLiteral("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"));
            if (appliedSchemaVersion(connection) < migration.version) {
                for (const QString &statement : migration.statements)
                    connection.execute(statement);
                if (migration.fillData)
                    migration.fillData(connection);
                connection.run(
                    QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                    {migration.version, timestamp(QDateTime::currentDateTimeUtc())});
            }
            connection.commit();
        } catch (const SqlFailure &failure) {
            connection.rollback();
            throw StoreOpenError(
                QStringLiteral("migration %1 (%2) failed: %3")
                    .arg(QString::number(migration.version), migration.description, failure.detail())
                    .toStdString());
        }
    }
}

void SqlStore::insertUser(const User &user)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        if (exists(connection, QStringLiteral("SELECT 1 FROM users WHERE name = ?"), {text(user.name)}))
            throw domain::Error::alreadyExists(QStringLiteral("user name '%1' is taken").arg(user.name));
        connection.run(
            QStringLiteral("INSERT INTO users (id, name, role, created_at) VALUES (?, ?, ?, ?)"),
            {user.id, text(user.name), roleName(user.role), timestamp(createdAtOrNow(user.createdAt))});
    });
}

std::optional<User> SqlStore::findUserById(const QString &id)
{
    return withConnection(
        [&](SqlConnection &connection) { return findUser(connection, QStringLiteral("id"), id); });
}

std::optional<User> SqlStore::findUserByName(const QString &name)
{
    return withConnection(
        [&](SqlConnection &connection) { return findUser(connection, QStringLiteral("name"), name); });
}

QList<User> SqlStore::listUsers(const PageQuery &page)
{
    if (page.limit <= 0)
        return {};
    return withConnection([&](SqlConnection &connection) {
        QList<User> users;
        Rows rows =
            connection.run(QStringLiteral("SELECT %1 FROM users u WHERE u.name > ? ORDER BY u.name LIMIT ?")
                               .arg(kUserColumns),
                           {text(page.afterName), page.limit});
        while (rows.next())
            users << userFrom(rows);
        return users;
    });
}

int SqlStore::countUsers()
{
    return withConnection([](SqlConnection &connection) {
        return count(connection, QStringLiteral("SELECT COUNT(*) FROM users"));
    });
}

int SqlStore::countAdmins()
{
    return withConnection([](SqlConnection &connection) {
        return count(connection, QStringLiteral("SELECT COUNT(*) FROM users WHERE role = ?"),
                     {roleName(Role::Admin)});
    });
}

void SqlStore::updateUser(const User &user)
{
    withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(QStringLiteral("UPDATE users SET role = ? WHERE id = ?"),
                                   {roleName(user.role), user.id});
        if (rows.rowsAffected() == 0)
            throw domain::Error::notFound(QStringLiteral("user"), user.name.isEmpty() ? user.id : user.name);
    });
}

void SqlStore::deleteUser(const QString &id)
{
    // Tokens and ownerships go with the user (ON DELETE CASCADE).
    withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(QStringLiteral("DELETE FROM users WHERE id = ?"), {id});
        if (rows.rowsAffected() == 0)
            throw domain::Error::notFound(QStringLiteral("user"), id);
    });
}

void SqlStore::insertToken(const Token &token)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        requireUsers(connection, {token.userId});
        if (exists(connection, QStringLiteral("SELECT 1 FROM tokens WHERE secret_hash = ?"),
                   {token.secretHash}))
            throw domain::Error::alreadyExists(QStringLiteral("a token with this secret exists already"));
        connection.run(
            QStringLiteral("INSERT INTO tokens (id, user_id, description, secret_hash, created_at, "
                           "expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
            {token.id, token.userId, text(token.description), token.secretHash,
             timestamp(createdAtOrNow(token.createdAt)), timestamp(token.expiresAt),
             timestamp(token.revokedAt), timestamp(token.lastUsedAt)});
    });
}

std::optional<Token> SqlStore::findTokenById(const QString &id)
{
    return withConnection(
        [&](SqlConnection &connection) { return findToken(connection, QStringLiteral("id"), id); });
}

std::optional<Token> SqlStore::findTokenBySecretHash(const QByteArray &secretHash)
{
    return withConnection([&](SqlConnection &connection) {
        return findToken(connection, QStringLiteral("secret_hash"), secretHash);
    });
}

QList<Token> SqlStore::listTokens(const QString &userId)
{
    return withConnection([&](SqlConnection &connection) {
        QList<Token> tokens;
        Rows rows = connection.run(
            QStringLiteral("%1 WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id DESC").arg(kTokenSelect),
            {userId});
        while (rows.next())
            tokens << tokenFrom(rows);
        return tokens;
    });
}

void SqlStore::setTokenRevoked(const QString &id, const QDateTime &at)
{
    withConnection(
        [&](SqlConnection &connection) { setTokenTime(connection, QStringLiteral("revoked_at"), id, at); });
}

void SqlStore::setTokenLastUsed(const QString &id, const QDateTime &at)
{
    withConnection(
        [&](SqlConnection &connection) { setTokenTime(connection, QStringLiteral("last_used_at"), id, at); });
}

void SqlStore::insertRepository(const Repository &repository)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        if (exists(connection, QStringLiteral("SELECT 1 FROM repositories WHERE name = ?"),
                   {text(repository.name)})) {
            throw domain::Error::alreadyExists(
                QStringLiteral("repository name '%1' is taken").arg(repository.name));
        }
        const QVariant createdAt = timestamp(createdAtOrNow(repository.createdAt));
        connection.run(QStringLiteral("INSERT INTO repositories (id, name, url, url_key, webhook_secret, "
                                      "created_at, updated_at, version, last_fetched_at, last_fetch_error) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"),
                       {repository.id, text(repository.name), text(repository.url),
                        domain::repositoryUrlKey(repository.url), text(repository.webhookSecret), createdAt,
                        createdAt, timestamp(repository.lastFetchedAt), text(repository.lastFetchError)});
        writeOwners(connection, QStringLiteral("repository"), repository.id, repository.ownerIds);
    });
}

std::optional<Repository> SqlStore::findRepositoryById(const QString &id)
{
    return inTransaction(TransactionKind::Read, [&](SqlConnection &connection) {
        return loadRepository(connection, QStringLiteral("id"), id);
    });
}

std::optional<Repository> SqlStore::findRepositoryByName(const QString &name)
{
    return inTransaction(TransactionKind::Read, [&](SqlConnection &connection) {
        return loadRepository(connection, QStringLiteral("name"), name);
    });
}

QList<Repository> SqlStore::listRepositories(const RepositoryFilter &filter, const PageQuery &page)
{
    if (page.limit <= 0)
        return {};
    Selection selection = pageSelection(QStringLiteral("r.name"), page);
    if (!filter.ownerId.isEmpty()) {
        selection.where += QStringLiteral(" AND EXISTS (SELECT 1 FROM repository_owners f "
                                          "WHERE f.repository_id = r.id AND f.user_id = ?)");
        selection.values << filter.ownerId;
    }
    return inTransaction(TransactionKind::Read,
                         [&](SqlConnection &connection) { return loadRepositories(connection, selection); });
}

void SqlStore::updateRepository(const Repository &repository)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        {
            Rows rows = connection.run(
                QStringLiteral("UPDATE repositories SET url = ?, url_key = ?, webhook_secret = ?, "
                               "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"),
                {text(repository.url), domain::repositoryUrlKey(repository.url),
                 text(repository.webhookSecret), timestamp(QDateTime::currentDateTimeUtc()), repository.id,
                 repository.version});
            if (rows.rowsAffected() == 0) {
                explainStaleUpdate(connection, QStringLiteral("repositories"), QStringLiteral("repository"),
                                   repository.id, repository.name);
            }
        }
        connection.run(QStringLiteral("DELETE FROM repository_owners WHERE repository_id = ?"),
                       {repository.id});
        writeOwners(connection, QStringLiteral("repository"), repository.id, repository.ownerIds);
    });
}

void SqlStore::deleteRepository(const QString &id)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        const QStringList name =
            names(connection, QStringLiteral("SELECT name FROM repositories WHERE id = ?"), {id});
        if (name.isEmpty())
            throw domain::Error::notFound(QStringLiteral("repository"), id);
        const int applications = count(
            connection, QStringLiteral("SELECT COUNT(*) FROM applications WHERE repository_id = ?"), {id});
        if (applications > 0) {
            throw domain::Error::failedPrecondition(
                QStringLiteral("repository '%1' is used by %2 application(s); delete them first")
                    .arg(name.first())
                    .arg(applications));
        }
        connection.run(QStringLiteral("DELETE FROM repositories WHERE id = ?"), {id});
    });
}

int SqlStore::countApplicationsOfRepository(const QString &repositoryId)
{
    return withConnection([&](SqlConnection &connection) {
        return count(connection, QStringLiteral("SELECT COUNT(*) FROM applications WHERE repository_id = ?"),
                     {repositoryId});
    });
}

void SqlStore::insertApplication(const Application &application)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        if (exists(connection, QStringLiteral("SELECT 1 FROM applications WHERE name = ?"),
                   {text(application.name)})) {
            throw domain::Error::alreadyExists(
                QStringLiteral("application name '%1' is taken").arg(application.name));
        }
        if (!exists(connection, QStringLiteral("SELECT 1 FROM repositories WHERE id = ?"),
                    {application.repositoryId})) {
            throw domain::Error::notFound(QStringLiteral("repository"), application.repositoryId);
        }
        requireFreeWebsites(connection, application);

        const QVariant createdAt = timestamp(createdAtOrNow(application.createdAt));
        const domain::BuildConfig &build = application.build;
        connection.run(
            QStringLiteral(
                "INSERT INTO applications (id, name, repository_id, ref, deploy_type, build_type, "
                "build_command, start_command, artifact_dir, dockerfile, context_dir, port, running, "
                "auto_sleep_seconds, config_hash, created_at, updated_at, version, spa_fallback, "
                "current_commit, current_build_id, stopped_reason, health_check_path, memory_limit_mb, "
                "cpu_millicores, pinned_build_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {application.id,
             text(application.name),
             application.repositoryId,
             text(application.ref),
             domain::deployTypeName(application.deployType),
             domain::buildTypeName(build.type),
             text(build.buildCommand),
             text(build.startCommand),
             text(build.artifactDir),
             text(build.dockerfile),
             text(build.contextDir),
             int(build.port),
             application.running,
             qint64(application.autoSleepSeconds),
             text(application.configHash),
             createdAt,
             createdAt,
             application.spaFallback,
             text(application.currentCommit),
             text(application.currentBuildId),
             text(application.stoppedReason),
             text(application.healthCheckPath),
             qint64(application.memoryLimitMb),
             qint64(application.cpuMillicores),
             text(application.pinnedBuildId)});
        writeApplicationParts(connection, application);
    });
}

std::optional<Application> SqlStore::findApplicationById(const QString &id)
{
    return inTransaction(TransactionKind::Read, [&](SqlConnection &connection) {
        return loadApplication(connection, QStringLiteral("id"), id);
    });
}

std::optional<Application> SqlStore::findApplicationByName(const QString &name)
{
    return inTransaction(TransactionKind::Read, [&](SqlConnection &connection) {
        return loadApplication(connection, QStringLiteral("name"), name);
    });
}

QList<Application> SqlStore::listApplications(const ApplicationFilter &filter, const PageQuery &page)
{
    if (page.limit <= 0)
        return {};
    Selection selection = pageSelection(QStringLiteral("a.name"), page);
    if (!filter.ownerId.isEmpty()) {
        selection.where += QStringLiteral(" AND EXISTS (SELECT 1 FROM application_owners f "
                                          "WHERE f.application_id = a.id AND f.user_id = ?)");
        selection.values << filter.ownerId;
    }
    if (!filter.repositoryId.isEmpty()) {
        selection.where += QStringLiteral(" AND a.repository_id = ?");
        selection.values << filter.repositoryId;
    }
    return inTransaction(TransactionKind::Read,
                         [&](SqlConnection &connection) { return loadApplications(connection, selection); });
}

void SqlStore::updateApplication(const Application &application)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        const domain::BuildConfig &build = application.build;
        {
            Rows rows = connection.run(
                QStringLiteral(
                    "UPDATE applications SET ref = ?, deploy_type = ?, build_type = ?, build_command = ?, "
                    "start_command = ?, artifact_dir = ?, dockerfile = ?, context_dir = ?, port = ?, "
                    "running = ?, stopped_reason = ?, auto_sleep_seconds = ?, spa_fallback = ?, "
                    "health_check_path = ?, memory_limit_mb = ?, cpu_millicores = ?, "
                    // Assignments read the old row: a new config hash drops the rollback pin.
                    "pinned_build_id = CASE WHEN config_hash = ? THEN pinned_build_id ELSE '' END, "
                    "config_hash = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"),
                {text(application.ref),
                 domain::deployTypeName(application.deployType),
                 domain::buildTypeName(build.type),
                 text(build.buildCommand),
                 text(build.startCommand),
                 text(build.artifactDir),
                 text(build.dockerfile),
                 text(build.contextDir),
                 int(build.port),
                 application.running,
                 text(application.stoppedReason),
                 qint64(application.autoSleepSeconds),
                 application.spaFallback,
                 text(application.healthCheckPath),
                 qint64(application.memoryLimitMb),
                 qint64(application.cpuMillicores),
                 text(application.configHash),
                 text(application.configHash),
                 timestamp(QDateTime::currentDateTimeUtc()),
                 application.id,
                 application.version});
            if (rows.rowsAffected() == 0) {
                explainStaleUpdate(connection, QStringLiteral("applications"), QStringLiteral("application"),
                                   application.id, application.name);
            }
        }
        requireFreeWebsites(connection, application);
        deleteApplicationParts(connection, application.id);
        writeApplicationParts(connection, application);
    });
}

void SqlStore::deleteApplication(const QString &id)
{
    // Websites, env vars and ownerships go with it (ON DELETE CASCADE).
    withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(QStringLiteral("DELETE FROM applications WHERE id = ?"), {id});
        if (rows.rowsAffected() == 0)
            throw domain::Error::notFound(QStringLiteral("application"), id);
    });
}

QStringList SqlStore::repositoriesOwnedOnlyBy(const QString &userId)
{
    return withConnection([&](SqlConnection &connection) {
        return namesOwnedOnlyBy(connection, QStringLiteral("repositories"), QStringLiteral("repository"),
                                userId);
    });
}

QStringList SqlStore::applicationsOwnedOnlyBy(const QString &userId)
{
    return withConnection([&](SqlConnection &connection) {
        return namesOwnedOnlyBy(connection, QStringLiteral("applications"), QStringLiteral("application"),
                                userId);
    });
}

QList<Repository> SqlStore::findRepositoriesByUrl(const QString &url)
{
    const Selection selection{
        QStringLiteral("r.url_key = ?"), {domain::repositoryUrlKey(url)}, std::numeric_limits<int>::max()};
    return inTransaction(TransactionKind::Read,
                         [&](SqlConnection &connection) { return loadRepositories(connection, selection); });
}

void SqlStore::recordFetch(const QString &repositoryId, const QDateTime &at, const QString &error)
{
    withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(
            QStringLiteral("UPDATE repositories SET last_fetched_at = ?, last_fetch_error = ? WHERE id = ?"),
            {timestamp(at), text(error), repositoryId});
        if (rows.rowsAffected() == 0)
            throw domain::Error::notFound(QStringLiteral("repository"), repositoryId);
    });
}

void SqlStore::setApplicationCommit(const QString &applicationId, const QString &commit)
{
    withConnection([&](SqlConnection &connection) {
        // Assignments read the old row: a new commit drops the rollback pin.
        Rows rows = connection.run(
            QStringLiteral("UPDATE applications SET pinned_build_id = CASE WHEN current_commit = ? THEN "
                           "pinned_build_id ELSE '' END, current_commit = ? WHERE id = ?"),
            {text(commit), text(commit), applicationId});
        if (rows.rowsAffected() == 0)
            throw domain::Error::notFound(QStringLiteral("application"), applicationId);
    });
}

void SqlStore::setApplicationCurrentBuild(const QString &applicationId, const QString &buildId)
{
    withConnection([&](SqlConnection &connection) {
        setColumn(connection, QStringLiteral("applications"), QStringLiteral("application"),
                  QStringLiteral("current_build_id"), applicationId, text(buildId));
    });
}

QMap<domain::DeployType, int> SqlStore::countApplicationsByDeployType()
{
    return withConnection([&](SqlConnection &connection) {
        QMap<domain::DeployType, int> counts;
        Rows rows = connection.run(
            QStringLiteral("SELECT deploy_type, COUNT(*) FROM applications GROUP BY deploy_type"));
        while (rows.next()) {
            const QString name = rows.value(0).toString();
            const auto deployType = domain::deployTypeFromName(name);
            if (!deployType)
                throw domain::Error::internal(
                    QStringLiteral("an application has an unknown deploy type '%1' in the database")
                        .arg(name));
            counts.insert(*deployType, rows.value(1).toInt());
        }
        return counts;
    });
}

void SqlStore::setApplicationPinnedBuild(const QString &applicationId, const QString &buildId)
{
    withConnection([&](SqlConnection &connection) {
        setColumn(connection, QStringLiteral("applications"), QStringLiteral("application"),
                  QStringLiteral("pinned_build_id"), applicationId, text(buildId));
    });
}

void SqlStore::insertBuild(const Build &build)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        if (!exists(connection, QStringLiteral("SELECT 1 FROM applications WHERE id = ?"),
                    {build.applicationId})) {
            throw domain::Error::notFound(QStringLiteral("application"), build.applicationId);
        }
        if (exists(connection, QStringLiteral("SELECT 1 FROM builds WHERE id = ?"), {build.id}))
            throw domain::Error::alreadyExists(QStringLiteral("build id '%1' is taken").arg(build.id));
        connection.run(
            QStringLiteral(
                "INSERT INTO builds (id, application_id, commit_sha, config_hash, build_config, env, "
                "state, owner_key, builder_id, failure_reason, artifact_path, queued_at, "
                "started_at, finished_at, heartbeat_at, version, deploy_type, start_command, image) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"),
            {build.id, build.applicationId, text(build.commit), text(build.configHash),
             buildConfigJson(build.config), envJson(build.env), stateValue(build.state), text(build.ownerKey),
             text(build.builderId), text(build.failureReason), text(build.artifactPath),
             timestamp(createdAtOrNow(build.queuedAt)), timestamp(build.startedAt),
             timestamp(build.finishedAt), timestamp(build.heartbeatAt),
             domain::deployTypeName(build.deployType), text(build.startCommand), text(build.image)});
    });
}

std::optional<Build> SqlStore::findBuildById(const QString &id)
{
    return withConnection(
        [&](SqlConnection &connection) { return loadBuild(connection, QStringLiteral("b.id = ?"), {id}); });
}

QList<Build> SqlStore::listBuilds(const BuildFilter &filter, const BuildPageQuery &page)
{
    if (page.limit <= 0)
        return {};
    NewestFirstPage selection(QStringLiteral("b"), QStringLiteral("queued_at"));
    selection.requireEqual(QStringLiteral("application_id"), filter.applicationId);
    selection.requireOwnedBy(filter.visibleToUserId);
    selection.requireOneOf(QStringLiteral("state"), filter.states, stateValue);
    selection.startAfter(page.afterQueuedAt, page.afterId);
    return withConnection([&](SqlConnection &connection) {
        return loadBuilds(connection, selection.conditionAndOrder(), selection.valuesWithLimit(page.limit));
    });
}

std::optional<Build> SqlStore::findBuild(const QString &applicationId, const QString &commit,
                                         const QString &configHash)
{
    return withConnection([&](SqlConnection &connection) {
        return loadBuild(connection,
                         QStringLiteral("b.application_id = ? AND b.commit_sha = ? AND b.config_hash = ? "
                                        "ORDER BY b.queued_at DESC, b.id DESC LIMIT 1"),
                         {applicationId, text(commit), text(configHash)});
    });
}

bool SqlStore::transitionBuild(const QString &id, BuildState from, BuildState to,
                               const BuildTransitionFields &fields)
{
    if (!domain::canTransition(from, to)) {
        throw domain::Error::internal(QStringLiteral("build '%1' cannot go from %2 to %3")
                                          .arg(id, domain::buildStateName(from), domain::buildStateName(to)));
    }
    const QVariant at = timestamp(fields.at.isValid() ? fields.at : QDateTime::currentDateTimeUtc());
    QStringList assignments{QStringLiteral("state = ?"), QStringLiteral("version = version + 1")};
    QVariantList values{stateValue(to)};
    if (to == BuildState::Building) {
        assignments << QStringLiteral("started_at = ?") << QStringLiteral("heartbeat_at = ?");
        values << at << at;
    } else if (domain::isFinished(to)) {
        assignments << QStringLiteral("finished_at = ?");
        values << at;
    }
    for (const auto &[column, value] : {std::pair{QStringLiteral("builder_id"), fields.builderId},
                                        std::pair{QStringLiteral("failure_reason"), fields.failureReason},
                                        std::pair{QStringLiteral("artifact_path"), fields.artifactPath},
                                        std::pair{QStringLiteral("image"), fields.image}}) {
        if (!value.isEmpty()) {
            assignments << column + QStringLiteral(" = ?");
            values << value;
        }
    }
    if (fields.plan) {
        assignments << QStringLiteral("deploy_type = ?") << QStringLiteral("start_command = ?");
        values << domain::deployTypeName(fields.plan->deployType) << text(fields.plan->startCommand);
    }
    values << id << stateValue(from);
    // One statement: the database's row lock decides between racing callers, and the loser's WHERE no
    // longer matches.
    return withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(QStringLiteral("UPDATE builds SET %1 WHERE id = ? AND state = ?")
                                       .arg(assignments.join(QStringLiteral(", "))),
                                   values);
        return rows.rowsAffected() > 0;
    });
}

bool SqlStore::recordBuildHeartbeat(const QString &id, const QDateTime &at)
{
    return withConnection([&](SqlConnection &connection) {
        Rows rows =
            connection.run(QStringLiteral("UPDATE builds SET heartbeat_at = ? WHERE id = ? AND state = ?"),
                           {timestamp(at), id, stateValue(BuildState::Building)});
        return rows.rowsAffected() > 0;
    });
}

QList<QueuedBuild> SqlStore::listQueuedBuilds()
{
    return withConnection([](SqlConnection &connection) {
        QList<QueuedBuild> queued;
        Rows rows =
            connection.run(QStringLiteral("SELECT id, owner_key, queued_at FROM builds WHERE state = ? "
                                          "ORDER BY queued_at, id"),
                           {stateValue(BuildState::Queued)});
        while (rows.next())
            queued << QueuedBuild{rows.value(0).toString(), rows.value(1).toString(),
                                  timestampFrom(rows.value(2))};
        return queued;
    });
}

QHash<QString, OwnerBuildActivity> SqlStore::buildActivityByOwner()
{
    return withConnection([](SqlConnection &connection) {
        QHash<QString, OwnerBuildActivity> activity;
        Rows rows = connection.run(
            QStringLiteral("SELECT owner_key, SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), MAX(started_at) "
                           "FROM builds WHERE started_at IS NOT NULL OR state = ? GROUP BY owner_key"),
            {stateValue(BuildState::Building), stateValue(BuildState::Building)});
        while (rows.next())
            activity.insert(rows.value(0).toString(), {rows.value(1).toInt(), timestampFrom(rows.value(2))});
        return activity;
    });
}

QList<Build> SqlStore::listStaleBuilds(const QDateTime &heartbeatBefore)
{
    return withConnection([&](SqlConnection &connection) {
        return loadBuilds(
            connection,
            QStringLiteral("b.state = ? AND COALESCE(b.heartbeat_at, b.started_at, b.queued_at) < ? "
                           "ORDER BY COALESCE(b.heartbeat_at, b.started_at, b.queued_at), b.id"),
            {stateValue(BuildState::Building), timestamp(heartbeatBefore)});
    });
}

QStringList SqlStore::cancelQueuedBuildsExcept(const QString &applicationId, const QString &keepBuildId,
                                               const QString &reason, const QDateTime &at)
{
    return inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        const QStringList queued =
            names(connection,
                  QStringLiteral("SELECT id FROM builds WHERE application_id = ? AND state = ? AND id <> ? "
                                 "ORDER BY queued_at, id"),
                  {applicationId, stateValue(BuildState::Queued), text(keepBuildId)});
        QStringList canceled;
        for (const QString &id : queued) {
            // Each one compare-and-set: a scheduler that took the build meanwhile keeps it.
            Rows rows = connection.run(
                QStringLiteral("UPDATE builds SET state = ?, failure_reason = ?, finished_at = ?, "
                               "version = version + 1 WHERE id = ? AND state = ?"),
                {stateValue(BuildState::Canceled), text(reason), timestamp(at), id,
                 stateValue(BuildState::Queued)});
            if (rows.rowsAffected() > 0)
                canceled << id;
        }
        return canceled;
    });
}

QList<Build> SqlStore::deleteBuildsOfApplication(const QString &applicationId)
{
    return inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        const QList<Build> builds = loadBuilds(
            connection, QStringLiteral("b.application_id = ? ORDER BY b.queued_at, b.id"), {applicationId});
        // By id, so a build registered meanwhile is neither deleted nor lost from the answer.
        for (const Build &build : builds)
            connection.run(QStringLiteral("DELETE FROM builds WHERE id = ?"), {build.id});
        return builds;
    });
}

domain::BuildFigures SqlStore::buildFiguresSince(const QDateTime &since)
{
    return inTransaction(TransactionKind::Read, [&](SqlConnection &connection) {
        domain::BuildFigures figures;
        Rows counts =
            connection.run(QStringLiteral("SELECT state, COUNT(*) FROM builds "
                                          "WHERE finished_at >= ? AND state IN (?, ?, ?) GROUP BY state"),
                           {timestamp(since), stateValue(BuildState::Succeeded),
                            stateValue(BuildState::Failed), stateValue(BuildState::Canceled)});
        while (counts.next()) {
            const int builds = counts.value(1).toInt();
            const std::optional<BuildState> state = domain::buildStateFromName(counts.value(0).toString());
            if (state == BuildState::Succeeded)
                figures.succeeded = builds;
            else if (state == BuildState::Failed)
                figures.failed = builds;
            else if (state == BuildState::Canceled)
                figures.canceled = builds;
        }
        // A day holds few enough builds to sort their durations here: SQLite has no percentile function.
        QList<qint64> durations;
        Rows rows = connection.run(
            QStringLiteral(
                "SELECT finished_at - started_at FROM builds WHERE finished_at >= ? AND state IN (?, ?) "
                "AND started_at IS NOT NULL ORDER BY 1"),
            {timestamp(since), stateValue(BuildState::Succeeded), stateValue(BuildState::Failed)});
        while (rows.next())
            durations << rows.value(0).toLongLong();
        figures.durationP50Ms = domain::nearestRankPercentile(durations, 50);
        figures.durationP90Ms = domain::nearestRankPercentile(durations, 90);
        return figures;
    });
}

QHash<QString, QString> SqlStore::deployableBuildIds()
{
    return withConnection([&](SqlConnection &connection) {
        QHash<QString, QString> buildIds;
        // Newest first: the first build seen for an application is its deployable one.
        Rows rows = connection.run(
            QStringLiteral("SELECT b.application_id, b.id FROM builds b JOIN applications a "
                           "ON a.id = b.application_id AND b.commit_sha = a.current_commit AND "
                           "b.config_hash = a.config_hash WHERE b.state = ? "
                           "ORDER BY b.queued_at DESC, b.id DESC"),
            {stateValue(BuildState::Succeeded)});
        while (rows.next()) {
            const QString applicationId = rows.value(0).toString();
            if (!buildIds.contains(applicationId))
                buildIds.insert(applicationId, rows.value(1).toString());
        }
        return buildIds;
    });
}

QHash<QString, Build> SqlStore::latestBuilds(const QStringList &applicationIds)
{
    if (applicationIds.isEmpty())
        return QHash<QString, Build>();
    return withConnection([&](SqlConnection &connection) {
        QStringList placeholders;
        QVariantList values;
        for (const QString &applicationId : applicationIds) {
            placeholders << QStringLiteral("?");
            values << applicationId;
        }
        // One descent of builds_by_application per application, newest end first, instead of reading every
        // build of the page's applications.
        const QList<Build> builds = loadBuilds(
            connection,
            QStringLiteral("b.id IN (SELECT (SELECT x.id FROM builds x WHERE x.application_id = p.id "
                           "ORDER BY x.queued_at DESC, x.id DESC LIMIT 1) "
                           "FROM applications p WHERE p.id IN (%1))")
                .arg(placeholders.join(QStringLiteral(", "))),
            values);
        QHash<QString, Build> latest;
        for (const Build &build : builds)
            latest.insert(build.applicationId, build);
        return latest;
    });
}

void SqlStore::insertAlert(const domain::Alert &alert)
{
    inTransaction(TransactionKind::Write, [&](SqlConnection &connection) {
        if (!exists(connection, QStringLiteral("SELECT 1 FROM applications WHERE id = ?"),
                    {alert.applicationId})) {
            throw domain::Error::notFound(QStringLiteral("application"), alert.applicationId);
        }
        if (exists(connection, QStringLiteral("SELECT 1 FROM alerts WHERE id = ?"), {alert.id}))
            throw domain::Error::alreadyExists(QStringLiteral("alert id '%1' is taken").arg(alert.id));
        connection.run(QStringLiteral("INSERT INTO alerts (id, application_id, build_id, kind, message, "
                                      "opened_at, acknowledged_at, acknowledged_by) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                       {alert.id, alert.applicationId, text(alert.buildId), domain::alertKindName(alert.kind),
                        text(alert.message), timestamp(createdAtOrNow(alert.openedAt)),
                        timestamp(alert.acknowledgedAt), text(alert.acknowledgedBy)});
    });
}

std::optional<domain::Alert> SqlStore::findAlertById(const QString &id)
{
    return withConnection([&](SqlConnection &connection) -> std::optional<domain::Alert> {
        const QList<domain::Alert> alerts = loadAlerts(connection, QStringLiteral("l.id = ?"), {id});
        if (alerts.isEmpty())
            return std::nullopt;
        return alerts.constFirst();
    });
}

QList<domain::Alert> SqlStore::listAlerts(const domain::AlertFilter &filter,
                                          const domain::AlertPageQuery &page)
{
    if (page.limit <= 0)
        return {};
    NewestFirstPage selection(QStringLiteral("l"), QStringLiteral("opened_at"));
    selection.requireEqual(QStringLiteral("application_id"), filter.applicationId);
    selection.requireEqual(QStringLiteral("build_id"), filter.buildId);
    selection.requireOwnedBy(filter.visibleToUserId);
    selection.requireOneOf(QStringLiteral("kind"), filter.kinds, domain::alertKindName);
    if (filter.openOnly)
        selection.require(QStringLiteral("l.acknowledged_at IS NULL"));
    selection.startAfter(page.afterOpenedAt, page.afterId);
    return withConnection([&](SqlConnection &connection) {
        return loadAlerts(connection, selection.conditionAndOrder(), selection.valuesWithLimit(page.limit));
    });
}

bool SqlStore::acknowledgeAlert(const QString &id, const QString &userId, const QDateTime &at)
{
    return withConnection([&](SqlConnection &connection) {
        Rows rows = connection.run(
            QStringLiteral("UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? "
                           "WHERE id = ? AND acknowledged_at IS NULL"),
            {timestamp(at.isValid() ? at : QDateTime::currentDateTimeUtc()), text(userId), id});
        return rows.rowsAffected() > 0;
    });
}

int SqlStore::countOpenAlerts()
{
    return withConnection([](SqlConnection &connection) {
        return count(connection, QStringLiteral("SELECT COUNT(*) FROM alerts WHERE acknowledged_at IS NULL"));
    });
}

} // namespace vitrine::adapters::store
