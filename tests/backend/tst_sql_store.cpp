#include "adapters/store/database_url.h"
#include "adapters/store/migrations.h"
#include "adapters/store/sql_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "domain/token.h"
#include "postgres_instance.h"

#include <QAtomicInt>
#include <QFile>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

using namespace vitrine;
using adapters::store::DatabaseBackend;
using adapters::store::DatabaseUrl;
using adapters::store::latestSchemaVersion;
using adapters::store::SqlStore;
using adapters::store::StoreOpenError;
using domain::Application;
using domain::ErrorKind;
using domain::Repository;
using domain::Role;
using domain::Token;
using domain::User;
using domain::Website;

namespace {

const QDateTime kCreated(QDate(2026, 11, 24), QTime(10, 30, 15, 123), Qt::UTC);

template<typename Call>
std::optional<domain::Error> errorOf(Call &&call)
{
    try {
        call();
    } catch (const domain::Error &error) {
        return error;
    }
    return std::nullopt;
}

User makeUser(const QString &name, Role role = Role::Member)
{
    return {domain::newId(domain::idprefix::kUser), name, role, kCreated};
}

Token makeToken(const User &user, const QString &description, const QDateTime &createdAt)
{
    Token token;
    token.id = domain::newId(domain::idprefix::kToken);
    token.userId = user.id;
    token.description = description;
    token.secretHash = domain::hashTokenSecret(domain::newTokenSecret());
    token.createdAt = createdAt;
    return token;
}

Repository makeRepository(const QString &name, const QStringList &ownerIds)
{
    Repository repository;
    repository.id = domain::newId(domain::idprefix::kRepository);
    repository.name = name;
    repository.url = QStringLiteral("https://git.example.org/club/%1.git").arg(name);
    repository.ownerIds = ownerIds;
    repository.createdAt = kCreated;
    return repository;
}

// Made as above and inserted: where most tests start.
User addUser(SqlStore &store, const QString &name, Role role = Role::Member)
{
    const User user = makeUser(name, role);
    store.insertUser(user);
    return user;
}

Repository addRepository(SqlStore &store, const QString &name, const QStringList &ownerIds)
{
    const Repository repository = makeRepository(name, ownerIds);
    store.insertRepository(repository);
    return repository;
}

Website website(const QString &fqdn, const QString &pathPrefix = QStringLiteral("/"),
                bool stripPrefix = false)
{
    return {fqdn, pathPrefix, stripPrefix};
}

Application makeApplication(const QString &name, const Repository &repository, const QStringList &ownerIds,
                            const QList<Website> &websites = {})
{
    Application application;
    application.id = domain::newId(domain::idprefix::kApplication);
    application.name = name;
    application.repositoryId = repository.id;
    application.ref = QStringLiteral("main");
    application.ownerIds = ownerIds;
    application.websites =
        websites.isEmpty() ? QList<Website>{website(QStringLiteral("%1.localhost").arg(name))} : websites;
    application.configHash = QStringLiteral("hash-of-%1").arg(name);
    application.createdAt = kCreated;
    return application;
}

template<typename T>
QStringList namesOf(const QList<T> &items)
{
    QStringList names;
    for (const T &item : items)
        names << item.name;
    return names;
}

// Runs one statement on a store's database beside the store, as an operator would with sqlite3 or psql, and
// returns the first column of the first row.
QVariant rawQuery(const QString &url, const QString &sql)
{
    const DatabaseUrl database = DatabaseUrl::parse(url);
    const QString connectionName = QStringLiteral("raw-query");
    QVariant result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(
            database.backend == DatabaseBackend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"),
            connectionName);
        if (database.backend == DatabaseBackend::Sqlite) {
            db.setDatabaseName(database.path);
        } else {
            db.setHostName(database.host);
            db.setPort(database.port);
            db.setUserName(database.user);
            db.setDatabaseName(database.databaseName);
        }
        if (!db.open())
            qFatal("rawQuery cannot open %s: %s", qPrintable(url), qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        if (!query.exec(sql))
            qFatal("rawQuery '%s' failed: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        if (query.next())
            result = query.value(0);
    }
    QSqlDatabase::removeDatabase(connectionName);
    return result;
}

} // namespace

// Every test runs twice: on SQLite and on a real PostgreSQL that initTestCase starts. Each test gets a
// database of its own.
class TestSqlStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase_data();
    void initTestCase();
    void init();

    void migratesAnEmptyDatabase();
    void reopeningAppliesNothingTwice();
    void refusesASchemaNewerThanItKnows();
    void openFailuresAreClearAndHideThePassword();

    void usersRoundTrip();
    void userNamesAreUnique();
    void listsPageInByteOrderOfNames();
    void tokensRoundTrip();
    void tokenSecretsAreUnique();

    void repositoriesKeepTheirOwnersSortedByName();
    void repositoryUpdateChecksTheVersion();
    void repositoryWithApplicationsCannotBeDeleted();

