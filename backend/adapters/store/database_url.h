#pragma once

#include <QString>

namespace vitrine::adapters::store {

enum class DatabaseBackend { Sqlite, Postgresql };

// Where the store lives, parsed from --database.
struct DatabaseUrl {
    DatabaseBackend backend = DatabaseBackend::Sqlite;
    QString path; // SQLite: the database file, absolute

    // PostgreSQL
    QString host; // empty: libpq's default (the local socket)
    int port = 5432;
    QString user; // empty: libpq's default
    QString password;
    QString databaseName;
    QString connectOptions; // libpq options from the URL query, "key=value;key=value"

    // "sqlite:/abs/path.db" (also "sqlite:///abs/path.db") or a plain file path, or
    // "postgresql://[user[:password]@]host[:port]/dbname[?libpq-option=value&...]" ("postgres://" too).
    // Throws StoreOpenError; its message never repeats the password.
    static DatabaseUrl parse(const QString &url);

    // The database as messages name it: the file, or the URL without its password.
    QString displayName() const;
    // "sqlite" or "postgresql".
    QString backendName() const;
};

} // namespace vitrine::adapters::store
