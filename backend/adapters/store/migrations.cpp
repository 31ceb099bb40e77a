#include "adapters/store/migrations.h"

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
};

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
        Migration migration{source.version, QString::fromUtf8(source.description), {}};
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
