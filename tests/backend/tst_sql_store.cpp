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
#include <QSemaphore>
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
using domain::Build;
using domain::BuildState;
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

// Runs statements on a store's database beside the store, as an operator would with sqlite3 or psql, and
// returns the first column of the last one's first row.
QVariant rawQuery(const QString &url, const QStringList &statements)
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
        for (const QString &sql : statements) {
            QSqlQuery query(db);
            if (!query.exec(sql))
                qFatal("rawQuery '%s' failed: %s", qPrintable(sql), qPrintable(query.lastError().text()));
            result = query.next() ? query.value(0) : QVariant();
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    return result;
}

QVariant rawQuery(const QString &url, const QString &sql)
{
    return rawQuery(url, QStringList{sql});
}

const QString kCommitA = QStringLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
const QString kCommitB = QStringLiteral("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

Build makeBuild(const Application &application, const QString &commit, const QDateTime &queuedAt,
                const QString &ownerKey = {})
{
    Build build;
    build.id = domain::newId(domain::idprefix::kBuild);
    build.applicationId = application.id;
    build.commit = commit;
    build.configHash = application.configHash;
    build.config = application.build;
    build.env = application.env;
    build.ownerKey = ownerKey.isEmpty() ? application.ownerIds.value(0) : ownerKey;
    build.queuedAt = queuedAt;
    return build;
}

Build addBuild(SqlStore &store, const Application &application, const QString &commit,
               const QDateTime &queuedAt, const QString &ownerKey = {})
{
    const Build build = makeBuild(application, commit, queuedAt, ownerKey);
    store.insertBuild(build);
    return build;
}

Application addApplication(SqlStore &store, const QString &name, const Repository &repository,
                           const QStringList &ownerIds)
{
    const Application application = makeApplication(name, repository, ownerIds);
    store.insertApplication(application);
    return application;
}

QStringList idsOf(const QList<Build> &builds)
{
    QStringList ids;
    for (const Build &build : builds)
        ids << build.id;
    return ids;
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

    void migrationTwoUpgradesAVersionOneDatabase();
    void repositoriesAreFoundByAnySpellingOfTheirUrl_data();
    void repositoriesAreFoundByAnySpellingOfTheirUrl();
    void controllerRecordsDoNotBumpVersions();
    void spaFallbackIsAnOwnersSetting();
    void buildsRoundTrip();
    void buildsListNewestFirstInKeysetPages();
    void buildListsFilterByApplicationOwnerAndState();
    void transitionIsACompareAndSet();
    void onlyOneOfRacingSchedulersTakesABuild();
    void findsTheBuildOfACommitAndConfig();
    void newerBuildSupersedesQueuedOnes();
    void schedulerSeesQueuedAndRunningBuilds();
    void buildsWithoutHeartbeatAreStale();
    void latestBuildsAreTheNewestOfEachApplication();
    void deletingBuildsOfAnApplicationReturnsThem();
    void countsApplicationsByDeployType();
    void buildFiguresCountTheWindowOnly();
    void alertsRoundTrip();
    void alertListsFilterAndLimit_data();
    void alertListsFilterAndLimit();

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

void TestSqlStore::migrationTwoUpgradesAVersionOneDatabase()
{
    QFETCH_GLOBAL(QString, backend);
    const QString url = freshUrl();
    const auto dialect = backend == u"sqlite" ? DatabaseBackend::Sqlite : DatabaseBackend::Postgresql;
    // The database as a binary that knew only migration 1 left it, with a repository and an application.
    QStringList statements = adapters::store::migrations(dialect).first().statements;
    statements << QStringLiteral("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at "
                                 "BIGINT NOT NULL)")
               << QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)")
               << QStringLiteral("INSERT INTO users (id, name, role, created_at) VALUES ('usr_1', 'zoe', "
                                 "'member', 0)")
               << QStringLiteral("INSERT INTO repositories (id, name, url, webhook_secret, created_at, "
                                 "updated_at, version) VALUES ('repo_1', 'site', "
                                 "'git@Git.Example.org:club/site.git', '', 0, 0, 1)")
               << QStringLiteral("INSERT INTO repository_owners (repository_id, user_id) VALUES ('repo_1', "
                                 "'usr_1')")
               << QStringLiteral(
                      "INSERT INTO applications (id, name, repository_id, ref, deploy_type, build_type, "
                      "build_command, start_command, artifact_dir, dockerfile, context_dir, port, running, "
                      "auto_sleep_seconds, config_hash, created_at, updated_at, version) VALUES ('app_1', "
                      "'blog', 'repo_1', 'main', 'static', 'static', '', '', 'public', '', '', 0, TRUE, 0, "
                      "'h1', 0, 0, 3)");
    rawQuery(url, statements);

    SqlStore store(url);
    QCOMPARE(store.schemaVersion(), latestSchemaVersion());
    // The repository that existed got its URL key: another spelling of its remote finds it.
    QCOMPARE(namesOf(store.findRepositoriesByUrl(QStringLiteral("ssh://git@git.example.org/club/site"))),
             QStringList{QStringLiteral("site")});
    const auto blog = store.findApplicationByName(QStringLiteral("blog"));
    QVERIFY(blog);
    QCOMPARE(blog->version, 3);
    QVERIFY(!blog->spaFallback);
    QVERIFY(blog->currentCommit.isEmpty());
    QVERIFY(blog->currentBuildId.isEmpty());
    QVERIFY(!store.findRepositoryByName(QStringLiteral("site"))->lastFetchedAt.isValid());
    const Build build = addBuild(store, *blog, kCommitA, kCreated);
    QCOMPARE(store.findBuildById(build.id)->applicationName, QStringLiteral("blog"));
}

void TestSqlStore::repositoriesAreFoundByAnySpellingOfTheirUrl_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<bool>("matches");

    const QString https = QStringLiteral("https://git.example.org/club/site.git");
    QTest::newRow("the same URL") << https << https << true;
    QTest::newRow("without .git") << https << QStringLiteral("https://git.example.org/club/site") << true;
    QTest::newRow("trailing slash") << https << QStringLiteral("https://git.example.org/club/site/") << true;
    QTest::newRow("host and scheme case")
        << https << QStringLiteral("HTTPS://Git.Example.ORG/club/site") << true;
    QTest::newRow("scp-like and ssh URL") << QStringLiteral("git@git.example.org:club/site.git")
                                          << QStringLiteral("ssh://git@git.example.org/club/site") << true;
    QTest::newRow("ssh URL and scp-like") << QStringLiteral("ssh://git.example.org/club/site.git")
                                          << QStringLiteral("git@git.example.org:club/site") << true;
    QTest::newRow("local path and file URL")
        << QStringLiteral("/srv/git/site.git") << QStringLiteral("file:///srv/git/site") << true;
    QTest::newRow("another path") << https << QStringLiteral("https://git.example.org/club/blog") << false;
    QTest::newRow("path case matters")
        << https << QStringLiteral("https://git.example.org/Club/site") << false;
    QTest::newRow("another host") << https << QStringLiteral("https://example.org/club/site") << false;
    QTest::newRow("another port") << https << QStringLiteral("https://git.example.org:8443/club/site")
                                  << false;
    QTest::newRow("another scheme") << https << QStringLiteral("ssh://git.example.org/club/site") << false;
}