    void applicationsRoundTrip();
    void applicationUpdateReplacesEveryMutableField();
    void staleApplicationUpdateChangesNothing();
    void applicationNamesAreUnique();
    void websitesAreUniqueAcrossApplications();
    void listsFilterByOwnerAndRepository();

    void deletingAUserRemovesItsTokensAndOwnerships();
    void findsWhatAUserOwnsAlone();
    void missingRowsAreNotFound();
    void concurrentWritersAllLand();
    void racingWritersOfOneNameGetAlreadyExists();

private:
    QString freshUrl();
    std::unique_ptr<SqlStore> openFreshStore();

    QTemporaryDir m_dir;
    std::unique_ptr<tests::PostgresInstance> m_postgres;
    QString m_postgresError;
    int m_databases = 0;
};

void TestSqlStore::initTestCase_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

void TestSqlStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto postgres = std::make_unique<tests::PostgresInstance>();
    if (postgres->start(&m_postgresError))
        m_postgres = std::move(postgres);
}

void TestSqlStore::init()
{
    QFETCH_GLOBAL(QString, backend);
    if (backend == u"postgresql" && !m_postgres)
        QFAIL(qPrintable(QStringLiteral("PostgreSQL did not start: %1").arg(m_postgresError)));
}

QString TestSqlStore::freshUrl()
{
    QFETCH_GLOBAL(QString, backend);
    const QString name = QStringLiteral("store_%1").arg(++m_databases);
    if (backend == u"sqlite")
        return QStringLiteral("sqlite:%1").arg(m_dir.filePath(name + QStringLiteral(".db")));
    QString error;
    if (!m_postgres->createDatabase(name, &error))
        qFatal("%s", qPrintable(error));
    return m_postgres->url(name);
}

std::unique_ptr<SqlStore> TestSqlStore::openFreshStore()
{
    return std::make_unique<SqlStore>(freshUrl());
}

