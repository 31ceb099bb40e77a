#include "adapters/store/sql_connection.h"

#include <QMutexLocker>

namespace vitrine::adapters::store {

namespace {

// Writers wait this long for SQLite's write lock before they give up.
constexpr int kSqliteBusyTimeoutMs = 10'000;

constexpr int kSqlitePrimaryResultMask = 0xff;
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteConstraint = 19;

QString describe(const QSqlError &error)
{
    // One line: libpq's messages come with newlines and tabs, and log lines should not.
    const QString database = error.databaseText().simplified();
    const QString driver = error.driverText().simplified();
    if (database.isEmpty())
        return driver;
    if (driver.isEmpty())
        return database;
    return QStringLiteral("%1 (%2)").arg(database, driver);
}

int sqlitePrimaryResult(const QString &code)
{
    return code.toInt() & kSqlitePrimaryResultMask;
}

} // namespace

SqlFailure::SqlFailure(DatabaseBackend backend, const QSqlError &error, const QString &what)
    : std::runtime_error(QStringLiteral("%1: %2").arg(what, describe(error)).toStdString())
    , m_backend(backend)
    , m_code(error.nativeErrorCode())
    , m_detail(QStringLiteral("%1: %2").arg(what, describe(error)))
{
}

bool SqlFailure::isConstraintViolation() const
{
    if (m_backend == DatabaseBackend::Sqlite)
        return sqlitePrimaryResult(m_code) == kSqliteConstraint;
    return m_code.startsWith(u"23"); // class 23: integrity constraint violation
}

bool SqlFailure::isTransient() const
{
    if (m_backend == DatabaseBackend::Sqlite) {
        const int result = sqlitePrimaryResult(m_code);
        return result == kSqliteBusy || result == kSqliteLocked;
    }
    return m_code == u"40001" || m_code == u"40P01" || m_code == u"55P03";
}

SqlConnection::SqlConnection(const DatabaseUrl &url, const QString &connectionName)
    : m_url(url)
    , m_name(connectionName)
{
    const bool sqlite = url.backend == DatabaseBackend::Sqlite;
    m_database =
        QSqlDatabase::addDatabase(sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), m_name);
    if (!m_database.isValid()) {
        const QSqlError error = m_database.lastError();
        close();
        throw SqlFailure(url.backend, error,
                         QStringLiteral("the Qt SQL driver for %1 is not installed (Debian: %2)")
                             .arg(url.backendName(), sqlite ? QStringLiteral("libqt6sql6-sqlite")
                                                            : QStringLiteral("libqt6sql6-psql")));
    }
    if (sqlite) {
        m_database.setDatabaseName(url.path);
    } else {
        m_database.setHostName(url.host);
        m_database.setPort(url.port);
        m_database.setUserName(url.user);
        m_database.setPassword(url.password);
        m_database.setDatabaseName(url.databaseName);
        m_database.setConnectOptions(url.connectOptions);
    }

    if (!m_database.open()) {
        QSqlError error = m_database.lastError();
        if (!url.password.isEmpty()) {
            // libpq does not quote passwords back, but nothing guarantees it.
            const auto redacted = [&](QString text) {
                return text.replace(url.password, QStringLiteral("***"));
            };
            error = QSqlError(redacted(error.driverText()), redacted(error.databaseText()), error.type(),
                              error.nativeErrorCode());
        }
        close();
        throw SqlFailure(url.backend, error, QStringLiteral("cannot connect"));
    }

    try {
        if (sqlite) {
            execute(QStringLiteral("PRAGMA busy_timeout = %1").arg(kSqliteBusyTimeoutMs));
            execute(QStringLiteral("PRAGMA foreign_keys = ON"));
            execute(QStringLiteral("PRAGMA journal_mode = WAL"));
            // In WAL mode, NORMAL never corrupts the database; a power cut may lose the last commits.
            execute(QStringLiteral("PRAGMA synchronous = NORMAL"));
        } else {
            // Otherwise libpq prints notices ("relation … already exists, skipping") on stderr.
            execute(QStringLiteral("SET client_min_messages TO WARNING"));
        }
    } catch (const SqlFailure &) {
        close();
        throw;
    }
}

SqlConnection::~SqlConnection()
{
    close();
}

Rows SqlConnection::run(const QString &sql, const QVariantList &values)
{
    auto &statement = m_statements[sql];
    if (!statement) {
        auto prepared = std::make_unique<QSqlQuery>(m_database);
        prepared->setForwardOnly(true);
        if (!prepared->prepare(sql))
            throw SqlFailure(m_url.backend, prepared->lastError(),
                             QStringLiteral("cannot prepare '%1'").arg(sql));
        statement = std::move(prepared);
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        statement->bindValue(int(i), values[i]);
    if (!statement->exec()) {
        const QSqlError error = statement->lastError();
        statement->finish();
        throw SqlFailure(m_url.backend, error, QStringLiteral("'%1' failed").arg(sql));
    }
    return Rows(*statement);
}

void SqlConnection::execute(const QString &sql)
{
    QSqlQuery query(m_database);
    if (!query.exec(sql))
        throw SqlFailure(m_url.backend, query.lastError(), QStringLiteral("'%1' failed").arg(sql));
}

void SqlConnection::begin(TransactionKind kind)
{
    if (m_url.backend == DatabaseBackend::Sqlite)
        execute(kind == TransactionKind::Write ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
    else
        execute(kind == TransactionKind::Write
                    ? QStringLiteral("BEGIN")
                    : QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
}

void SqlConnection::commit()
{
    execute(QStringLiteral("COMMIT"));
}

void SqlConnection::rollback() noexcept
{
    try {
        execute(QStringLiteral("ROLLBACK"));
    } catch (...) {
        markBroken();
    }
}

void SqlConnection::close()
{
    QMutexLocker lock(&m_closeMutex);
    if (m_closed)
        return;
    m_closed = true;
    // Qt removes a connection cleanly only once nothing refers to it any more.
    m_statements.clear();
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool SqlConnection::isClosed() const
{
    QMutexLocker lock(&m_closeMutex);
    return m_closed;
}

} // namespace vitrine::adapters::store
