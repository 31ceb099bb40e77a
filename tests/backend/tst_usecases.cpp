#include "domain/config_hash.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "domain/validation.h"
#include "fake_store.h"
#include "store_fixtures.h"
#include "usecases/application_service.h"
#include "usecases/auth_service.h"
#include "usecases/repository_service.h"
#include "usecases/runtime_control.h"
#include "usecases/token_service.h"
#include "usecases/user_service.h"
#include "verify_error.h"

#include <QHash>
#include <QTest>

#include <functional>
#include <memory>

using namespace vitrine;
using domain::ErrorKind;
using usecases::Caller;

using NewApplicationChange = std::function<void(usecases::NewApplication &)>;
Q_DECLARE_METATYPE(NewApplicationChange)

namespace {

// The controller's side, as the application service sees it: statuses set by the test, restarts recorded.
class FakeRuntimeControl final : public usecases::RuntimeControl {
public:
    QHash<QString, usecases::RuntimeStatus> statuses; // by application id; Missing for the others
    QStringList restarted;                            // application ids, in order

    usecases::RuntimeStatus runtimeStatus(const QString &applicationId) override
    {
        return statuses.value(applicationId);
    }
    void restartApplication(const QString &applicationId) override { restarted.append(applicationId); }
    bool wakeApplication(const QString & /*applicationName*/) override { return false; }
};

class RecordingObserver final : public usecases::ApplicationObserver {
public:
    QList<domain::Application> changed;

    void applicationChanged(const domain::Application &application) override { changed.append(application); }
    void applicationDeleted(const domain::Application & /*application*/,
                            const QList<domain::Build> & /*deletedBuilds*/) override
    {
    }
};

// A fresh platform per test: an admin "root" and the members "alice" and "bob".
struct Platform {
    tests::FakeStore store;
    usecases::AuthService auth{store};
    usecases::UserService users{store};
    usecases::TokenService tokens{store};
    usecases::RepositoryService repositories{store, usecases::RepositoryPolicy{}};
    usecases::ApplicationService applications{store};
    FakeRuntimeControl runtime;
    RecordingObserver observer;

    Platform()
    {
        applications.setRuntimeControl(&runtime);
        applications.setObserver(&observer);
        tests::addUser(store, QStringLiteral("root"), domain::Role::Admin);
        tests::addUser(store, QStringLiteral("alice"), domain::Role::Member);
        tests::addUser(store, QStringLiteral("bob"), domain::Role::Member);
    }

    // As authenticated now, so a role change shows.
    Caller caller(const QString &name) { return Caller{*store.findUserByName(name)}; }

    // A token written straight to the store, in states the services would not create.
    QString addToken(const QString &userId, const QDateTime &expiresAt, const QDateTime &revokedAt = {},
                     const QDateTime &lastUsedAt = {})
    {
        const QString secret = domain::newTokenSecret();
        domain::Token token;
        token.id = domain::newId(domain::idprefix::kToken);
        token.userId = userId;
        token.secretHash = domain::hashTokenSecret(secret);
        token.createdAt = QDateTime::currentDateTimeUtc().addDays(-1);
        token.expiresAt = expiresAt;
        token.revokedAt = revokedAt;
        token.lastUsedAt = lastUsedAt;
        store.insertToken(token);
        return secret;
    }

    domain::Repository addRepository(const QString &owner, const QString &name)
    {
        usecases::NewRepository request;
        request.name = name;
        request.url = QStringLiteral("https://git.example/%1/%2.git").arg(owner, name);
        return repositories.create(caller(owner), request);
    }

    domain::Application addApplication(const QString &owner, const QString &name, const QString &repository)
    {
        return applications.create(caller(owner), newApplication(name, repository));
    }

    // A runtime-cmd application of repository "site", which alice owns.
    domain::Application addRuntimeApplication(const QString &name)
    {
        if (!store.findRepositoryByName(QStringLiteral("site")))
            addRepository(QStringLiteral("alice"), QStringLiteral("site"));
        return applications.create(caller(QStringLiteral("alice")), newRuntimeApplication(name));
    }

    static usecases::NewApplication newRuntimeApplication(const QString &name)
    {
        usecases::NewApplication request = newApplication(name, QStringLiteral("site"));
        request.build.type = domain::BuildType::RuntimeCmd;
        request.build.startCommand = QStringLiteral("./serve");
        return request;
    }

    // As the controller leaves an application it stopped after a restart loop.
    void stopByPlatform(const QString &name, const QString &reason)
    {
        domain::Application application = *store.findApplicationByName(name);
        application.running = false;
        application.stoppedReason = reason;
        store.updateApplication(application);
    }

    // A build of the application, inserted; SUCCEEDED ones have an artifact.
    domain::Build addBuild(const QString &applicationName, domain::BuildState state)
    {
        const domain::Application application = *store.findApplicationByName(applicationName);
        domain::Build build = tests::newBuild(application, QString(40, u'a'), state);
        build.deployType = application.deployType;
        if (state == domain::BuildState::Succeeded)
            build.artifactPath = QStringLiteral("artifacts/%1.tar.gz").arg(build.id);
        store.insertBuild(build);
        return build;
    }

    static usecases::NewApplication newApplication(const QString &name, const QString &repository)
    {
        usecases::NewApplication request;
        request.name = name;
        request.repositoryRef = repository;
        request.ref = QStringLiteral("main");
        request.build.type = domain::BuildType::Static;
        return request;
    }
};

QStringList namesOf(const auto &items)
{
    QStringList names;
    for (const auto &item : items)
        names.append(item.name);
    return names;
}

} // namespace

class TestUseCases : public QObject {
    Q_OBJECT

private slots:
    void init();

    void authenticateAcceptsAnActiveToken();
    void authenticateRefuses_data();
    void authenticateRefuses();
    void lastUseIsRecordedAtMostOnceAMinute_data();
    void lastUseIsRecordedAtMostOnceAMinute();
    void bootstrapAdminOnlyOnAnEmptyStore();

    void membersCannotManageUsers();
    void membersReadOnlyThemselves();
    void adminsCreateUsers();
    void usersArePaged();
    void theLastAdminIsKept();
    void soleOwnersAreNotRemoved();

    void membersManageOnlyTheirOwnTokens();
    void tokenInputIsChecked();
    void inactiveTokensAreListedOnRequest();
    void revokingTwiceKeepsTheFirstRevocation();

    void membersCreateOnlyRepositoriesTheyOwn();
    void localRepositoriesNeedThePolicy();
    void otherMembersCannotTouchARepository();
    void repositoryListsShowMembersTheirOwn();
    void aRepositoryInUseIsNotRemoved();
    void repositoryOwnersNeverBecomeEmpty();

    void applicationCreateFillsDefaults();
    void applicationCreateRefusesBadInput_data();
    void applicationCreateRefusesBadInput();
    void applicationsBuildOnlyFromVisibleRepositories();
    void websiteClashesAreReported();
    void otherMembersCannotTouchAnApplication();
    void applicationListsShowMembersTheirOwn();
    void onlyBuildAndEnvChangesChangeTheConfigHash();
    void aNewBuildTypeBringsItsDeployType();
    void spaFallbackIsForStaticDeploysOnly();
    void unsetEnvRefusesUnknownKeys();
    void oversizedListsAreRefused();
    void applicationOwnersNeverBecomeEmpty();
    void updatesRetryAfterLosingARace();
    void updatesGiveUpAfterThreeRetries();