void TestSqlStore::migratesAnEmptyDatabase()
{
    QFETCH_GLOBAL(QString, backend);
    const QString url = freshUrl();
    SqlStore store(url);

    QCOMPARE(store.backendName(), backend);
    QVERIFY(latestSchemaVersion() >= 1);
    QCOMPARE(store.schemaVersion(), latestSchemaVersion());
    QCOMPARE(rawQuery(url, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
             latestSchemaVersion());
    QCOMPARE(store.countUsers(), 0);
    QVERIFY(store.listApplications({}, {}).isEmpty());
}

void TestSqlStore::reopeningAppliesNothingTwice()
{
    const QString url = freshUrl();
    const User alice = makeUser(QStringLiteral("alice"));
    {
        SqlStore store(url);
        store.insertUser(alice);
    }
    const QString sql = QStringLiteral("SELECT SUM(applied_at) FROM schema_migrations");
    const qint64 appliedAt = rawQuery(url, sql).toLongLong();

    SqlStore reopened(url);
    QCOMPARE(reopened.schemaVersion(), latestSchemaVersion());
    QCOMPARE(rawQuery(url, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
             latestSchemaVersion());
    QCOMPARE(rawQuery(url, sql).toLongLong(), appliedAt);
    QCOMPARE(reopened.findUserByName(QStringLiteral("alice"))->id, alice.id);
}

void TestSqlStore::refusesASchemaNewerThanItKnows()
{
    const QString url = freshUrl();
    {
        SqlStore store(url);
    }
    rawQuery(url, QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (%1, 0)")
                      .arg(latestSchemaVersion() + 1));
    try {
        SqlStore store(url);
        QFAIL("a schema newer than the binary was accepted");
    } catch (const StoreOpenError &error) {
        const QString message = QString::fromStdString(error.what());
        QVERIFY2(message.contains(u"newer"), qPrintable(message));
        QVERIFY2(message.contains(QString::number(latestSchemaVersion() + 1)), qPrintable(message));
    }
}

void TestSqlStore::openFailuresAreClearAndHideThePassword()
{
    QFETCH_GLOBAL(QString, backend);
    const QString password = QStringLiteral("s3cret-Pa55");
    struct Case {
        QString url;
        QString mentioned; // the message names the database and the reason
        QString reason;
    };
    QList<Case> cases;
    if (backend == u"sqlite") {
        QFile file(m_dir.filePath(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString underAFile = m_dir.filePath(QStringLiteral("a-file/store.db"));
        cases << Case{QStringLiteral("sqlite:") + underAFile, underAFile, QStringLiteral("unable to open")};
    } else {
        // Port 1 on loopback: nothing listens there.
        cases << Case{QStringLiteral("postgresql://vitrine:%1@127.0.0.1:1/vitrine").arg(password),
                      QStringLiteral("postgresql://vitrine@127.0.0.1:1/vitrine"), QStringLiteral("refused")};
        cases << Case{QStringLiteral("postgresql://postgres:%1@127.0.0.1:%2/no_such_db")
                          .arg(password)
                          .arg(m_postgres->port()),
                      QStringLiteral("no_such_db"), QStringLiteral("does not exist")};
    }
    for (const Case &openCase : cases) {
        try {
            SqlStore store(openCase.url);
            QFAIL(qPrintable(QStringLiteral("opening %1 succeeded").arg(openCase.mentioned)));
        } catch (const StoreOpenError &error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(openCase.mentioned), qPrintable(message));
            QVERIFY2(message.contains(openCase.reason), qPrintable(message));
            QVERIFY2(!message.contains(password), qPrintable(message));
        }
    }
}

void TestSqlStore::usersRoundTrip()
{
    const auto store = openFreshStore();
    User alice = makeUser(QStringLiteral("alice"));
    const User bob = makeUser(QStringLiteral("bob"), Role::Admin);
    store->insertUser(alice);
    store->insertUser(bob);

    const auto found = store->findUserById(alice.id);
    QVERIFY(found);
    QCOMPARE(found->name, QStringLiteral("alice"));
    QCOMPARE(found->role, Role::Member);
    QCOMPARE(found->createdAt, kCreated);
    QCOMPARE(found->createdAt.timeSpec(), Qt::UTC);
    QCOMPARE(store->findUserByName(QStringLiteral("bob"))->id, bob.id);
    QVERIFY(!store->findUserByName(QStringLiteral("carol")));
    QCOMPARE(store->countUsers(), 2);
    QCOMPARE(store->countAdmins(), 1);

    alice.role = Role::Admin;
    store->updateUser(alice);
    QCOMPARE(store->findUserById(alice.id)->role, Role::Admin);
    QCOMPARE(store->countAdmins(), 2);

    store->deleteUser(bob.id);
    QVERIFY(!store->findUserById(bob.id));
    QCOMPARE(store->countUsers(), 1);

    // A user without a creation time gets the store's clock.
    User dave = makeUser(QStringLiteral("dave"));
    dave.createdAt = {};
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    store->insertUser(dave);
    QVERIFY(store->findUserById(dave.id)->createdAt >= before);
}

void TestSqlStore::userNamesAreUnique()
{
    const auto store = openFreshStore();
    store->insertUser(makeUser(QStringLiteral("alice")));
    const User impostor = makeUser(QStringLiteral("alice"), Role::Admin);

    const auto error = errorOf([&] { store->insertUser(impostor); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::AlreadyExists);
    QCOMPARE(error->message(), QStringLiteral("user name 'alice' is taken"));
    QCOMPARE(store->countUsers(), 1);
    QCOMPARE(store->countAdmins(), 0);
    QVERIFY(!store->findUserById(impostor.id));
}

void TestSqlStore::listsPageInByteOrderOfNames()
{
    const auto store = openFreshStore();
    const User owner = addUser(*store, QStringLiteral("owner"));
    // Byte order puts '-' before digits before letters; a locale-aware collation would not.
    const QStringList inserted{QStringLiteral("b"),  QStringLiteral("a-b"), QStringLiteral("ab"),
                               QStringLiteral("a0"), QStringLiteral("c9"),  QStringLiteral("a")};
    const Repository repository = addRepository(*store, QStringLiteral("zz-repo"), {owner.id});
    for (const QString &name : inserted) {
        store->insertUser(makeUser(name));
        store->insertRepository(makeRepository(name, {owner.id}));
        store->insertApplication(makeApplication(name, repository, {owner.id}));
    }
    const QStringList firstPage{QStringLiteral("a"), QStringLiteral("a-b"), QStringLiteral("a0"),
                                QStringLiteral("ab")};

    QCOMPARE(namesOf(store->listUsers({4, {}})), firstPage);
    QCOMPARE(namesOf(store->listUsers({4, QStringLiteral("ab")})),
             (QStringList{QStringLiteral("b"), QStringLiteral("c9"), QStringLiteral("owner")}));
    QVERIFY(store->listUsers({4, QStringLiteral("owner")}).isEmpty());

    QCOMPARE(namesOf(store->listRepositories({}, {4, {}})), firstPage);
    QCOMPARE(namesOf(store->listRepositories({}, {4, QStringLiteral("ab")})),
             (QStringList{QStringLiteral("b"), QStringLiteral("c9"), QStringLiteral("zz-repo")}));

    QCOMPARE(namesOf(store->listApplications({}, {4, {}})), firstPage);
    const QList<Application> rest = store->listApplications({}, {4, QStringLiteral("ab")});
    QCOMPARE(namesOf(rest), (QStringList{QStringLiteral("b"), QStringLiteral("c9")}));
    // Each application on a page comes with its own parts.
    QCOMPARE(rest[1].websites, QList<Website>{website(QStringLiteral("c9.localhost"))});
    QCOMPARE(rest[1].ownerNames, QStringList{QStringLiteral("owner")});
}

void TestSqlStore::tokensRoundTrip()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));

    Token laptop = makeToken(alice, QStringLiteral("laptop"), kCreated);
    laptop.expiresAt = kCreated.addDays(30);
    // Any time zone goes in; UTC comes out, the same instant.
    const Token ci = makeToken(alice, QStringLiteral("ci"), kCreated.addSecs(60).toOffsetFromUtc(9 * 3600));
    store->insertToken(laptop);
    store->insertToken(ci);

    const auto found = store->findTokenById(laptop.id);
    QVERIFY(found);
    QCOMPARE(found->userId, alice.id);
    QCOMPARE(found->userName, QStringLiteral("alice"));
    QCOMPARE(found->description, QStringLiteral("laptop"));
    QCOMPARE(found->secretHash, laptop.secretHash);
    QCOMPARE(found->createdAt, kCreated);
    QCOMPARE(found->expiresAt, kCreated.addDays(30));
    QVERIFY(found->revokedAt.isNull());
    QVERIFY(found->lastUsedAt.isNull());

    const auto bySecret = store->findTokenBySecretHash(ci.secretHash);
    QVERIFY(bySecret);
    QCOMPARE(bySecret->id, ci.id);
    QCOMPARE(bySecret->userName, QStringLiteral("alice"));
    QCOMPARE(bySecret->createdAt, kCreated.addSecs(60));
    QCOMPARE(bySecret->createdAt.timeSpec(), Qt::UTC);
    QVERIFY(!store->findTokenBySecretHash(domain::hashTokenSecret(domain::newTokenSecret())));

    const QList<Token> newestFirst = store->listTokens(alice.id);
    QCOMPARE(newestFirst.size(), 2);
    QCOMPARE(newestFirst[0].id, ci.id);
    QCOMPARE(newestFirst[1].id, laptop.id);

    const QDateTime revoked = kCreated.addDays(1);
    const QDateTime used = kCreated.addDays(2);
    store->setTokenRevoked(laptop.id, revoked);
    store->setTokenLastUsed(ci.id, used);
    QCOMPARE(store->findTokenById(laptop.id)->revokedAt, revoked);
    QVERIFY(!store->findTokenById(laptop.id)->isActiveAt(kCreated.addDays(1).addSecs(1)));
    QCOMPARE(store->findTokenById(ci.id)->lastUsedAt, used);
    QVERIFY(store->findTokenById(ci.id)->revokedAt.isNull());
}

void TestSqlStore::tokenSecretsAreUnique()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Token first = makeToken(alice, QStringLiteral("first"), kCreated);
    store->insertToken(first);

    Token twin = makeToken(alice, QStringLiteral("twin"), kCreated);
    twin.secretHash = first.secretHash;
    const auto error = errorOf([&] { store->insertToken(twin); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::AlreadyExists);
    QCOMPARE(store->listTokens(alice.id).size(), 1);
    QVERIFY(!store->findTokenById(twin.id));
}

void TestSqlStore::repositoriesKeepTheirOwnersSortedByName()
{
    const auto store = openFreshStore();
    const User zoe = makeUser(QStringLiteral("zoe"));
    const User adam = makeUser(QStringLiteral("adam"));
    const User mia = makeUser(QStringLiteral("mia"));
    for (const User &user : {zoe, adam, mia})
        store->insertUser(user);

    Repository site = makeRepository(QStringLiteral("site"), {zoe.id, adam.id, mia.id});
    site.webhookSecret = QStringLiteral("hook-secret");
    site.version = 7; // ignored: a new row starts at version 1
    store->insertRepository(site);

    for (const auto &found :
         {store->findRepositoryById(site.id), store->findRepositoryByName(QStringLiteral("site"))}) {
        QVERIFY(found);
        QCOMPARE(found->id, site.id);
        QCOMPARE(found->url, site.url);
        QCOMPARE(found->webhookSecret, QStringLiteral("hook-secret"));
        QCOMPARE(found->ownerNames,
                 (QStringList{QStringLiteral("adam"), QStringLiteral("mia"), QStringLiteral("zoe")}));
        QCOMPARE(found->ownerIds, (QStringList{adam.id, mia.id, zoe.id}));
        QCOMPARE(found->version, 1);
        QCOMPARE(found->createdAt, kCreated);
        QCOMPARE(found->updatedAt, kCreated);
    }
    QVERIFY(!store->findRepositoryByName(QStringLiteral("nothing")));

    const Repository twin = makeRepository(QStringLiteral("site"), {adam.id});
    const auto error = errorOf([&] { store->insertRepository(twin); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::AlreadyExists);
    QCOMPARE(error->message(), QStringLiteral("repository name 'site' is taken"));
    QVERIFY(!store->findRepositoryById(twin.id));
}

void TestSqlStore::repositoryUpdateChecksTheVersion()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const User bob = addUser(*store, QStringLiteral("bob"));
    store->insertRepository(makeRepository(QStringLiteral("site"), {alice.id}));
    const Repository original = *store->findRepositoryByName(QStringLiteral("site"));

    Repository changed = original;
    changed.url = QStringLiteral("https://git.example.org/club/new-site.git");
    changed.webhookSecret = QStringLiteral("rotated");
    changed.ownerIds = {bob.id};
    store->updateRepository(changed);

    const Repository updated = *store->findRepositoryById(original.id);
    QCOMPARE(updated.url, changed.url);
    QCOMPARE(updated.webhookSecret, QStringLiteral("rotated"));
    QCOMPARE(updated.ownerNames, QStringList{QStringLiteral("bob")});
    QCOMPARE(updated.version, 2);
    QCOMPARE(updated.createdAt, kCreated);
    QVERIFY(updated.updatedAt > kCreated);

    Repository stale = original;
    stale.url = QStringLiteral("https://git.example.org/club/lost-update.git");
    stale.ownerIds = {alice.id, bob.id};
    const auto error = errorOf([&] { store->updateRepository(stale); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::FailedPrecondition);
    QVERIFY2(error->message().contains(u"'site'"), qPrintable(error->message()));
    const Repository unchanged = *store->findRepositoryById(original.id);
    QCOMPARE(unchanged.url, changed.url);
    QCOMPARE(unchanged.ownerNames, QStringList{QStringLiteral("bob")});
    QCOMPARE(unchanged.version, 2);
}

void TestSqlStore::repositoryWithApplicationsCannotBeDeleted()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    const Application blog = makeApplication(QStringLiteral("blog"), site, {alice.id});
    store->insertApplication(blog);
    QCOMPARE(store->countApplicationsOfRepository(site.id), 1);

    const auto error = errorOf([&] { store->deleteRepository(site.id); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::FailedPrecondition);
    QVERIFY2(error->message().contains(u"'site'"), qPrintable(error->message()));
    QVERIFY(store->findRepositoryById(site.id));
    QVERIFY(store->findApplicationById(blog.id));

    store->deleteApplication(blog.id);
    QCOMPARE(store->countApplicationsOfRepository(site.id), 0);
    store->deleteRepository(site.id);
    QVERIFY(!store->findRepositoryById(site.id));
}

void TestSqlStore::applicationsRoundTrip()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const User adam = addUser(*store, QStringLiteral("adam"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});

    Application api =
        makeApplication(QStringLiteral("api"), site, {zoe.id, adam.id},
                        {website(QStringLiteral("api.localhost")),
                         website(QStringLiteral("club.example.org"), QStringLiteral("/api"), true)});
    api.ref = QStringLiteral("refs/tags/v1.2");
    api.deployType = domain::DeployType::Runtime;
    api.build = {domain::BuildType::RuntimeCmd,
                 QStringLiteral("npm ci && npm run build"),
                 QStringLiteral("node server.js"),
                 QStringLiteral("dist"),
                 QStringLiteral("Dockerfile.prod"),
                 QStringLiteral("backend"),
                 3000};
    api.env = {{QStringLiteral("DATABASE_URL"), QStringLiteral("postgres://db/api")},
               {QStringLiteral("EMPTY"), QString()},
               {QStringLiteral("GREETING"), QStringLiteral("héllo, 世界")}};
    api.running = false;
    api.autoSleepSeconds = 900;
    api.version = 42; // ignored: a new row starts at version 1
    store->insertApplication(api);

    const auto found = store->findApplicationByName(QStringLiteral("api"));
    QVERIFY(found);
    QCOMPARE(found->id, api.id);
    QCOMPARE(found->repositoryId, site.id);
    QCOMPARE(found->repositoryName, QStringLiteral("site"));
    QCOMPARE(found->ref, api.ref);
    QCOMPARE(found->deployType, domain::DeployType::Runtime);
    QVERIFY(found->build == api.build);
    QCOMPARE(found->websites, api.websites);
    QCOMPARE(found->env, api.env);
    QCOMPARE(found->ownerNames, (QStringList{QStringLiteral("adam"), QStringLiteral("zoe")}));
    QCOMPARE(found->ownerIds, (QStringList{adam.id, zoe.id}));
    QCOMPARE(found->running, false);
    QCOMPARE(found->autoSleepSeconds, 900u);
    QCOMPARE(found->configHash, api.configHash);
    QCOMPARE(found->createdAt, kCreated);
    QCOMPARE(found->updatedAt, kCreated);
    QCOMPARE(found->version, 1);
    QCOMPARE(store->findApplicationById(api.id)->name, QStringLiteral("api"));

    const Application plain = makeApplication(QStringLiteral("plain"), site, {});
    store->insertApplication(plain);
    const auto defaults = store->findApplicationById(plain.id);
    QVERIFY(defaults);
    QVERIFY(defaults->running);
    QCOMPARE(defaults->deployType, domain::DeployType::Static);
    QVERIFY(defaults->env.isEmpty());
    QVERIFY(defaults->ownerIds.isEmpty());
}

void TestSqlStore::applicationUpdateReplacesEveryMutableField()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const User bob = addUser(*store, QStringLiteral("bob"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    Application blog = makeApplication(QStringLiteral("blog"), site, {alice.id});
    blog.env = {{QStringLiteral("OLD"), QStringLiteral("1")}};
    store->insertApplication(blog);

    Application changed = *store->findApplicationById(blog.id);
    changed.ref = QStringLiteral("develop");
    changed.deployType = domain::DeployType::Runtime;
    changed.build = {domain::BuildType::RuntimeDockerfile, {}, {},  {},
                     QStringLiteral("Dockerfile"),         {}, 8081};
    changed.websites = {website(QStringLiteral("blog.example.org"), QStringLiteral("/news"), true),
                        website(QStringLiteral("blog.localhost"))};
    changed.env = {{QStringLiteral("NEW"), QStringLiteral("2")}};
    changed.ownerIds = {bob.id};
    changed.running = false;
    changed.autoSleepSeconds = 60;
    changed.configHash = QStringLiteral("new-hash");
    store->updateApplication(changed);

    const Application updated = *store->findApplicationById(blog.id);
    QCOMPARE(updated.ref, QStringLiteral("develop"));
    QCOMPARE(updated.deployType, domain::DeployType::Runtime);
    QVERIFY(updated.build == changed.build);
    QCOMPARE(updated.websites, changed.websites);
    QCOMPARE(updated.env, changed.env);
    QCOMPARE(updated.ownerNames, QStringList{QStringLiteral("bob")});
    QCOMPARE(updated.running, false);
    QCOMPARE(updated.autoSleepSeconds, 60u);
    QCOMPARE(updated.configHash, QStringLiteral("new-hash"));
    QCOMPARE(updated.version, 2);
    QCOMPARE(updated.createdAt, kCreated);
    QVERIFY(updated.updatedAt > kCreated);
}

void TestSqlStore::staleApplicationUpdateChangesNothing()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    store->insertApplication(makeApplication(QStringLiteral("blog"), site, {alice.id}));
    const Application firstCopy = *store->findApplicationByName(QStringLiteral("blog"));

    Application winner = firstCopy;
    winner.ref = QStringLiteral("winner");
    store->updateApplication(winner);

    Application loser = firstCopy;
    loser.ref = QStringLiteral("loser");
    loser.websites = {website(QStringLiteral("loser.localhost"))};
    loser.env = {{QStringLiteral("LOSER"), QStringLiteral("1")}};
    loser.ownerIds = {};
    const auto error = errorOf([&] { store->updateApplication(loser); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::FailedPrecondition);
    QVERIFY2(error->message().contains(u"'blog'"), qPrintable(error->message()));

    const Application stored = *store->findApplicationByName(QStringLiteral("blog"));
    QCOMPARE(stored.ref, QStringLiteral("winner"));
    QCOMPARE(stored.websites, firstCopy.websites);
    QVERIFY(stored.env.isEmpty());
    QCOMPARE(stored.ownerNames, QStringList{QStringLiteral("alice")});
    QCOMPARE(stored.version, 2);
}

void TestSqlStore::applicationNamesAreUnique()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    store->insertApplication(makeApplication(QStringLiteral("blog"), site, {alice.id}));

    Application twin = makeApplication(QStringLiteral("blog"), site, {alice.id},
                                       {website(QStringLiteral("twin.localhost"))});
    twin.env = {{QStringLiteral("KEY"), QStringLiteral("value")}};
    const auto error = errorOf([&] { store->insertApplication(twin); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::AlreadyExists);
    QCOMPARE(error->message(), QStringLiteral("application name 'blog' is taken"));

    // Nothing of the refused application was written: its website is still free.
    QVERIFY(!store->findApplicationById(twin.id));
    QCOMPARE(store->listApplications({}, {}).size(), 1);
    store->insertApplication(makeApplication(QStringLiteral("twin"), site, {alice.id},
                                             {website(QStringLiteral("twin.localhost"))}));
}

void TestSqlStore::websitesAreUniqueAcrossApplications()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    store->insertApplication(
        makeApplication(QStringLiteral("blog"), site, {alice.id},
                        {website(QStringLiteral("blog.localhost"), QStringLiteral("/docs"))}));

    const Application clash =
        makeApplication(QStringLiteral("docs"), site, {alice.id},
                        {website(QStringLiteral("docs.localhost")),
                         website(QStringLiteral("blog.localhost"), QStringLiteral("/docs"))});
    const auto error = errorOf([&] { store->insertApplication(clash); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::AlreadyExists);
    QCOMPARE(error->message(),
             QStringLiteral("website blog.localhost/docs is already used by application 'blog'"));
    QVERIFY(!store->findApplicationByName(QStringLiteral("docs")));

    // The same host under another path, or the same path on another host, is another website.
    const Application neighbour =
        makeApplication(QStringLiteral("docs"), site, {alice.id},
                        {website(QStringLiteral("docs.localhost")), website(QStringLiteral("blog.localhost")),
                         website(QStringLiteral("docs.localhost"), QStringLiteral("/docs"))});
    store->insertApplication(neighbour);

    // An update that would take the website is refused too, and leaves the application as it was.
    Application grabbing = *store->findApplicationByName(QStringLiteral("docs"));
    grabbing.websites << website(QStringLiteral("blog.localhost"), QStringLiteral("/docs"));
    const auto updateError = errorOf([&] { store->updateApplication(grabbing); });
    QVERIFY(updateError);
    QCOMPARE(updateError->kind(), ErrorKind::AlreadyExists);
    QVERIFY2(updateError->message().contains(u"'blog'"), qPrintable(updateError->message()));
    const Application unchanged = *store->findApplicationByName(QStringLiteral("docs"));
    QCOMPARE(unchanged.websites, neighbour.websites);
    QCOMPARE(unchanged.version, 1);

    // Keeping its own websites is no clash.
    Application same = unchanged;
    same.ref = QStringLiteral("develop");
    store->updateApplication(same);
    QCOMPARE(store->findApplicationByName(QStringLiteral("docs"))->version, 2);
}

void TestSqlStore::listsFilterByOwnerAndRepository()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const User bob = addUser(*store, QStringLiteral("bob"));
    const Repository mine = makeRepository(QStringLiteral("mine"), {alice.id});
    const Repository shared = makeRepository(QStringLiteral("shared"), {alice.id, bob.id});
    const Repository theirs = makeRepository(QStringLiteral("theirs"), {bob.id});
    for (const Repository &repository : {mine, shared, theirs})
        store->insertRepository(repository);
    store->insertApplication(makeApplication(QStringLiteral("a1"), mine, {alice.id}));
    store->insertApplication(makeApplication(QStringLiteral("a2"), shared, {alice.id, bob.id}));
    store->insertApplication(makeApplication(QStringLiteral("a3"), shared, {bob.id}));
    store->insertApplication(makeApplication(QStringLiteral("a4"), theirs, {bob.id}));

    QCOMPARE(namesOf(store->listRepositories({alice.id}, {})),
             (QStringList{QStringLiteral("mine"), QStringLiteral("shared")}));
    QCOMPARE(namesOf(store->listRepositories({bob.id}, {1, QStringLiteral("shared")})),
             QStringList{QStringLiteral("theirs")});
    QCOMPARE(namesOf(store->listRepositories({}, {})).size(), 3);

    QCOMPARE(namesOf(store->listApplications({alice.id, {}}, {})),
             (QStringList{QStringLiteral("a1"), QStringLiteral("a2")}));
    QCOMPARE(namesOf(store->listApplications({{}, shared.id}, {})),
             (QStringList{QStringLiteral("a2"), QStringLiteral("a3")}));
    QCOMPARE(namesOf(store->listApplications({bob.id, shared.id}, {})),
             (QStringList{QStringLiteral("a2"), QStringLiteral("a3")}));
    QCOMPARE(namesOf(store->listApplications({bob.id, {}}, {2, QStringLiteral("a2")})),
             (QStringList{QStringLiteral("a3"), QStringLiteral("a4")}));
    const QList<Application> aliceShared = store->listApplications({alice.id, shared.id}, {});
    QCOMPARE(namesOf(aliceShared), QStringList{QStringLiteral("a2")});
    // A filter picks the applications, not the owners shown.
    QCOMPARE(aliceShared[0].ownerNames, (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
}

void TestSqlStore::deletingAUserRemovesItsTokensAndOwnerships()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const User bob = addUser(*store, QStringLiteral("bob"));
    const Token token = makeToken(alice, QStringLiteral("laptop"), kCreated);
    store->insertToken(token);
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id, bob.id});
    const Application blog = makeApplication(QStringLiteral("blog"), site, {alice.id});
    store->insertApplication(blog);

    store->deleteUser(alice.id);

    QVERIFY(!store->findTokenById(token.id));
    QVERIFY(!store->findTokenBySecretHash(token.secretHash));
    QVERIFY(store->listTokens(alice.id).isEmpty());
    QCOMPARE(store->findRepositoryById(site.id)->ownerNames, QStringList{QStringLiteral("bob")});
    QVERIFY(store->findApplicationById(blog.id)->ownerIds.isEmpty());
    QVERIFY(store->listApplications({alice.id, {}}, {}).isEmpty());
    QVERIFY(store->findUserById(bob.id));
}

