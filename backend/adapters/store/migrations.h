#pragma once

#include "adapters/store/database_url.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace vitrine::adapters::store {

class SqlConnection;

// One step of the schema's history. A released migration is never edited: a change is a new migration.
struct Migration {
    int version;
    QString description;
    QStringList statements; // in this backend's dialect
    // Fills new columns with what SQL alone cannot compute; runs after the statements, in their
    // transaction. Empty for most migrations.
    std::function<void(SqlConnection &)> fillData = {};
};

// Every migration, oldest first, numbered 1, 2, 3, ….
QList<Migration> migrations(DatabaseBackend backend);

// The schema version this binary creates and understands.
int latestSchemaVersion();

} // namespace vitrine::adapters::store