    void runtimeSettingsAreForRuntimeDeploysOnly();
    void runtimeSettingsAreChecked_data();
    void runtimeSettingsAreChecked();
    void applicationsShowTheirRuntimeState();
    void startClearsTheStopReasonAndStopKeepsNone();
    void staticSitesHaveNothingToRun_data();
    void staticSitesHaveNothingToRun();
    void restartNeedsARunningApplication();
    void onlyOwnersAndAdminsControlAnApplication();
    void rollbackPinsAnEarlierBuild();
    void rollbackRefuses_data();
    void rollbackRefuses();

private:
    std::unique_ptr<Platform> m_platform;
};

void TestUseCases::init()
{
    m_platform = std::make_unique<Platform>();
}

void TestUseCases::authenticateAcceptsAnActiveToken()
{
    Platform &p = *m_platform;
    const usecases::CreatedToken created = p.tokens.create(p.caller(QStringLiteral("alice")), {}, {}, {});
    const Caller caller = p.auth.authenticate(created.secret);
    QCOMPARE(caller.user.name, QStringLiteral("alice"));
    QVERIFY(!caller.isAdmin());
    QVERIFY(!p.store.findTokenById(created.token.id)->lastUsedAt.isNull());
}

void TestUseCases::authenticateRefuses_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no secret") << QStringLiteral("empty") << QStringLiteral("missing bearer token");
    QTest::newRow("unknown secret") << QStringLiteral("unknown") << QStringLiteral("unknown token");
    QTest::newRow("revoked") << QStringLiteral("revoked") << QStringLiteral("token revoked");
    QTest::newRow("expired") << QStringLiteral("expired") << QStringLiteral("token expired");
    QTest::newRow("revoked and expired")
        << QStringLiteral("revoked+expired") << QStringLiteral("token revoked");
    QTest::newRow("user gone") << QStringLiteral("orphan") << QStringLiteral("user no longer exists");
}

void TestUseCases::authenticateRefuses()
{
    QFETCH(QString, state);
    QFETCH(QString, reason);
    Platform &p = *m_platform;
    const QString aliceId = p.caller(QStringLiteral("alice")).user.id;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString secret;
    if (state == u"unknown")
        secret = domain::newTokenSecret();
    else if (state == u"revoked")
        secret = p.addToken(aliceId, {}, now.addSecs(-5));
    else if (state == u"expired")
        secret = p.addToken(aliceId, now.addSecs(-1));
    else if (state == u"revoked+expired")
        secret = p.addToken(aliceId, now.addSecs(-1), now.addSecs(-5));
    else if (state == u"orphan")
        secret = p.addToken(domain::newId(domain::idprefix::kUser), {});

    VERIFY_ERROR(p.auth.authenticate(secret), ErrorKind::Unauthenticated, reason);
    QCOMPARE(p.store.lastUsedWrites, 0);
}

void TestUseCases::lastUseIsRecordedAtMostOnceAMinute_data()
{
    QTest::addColumn<int>("lastUsedSecondsAgo"); // -1: never
    QTest::addColumn<bool>("recorded");
    QTest::newRow("never used") << -1 << true;
    QTest::newRow("used 30 s ago") << 30 << false;
    QTest::newRow("used 2 min ago") << 120 << true;
}

void TestUseCases::lastUseIsRecordedAtMostOnceAMinute()
{
    QFETCH(int, lastUsedSecondsAgo);
    QFETCH(bool, recorded);
    Platform &p = *m_platform;
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const QDateTime lastUsed = lastUsedSecondsAgo < 0 ? QDateTime() : before.addSecs(-lastUsedSecondsAgo);
    const QString secret = p.addToken(p.caller(QStringLiteral("bob")).user.id, {}, {}, lastUsed);

    QCOMPARE(p.auth.authenticate(secret).user.name, QStringLiteral("bob"));
    QCOMPARE(p.store.lastUsedWrites, recorded ? 1 : 0);
    const domain::Token token = *p.store.findTokenBySecretHash(domain::hashTokenSecret(secret));
    if (recorded)
        QVERIFY(token.lastUsedAt >= before);
    else
        QCOMPARE(token.lastUsedAt, lastUsed);
}

void TestUseCases::bootstrapAdminOnlyOnAnEmptyStore()
{
    QVERIFY(!m_platform->auth.bootstrapAdmin());

    tests::FakeStore empty;
    usecases::AuthService auth(empty);
    const std::optional<QString> secret = auth.bootstrapAdmin();
    QVERIFY(secret);
    const Caller admin = auth.authenticate(*secret);
    QCOMPARE(admin.user.name, QStringLiteral("admin"));
    QVERIFY(admin.isAdmin());
    QVERIFY(!auth.bootstrapAdmin());
    QCOMPARE(empty.countUsers(), 1);
}

void TestUseCases::membersCannotManageUsers()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    VERIFY_ERROR(p.users.create(alice, QStringLiteral("carol"), domain::Role::Member), ErrorKind::Forbidden,
                 QStringLiteral("only admins can create users"));
    VERIFY_ERROR(p.users.update(alice, QStringLiteral("alice"), domain::Role::Admin), ErrorKind::Forbidden,
                 QStringLiteral("only admins"));
    VERIFY_ERROR(p.users.remove(alice, QStringLiteral("bob")), ErrorKind::Forbidden,
                 QStringLiteral("only admins"));
    QVERIFY(!p.store.findUserByName(QStringLiteral("carol")));
    QVERIFY(!p.caller(QStringLiteral("alice")).isAdmin());
    QVERIFY(p.store.findUserByName(QStringLiteral("bob")));
}

void TestUseCases::membersReadOnlyThemselves()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    QCOMPARE(p.users.get(alice, QStringLiteral("alice")).id, alice.user.id);
    QCOMPARE(p.users.get(alice, alice.user.id).name, QStringLiteral("alice"));
    VERIFY_ERROR(p.users.get(alice, QStringLiteral("bob")), ErrorKind::Forbidden,
                 QStringLiteral("only admins can read other users"));
    // Unknown users get the same answer, so members cannot probe who exists.
    VERIFY_ERROR(p.users.get(alice, QStringLiteral("nobody")), ErrorKind::Forbidden,
                 QStringLiteral("only admins"));

    const usecases::Page<domain::User> page = p.users.list(alice, {});
    QCOMPARE(namesOf(page.items), QStringList{QStringLiteral("alice")});
    QVERIFY(page.nextPageToken.isEmpty());
    usecases::PageRequest afterAlice;
    afterAlice.pageToken = usecases::pageTokenAfter(QStringLiteral("alice"));
    QVERIFY(p.users.list(alice, afterAlice).items.isEmpty());
}

void TestUseCases::adminsCreateUsers()
{
    Platform &p = *m_platform;
    const Caller root = p.caller(QStringLiteral("root"));
    const domain::User carol = p.users.create(root, QStringLiteral("carol"), domain::Role::Member);
    QVERIFY(domain::looksLikeId(carol.id, domain::idprefix::kUser));
    QCOMPARE(p.users.get(root, QStringLiteral("carol")).id, carol.id);
    VERIFY_ERROR(p.users.create(root, QStringLiteral("carol"), domain::Role::Admin), ErrorKind::AlreadyExists,
                 QStringLiteral("user 'carol' already exists"));
    VERIFY_ERROR(p.users.create(root, QStringLiteral("Dave"), domain::Role::Member), ErrorKind::BadRequest,
                 QStringLiteral("name: 'Dave' must be lowercase"));
    VERIFY_ERROR(p.users.get(root, QStringLiteral("nobody")), ErrorKind::NotFound,
                 QStringLiteral("user 'nobody' not found"));
    QCOMPARE(p.users.update(root, QStringLiteral("carol"), domain::Role::Admin).role, domain::Role::Admin);
}