void TestSqlStore::repositoriesAreFoundByAnySpellingOfTheirUrl()
{
    QFETCH(QString, stored);
    QFETCH(QString, asked);
    QFETCH(bool, matches);

    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    Repository site = makeRepository(QStringLiteral("site"), {zoe.id});
    site.url = QStringLiteral("https://elsewhere.example.org/placeholder.git");
    store->insertRepository(site);
    // Found by the URL it has now: updates keep the key in step.
    site.url = stored;
    site.version = 1;
    store->updateRepository(site);
    Repository mirror = makeRepository(QStringLiteral("mirror"), {zoe.id});
    mirror.url = stored;
    store->insertRepository(mirror);

    const QStringList expected =
        matches ? QStringList{QStringLiteral("mirror"), QStringLiteral("site")} : QStringList{};
    QCOMPARE(namesOf(store->findRepositoriesByUrl(asked)), expected);
    if (matches)
        QCOMPARE(store->findRepositoriesByUrl(asked).first().ownerNames, QStringList{QStringLiteral("zoe")});
}

void TestSqlStore::controllerRecordsDoNotBumpVersions()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const QDateTime fetchedAt = kCreated.addSecs(60);

    store->recordFetch(site.id, fetchedAt, QStringLiteral("remote refused access"));
    store->setApplicationCommit(blog.id, kCommitA);
    store->setApplicationCurrentBuild(blog.id, QStringLiteral("bld_served"));

    const auto fetched = store->findRepositoryById(site.id);
    QCOMPARE(fetched->lastFetchedAt, fetchedAt);
    QCOMPARE(fetched->lastFetchError, QStringLiteral("remote refused access"));
    QCOMPARE(fetched->version, 1);
    QCOMPARE(fetched->updatedAt, kCreated);
    const auto deployed = store->findApplicationById(blog.id);
    QCOMPARE(deployed->currentCommit, kCommitA);
    QCOMPARE(deployed->currentBuildId, QStringLiteral("bld_served"));
    QCOMPARE(deployed->version, 1);
    QCOMPARE(deployed->updatedAt, kCreated);

    // An owner's edit from a copy read before leaves the controller's records alone, and they succeed
    // after it.
    site.version = 1;
    store->updateRepository(site);
    QCOMPARE(store->findRepositoryById(site.id)->lastFetchError, QStringLiteral("remote refused access"));
    store->recordFetch(site.id, fetchedAt.addSecs(60), {});
    QVERIFY(store->findRepositoryById(site.id)->lastFetchError.isEmpty());
    blog.version = 1;
    blog.ref = QStringLiteral("release");
    store->updateApplication(blog);
    QCOMPARE(store->findApplicationById(blog.id)->currentCommit, kCommitA);
    QCOMPARE(store->findApplicationById(blog.id)->currentBuildId, QStringLiteral("bld_served"));

    for (const auto &call : std::initializer_list<std::function<void()>>{
             [&] { store->recordFetch(QStringLiteral("repo_missing"), fetchedAt, {}); },
             [&] { store->setApplicationCommit(QStringLiteral("app_missing"), kCommitA); },
             [&] {
                 store->setApplicationCurrentBuild(QStringLiteral("app_missing"), QStringLiteral("b"));
             }}) {
        const auto error = errorOf(call);
        QVERIFY(error);
        QCOMPARE(error->kind(), ErrorKind::NotFound);
    }
}

void TestSqlStore::spaFallbackIsAnOwnersSetting()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    Application app = makeApplication(QStringLiteral("app"), site, {zoe.id});
    app.spaFallback = true;
    store->insertApplication(app);
    QVERIFY(store->findApplicationById(app.id)->spaFallback);

    app.spaFallback = false;
    app.version = 1;
    store->updateApplication(app);
    const auto updated = store->findApplicationById(app.id);
    QVERIFY(!updated->spaFallback);
    QCOMPARE(updated->version, 2);
}