void TestSqlStore::findsWhatAUserOwnsAlone()
{
    const auto store = openFreshStore();
    const User alice = makeUser(QStringLiteral("alice"));
    const User bob = makeUser(QStringLiteral("bob"));
    const User carol = makeUser(QStringLiteral("carol"));
    for (const User &user : {alice, bob, carol})
        store->insertUser(user);
    const Repository solo = makeRepository(QStringLiteral("solo"), {alice.id});
    const Repository duo = makeRepository(QStringLiteral("duo"), {alice.id, bob.id});
    const Repository other = makeRepository(QStringLiteral("other"), {bob.id});
    for (const Repository &repository : {solo, duo, other})
        store->insertRepository(repository);
    store->insertApplication(makeApplication(QStringLiteral("z-solo"), duo, {alice.id}));
    store->insertApplication(makeApplication(QStringLiteral("a-solo"), duo, {alice.id}));
    store->insertApplication(makeApplication(QStringLiteral("shared"), solo, {alice.id, bob.id}));

    QCOMPARE(store->repositoriesOwnedOnlyBy(alice.id), QStringList{QStringLiteral("solo")});
    QCOMPARE(store->applicationsOwnedOnlyBy(alice.id),
             (QStringList{QStringLiteral("a-solo"), QStringLiteral("z-solo")}));
    QCOMPARE(store->repositoriesOwnedOnlyBy(bob.id), QStringList{QStringLiteral("other")});
    QVERIFY(store->applicationsOwnedOnlyBy(bob.id).isEmpty());
    QVERIFY(store->repositoriesOwnedOnlyBy(carol.id).isEmpty());
}