void TestUseCases::usersArePaged()
{
    Platform &p = *m_platform;
    const Caller root = p.caller(QStringLiteral("root"));
    for (const char *name : {"eve", "carol", "dave", "frank", "gina"})
        p.users.create(root, QString::fromLatin1(name), domain::Role::Member);

    QStringList seen;
    usecases::PageRequest request;
    request.pageSize = 3;
    int pages = 0;
    do {
        const usecases::Page<domain::User> page = p.users.list(root, request);
        QVERIFY(page.items.size() <= 3);
        seen += namesOf(page.items);
        request.pageToken = page.nextPageToken;
        ++pages;
    } while (!request.pageToken.isEmpty() && pages < 10);

    QStringList all{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                    QStringLiteral("dave"),  QStringLiteral("eve"), QStringLiteral("frank"),
                    QStringLiteral("gina"),  QStringLiteral("root")};
    QCOMPARE(seen, all);
    QCOMPARE(pages, 3);

    request.pageToken = QStringLiteral("not-a-token!");
    VERIFY_ERROR(p.users.list(root, request), ErrorKind::BadRequest, QStringLiteral("page.page_token"));
}

void TestUseCases::theLastAdminIsKept()
{
    Platform &p = *m_platform;
    VERIFY_ERROR(
        p.users.update(p.caller(QStringLiteral("root")), QStringLiteral("root"), domain::Role::Member),
        ErrorKind::FailedPrecondition, QStringLiteral("'root' is the last admin"));
    VERIFY_ERROR(p.users.remove(p.caller(QStringLiteral("root")), QStringLiteral("root")),
                 ErrorKind::FailedPrecondition, QStringLiteral("cannot delete yourself"));
    QVERIFY(p.caller(QStringLiteral("root")).isAdmin());

    p.users.update(p.caller(QStringLiteral("root")), QStringLiteral("alice"), domain::Role::Admin);
    p.users.update(p.caller(QStringLiteral("alice")), QStringLiteral("root"), domain::Role::Member);
    VERIFY_ERROR(
        p.users.update(p.caller(QStringLiteral("alice")), QStringLiteral("alice"), domain::Role::Member),
        ErrorKind::FailedPrecondition, QStringLiteral("'alice' is the last admin"));
    p.users.remove(p.caller(QStringLiteral("alice")), QStringLiteral("root"));
    QVERIFY(!p.store.findUserByName(QStringLiteral("root")));
    QCOMPARE(p.store.countAdmins(), 1);
}

void TestUseCases::soleOwnersAreNotRemoved()
{
    Platform &p = *m_platform;
    const Caller root = p.caller(QStringLiteral("root"));
    p.addRepository(QStringLiteral("bob"), QStringLiteral("bob-site"));
    p.addApplication(QStringLiteral("bob"), QStringLiteral("bob-blog"), QStringLiteral("bob-site"));

    VERIFY_ERROR(
        p.users.remove(root, QStringLiteral("bob")), ErrorKind::FailedPrecondition,
        QStringLiteral("'bob' is the only owner of repositories 'bob-site' and applications 'bob-blog'"));
    QVERIFY(p.store.findUserByName(QStringLiteral("bob")));

    const QStringList bobAndAlice{QStringLiteral("bob"), QStringLiteral("alice")};
    usecases::RepositoryChanges repositoryOwners;
    repositoryOwners.ownerNames = bobAndAlice;
    p.repositories.update(root, QStringLiteral("bob-site"), repositoryOwners);
    usecases::ApplicationChanges applicationOwners;
    applicationOwners.ownerNames = bobAndAlice;
    p.applications.update(root, QStringLiteral("bob-blog"), applicationOwners);

    p.users.remove(root, QStringLiteral("bob"));
    QVERIFY(!p.store.findUserByName(QStringLiteral("bob")));
    const QStringList alice{QStringLiteral("alice")};
    QCOMPARE(p.repositories.get(root, QStringLiteral("bob-site")).ownerNames, alice);
    QCOMPARE(p.applications.get(root, QStringLiteral("bob-blog")).ownerNames, alice);
}

void TestUseCases::membersManageOnlyTheirOwnTokens()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const Caller bob = p.caller(QStringLiteral("bob"));
    const Caller root = p.caller(QStringLiteral("root"));

    VERIFY_ERROR(p.tokens.create(alice, QStringLiteral("bob"), {}, {}), ErrorKind::Forbidden,
                 QStringLiteral("only admins can create other users' tokens"));
    VERIFY_ERROR(p.tokens.list(alice, QStringLiteral("bob"), true), ErrorKind::Forbidden,
                 QStringLiteral("only admins"));
    const usecases::CreatedToken bobs = p.tokens.create(bob, {}, QStringLiteral("laptop"), {});
    VERIFY_ERROR(p.tokens.revoke(alice, bobs.token.id), ErrorKind::Forbidden,
                 QStringLiteral("you can only revoke your own tokens"));
    QCOMPARE(p.auth.authenticate(bobs.secret).user.name, QStringLiteral("bob"));

    const usecases::CreatedToken forBob =
        p.tokens.create(root, QStringLiteral("bob"), QStringLiteral("ci"), {});
    QCOMPARE(forBob.token.userName, QStringLiteral("bob"));
    QCOMPARE(p.tokens.list(root, bob.user.id, false).size(), 2);
    QCOMPARE(p.tokens.list(bob, {}, false).size(), 2);
    QVERIFY(p.tokens.list(alice, QStringLiteral("alice"), true).isEmpty());
    VERIFY_ERROR(p.tokens.list(root, QStringLiteral("nobody"), true), ErrorKind::NotFound,
                 QStringLiteral("user 'nobody' not found"));
    p.tokens.revoke(root, bobs.token.id);
    VERIFY_ERROR(p.auth.authenticate(bobs.secret), ErrorKind::Unauthenticated,
                 QStringLiteral("token revoked"));
}

void TestUseCases::tokenInputIsChecked()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    VERIFY_ERROR(p.tokens.create(alice, {}, {}, QDateTime::currentDateTimeUtc().addSecs(-60)),
                 ErrorKind::BadRequest, QStringLiteral("expires_at: must be in the future"));
    VERIFY_ERROR(p.tokens.create(alice, {}, QString(201, QLatin1Char('d')), {}), ErrorKind::BadRequest,
                 QStringLiteral("description: must be at most 200 characters"));
    QVERIFY(p.tokens.list(alice, {}, true).isEmpty());

    const QDateTime tomorrow = QDateTime::currentDateTimeUtc().addDays(1);
    const usecases::CreatedToken created =
        p.tokens.create(alice, {}, QString(200, QLatin1Char('d')), tomorrow);
    QCOMPARE(created.token.expiresAt, tomorrow);
    QVERIFY(created.secret.startsWith(QStringLiteral("vtr_")));
    QCOMPARE(p.store.findTokenById(created.token.id)->secretHash, domain::hashTokenSecret(created.secret));
}

void TestUseCases::inactiveTokensAreListedOnRequest()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const usecases::CreatedToken kept = p.tokens.create(alice, {}, QStringLiteral("kept"), {});
    const usecases::CreatedToken revoked = p.tokens.create(alice, {}, QStringLiteral("revoked"), {});
    p.addToken(alice.user.id, QDateTime::currentDateTimeUtc().addSecs(-1));
    p.tokens.revoke(alice, revoked.token.id);

    const QList<domain::Token> active = p.tokens.list(alice, {}, false);
    QCOMPARE(active.size(), 1);
    QCOMPARE(active.first().id, kept.token.id);
    QCOMPARE(p.tokens.list(alice, {}, true).size(), 3);
}

void TestUseCases::revokingTwiceKeepsTheFirstRevocation()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const usecases::CreatedToken created = p.tokens.create(alice, {}, {}, {});
    const domain::Token first = p.tokens.revoke(alice, created.token.id);
    QVERIFY(!first.revokedAt.isNull());
    QCOMPARE(p.tokens.revoke(alice, created.token.id).revokedAt, first.revokedAt);
    VERIFY_ERROR(p.tokens.revoke(alice, QStringLiteral("tok_nope")), ErrorKind::NotFound,
                 QStringLiteral("token 'tok_nope' not found"));
}