void TestSqlStore::buildsRoundTrip()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    Application blog = makeApplication(QStringLiteral("blog"), site, {zoe.id});
    blog.build = {domain::BuildType::StaticCmd,
                  QStringLiteral("make \"site\" && echo 'done'"),
                  QString(),
                  QStringLiteral("public"),
                  QString(),
                  QStringLiteral("web"),
                  0};
    blog.env = {{QStringLiteral("GREETING"), QStringLiteral("héllo, \"世界\"")},
                {QStringLiteral("EMPTY"), {}}};
    store->insertApplication(blog);

    Build build = makeBuild(blog, kCommitA, kCreated);
    build.version = 7; // ignored: a new row starts at version 1
    store->insertBuild(build);

    const auto found = store->findBuildById(build.id);
    QVERIFY(found);
    QCOMPARE(found->applicationId, blog.id);
    QCOMPARE(found->applicationName, QStringLiteral("blog"));
    QCOMPARE(found->commit, kCommitA);
    QCOMPARE(found->configHash, blog.configHash);
    QVERIFY(found->config == blog.build);
    QCOMPARE(found->env, blog.env);
    QCOMPARE(found->state, BuildState::Queued);
    QCOMPARE(found->ownerKey, zoe.id);
    QCOMPARE(found->queuedAt, kCreated);
    QCOMPARE(found->queuedAt.timeSpec(), Qt::UTC);
    QVERIFY(!found->startedAt.isValid());
    QVERIFY(!found->finishedAt.isValid());
    QVERIFY(!found->heartbeatAt.isValid());
    QVERIFY(found->builderId.isEmpty());
    QVERIFY(found->failureReason.isEmpty());
    QVERIFY(found->artifactPath.isEmpty());
    QCOMPARE(found->version, 1);
    QVERIFY(!store->findBuildById(QStringLiteral("bld_missing")));

    // A build without a queue time gets the store's clock.
    Build unstamped = makeBuild(blog, kCommitB, {});
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    store->insertBuild(unstamped);
    QVERIFY(store->findBuildById(unstamped.id)->queuedAt >= before);

    const auto taken = errorOf([&] { store->insertBuild(build); });
    QVERIFY(taken);
    QCOMPARE(taken->kind(), ErrorKind::AlreadyExists);
    Build orphan = makeBuild(blog, kCommitA, kCreated);
    orphan.applicationId = QStringLiteral("app_missing");
    const auto missing = errorOf([&] { store->insertBuild(orphan); });
    QVERIFY(missing);
    QCOMPARE(missing->kind(), ErrorKind::NotFound);
}

void TestSqlStore::buildsListNewestFirstInKeysetPages()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    // Five builds; the middle three queued in the same millisecond, so the id breaks the tie.
    QList<Build> builds;
    for (int i = 0; i < 5; ++i)
        builds << addBuild(*store, blog, kCommitA, kCreated.addSecs(i == 0 ? 0 : (i == 4 ? 2 : 1)));
    QList<Build> newestFirst = builds;
    std::sort(newestFirst.begin(), newestFirst.end(), [](const Build &a, const Build &b) {
        return std::pair(a.queuedAt, a.id) > std::pair(b.queuedAt, b.id);
    });

    QStringList paged;
    domain::BuildPageQuery page{2, {}, {}};
    for (int pages = 0; pages < 10; ++pages) {
        const QList<Build> got = store->listBuilds({}, page);
        if (got.isEmpty())
            break;
        QVERIFY(got.size() <= 2);
        paged += idsOf(got);
        page.afterQueuedAt = got.last().queuedAt;
        page.afterId = got.last().id;
    }
    QCOMPARE(paged, idsOf(newestFirst));
    QVERIFY(store->listBuilds({}, {0, {}, {}}).isEmpty());
}

void TestSqlStore::buildListsFilterByApplicationOwnerAndState()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const User adam = addUser(*store, QStringLiteral("adam"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id, adam.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {adam.id, zoe.id});
    const Build blogOld = addBuild(*store, blog, kCommitA, kCreated);
    const Build shopOld = addBuild(*store, shop, kCommitA, kCreated.addSecs(1));
    const Build blogNew = addBuild(*store, blog, kCommitB, kCreated.addSecs(2));
    QVERIFY(store->transitionBuild(blogOld.id, BuildState::Queued, BuildState::Building, {}));

    QCOMPARE(idsOf(store->listBuilds({blog.id, {}, {}}, {})), (QStringList{blogNew.id, blogOld.id}));
    QCOMPARE(idsOf(store->listBuilds({{}, adam.id, {}}, {})), QStringList{shopOld.id});
    QCOMPARE(idsOf(store->listBuilds({{}, zoe.id, {}}, {})),
             (QStringList{blogNew.id, shopOld.id, blogOld.id}));
    QCOMPARE(idsOf(store->listBuilds({{}, {}, {BuildState::Building}}, {})), QStringList{blogOld.id});
    QCOMPARE(idsOf(store->listBuilds({blog.id, {}, {BuildState::Queued, BuildState::Succeeded}}, {})),
             QStringList{blogNew.id});
    QCOMPARE(idsOf(store->listBuilds({shop.id, zoe.id, {BuildState::Queued}}, {})), QStringList{shopOld.id});
    QVERIFY(store->listBuilds({shop.id, {}, {BuildState::Failed}}, {}).isEmpty());
}