void TestSqlStore::missingRowsAreNotFound()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});
    const User ghost = makeUser(QStringLiteral("ghost"));
    const Repository ghostRepository = makeRepository(QStringLiteral("ghost-repo"), {alice.id});
    const Application ghostApplication = makeApplication(QStringLiteral("ghost-app"), site, {alice.id});

    const QList<std::function<void()>> calls{
        [&] { store->updateUser(ghost); },
        [&] { store->deleteUser(ghost.id); },
        [&] { store->insertToken(makeToken(ghost, QStringLiteral("orphan"), kCreated)); },
        [&] { store->setTokenRevoked(QStringLiteral("tok_missing"), kCreated); },
        [&] { store->setTokenLastUsed(QStringLiteral("tok_missing"), kCreated); },
        [&] { store->updateRepository(ghostRepository); },
        [&] { store->deleteRepository(ghostRepository.id); },
        [&] {
            store->insertRepository(makeRepository(QStringLiteral("orphan"), {alice.id, ghost.id}));
        },
        [&] { store->updateApplication(ghostApplication); },
        [&] { store->deleteApplication(ghostApplication.id); },
        [&] {
            store->insertApplication(makeApplication(QStringLiteral("orphan"), ghostRepository, {alice.id}));
        },
        [&] { store->insertApplication(makeApplication(QStringLiteral("orphan"), site, {ghost.id})); },
    };
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const auto error = errorOf(calls[i]);
        QVERIFY2(error, qPrintable(QStringLiteral("call %1 did not fail").arg(i)));
        QVERIFY2(error->kind() == ErrorKind::NotFound,
                 qPrintable(QStringLiteral("call %1: %2").arg(i).arg(error->message())));
    }
    // The refused inserts left nothing behind.
    QVERIFY(!store->findRepositoryByName(QStringLiteral("orphan")));
    QVERIFY(!store->findApplicationByName(QStringLiteral("orphan")));
    QVERIFY(store->listTokens(ghost.id).isEmpty());
}