void TestUseCases::membersCreateOnlyRepositoriesTheyOwn()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    usecases::NewRepository request;
    request.name = QStringLiteral("site");
    request.url = QStringLiteral("git@git.example:alice/site.git");

    request.ownerNames = QStringList{QStringLiteral("bob")};
    VERIFY_ERROR(p.repositories.create(alice, request), ErrorKind::Forbidden,
                 QStringLiteral("you must be one of the owners"));
    request.ownerNames = QStringList{QStringLiteral("alice"), QStringLiteral("carol")};
    VERIFY_ERROR(p.repositories.create(alice, request), ErrorKind::BadRequest,
                 QStringLiteral("owners[1]: user 'carol' not found"));
    QVERIFY(!p.store.findRepositoryByName(QStringLiteral("site")));

    request.ownerNames = QStringList{QStringLiteral("bob"), QStringLiteral("alice"), QStringLiteral("bob")};
    const domain::Repository shared = p.repositories.create(alice, request);
    QCOMPARE(shared.ownerNames, (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
    QVERIFY(domain::looksLikeId(shared.id, domain::idprefix::kRepository));

    request.name = QStringLiteral("mine");
    request.ownerNames.clear();
    QCOMPARE(p.repositories.create(alice, request).ownerNames, QStringList{QStringLiteral("alice")});
    VERIFY_ERROR(p.repositories.create(alice, request), ErrorKind::AlreadyExists,
                 QStringLiteral("repository 'mine' already exists"));

    request.ownerNames = QStringList{QStringLiteral("bob")};
    request.name = QStringLiteral("for-bob");
    QCOMPARE(p.repositories.create(p.caller(QStringLiteral("root")), request).ownerNames,
             QStringList{QStringLiteral("bob")});
}

void TestUseCases::localRepositoriesNeedThePolicy()
{
    Platform &p = *m_platform;
    usecases::NewRepository request;
    request.name = QStringLiteral("local");
    request.url = QStringLiteral("/srv/repos/local");
    VERIFY_ERROR(p.repositories.create(p.caller(QStringLiteral("alice")), request), ErrorKind::BadRequest,
                 QStringLiteral(
                     "url: local repositories are refused unless the server runs with --allow-local-repos"));

    usecases::RepositoryService permissive(p.store, usecases::RepositoryPolicy{true});
    QCOMPARE(permissive.create(p.caller(QStringLiteral("alice")), request).url, request.url);
}

void TestUseCases::otherMembersCannotTouchARepository()
{
    Platform &p = *m_platform;
    const domain::Repository site = p.addRepository(QStringLiteral("alice"), QStringLiteral("alice-site"));
    const Caller bob = p.caller(QStringLiteral("bob"));
    const QString refused = QStringLiteral("you are not an owner of repository 'alice-site'");

    VERIFY_ERROR(p.repositories.get(bob, QStringLiteral("alice-site")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.repositories.get(bob, site.id), ErrorKind::Forbidden,
                 QStringLiteral("you are not an owner of repository '%1'").arg(site.id));
    usecases::RepositoryChanges changes;
    changes.url = QStringLiteral("https://evil.example/x.git");
    VERIFY_ERROR(p.repositories.update(bob, QStringLiteral("alice-site"), changes), ErrorKind::Forbidden,
                 refused);
    VERIFY_ERROR(p.repositories.remove(bob, QStringLiteral("alice-site")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.repositories.get(bob, QStringLiteral("nope")), ErrorKind::NotFound,
                 QStringLiteral("repository 'nope' not found"));

    const domain::Repository unchanged = p.repositories.get(p.caller(QStringLiteral("root")), site.id);
    QCOMPARE(unchanged.url, site.url);
    QCOMPARE(unchanged.version, site.version);
}

void TestUseCases::repositoryListsShowMembersTheirOwn()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("a-two"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("a-one"));
    p.addRepository(QStringLiteral("bob"), QStringLiteral("b-one"));

    const Caller alice = p.caller(QStringLiteral("alice"));
    QCOMPARE(namesOf(p.repositories.list(alice, {}, {}).items),
             (QStringList{QStringLiteral("a-one"), QStringLiteral("a-two")}));
    QCOMPARE(p.repositories.list(alice, QStringLiteral("alice"), {}).items.size(), 2);
    VERIFY_ERROR(p.repositories.list(alice, QStringLiteral("bob"), {}), ErrorKind::Forbidden,
                 QStringLiteral("members can only list their own repositories"));

    const Caller root = p.caller(QStringLiteral("root"));
    QCOMPARE(namesOf(p.repositories.list(root, QStringLiteral("bob"), {}).items),
             QStringList{QStringLiteral("b-one")});
    QCOMPARE(p.repositories.list(root, {}, {}).items.size(), 3);
    VERIFY_ERROR(p.repositories.list(root, QStringLiteral("nobody"), {}), ErrorKind::BadRequest,
                 QStringLiteral("owner: user 'nobody' not found"));
}

void TestUseCases::aRepositoryInUseIsNotRemoved()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    VERIFY_ERROR(p.repositories.remove(alice, QStringLiteral("site")), ErrorKind::FailedPrecondition,
                 QStringLiteral("repository 'site' is used by 1 application (blog)"));
    p.applications.remove(alice, QStringLiteral("blog"));
    p.repositories.remove(alice, QStringLiteral("site"));
    QVERIFY(!p.store.findRepositoryByName(QStringLiteral("site")));
}

void TestUseCases::repositoryOwnersNeverBecomeEmpty()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    usecases::RepositoryChanges changes;
    changes.ownerNames = QStringList{};
    VERIFY_ERROR(p.repositories.update(p.caller(QStringLiteral("root")), QStringLiteral("site"), changes),
                 ErrorKind::BadRequest, QStringLiteral("owners: must not be empty"));
    changes.ownerNames = QStringList{QStringLiteral("bob")};
    VERIFY_ERROR(p.repositories.update(p.caller(QStringLiteral("alice")), QStringLiteral("site"), changes),
                 ErrorKind::Forbidden, QStringLiteral("you must be one of the owners"));
    QCOMPARE(p.store.findRepositoryByName(QStringLiteral("site"))->ownerNames,
             QStringList{QStringLiteral("alice")});
}

void TestUseCases::applicationCreateFillsDefaults()
{
    Platform &p = *m_platform;
    const domain::Repository site = p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    const domain::Application blog =
        p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), site.id);

    QVERIFY(domain::looksLikeId(blog.id, domain::idprefix::kApplication));
    QCOMPARE(blog.repositoryId, site.id);
    QCOMPARE(blog.repositoryName, QStringLiteral("site"));
    QCOMPARE(blog.deployType, domain::DeployType::Static);
    QCOMPARE(blog.build.artifactDir, QStringLiteral("."));
    QCOMPARE(blog.websites,
             (QList<domain::Website>{{QStringLiteral("blog.localhost"), QStringLiteral("/"), false}}));
    QCOMPARE(blog.ownerNames, QStringList{QStringLiteral("alice")});
    QCOMPARE(blog.configHash, domain::configHash(blog.build, {}));
    QVERIFY(blog.running);
    QVERIFY(blog.createdAt.isValid());

    usecases::NewApplication request =
        Platform::newApplication(QStringLiteral("api"), QStringLiteral("site"));
    request.build.type = domain::BuildType::Auto;
    request.websites = {{QStringLiteral("API.Example."), QString(), false}};
    request.env = {{QStringLiteral("MODE"), QStringLiteral("prod")}};
    const domain::Application api = p.applications.create(p.caller(QStringLiteral("alice")), request);
    QCOMPARE(api.deployType, domain::DeployType::Runtime);
    QCOMPARE(api.websites,
             (QList<domain::Website>{{QStringLiteral("api.example"), QStringLiteral("/"), false}}));
    QCOMPARE(api.configHash, domain::configHash(api.build, request.env));

    request.name = QStringLiteral("worker");
    request.websites.clear();
    request.build.type = domain::BuildType::RuntimeCmd;
    request.build.startCommand = QStringLiteral("./worker");
    QCOMPARE(p.applications.create(p.caller(QStringLiteral("alice")), request).build.port,
             domain::kDefaultAppPort);
}

