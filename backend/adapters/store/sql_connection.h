#pragma once

#include "adapters/store/database_url.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <QVariantList>

#include <map>
#include <memory>
#include <stdexcept>

namespace vitrine::adapters::store {

// A statement or connection the database refused.
class SqlFailure : public std::runtime_error {
public:
    SqlFailure(DatabaseBackend backend, const QSqlError &error, const QString &what);

    // A UNIQUE, PRIMARY KEY or FOREIGN KEY constraint refused a write.
    bool isConstraintViolation() const;
    // The database gave up on a transaction that a second attempt may get through: a lock wait that timed
    // out, a deadlock, a serialization failure.
    bool isTransient() const;
    // What failed and the database's words for it.
    const QString &detail() const { return m_detail; }

private:
    DatabaseBackend m_backend;
    QString m_code; // SQLite's (extended) result code, PostgreSQL's SQLSTATE
    QString m_detail;
};

// The rows of one statement run. Releases the statement (and SQLite's read snapshot with it) when it goes.
class Rows {
public:
    explicit Rows(QSqlQuery &query)
        : m_query(query)
    {
    }
    Rows(const Rows &) = delete;
    Rows &operator=(const Rows &) = delete;
    ~Rows() { m_query.finish(); }

    bool next() { return m_query.next(); }
    QVariant value(int column) const { return m_query.value(column); }
    int rowsAffected() const { return m_query.numRowsAffected(); }

private:
    QSqlQuery &m_query;
};

enum class TransactionKind { Read, Write };

// One thread's connection to the store's database, with its prepared statements. Qt SQL connections belong
// to the thread that opened them: only that thread uses it. close() may come from another thread (the
// store's destructor) once no call is in flight on this one.
class SqlConnection {
public:
    // Opens the connection and sets it up (SQLite: WAL, foreign keys, busy timeout). Throws SqlFailure, whose
    // detail never holds the password.
    SqlConnection(const DatabaseUrl &url, const QString &connectionName);
    ~SqlConnection();
    SqlConnection(const SqlConnection &) = delete;
    SqlConnection &operator=(const SqlConnection &) = delete;

    DatabaseBackend backend() const { return m_url.backend; }

    // Runs a statement with positional '?' values. It is prepared on first use and reused after. Only one
    // Rows of the same statement text may be alive at a time. Throws SqlFailure.
    Rows run(const QString &sql, const QVariantList &values = {});
    // Runs a statement that cannot be prepared: transaction control, PRAGMA, DDL. Throws SqlFailure.
    void execute(const QString &sql);

    // SQLite write transactions take the write lock up front (BEGIN IMMEDIATE), so two writers queue on the
    // busy timeout instead of one failing when it upgrades a read lock. PostgreSQL reads see one snapshot
    // (REPEATABLE READ READ ONLY); its writes run in READ COMMITTED and rely on the constraints.
    void begin(TransactionKind kind);
    void commit();
    // Never throws: a rollback that fails leaves the connection broken.
    void rollback() noexcept;

    // After a failure that may have left the connection unusable (e.g. the server went away), the store
    // replaces it on the next call.
    void markBroken() { m_broken = true; }
    bool isBroken() const { return m_broken; }

    void close();
    bool isClosed() const;

private:
    DatabaseUrl m_url;
    QString m_name;
    mutable QMutex m_closeMutex;
    bool m_closed = false;
    bool m_broken = false;
    QSqlDatabase m_database;
    std::map<QString, std::unique_ptr<QSqlQuery>> m_statements; // by SQL text; stable addresses
};

} // namespace vitrine::adapters::store