void TestSqlStore::transitionIsACompareAndSet()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Build build = addBuild(*store, blog, kCommitA, kCreated);
    const QDateTime started = kCreated.addSecs(5);
    const QDateTime finished = kCreated.addSecs(65);

    QVERIFY(store->transitionBuild(build.id, BuildState::Queued, BuildState::Building,
                                   {started, QStringLiteral("local-1"), {}, {}}));
    auto building = store->findBuildById(build.id);
    QCOMPARE(building->state, BuildState::Building);
    QCOMPARE(building->builderId, QStringLiteral("local-1"));
    QCOMPARE(building->startedAt, started);
    QCOMPARE(building->heartbeatAt, started);
    QCOMPARE(building->version, 2);

    // Moved already: a second scheduler loses, and nothing changes.
    QVERIFY(!store->transitionBuild(build.id, BuildState::Queued, BuildState::Building,
                                    {finished, QStringLiteral("local-2"), {}, {}}));
    QVERIFY(!store->transitionBuild(build.id, BuildState::Queued, BuildState::Canceled, {}));
    QCOMPARE(store->findBuildById(build.id)->builderId, QStringLiteral("local-1"));
    QCOMPARE(store->findBuildById(build.id)->version, 2);

    QVERIFY(store->transitionBuild(build.id, BuildState::Building, BuildState::Succeeded,
                                   {finished, {}, {}, QStringLiteral("artifacts/bld.tar.gz")}));
    const auto succeeded = store->findBuildById(build.id);
    QCOMPARE(succeeded->state, BuildState::Succeeded);
    QCOMPARE(succeeded->finishedAt, finished);
    QCOMPARE(succeeded->startedAt, started);
    QCOMPARE(succeeded->builderId, QStringLiteral("local-1"));
    QCOMPARE(succeeded->artifactPath, QStringLiteral("artifacts/bld.tar.gz"));
    QCOMPARE(succeeded->version, 3);
    QVERIFY(succeeded->image.isEmpty());

    // A build for a container runtime keeps the image it produced.
    const Build imaged = addBuild(*store, blog, kCommitB, kCreated.addSecs(1));
    QVERIFY(store->transitionBuild(imaged.id, BuildState::Queued, BuildState::Building, {}));
    domain::BuildTransitionFields withImage;
    withImage.image = QStringLiteral("vitrine/blog:bld_imaged");
    withImage.plan = domain::BuildPlan{domain::DeployType::Runtime, {}};
    QVERIFY(store->transitionBuild(imaged.id, BuildState::Building, BuildState::Succeeded, withImage));
    const auto withImageStored = store->findBuildById(imaged.id);
    QCOMPARE(withImageStored->image, QStringLiteral("vitrine/blog:bld_imaged"));
    QVERIFY(withImageStored->artifactPath.isEmpty());
    QCOMPARE(withImageStored->deployType, domain::DeployType::Runtime);

    const Build failing = addBuild(*store, blog, kCommitB, kCreated);
    QVERIFY(store->transitionBuild(failing.id, BuildState::Queued, BuildState::Building, {}));
    QVERIFY(store->transitionBuild(failing.id, BuildState::Building, BuildState::Failed,
                                   {{}, {}, QStringLiteral("exit status 2"), {}}));
    const auto failed = store->findBuildById(failing.id);
    QCOMPARE(failed->failureReason, QStringLiteral("exit status 2"));
    QVERIFY(failed->finishedAt.isValid());

    QVERIFY(
        !store->transitionBuild(QStringLiteral("bld_missing"), BuildState::Queued, BuildState::Building, {}));
    // A move the state machine forbids is a bug of the caller.
    const auto forbidden =
        errorOf([&] { store->transitionBuild(build.id, BuildState::Succeeded, BuildState::Building, {}); });
    QVERIFY(forbidden);
    QCOMPARE(forbidden->kind(), ErrorKind::Internal);
}

void TestSqlStore::onlyOneOfRacingSchedulersTakesABuild()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    constexpr int kBuilds = 20;
    QStringList buildIds;
    for (int i = 0; i < kBuilds; ++i)
        buildIds << addBuild(*store, blog, kCommitA, kCreated.addSecs(i)).id;

    // Two schedulers try to take every build at once; each build goes to exactly one of them.
    QMutex winsMutex;
    QHash<QString, QStringList> winners; // build id → schedulers that won it
    QStringList failures;
    QSemaphore ready;
    QSemaphore go;
    QList<QThread *> threads;
    for (const QString &scheduler : {QStringLiteral("scheduler-1"), QStringLiteral("scheduler-2")}) {
        threads << QThread::create([&, scheduler] {
            ready.release();
            go.acquire();
            for (const QString &id : buildIds) {
                try {
                    if (store->transitionBuild(id, BuildState::Queued, BuildState::Building,
                                               {{}, scheduler, {}, {}})) {
                        QMutexLocker lock(&winsMutex);
                        winners[id] << scheduler;
                    }
                } catch (const std::exception &error) {
                    QMutexLocker lock(&winsMutex);
                    failures << QString::fromStdString(error.what());
                }
            }
        });
    }
    for (QThread *thread : threads)
        thread->start();
    ready.acquire(int(threads.size()));
    go.release(int(threads.size()));
    for (QThread *thread : threads) {
        thread->wait();
        delete thread;
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
    QCOMPARE(winners.size(), kBuilds);
    for (const QString &id : buildIds) {
        QCOMPARE(winners.value(id).size(), 1);
        QCOMPARE(store->findBuildById(id)->builderId, winners.value(id).first());
    }
}