void TestUseCases::applicationCreateRefusesBadInput_data()
{
    QTest::addColumn<NewApplicationChange>("change");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, NewApplicationChange change, const char *message) {
        QTest::newRow(name) << change << QString::fromUtf8(message);
    };
    row(
        "name", [](auto &r) { r.name = QStringLiteral("My_App"); }, "name: 'My_App' must be lowercase");
    row(
        "ref", [](auto &r) { r.ref = QStringLiteral("a..b"); }, "ref: 'a..b' must not contain '..'");
    row(
        "ref missing", [](auto &r) { r.ref.clear(); }, "ref: must not be empty");
    row(
        "field the type ignores", [](auto &r) { r.build.startCommand = QStringLiteral("serve"); },
        "build.start_command: must be empty for build type 'static'");
    row(
        "deploy type", [](auto &r) { r.deployType = domain::DeployType::Runtime; },
        "deploy_type: 'runtime' does not fit build type 'static'");
    row(
        "path prefix",
        [](auto &r) {
            r.websites = {{QStringLiteral("a.example"), QStringLiteral("x/"), false}};
        },
        "websites[0].path_prefix: 'x/' must start with '/'");
    row(
        "same website twice",
        [](auto &r) {
            r.websites = {{QStringLiteral("a.example"), {}, false}, {QStringLiteral("A.example"), {}, false}};
        },
        "websites[1]: 'a.example' is listed twice");
    row(
        "env key",
        [](auto &r) {
            r.env = {{QStringLiteral("foo"), {}}};
        },
        "env.foo: must match ^[A-Z_][A-Z0-9_]*$");
    row(
        "owner",
        [](auto &r) {
            r.ownerNames = QStringList{QStringLiteral("alice"), QStringLiteral("zed")};
        },
        "owners[1]: user 'zed' not found");
    row(
        "repository missing", [](auto &r) { r.repositoryRef.clear(); }, "repository: must not be empty");
    row(
        "repository unknown", [](auto &r) { r.repositoryRef = QStringLiteral("nope"); },
        "repository: repository 'nope' not found");
}

void TestUseCases::applicationCreateRefusesBadInput()
{
    QFETCH(NewApplicationChange, change);
    QFETCH(QString, message);
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    usecases::NewApplication request =
        Platform::newApplication(QStringLiteral("blog"), QStringLiteral("site"));
    change(request);
    VERIFY_ERROR(p.applications.create(p.caller(QStringLiteral("alice")), request), ErrorKind::BadRequest,
                 message);
    QVERIFY(p.store.listApplications({}, {}).isEmpty());
}

void TestUseCases::applicationsBuildOnlyFromVisibleRepositories()
{
    Platform &p = *m_platform;
    const domain::Repository site = p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    VERIFY_ERROR(p.addApplication(QStringLiteral("bob"), QStringLiteral("copy"), site.id),
                 ErrorKind::Forbidden,
                 QStringLiteral("you are not an owner of repository '%1'").arg(site.id));
    QVERIFY(!p.store.findApplicationByName(QStringLiteral("copy")));
    QCOMPARE(p.addApplication(QStringLiteral("root"), QStringLiteral("copy"), site.id).ownerNames,
             QStringList{QStringLiteral("root")});
}

void TestUseCases::websiteClashesAreReported()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    usecases::NewApplication request =
        Platform::newApplication(QStringLiteral("shop"), QStringLiteral("site"));
    request.websites = {{QStringLiteral("Blog.Localhost."), QStringLiteral("/"), false}};
    VERIFY_ERROR(p.applications.create(p.caller(QStringLiteral("alice")), request), ErrorKind::AlreadyExists,
                 QStringLiteral("already used by application 'blog'"));
    VERIFY_ERROR(p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site")),
                 ErrorKind::AlreadyExists, QStringLiteral("application 'blog' already exists"));
}

void TestUseCases::otherMembersCannotTouchAnApplication()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    const domain::Application blog = p.applications.setEnv(
        p.caller(QStringLiteral("alice")),
        p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site")).id,
        {{QStringLiteral("KEY"), QStringLiteral("1")}});
    const Caller bob = p.caller(QStringLiteral("bob"));
    const QString refused = QStringLiteral("you are not an owner of application 'blog'");

    VERIFY_ERROR(p.applications.get(bob, QStringLiteral("blog")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.get(bob, blog.id), ErrorKind::Forbidden, blog.id);
    usecases::ApplicationChanges changes;
    changes.ref = QStringLiteral("evil");
    VERIFY_ERROR(p.applications.update(bob, QStringLiteral("blog"), changes), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.setEnv(bob, QStringLiteral("blog"), {{QStringLiteral("X"), {}}}),
                 ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.unsetEnv(bob, QStringLiteral("blog"), {QStringLiteral("KEY")}),
                 ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.remove(bob, QStringLiteral("blog")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.get(bob, QStringLiteral("nope")), ErrorKind::NotFound,
                 QStringLiteral("application 'nope' not found"));

    const domain::Application unchanged =
        p.applications.get(p.caller(QStringLiteral("root")), QStringLiteral("blog"));
    QCOMPARE(unchanged.version, blog.version);
    QCOMPARE(unchanged.ref, blog.ref);
    QCOMPARE(unchanged.env, blog.env);
}

void TestUseCases::applicationListsShowMembersTheirOwn()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("other"));
    p.addRepository(QStringLiteral("bob"), QStringLiteral("bobs"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("docs"), QStringLiteral("other"));
    p.addApplication(QStringLiteral("bob"), QStringLiteral("shop"), QStringLiteral("bobs"));

    const Caller alice = p.caller(QStringLiteral("alice"));
    QCOMPARE(namesOf(p.applications.list(alice, {}, {}, {}).items),
             (QStringList{QStringLiteral("blog"), QStringLiteral("docs")}));
    QCOMPARE(namesOf(p.applications.list(alice, {}, QStringLiteral("other"), {}).items),
             QStringList{QStringLiteral("docs")});
    VERIFY_ERROR(p.applications.list(alice, QStringLiteral("bob"), {}, {}), ErrorKind::Forbidden,
                 QStringLiteral("members can only list their own applications"));

    const Caller root = p.caller(QStringLiteral("root"));
    QCOMPARE(p.applications.list(root, {}, {}, {}).items.size(), 3);
    QCOMPARE(namesOf(p.applications.list(root, QStringLiteral("bob"), {}, {}).items),
             QStringList{QStringLiteral("shop")});
    usecases::PageRequest firstTwo;
    firstTwo.pageSize = 2;
    const usecases::Page<domain::Application> page = p.applications.list(root, {}, {}, firstTwo);
    QCOMPARE(namesOf(page.items), (QStringList{QStringLiteral("blog"), QStringLiteral("docs")}));
    firstTwo.pageToken = page.nextPageToken;
    QCOMPARE(namesOf(p.applications.list(root, {}, {}, firstTwo).items), QStringList{QStringLiteral("shop")});
}