void TestSqlStore::concurrentWritersAllLand()
{
    const auto store = openFreshStore();
    constexpr int kThreads = 4;
    constexpr int kUsersPerThread = 25;
    QMutex failuresMutex;
    QStringList failures;
    QList<QThread *> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads << QThread::create([&, t] {
            try {
                for (int i = 0; i < kUsersPerThread; ++i) {
                    const User user = addUser(*store, QStringLiteral("user-%1-%2").arg(t).arg(i));
                    if (!store->findUserById(user.id))
                        throw std::runtime_error("a user just written was not found");
                }
            } catch (const std::exception &error) {
                QMutexLocker lock(&failuresMutex);
                failures << QString::fromStdString(error.what());
            }
        });
    }
    for (QThread *thread : threads)
        thread->start();
    for (QThread *thread : threads) {
        thread->wait();
        delete thread;
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
    QCOMPARE(store->countUsers(), kThreads * kUsersPerThread);
}

void TestSqlStore::racingWritersOfOneNameGetAlreadyExists()
{
    const auto store = openFreshStore();
    const User alice = addUser(*store, QStringLiteral("alice"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {alice.id});

    // Every thread tries to create the same applications: one wins each, the others learn it is taken,
    // whichever of the pre-checks or the database's constraints caught them.
    constexpr int kThreads = 4;
    constexpr int kApplications = 10;
    QMutex outcomesMutex;
    int created = 0;
    QStringList unexpected;
    QList<QThread *> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads << QThread::create([&] {
            for (int i = 0; i < kApplications; ++i) {
                const auto error = errorOf([&] {
                    store->insertApplication(
                        makeApplication(QStringLiteral("race-%1").arg(i), site, {alice.id}));
                });
                QMutexLocker lock(&outcomesMutex);
                if (!error)
                    ++created;
                else if (error->kind() != ErrorKind::AlreadyExists)
                    unexpected << error->message();
            }
        });
    }
    for (QThread *thread : threads)
        thread->start();
    for (QThread *thread : threads) {
        thread->wait();
        delete thread;
    }
    QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.join(u'\n')));
    QCOMPARE(created, kApplications);
    QCOMPARE(store->listApplications({}, {}).size(), kApplications);
}

QTEST_GUILESS_MAIN(TestSqlStore)
#include "tst_sql_store.moc"