void TestSqlStore::findsTheBuildOfACommitAndConfig()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {zoe.id});
    const Build first = addBuild(*store, blog, kCommitA, kCreated);
    QVERIFY(store->transitionBuild(first.id, BuildState::Queued, BuildState::Canceled, {}));
    const Build retried = addBuild(*store, blog, kCommitA, kCreated.addSecs(30));
    addBuild(*store, shop, kCommitA, kCreated.addSecs(60));

    // The newest of the application's builds of that commit and config, whatever its state.
    QCOMPARE(store->findBuild(blog.id, kCommitA, blog.configHash)->id, retried.id);
    QVERIFY(!store->findBuild(blog.id, kCommitB, blog.configHash));
    QVERIFY(!store->findBuild(blog.id, kCommitA, QStringLiteral("another-config")));
    QVERIFY(!store->findBuild(shop.id, kCommitA, blog.configHash));
}

void TestSqlStore::newerBuildSupersedesQueuedOnes()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {zoe.id});
    const Build running = addBuild(*store, blog, kCommitA, kCreated);
    QVERIFY(store->transitionBuild(running.id, BuildState::Queued, BuildState::Building, {}));
    const Build older = addBuild(*store, blog, kCommitA, kCreated.addSecs(1));
    const Build old = addBuild(*store, blog, kCommitA, kCreated.addSecs(2));
    const Build newest = addBuild(*store, blog, kCommitB, kCreated.addSecs(3));
    const Build otherApp = addBuild(*store, shop, kCommitA, kCreated.addSecs(1));
    const QDateTime at = kCreated.addSecs(4);
    const QString reason = QStringLiteral("superseded by build %1").arg(newest.id);

    QCOMPARE(store->cancelQueuedBuildsExcept(blog.id, newest.id, reason, at),
             (QStringList{older.id, old.id}));
    for (const QString &id : {older.id, old.id}) {
        const auto canceled = store->findBuildById(id);
        QCOMPARE(canceled->state, BuildState::Canceled);
        QCOMPARE(canceled->failureReason, reason);
        QCOMPARE(canceled->finishedAt, at);
    }
    QCOMPARE(store->findBuildById(newest.id)->state, BuildState::Queued);
    QCOMPARE(store->findBuildById(running.id)->state, BuildState::Building);
    QCOMPARE(store->findBuildById(otherApp.id)->state, BuildState::Queued);
    QVERIFY(store->cancelQueuedBuildsExcept(blog.id, newest.id, reason, at).isEmpty());
}

void TestSqlStore::schedulerSeesQueuedAndRunningBuilds()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const User adam = addUser(*store, QStringLiteral("adam"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {adam.id});
    const Build zoeRunning = addBuild(*store, blog, kCommitA, kCreated);
    const Build adamRunning = addBuild(*store, shop, kCommitA, kCreated);
    const Build zoeAlsoRunning = addBuild(*store, blog, kCommitB, kCreated);
    for (const Build &build : {zoeRunning, adamRunning, zoeAlsoRunning})
        QVERIFY(store->transitionBuild(build.id, BuildState::Queued, BuildState::Building, {}));
    const Build adamLater = addBuild(*store, shop, kCommitB, kCreated.addSecs(20));
    const Build zoeEarlier = addBuild(*store, blog, kCommitB, kCreated.addSecs(10));
    const Build done = addBuild(*store, blog, kCommitA, kCreated.addSecs(5));
    QVERIFY(store->transitionBuild(done.id, BuildState::Queued, BuildState::Canceled, {}));

    const QList<domain::QueuedBuild> queued = store->listQueuedBuilds();
    QCOMPARE(queued.size(), 2);
    QCOMPARE(queued[0].id, zoeEarlier.id);
    QCOMPARE(queued[0].ownerKey, zoe.id);
    QCOMPARE(queued[0].queuedAt, kCreated.addSecs(10));
    QCOMPARE(queued[1].id, adamLater.id);
    QCOMPARE(queued[1].ownerKey, adam.id);
    const QHash<QString, domain::OwnerBuildActivity> activity = store->buildActivityByOwner();
    QCOMPARE(activity.size(), 2);
    QCOMPARE(activity.value(zoe.id).building, 2);
    QCOMPARE(activity.value(adam.id).building, 1);
    QVERIFY(!activity.value(zoe.id).lastStartedAt.isNull());
}

void TestSqlStore::buildsWithoutHeartbeatAreStale()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Build quiet = addBuild(*store, blog, kCommitA, kCreated);
    const Build alive = addBuild(*store, blog, kCommitB, kCreated);
    const Build queued = addBuild(*store, blog, kCommitB, kCreated);
    for (const Build &build : {quiet, alive})
        QVERIFY(store->transitionBuild(build.id, BuildState::Queued, BuildState::Building,
                                       {kCreated, {}, {}, {}}));
    const QDateTime now = kCreated.addSecs(120);
    QVERIFY(store->recordBuildHeartbeat(alive.id, now.addSecs(-5)));
    QVERIFY(!store->recordBuildHeartbeat(queued.id, now));
    QVERIFY(!store->recordBuildHeartbeat(QStringLiteral("bld_missing"), now));

    const QDateTime cutoff = now.addSecs(-domain::kBuildHeartbeatTimeoutSeconds);
    QCOMPARE(idsOf(store->listStaleBuilds(cutoff)), QStringList{quiet.id});
    QCOMPARE(store->findBuildById(alive.id)->heartbeatAt, now.addSecs(-5));

    // Crash detection fails it; its builder's next heartbeat learns it should stop.
    QVERIFY(store->transitionBuild(quiet.id, BuildState::Building, BuildState::Failed,
                                   {now, {}, QStringLiteral("the builder stopped responding"), {}}));
    QVERIFY(!store->recordBuildHeartbeat(quiet.id, now));
    QVERIFY(store->listStaleBuilds(cutoff).isEmpty());
}