void TestUseCases::onlyBuildAndEnvChangesChangeTheConfigHash()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    const domain::Application created =
        p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    usecases::ApplicationChanges notBuild;
    notBuild.websites = QList<domain::Website>{{QStringLiteral("blog.example"), QStringLiteral("/"), false}};
    notBuild.ownerNames = QStringList{QStringLiteral("alice"), QStringLiteral("bob")};
    notBuild.ref = QStringLiteral("release/1.0");
    notBuild.autoSleepSeconds = 600;
    const domain::Application moved = p.applications.update(alice, QStringLiteral("blog"), notBuild);
    QCOMPARE(moved.configHash, created.configHash);
    QCOMPARE(moved.websites.first().fqdn, QStringLiteral("blog.example"));
    QCOMPARE(moved.ownerNames, (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
    QCOMPARE(moved.ref, QStringLiteral("release/1.0"));
    QCOMPARE(moved.autoSleepSeconds, 600u);

    usecases::ApplicationChanges build;
    domain::BuildConfig publicDir;
    publicDir.artifactDir = QStringLiteral("public");
    build.build = publicDir;
    const domain::Application rebuilt = p.applications.update(alice, QStringLiteral("blog"), build);
    QVERIFY(rebuilt.configHash != created.configHash);
    QCOMPARE(rebuilt.configHash, domain::configHash(rebuilt.build, {}));

    const domain::Application withEnv = p.applications.setEnv(
        alice, QStringLiteral("blog"), {{QStringLiteral("TITLE"), QStringLiteral("Hi")}});
    QVERIFY(withEnv.configHash != rebuilt.configHash);
    const domain::Application withoutEnv =
        p.applications.unsetEnv(alice, QStringLiteral("blog"), {QStringLiteral("TITLE")});
    QCOMPARE(withoutEnv.configHash, rebuilt.configHash);
}

void TestUseCases::aNewBuildTypeBringsItsDeployType()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    usecases::ApplicationChanges toRuntime;
    domain::BuildConfig runtimeCmd;
    runtimeCmd.type = domain::BuildType::RuntimeCmd;
    runtimeCmd.startCommand = QStringLiteral("./serve");
    toRuntime.build = runtimeCmd;
    const domain::Application updated = p.applications.update(alice, QStringLiteral("blog"), toRuntime);
    QCOMPARE(updated.deployType, domain::DeployType::Runtime);
    QCOMPARE(updated.build.port, domain::kDefaultAppPort);

    usecases::ApplicationChanges mismatch;
    mismatch.deployType = domain::DeployType::Static;
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("blog"), mismatch), ErrorKind::BadRequest,
                 QStringLiteral("deploy_type: 'static' does not fit build type 'runtime-cmd'"));
}

void TestUseCases::spaFallbackIsForStaticDeploysOnly()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    usecases::NewApplication request =
        Platform::newApplication(QStringLiteral("spa"), QStringLiteral("site"));
    request.spaFallback = true;
    QVERIFY(p.applications.create(alice, request).spaFallback);

    usecases::NewApplication runtime =
        Platform::newApplication(QStringLiteral("api"), QStringLiteral("site"));
    runtime.build.type = domain::BuildType::RuntimeCmd;
    runtime.build.startCommand = QStringLiteral("./serve");
    runtime.spaFallback = true;
    VERIFY_ERROR(p.applications.create(alice, runtime), ErrorKind::BadRequest,
                 QStringLiteral("spa_fallback: only applies to static deploys; a runtime app routes its own "
                                "paths"));
    QVERIFY(!p.store.findApplicationByName(QStringLiteral("api")));

    usecases::ApplicationChanges off;
    off.spaFallback = false;
    QVERIFY(!p.applications.update(alice, QStringLiteral("spa"), off).spaFallback);
    usecases::ApplicationChanges on;
    on.spaFallback = true;
    QVERIFY(p.applications.update(alice, QStringLiteral("spa"), on).spaFallback);

    // Becoming a runtime app turns it off; asking for it on one is refused.
    usecases::ApplicationChanges toRuntime;
    toRuntime.build = runtime.build;
    const domain::Application switched = p.applications.update(alice, QStringLiteral("spa"), toRuntime);
    QCOMPARE(switched.deployType, domain::DeployType::Runtime);
    QVERIFY(!switched.spaFallback);
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("spa"), on), ErrorKind::BadRequest,
                 QStringLiteral("spa_fallback: only applies to static deploys; a runtime app routes its own "
                                "paths"));
}

void TestUseCases::unsetEnvRefusesUnknownKeys()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    p.applications.setEnv(alice, QStringLiteral("blog"),
                          {{QStringLiteral("A"), {}}, {QStringLiteral("B"), {}}});

    VERIFY_ERROR(
        p.applications.unsetEnv(alice, QStringLiteral("blog"), {QStringLiteral("A"), QStringLiteral("NOPE")}),
        ErrorKind::BadRequest, QStringLiteral("keys[1]: 'NOPE' is not set"));
    QCOMPARE(p.applications.get(alice, QStringLiteral("blog")).env.keys(),
             (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
    VERIFY_ERROR(p.applications.setEnv(alice, QStringLiteral("blog"), {{QStringLiteral("bad key"), {}}}),
                 ErrorKind::BadRequest, QStringLiteral("env.bad key: must match"));
}

void TestUseCases::oversizedListsAreRefused()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    domain::EnvVars firstHalf;
    domain::EnvVars secondHalf;
    for (qsizetype i = 0; i <= domain::kMaxEnvVars / 2; ++i) {
        firstHalf.insert(QStringLiteral("FIRST_%1").arg(i), {});
        secondHalf.insert(QStringLiteral("SECOND_%1").arg(i), {});
    }
    p.applications.setEnv(alice, QStringLiteral("blog"), firstHalf);
    VERIFY_ERROR(p.applications.setEnv(alice, QStringLiteral("blog"), secondHalf), ErrorKind::BadRequest,
                 QStringLiteral("env: at most 256 env vars per application are allowed, got 258"));
    QCOMPARE(p.applications.get(alice, QStringLiteral("blog")).env, firstHalf);

    VERIFY_ERROR(p.applications.unsetEnv(alice, QStringLiteral("blog"), {QString(300, u'K') + u'-'}),
                 ErrorKind::BadRequest, QStringLiteral("keys[0]: must be at most 256 characters"));

    usecases::ApplicationChanges changes;
    changes.ownerNames = QStringList(domain::kMaxOwners + 1, QStringLiteral("alice"));
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("blog"), changes), ErrorKind::BadRequest,
                 QStringLiteral("owners: at most 32 owners are allowed, got 33"));
}

void TestUseCases::applicationOwnersNeverBecomeEmpty()
{
    Platform &p = *m_platform;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    usecases::ApplicationChanges changes;
    changes.ownerNames = QStringList{};
    VERIFY_ERROR(p.applications.update(p.caller(QStringLiteral("root")), QStringLiteral("blog"), changes),
                 ErrorKind::BadRequest, QStringLiteral("owners: must not be empty"));
    changes.ownerNames = QStringList{QStringLiteral("bob")};
    VERIFY_ERROR(p.applications.update(p.caller(QStringLiteral("alice")), QStringLiteral("blog"), changes),
                 ErrorKind::Forbidden, QStringLiteral("you must be one of the owners"));
    QCOMPARE(
        p.applications.update(p.caller(QStringLiteral("root")), QStringLiteral("blog"), changes).ownerNames,
        QStringList{QStringLiteral("bob")});
}

