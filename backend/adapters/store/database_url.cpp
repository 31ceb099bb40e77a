#include "adapters/store/database_url.h"

#include "adapters/store/sql_store.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

namespace vitrine::adapters::store {

namespace {

constexpr int kDefaultPostgresPort = 5432;
// Without it, libpq waits for the operating system's TCP timeout (minutes) on an unreachable host.
constexpr auto kDefaultConnectTimeout = QLatin1StringView("connect_timeout=10");

DatabaseUrl parseSqlite(const QString &url)
{
    QString path = url;
    if (path.startsWith(u"sqlite://"))
        path = path.mid(9);
    else if (path.startsWith(u"sqlite:"))
        path = path.mid(7);
    if (path.isEmpty())
        throw StoreOpenError("the SQLite database URL names no file");
    // Each thread opens its own connection, and every connection to ":memory:" is a database of its own.
    if (path == u":memory:")
        throw StoreOpenError("an in-memory SQLite database cannot be shared between threads; name a file");

    DatabaseUrl parsed;
    parsed.backend = DatabaseBackend::Sqlite;
    parsed.path = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    return parsed;
}

DatabaseUrl parsePostgresql(const QString &text)
{
    // The message must not repeat the URL: it may hold a password.
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        throw StoreOpenError("the PostgreSQL database URL is malformed; expected "
                             "postgresql://[user[:password]@]host[:port]/dbname");

    DatabaseUrl parsed;
    parsed.backend = DatabaseBackend::Postgresql;
    parsed.host = url.host(QUrl::FullyDecoded);
    parsed.port = url.port(kDefaultPostgresPort);
    parsed.user = url.userName(QUrl::FullyDecoded);
    parsed.password = url.password(QUrl::FullyDecoded);
    parsed.databaseName = url.path(QUrl::FullyDecoded).mid(1);
    if (parsed.databaseName.isEmpty() || parsed.databaseName.contains(u'/'))
        throw StoreOpenError(QStringLiteral("the PostgreSQL database URL %1 names no database; expected "
                                            "postgresql://[user[:password]@]host[:port]/dbname")
                                 .arg(parsed.displayName())
                                 .toStdString());

    QStringList options;
    bool hasConnectTimeout = false;
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        hasConnectTimeout = hasConnectTimeout || key == u"connect_timeout";
        options << QStringLiteral("%1=%2").arg(key, value);
    }
    if (!hasConnectTimeout)
        options << kDefaultConnectTimeout;
    parsed.connectOptions = options.join(u';');
    return parsed;
}

} // namespace

DatabaseUrl DatabaseUrl::parse(const QString &url)
{
    if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://"))
        return parsePostgresql(url);
    if (url.startsWith(u"sqlite:") || !url.contains(u"://"))
        return parseSqlite(url);
    throw StoreOpenError(
        QStringLiteral("unsupported database URL scheme '%1'; use sqlite:/path/to/file.db or "
                       "postgresql://user@host:port/dbname")
            .arg(url.section(QStringLiteral("://"), 0, 0))
            .toStdString());
}

QString DatabaseUrl::displayName() const
{
    if (backend == DatabaseBackend::Sqlite)
        return path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    if (!host.isEmpty()) {
        url.setHost(host);
        url.setPort(port);
    }
    url.setPath(u'/' + databaseName);
    return url.toDisplayString();
}

QString DatabaseUrl::backendName() const
{
    return backend == DatabaseBackend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgresql");
}

} // namespace vitrine::adapters::store