void TestSqlStore::latestBuildsAreTheNewestOfEachApplication()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {zoe.id});
    const Application docs = addApplication(*store, QStringLiteral("docs"), site, {zoe.id});
    const Application wiki = addApplication(*store, QStringLiteral("wiki"), site, {zoe.id});
    addBuild(*store, blog, kCommitA, kCreated);
    const Build failed = addBuild(*store, blog, kCommitB, kCreated.addSecs(10));
    QVERIFY(store->transitionBuild(failed.id, BuildState::Queued, BuildState::Building, {}));
    domain::BuildTransitionFields failure;
    failure.failureReason = QStringLiteral("make: *** No rule to make target 'site'");
    QVERIFY(store->transitionBuild(failed.id, BuildState::Building, BuildState::Failed, failure));
    // Queued in the same instant: the greater id is the newer, as in the build lists.
    for (const QString &id : {QStringLiteral("build-tie-2"), QStringLiteral("build-tie-1")}) {
        Build tied = makeBuild(shop, kCommitA, kCreated);
        tied.id = id;
        store->insertBuild(tied);
    }
    addBuild(*store, wiki, kCommitA, kCreated);

    const QHash<QString, Build> latest =
        store->latestBuilds({blog.id, shop.id, docs.id, QStringLiteral("app-missing")});
    QCOMPARE(latest.keys().size(), 2); // docs has no build; wiki was not asked for
    QCOMPARE(latest.value(blog.id).id, failed.id);
    QCOMPARE(latest.value(blog.id).state, BuildState::Failed);
    QCOMPARE(latest.value(blog.id).failureReason, failure.failureReason);
    QCOMPARE(latest.value(blog.id).queuedAt, kCreated.addSecs(10));
    QCOMPARE(latest.value(blog.id).applicationName, QStringLiteral("blog"));
    QCOMPARE(latest.value(shop.id).id, QStringLiteral("build-tie-2"));
    QVERIFY(store->latestBuilds({}).isEmpty());
}

void TestSqlStore::deletingBuildsOfAnApplicationReturnsThem()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {zoe.id});
    const Build built = addBuild(*store, blog, kCommitA, kCreated);
    QVERIFY(store->transitionBuild(built.id, BuildState::Queued, BuildState::Building, {}));
    QVERIFY(store->transitionBuild(built.id, BuildState::Building, BuildState::Succeeded,
                                   {{}, {}, {}, QStringLiteral("artifacts/blog-1.tar.gz")}));
    const Build queued = addBuild(*store, blog, kCommitB, kCreated.addSecs(1));
    const Build kept = addBuild(*store, shop, kCommitA, kCreated);

    const QList<Build> deleted = store->deleteBuildsOfApplication(blog.id);
    QCOMPARE(idsOf(deleted), (QStringList{built.id, queued.id}));
    QCOMPARE(deleted[0].artifactPath, QStringLiteral("artifacts/blog-1.tar.gz"));
    QVERIFY(!store->findBuildById(built.id));
    QVERIFY(store->listBuilds({blog.id, {}, {}}, {}).isEmpty());
    QVERIFY(store->deleteBuildsOfApplication(blog.id).isEmpty());

    // Deleting an application takes its builds along.
    store->deleteApplication(shop.id);
    QVERIFY(!store->findBuildById(kept.id));
}

void TestSqlStore::countsApplicationsByDeployType()
{
    const auto store = openFreshStore();
    QVERIFY(store->countApplicationsByDeployType().isEmpty());
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application added = addApplication(*store, QStringLiteral("api"), site, {zoe.id});
    addApplication(*store, QStringLiteral("docs"), site, {zoe.id});
    Application api = *store->findApplicationById(added.id);
    api.deployType = domain::DeployType::Runtime;
    store->updateApplication(api);

    const QMap<domain::DeployType, int> counts = store->countApplicationsByDeployType();
    QCOMPARE(counts.value(domain::DeployType::Static), 2);
    QCOMPARE(counts.value(domain::DeployType::Runtime), 1);
    QCOMPARE(counts.size(), 2);
}

