#include "adapters/store/migrations.h"

#include "adapters/store/sql_connection.h"
#include "domain/repository.h"

#include <QVariantList>

#include <utility>

namespace vitrine::adapters::store {

namespace {

// The migrations are written once for both backends. Where the dialects differ they hold a placeholder:
//   {bytes}   a binary column: BLOB in SQLite, BYTEA in PostgreSQL;
//   {c}       the collation of a name column. Names sort and page in byte order on both backends: SQLite's
//             default (BINARY) does that already, PostgreSQL needs "C" whatever the database's locale is.
// Timestamps are UTC milliseconds since the epoch (BIGINT), so both backends store and order them alike.
struct MigrationSource {
    int version;
    const char *description;
    QStringList statements;
    std::function<void(SqlConnection &)> fillData = {};
};

// Migration 2 added repositories.url_key; the repositories that existed before get theirs here.
void fillRepositoryUrlKeys(SqlConnection &connection)
{
    QList<std::pair<QString, QString>> idsAndUrls;
    {
        Rows rows = connection.run(QStringLiteral("SELECT id, url FROM repositories"));
        while (rows.next())
            idsAndUrls.append({rows.value(0).toString(), rows.value(1).toString()});
    }
    for (const auto &[id, url] : idsAndUrls) {
        connection.run(QStringLiteral("UPDATE repositories SET url_key = ? WHERE id = ?"),
                       {domain::repositoryUrlKey(url), id});
    }
}

QList<MigrationSource> migrationSources()
{
    return {
        {1,
         "users, tokens, repositories, applications",
         {
             QStringLiteral(R"(
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT {c} NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
))"),
             QStringLiteral(R"(
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    secret_hash {bytes} NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    last_used_at BIGINT
))"),
             QStringLiteral("CREATE INDEX tokens_by_user ON tokens (user_id, created_at)"),
             QStringLiteral(R"(
CREATE TABLE repositories (
    id TEXT PRIMARY KEY,
    name TEXT {c} NOT NULL UNIQUE,
    url TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
))"),
             QStringLiteral(R"(
CREATE TABLE repository_owners (
    repository_id TEXT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (repository_id, user_id)
))"),
             QStringLiteral("CREATE INDEX repository_owners_by_user ON repository_owners (user_id)"),
             // No cascade from repositories: a repository that applications build from cannot be deleted.
             QStringLiteral(R"(
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    name TEXT {c} NOT NULL UNIQUE,
    repository_id TEXT NOT NULL REFERENCES repositories (id),
    ref TEXT NOT NULL,
    deploy_type TEXT NOT NULL,
    build_type TEXT NOT NULL,
    build_command TEXT NOT NULL,
    start_command TEXT NOT NULL,
    artifact_dir TEXT NOT NULL,
    dockerfile TEXT NOT NULL,
    context_dir TEXT NOT NULL,
    port INTEGER NOT NULL,
    running BOOLEAN NOT NULL,
    auto_sleep_seconds BIGINT NOT NULL,
    config_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
))"),
             QStringLiteral("CREATE INDEX applications_by_repository ON applications (repository_id)"),
             // A website (FQDN and path prefix) routes to one application only.
             QStringLiteral(R"(
CREATE TABLE application_websites (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    fqdn TEXT NOT NULL,
    path_prefix TEXT NOT NULL,
    strip_prefix BOOLEAN NOT NULL,
    PRIMARY KEY (application_id, ordinal),
    UNIQUE (fqdn, path_prefix)
))"),
             QStringLiteral(R"(
CREATE TABLE application_env (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (application_id, name)
))"),
             QStringLiteral(R"(
CREATE TABLE application_owners (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (application_id, user_id)
))"),
             QStringLiteral("CREATE INDEX application_owners_by_user ON application_owners (user_id)"),
         }},
        {2,
         "builds; fetch state of repositories; SPA fallback and deploy state of applications",
         {
             QStringLiteral("ALTER TABLE repositories ADD COLUMN url_key TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE repositories ADD COLUMN last_fetched_at BIGINT"),
             QStringLiteral("ALTER TABLE repositories ADD COLUMN last_fetch_error TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("CREATE INDEX repositories_by_url_key ON repositories (url_key)"),
             QStringLiteral(
                 "ALTER TABLE applications ADD COLUMN spa_fallback BOOLEAN NOT NULL DEFAULT FALSE"),
             QStringLiteral("ALTER TABLE applications ADD COLUMN current_commit TEXT NOT NULL DEFAULT ''"),
             // No foreign key: builds already reference applications, and the served build may be
             // deleted by GC before deploy sync moves on.
             QStringLiteral("ALTER TABLE applications ADD COLUMN current_build_id TEXT NOT NULL DEFAULT ''"),
             // build_config and env are the snapshot taken at registration, as JSON objects. "commit" is
             // an SQL keyword, hence commit_sha.
             QStringLiteral(R"(
CREATE TABLE builds (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    commit_sha TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    build_config TEXT NOT NULL,
    env TEXT NOT NULL,
    state TEXT NOT NULL,
    owner_key TEXT NOT NULL,
    builder_id TEXT NOT NULL,
    failure_reason TEXT NOT NULL,
    artifact_path TEXT NOT NULL,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    heartbeat_at BIGINT,
    version BIGINT NOT NULL
))"),
             QStringLiteral("CREATE INDEX builds_by_time ON builds (queued_at, id)"),
             QStringLiteral("CREATE INDEX builds_by_application ON builds (application_id, queued_at, id)"),
             QStringLiteral("CREATE INDEX builds_by_key ON builds (application_id, commit_sha, config_hash)"),
             QStringLiteral("CREATE INDEX builds_by_state ON builds (state, queued_at)"),
         },
         fillRepositoryUrlKeys},
        {3,
         "runtime deploys: health checks, limits, stop reasons and rollback pins of applications; build "
         "plans; alerts",
         {
             QStringLiteral("ALTER TABLE applications ADD COLUMN stopped_reason TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE applications ADD COLUMN health_check_path TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE applications ADD COLUMN memory_limit_mb BIGINT NOT NULL DEFAULT 0"),
             QStringLiteral("ALTER TABLE applications ADD COLUMN cpu_millicores BIGINT NOT NULL DEFAULT 0"),
             QStringLiteral("ALTER TABLE applications ADD COLUMN pinned_build_id TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN deploy_type TEXT NOT NULL DEFAULT 'static'"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN start_command TEXT NOT NULL DEFAULT ''"),
             // No foreign key on build_id: an alert outlives the build it names until its application goes.
             QStringLiteral(R"(
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    build_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT NOT NULL
))"),
             QStringLiteral("CREATE INDEX alerts_by_time ON alerts (opened_at, id)"),
             QStringLiteral("CREATE INDEX alerts_by_application ON alerts (application_id, opened_at, id)"),
         }},
        {4,
         "container images of builds",
         {
             QStringLiteral("ALTER TABLE builds ADD COLUMN image TEXT NOT NULL DEFAULT ''"),
         }},
    };
}

QString inDialect(QString statement, DatabaseBackend backend)
{
    const bool postgres = backend == DatabaseBackend::Postgresql;
    statement.replace(QStringLiteral("{bytes}"), postgres ? QStringLiteral("BYTEA") : QStringLiteral("BLOB"));
    statement.replace(QStringLiteral("{c}"), postgres ? QStringLiteral(R"(COLLATE "C")") : QString());
    return statement.trimmed();
}

} // namespace

QList<Migration> migrations(DatabaseBackend backend)
{
    QList<Migration> result;
    for (const MigrationSource &source : migrationSources()) {
        Migration migration{source.version, QString::fromUtf8(source.description), {}, source.fillData};
        for (const QString &statement : source.statements)
            migration.statements << inDialect(statement, backend);
        result << migration;
    }
    return result;
}

int latestSchemaVersion()
{
    return migrationSources().constLast().version;
}

} // namespace vitrine::adapters::store