void TestUseCases::updatesRetryAfterLosingARace()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    int concurrentWrites = 0;
    p.store.racesToLose = 3;
    p.store.concurrentChange = [&concurrentWrites](domain::Application &stored) {
        stored.env.insert(QStringLiteral("OTHER_%1").arg(++concurrentWrites), QStringLiteral("1"));
    };
    const domain::Application updated =
        p.applications.setEnv(alice, QStringLiteral("blog"), {{QStringLiteral("MINE"), QStringLiteral("1")}});

    // Each retry started from what the other writer left, so no write is lost.
    QCOMPARE(updated.env.keys(), (QStringList{QStringLiteral("MINE"), QStringLiteral("OTHER_1"),
                                              QStringLiteral("OTHER_2"), QStringLiteral("OTHER_3")}));
    QCOMPARE(updated.configHash, domain::configHash(updated.build, updated.env));
    QCOMPARE(p.store.racesToLose, 0);
}

void TestUseCases::updatesGiveUpAfterThreeRetries()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    p.store.racesToLose = 4;
    usecases::ApplicationChanges changes;
    changes.ref = QStringLiteral("next");
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("blog"), changes), ErrorKind::FailedPrecondition,
                 QStringLiteral("application 'blog' kept changing while it was being updated; try again"));
    QCOMPARE(p.store.racesToLose, 0);
    QCOMPARE(p.applications.get(alice, QStringLiteral("blog")).ref, QStringLiteral("main"));
}

void TestUseCases::runtimeSettingsAreForRuntimeDeploysOnly()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    usecases::NewApplication request = Platform::newRuntimeApplication(QStringLiteral("api"));
    request.healthCheckPath = QStringLiteral("/healthz");
    request.memoryLimitMb = 256;
    request.cpuMillicores = 500;
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    const domain::Application api = p.applications.create(alice, request);
    QCOMPARE(api.healthCheckPath, QStringLiteral("/healthz"));
    QCOMPARE(api.memoryLimitMb, 256u);
    QCOMPARE(api.cpuMillicores, 500u);

    // An update changes only what it names, and none of it rebuilds.
    usecases::ApplicationChanges moreMemory;
    moreMemory.memoryLimitMb = 1024;
    const domain::Application updated = p.applications.update(alice, QStringLiteral("api"), moreMemory);
    QCOMPARE(updated.memoryLimitMb, 1024u);
    QCOMPARE(updated.cpuMillicores, 500u);
    QCOMPARE(updated.healthCheckPath, QStringLiteral("/healthz"));
    QCOMPARE(updated.configHash, api.configHash);

    usecases::NewApplication site = Platform::newApplication(QStringLiteral("blog"), QStringLiteral("site"));
    site.healthCheckPath = QStringLiteral("/healthz");
    VERIFY_ERROR(p.applications.create(alice, site), ErrorKind::BadRequest,
                 QStringLiteral("health_check_path: only applies to runtime deploys; a static site runs no "
                                "process"));
    site.healthCheckPath.clear();
    p.applications.create(alice, site);
    usecases::ApplicationChanges limit;
    limit.cpuMillicores = 250;
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("blog"), limit), ErrorKind::BadRequest,
                 QStringLiteral("cpu_millicores: only applies to runtime deploys"));

    // Becoming a static site drops them.
    usecases::ApplicationChanges toStatic;
    toStatic.build = domain::BuildConfig{};
    const domain::Application switched = p.applications.update(alice, QStringLiteral("api"), toStatic);
    QCOMPARE(switched.deployType, domain::DeployType::Static);
    QVERIFY(switched.healthCheckPath.isEmpty());
    QCOMPARE(switched.memoryLimitMb, 0u);
    QCOMPARE(switched.cpuMillicores, 0u);
}

void TestUseCases::runtimeSettingsAreChecked_data()
{
    QTest::addColumn<NewApplicationChange>("change");
    QTest::addColumn<QString>("message");
    QTest::newRow("health check path")
        << NewApplicationChange([](auto &r) { r.healthCheckPath = QStringLiteral("healthz"); })
        << QStringLiteral("health_check_path: 'healthz' must start with '/'");
    QTest::newRow("memory limit") << NewApplicationChange([](auto &r) { r.memoryLimitMb = 8; })
                                  << QStringLiteral("memory_limit_mb: 8 MB is out of range");
    QTest::newRow("cpu limit") << NewApplicationChange([](auto &r) { r.cpuMillicores = 300000; })
                               << QStringLiteral("cpu_millicores: 300000 millicores is out of range");
}

void TestUseCases::runtimeSettingsAreChecked()
{
    QFETCH(NewApplicationChange, change);
    QFETCH(QString, message);
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    usecases::NewApplication request = Platform::newRuntimeApplication(QStringLiteral("api"));
    change(request);
    VERIFY_ERROR(p.applications.create(alice, request), ErrorKind::BadRequest, message);
    QVERIFY(!p.store.findApplicationByName(QStringLiteral("api")));

    // The same value in an update is refused too, and changes nothing.
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    usecases::ApplicationChanges changes;
    changes.healthCheckPath = request.healthCheckPath;
    changes.memoryLimitMb = request.memoryLimitMb;
    changes.cpuMillicores = request.cpuMillicores;
    VERIFY_ERROR(p.applications.update(alice, QStringLiteral("api"), changes), ErrorKind::BadRequest,
                 message);
    QCOMPARE(p.store.findApplicationById(api.id)->version, api.version);
}

void TestUseCases::applicationsShowTheirRuntimeState()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const domain::Application created = p.addRuntimeApplication(QStringLiteral("api"));
    QCOMPARE(created.runtimeState, QStringLiteral("missing"));
    QCOMPARE(created.restartCount, 0);
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));

    p.runtime.statuses.insert(created.id, {domain::InstanceState::Running, 3, {}});
    const domain::Application api = p.applications.get(alice, QStringLiteral("api"));
    QCOMPARE(api.runtimeState, QStringLiteral("running"));
    QCOMPARE(api.restartCount, 3);
    usecases::ApplicationChanges changes;
    changes.autoSleepSeconds = 60;
    QCOMPARE(p.applications.update(alice, QStringLiteral("api"), changes).runtimeState,
             QStringLiteral("running"));

    const QList<domain::Application> listed = p.applications.list(alice, {}, {}, {}).items;
    QCOMPARE(namesOf(listed), (QStringList{QStringLiteral("api"), QStringLiteral("blog")}));
    QCOMPARE(listed[0].runtimeState, QStringLiteral("running"));
    QCOMPARE(listed[0].restartCount, 3);
    // A static site runs nothing to report.
    QVERIFY(listed[1].runtimeState.isEmpty());
    QCOMPARE(listed[1].restartCount, 0);
}

void TestUseCases::startClearsTheStopReasonAndStopKeepsNone()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    p.stopByPlatform(QStringLiteral("api"), QStringLiteral("restarted 5 times within 60 s"));
    p.observer.changed.clear();

    const domain::Application started = p.applications.start(alice, QStringLiteral("api"));
    QVERIFY(started.running);
    QVERIFY(started.stoppedReason.isEmpty());
    QCOMPARE(started.runtimeState, QStringLiteral("missing"));
    QVERIFY(started.version > api.version);
    QCOMPARE(p.observer.changed.size(), 1);
    QVERIFY(p.observer.changed.last().running);

    const domain::Application stopped = p.applications.stop(alice, api.id);
    QVERIFY(!stopped.running);
    QVERIFY(stopped.stoppedReason.isEmpty());
    QVERIFY(!p.store.findApplicationById(api.id)->running);
    QCOMPARE(p.observer.changed.size(), 2);
    QVERIFY(!p.observer.changed.last().running);
    QCOMPARE(stopped.configHash, api.configHash);
}

void TestUseCases::staticSitesHaveNothingToRun_data()
{
    QTest::addColumn<QString>("action");
    QTest::newRow("start") << QStringLiteral("start");
    QTest::newRow("stop") << QStringLiteral("stop");
    QTest::newRow("restart") << QStringLiteral("restart");
}