void TestSqlStore::buildFiguresCountTheWindowOnly()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const QDateTime since = kCreated.addSecs(3600);
    QCOMPARE(store->buildFiguresSince(since).succeeded, 0);
    QVERIFY(!store->buildFiguresSince(since).durationP50Ms);

    const auto at = [](const QDateTime &time) {
        domain::BuildTransitionFields fields;
        fields.at = time;
        return fields;
    };
    // Each build starts at `since` + start and ends `seconds` later in that state (Queued: never starts).
    const auto finish = [&](BuildState state, int start, int seconds) {
        const Build build = addBuild(*store, blog, kCommitA, since.addSecs(start - 1));
        const QDateTime startedAt = since.addSecs(start);
        QVERIFY(store->transitionBuild(build.id, BuildState::Queued, BuildState::Building, at(startedAt)));
        QVERIFY(
            store->transitionBuild(build.id, BuildState::Building, state, at(startedAt.addSecs(seconds))));
    };
    finish(BuildState::Succeeded, -100, 60); // finished before the window
    for (const int seconds : {10, 20, 30, 40, 50, 60, 70, 80})
        finish(BuildState::Succeeded, 0, seconds);
    finish(BuildState::Failed, 10, 90);
    finish(BuildState::Failed, 10, 100);
    finish(BuildState::Canceled, 5, 1000); // canceled builds count, but not in the durations
    const Build waiting = addBuild(*store, blog, kCommitA, since);
    QVERIFY(
        store->transitionBuild(waiting.id, BuildState::Queued, BuildState::Canceled, at(since.addSecs(1))));
    addBuild(*store, blog, kCommitA, since); // still queued

    const domain::BuildFigures figures = store->buildFiguresSince(since);
    QCOMPARE(figures.succeeded, 8);
    QCOMPARE(figures.failed, 2);
    QCOMPARE(figures.canceled, 2);
    // Ten durations, 10 s to 100 s: the 5th and the 9th.
    QCOMPARE(figures.durationP50Ms, std::optional<qint64>(50'000));
    QCOMPARE(figures.durationP90Ms, std::optional<qint64>(90'000));
}

domain::Alert makeAlert(const Application &application, const QString &buildId, domain::AlertKind kind,
                        const QString &message, const QDateTime &openedAt)
{
    domain::Alert alert;
    alert.id = domain::newId(domain::idprefix::kAlert);
    alert.applicationId = application.id;
    alert.buildId = buildId;
    alert.kind = kind;
    alert.message = message;
    alert.openedAt = openedAt;
    return alert;
}

void TestSqlStore::alertsRoundTrip()
{
    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const User adam = addUser(*store, QStringLiteral("adam"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const QString message = QStringLiteral("restarted 5 times in 300 s; last exit: \"exit code 1\" — ü");
    const domain::Alert alert =
        makeAlert(blog, QStringLiteral("bld_1"), domain::AlertKind::RestartLoop, message, kCreated);
    store->insertAlert(alert);

    const auto found = store->findAlertById(alert.id);
    QVERIFY(found);
    QCOMPARE(found->applicationId, blog.id);
    QCOMPARE(found->applicationName, QStringLiteral("blog"));
    QCOMPARE(found->buildId, QStringLiteral("bld_1"));
    QCOMPARE(found->kind, domain::AlertKind::RestartLoop);
    QCOMPARE(found->message, message);
    QCOMPARE(found->openedAt, kCreated);
    QCOMPARE(found->openedAt.timeSpec(), Qt::UTC);
    QVERIFY(found->isOpen());
    QVERIFY(found->acknowledgedBy.isEmpty());
    QVERIFY(found->acknowledgedByName.isEmpty());
    QVERIFY(!store->findAlertById(QStringLiteral("alr_missing")));

    // Acknowledged once, by whom and when.
    const QDateTime at = kCreated.addSecs(90);
    QVERIFY(store->acknowledgeAlert(alert.id, adam.id, at));
    QVERIFY(!store->acknowledgeAlert(alert.id, zoe.id, at.addSecs(1)));
    QVERIFY(!store->acknowledgeAlert(QStringLiteral("alr_missing"), zoe.id, at));
    const auto acknowledged = store->findAlertById(alert.id);
    QVERIFY(!acknowledged->isOpen());
    QCOMPARE(acknowledged->acknowledgedAt, at);
    QCOMPARE(acknowledged->acknowledgedBy, adam.id);
    QCOMPARE(acknowledged->acknowledgedByName, QStringLiteral("adam"));
    // The acknowledgement outlives the user who made it.
    store->deleteUser(adam.id);
    QVERIFY(!store->findAlertById(alert.id)->isOpen());
    QVERIFY(store->findAlertById(alert.id)->acknowledgedByName.isEmpty());

    // An alert without an opening time gets the store's clock; one without a build keeps none.
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const domain::Alert unstamped =
        makeAlert(blog, {}, domain::AlertKind::DeployFailed, QStringLiteral("x"), {});
    store->insertAlert(unstamped);
    QVERIFY(store->findAlertById(unstamped.id)->openedAt >= before);
    QVERIFY(store->findAlertById(unstamped.id)->buildId.isEmpty());

    const auto taken = errorOf([&] { store->insertAlert(alert); });
    QVERIFY(taken);
    QCOMPARE(taken->kind(), ErrorKind::AlreadyExists);
    domain::Alert orphan = makeAlert(blog, {}, domain::AlertKind::OutOfMemory, QStringLiteral("x"), kCreated);
    orphan.applicationId = QStringLiteral("app_missing");
    const auto missing = errorOf([&] { store->insertAlert(orphan); });
    QVERIFY(missing);
    QCOMPARE(missing->kind(), ErrorKind::NotFound);

    // Keyset pages, newest first; alerts of one millisecond are told apart by id.
    QList<domain::Alert> inserted{*store->findAlertById(alert.id), *store->findAlertById(unstamped.id)};
    for (int i = 0; i < 3; ++i) {
        const domain::Alert same = makeAlert(blog, QStringLiteral("bld_2"), domain::AlertKind::OutOfMemory,
                                             QStringLiteral("same %1").arg(i), kCreated.addSecs(5));
        store->insertAlert(same);
        inserted << same;
    }
    std::sort(inserted.begin(), inserted.end(), [](const domain::Alert &a, const domain::Alert &b) {
        return std::pair(a.openedAt, a.id) > std::pair(b.openedAt, b.id);
    });
    QStringList expected;
    for (const domain::Alert &one : inserted)
        expected << one.id;
    QStringList paged;
    domain::AlertPageQuery page{2, {}, {}};
    for (int pages = 0; pages < 10; ++pages) {
        const QList<domain::Alert> got = store->listAlerts({}, page);
        if (got.isEmpty())
            break;
        QVERIFY(got.size() <= 2);
        for (const domain::Alert &one : got)
            paged << one.id;
        page.afterOpenedAt = got.last().openedAt;
        page.afterId = got.last().id;
    }
    QCOMPARE(paged, expected);

    // They go with their application.
    store->deleteApplication(blog.id);
    QVERIFY(!store->findAlertById(alert.id));
    QVERIFY(store->listAlerts({}, {}).isEmpty());
}

void TestSqlStore::alertListsFilterAndLimit_data()
{
    QTest::addColumn<QString>("application"); // a name, or empty
    QTest::addColumn<QString>("buildId");
    QTest::addColumn<QString>("visibleTo"); // a user name, or empty
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<bool>("openOnly");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QStringList>("messages");

    const QString none;
    const QStringList any;
    QTest::newRow("everything") << none << none << none << any << false << 100
                                << QStringList{QStringLiteral("blog deploy"), QStringLiteral("shop loop"),
                                               QStringLiteral("blog oom"), QStringLiteral("blog loop")};
    QTest::newRow("one application") << QStringLiteral("blog") << none << none << any << false << 100
                                     << QStringList{QStringLiteral("blog deploy"), QStringLiteral("blog oom"),
                                                    QStringLiteral("blog loop")};
    QTest::newRow("one build") << none << QStringLiteral("bld_a") << none << any << false << 100
                               << QStringList{QStringLiteral("blog oom"), QStringLiteral("blog loop")};
    QTest::newRow("an owner's") << none << none << QStringLiteral("adam") << any << false << 100
                                << QStringList{QStringLiteral("shop loop")};
    QTest::newRow("some kinds") << none << none << none
                                << QStringList{QStringLiteral("restart-loop"),
                                               QStringLiteral("out-of-memory")}
                                << false << 100
                                << QStringList{QStringLiteral("shop loop"), QStringLiteral("blog oom"),
                                               QStringLiteral("blog loop")};
    QTest::newRow("open only") << none << none << none << any << true << 100
                               << QStringList{QStringLiteral("blog deploy"), QStringLiteral("shop loop"),
                                              QStringLiteral("blog loop")};
    QTest::newRow("all at once") << QStringLiteral("blog") << QStringLiteral("bld_a") << QStringLiteral("zoe")
                                 << QStringList{QStringLiteral("restart-loop")} << true << 100
                                 << QStringList{QStringLiteral("blog loop")};
    QTest::newRow("limited") << none << none << none << any << false << 2
                             << QStringList{QStringLiteral("blog deploy"), QStringLiteral("shop loop")};
    QTest::newRow("nothing matches") << QStringLiteral("shop") << none << none
                                     << QStringList{QStringLiteral("deploy-failed")} << false << 100
                                     << QStringList();
    QTest::newRow("no room") << none << none << none << any << false << 0 << QStringList();
}

void TestSqlStore::alertListsFilterAndLimit()
{
    QFETCH(QString, application);
    QFETCH(QString, buildId);
    QFETCH(QString, visibleTo);
    QFETCH(QStringList, kinds);
    QFETCH(bool, openOnly);
    QFETCH(int, limit);
    QFETCH(QStringList, messages);

    const auto store = openFreshStore();
    const User zoe = addUser(*store, QStringLiteral("zoe"));
    const User adam = addUser(*store, QStringLiteral("adam"));
    const Repository site = addRepository(*store, QStringLiteral("site"), {zoe.id, adam.id});
    const Application blog = addApplication(*store, QStringLiteral("blog"), site, {zoe.id});
    const Application shop = addApplication(*store, QStringLiteral("shop"), site, {adam.id, zoe.id});
    using domain::AlertKind;
    store->insertAlert(makeAlert(blog, QStringLiteral("bld_a"), AlertKind::RestartLoop,
                                 QStringLiteral("blog loop"), kCreated));
    const domain::Alert blogOom = makeAlert(blog, QStringLiteral("bld_a"), AlertKind::OutOfMemory,
                                            QStringLiteral("blog oom"), kCreated.addSecs(1));
    store->insertAlert(blogOom);
    QVERIFY(store->acknowledgeAlert(blogOom.id, zoe.id, kCreated.addSecs(10)));
    store->insertAlert(makeAlert(shop, QStringLiteral("bld_b"), AlertKind::RestartLoop,
                                 QStringLiteral("shop loop"), kCreated.addSecs(2)));
    store->insertAlert(makeAlert(blog, QStringLiteral("bld_c"), AlertKind::DeployFailed,
                                 QStringLiteral("blog deploy"), kCreated.addSecs(3)));

    domain::AlertFilter filter;
    if (!application.isEmpty())
        filter.applicationId = store->findApplicationByName(application)->id;
    filter.buildId = buildId;
    if (!visibleTo.isEmpty())
        filter.visibleToUserId = store->findUserByName(visibleTo)->id;
    for (const QString &kind : std::as_const(kinds))
        filter.kinds << *domain::alertKindFromName(kind);
    filter.openOnly = openOnly;

    QStringList got;
    for (const domain::Alert &alert : store->listAlerts(filter, {limit, {}, {}}))
        got << alert.message;
    QCOMPARE(got, messages);
    QCOMPARE(store->countOpenAlerts(), 3); // all but "blog oom"
}

QTEST_GUILESS_MAIN(TestSqlStore)
#include "tst_sql_store.moc"
