#pragma once

#include "adapters/store/database_url.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vitrine::adapters::store {

// One step of the schema's history. A released migration is never edited: a change is a new migration.
struct Migration {
    int version;
    QString description;
    QStringList statements; // in this backend's dialect
};

// Every migration, oldest first, numbered 1, 2, 3, ….
QList<Migration> migrations(DatabaseBackend backend);

// The schema version this binary creates and understands.
int latestSchemaVersion();

} // namespace vitrine::adapters::store