void TestUseCases::staticSitesHaveNothingToRun()
{
    QFETCH(QString, action);
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    p.addRepository(QStringLiteral("alice"), QStringLiteral("site"));
    const domain::Application blog =
        p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    p.observer.changed.clear();

    const auto act = [&] {
        if (action == u"start")
            p.applications.start(alice, QStringLiteral("blog"));
        else if (action == u"stop")
            p.applications.stop(alice, QStringLiteral("blog"));
        else
            p.applications.restart(alice, QStringLiteral("blog"));
    };
    VERIFY_ERROR(act(), ErrorKind::FailedPrecondition,
                 QStringLiteral("application 'blog' is a static site: it is served whenever it has a build"));
    QCOMPARE(p.store.findApplicationById(blog.id)->version, blog.version);
    QVERIFY(p.store.findApplicationById(blog.id)->running);
    QVERIFY(p.observer.changed.isEmpty());
    QVERIFY(p.runtime.restarted.isEmpty());
}

void TestUseCases::restartNeedsARunningApplication()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    p.runtime.statuses.insert(api.id, {domain::InstanceState::Running, 1, {}});
    p.observer.changed.clear();

    const domain::Application restarted = p.applications.restart(alice, QStringLiteral("api"));
    QCOMPARE(p.runtime.restarted, QStringList{api.id});
    QCOMPARE(restarted.runtimeState, QStringLiteral("running"));
    QCOMPARE(restarted.version, api.version);
    QVERIFY(p.observer.changed.isEmpty());

    p.applications.stop(alice, QStringLiteral("api"));
    VERIFY_ERROR(p.applications.restart(alice, QStringLiteral("api")), ErrorKind::FailedPrecondition,
                 QStringLiteral("application 'api' is stopped; start it instead"));
    QCOMPARE(p.runtime.restarted.size(), 1);
}

void TestUseCases::onlyOwnersAndAdminsControlAnApplication()
{
    Platform &p = *m_platform;
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    const domain::Build build = p.addBuild(QStringLiteral("api"), domain::BuildState::Succeeded);
    const Caller bob = p.caller(QStringLiteral("bob"));
    const QString refused = QStringLiteral("you are not an owner of application 'api'");

    VERIFY_ERROR(p.applications.stop(bob, QStringLiteral("api")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.start(bob, QStringLiteral("api")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.restart(bob, QStringLiteral("api")), ErrorKind::Forbidden, refused);
    VERIFY_ERROR(p.applications.rollback(bob, QStringLiteral("api"), build.id), ErrorKind::Forbidden,
                 refused);
    const domain::Application unchanged = *p.store.findApplicationById(api.id);
    QCOMPARE(unchanged.version, api.version);
    QVERIFY(unchanged.running);
    QVERIFY(unchanged.pinnedBuildId.isEmpty());
    QVERIFY(p.runtime.restarted.isEmpty());

    const Caller root = p.caller(QStringLiteral("root"));
    QVERIFY(!p.applications.stop(root, QStringLiteral("api")).running);
    QVERIFY(p.applications.start(root, QStringLiteral("api")).running);
    p.applications.restart(root, QStringLiteral("api"));
    QCOMPARE(p.runtime.restarted, QStringList{api.id});
    QCOMPARE(p.applications.rollback(root, QStringLiteral("api"), build.id).pinnedBuildId, build.id);
}

void TestUseCases::rollbackPinsAnEarlierBuild()
{
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    const domain::Build earlier = p.addBuild(QStringLiteral("api"), domain::BuildState::Succeeded);
    p.addBuild(QStringLiteral("api"), domain::BuildState::Succeeded);
    p.observer.changed.clear();

    const domain::Application rolledBack = p.applications.rollback(alice, QStringLiteral("api"), earlier.id);
    QCOMPARE(rolledBack.pinnedBuildId, earlier.id);
    QCOMPARE(p.store.findApplicationById(api.id)->pinnedBuildId, earlier.id);
    QCOMPARE(rolledBack.runtimeState, QStringLiteral("missing"));
    QCOMPARE(p.observer.changed.size(), 1);
    QCOMPARE(p.observer.changed.last().pinnedBuildId, earlier.id);

    // Static sites roll back too.
    p.addApplication(QStringLiteral("alice"), QStringLiteral("blog"), QStringLiteral("site"));
    const domain::Build site = p.addBuild(QStringLiteral("blog"), domain::BuildState::Succeeded);
    QCOMPARE(p.applications.rollback(alice, QStringLiteral("blog"), site.id).pinnedBuildId, site.id);
}

void TestUseCases::rollbackRefuses_data()
{
    QTest::addColumn<QString>("build");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("no build") << QStringLiteral("none") << int(ErrorKind::BadRequest)
                              << QStringLiteral("build_id: must not be empty");
    QTest::newRow("unknown build") << QStringLiteral("unknown") << int(ErrorKind::BadRequest)
                                   << QStringLiteral("build_id: application 'api' has no build 'bld_");
    QTest::newRow("another application's build")
        << QStringLiteral("other") << int(ErrorKind::BadRequest)
        << QStringLiteral("build_id: application 'api' has no build");
    QTest::newRow("failed build") << QStringLiteral("failed") << int(ErrorKind::FailedPrecondition)
                                  << QStringLiteral("is failed; only a succeeded build can be served");
    QTest::newRow("queued build") << QStringLiteral("queued") << int(ErrorKind::FailedPrecondition)
                                  << QStringLiteral("is queued; only a succeeded build can be served");
    QTest::newRow("artifact gone") << QStringLiteral("no artifact") << int(ErrorKind::FailedPrecondition)
                                   << QStringLiteral("has no artifact any more; choose a newer build");
    QTest::newRow("deployed as a static site")
        << QStringLiteral("static") << int(ErrorKind::FailedPrecondition)
        << QStringLiteral("deploys as static, but application 'api' is a runtime deploy now");
}

void TestUseCases::rollbackRefuses()
{
    QFETCH(QString, build);
    QFETCH(int, kind);
    QFETCH(QString, message);
    Platform &p = *m_platform;
    const Caller alice = p.caller(QStringLiteral("alice"));
    const domain::Application api = p.addRuntimeApplication(QStringLiteral("api"));
    p.addRuntimeApplication(QStringLiteral("other"));

    QString buildId;
    if (build == u"unknown") {
        buildId = domain::newId(domain::idprefix::kBuild);
    } else if (build == u"other") {
        buildId = p.addBuild(QStringLiteral("other"), domain::BuildState::Succeeded).id;
    } else if (build == u"failed") {
        buildId = p.addBuild(QStringLiteral("api"), domain::BuildState::Failed).id;
    } else if (build == u"queued") {
        buildId = p.addBuild(QStringLiteral("api"), domain::BuildState::Queued).id;
    } else if (build != u"none") {
        domain::Build succeeded = tests::newBuild(api, QString(40, u'b'), domain::BuildState::Succeeded);
        succeeded.deployType = build == u"static" ? domain::DeployType::Static : domain::DeployType::Runtime;
        if (build == u"static")
            succeeded.artifactPath = QStringLiteral("artifacts/site.tar.gz");
        p.store.insertBuild(succeeded);
        buildId = succeeded.id;
    }
    p.observer.changed.clear();

    VERIFY_ERROR(p.applications.rollback(alice, QStringLiteral("api"), buildId), ErrorKind(kind), message);
    QVERIFY(p.store.findApplicationById(api.id)->pinnedBuildId.isEmpty());
    QVERIFY(p.observer.changed.isEmpty());
}

QTEST_APPLESS_MAIN(TestUseCases)
#include "tst_usecases.moc"
