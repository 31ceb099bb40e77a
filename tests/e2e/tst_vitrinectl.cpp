// vitrinectl end to end: the real binary, run as a user would, against a real vitrine-server.

#include "self_signed_certificate.h"
#include "server_process.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kCliTimeoutMs = 60'000;
constexpr int kUsageExitCode = 2;

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;

    // For failure messages: everything the run showed.
    QByteArray describe() const
    {
        return QStringLiteral("exit code %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err).toUtf8();
    }
};

QJsonObject parseJsonObject(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qWarning("not a JSON object (%s): %s", qPrintable(error.errorString()), qPrintable(text));
    return document.object();
}

QStringList namesIn(const QJsonArray &items)
{
    QStringList names;
    for (const QJsonValue &item : items)
        names.append(item.toObject().value(QStringLiteral("name")).toString());
    return names;
}

} // namespace

class TestVitrinectl : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    // One story, in order: each step builds on the ones before.
    void adminCreatesMembersAndTheirTokens();
    void memberCreatesRepositoryAndApplication();
    void envVarsCanBeSetListedAndUnset();
    void membersSeeOnlyTheirOwnApplications();
    void jsonOutputCarriesTheApiFields();
    void updateChangesOnlyWhatIsGiven();
    void runtimeAppsAreStartedStoppedAndLimited();
    void badInputIsRefusedNamingTheField_data();
    void badInputIsRefusedNamingTheField();
    void listShowsEveryPage();
    void deletedApplicationIsGone();

    // Independent of the story.
    void usageErrorsExitWithTwo_data();
    void usageErrorsExitWithTwo();
    void missingTokenSaysHowToSetIt();
    void tokenFlagOverridesTheEnvironment();
    void unreachableServerNamesTheAddress();
    void connectsOverTlsWithTheGivenCa();
    void helpDescribesEveryLevel_data();
    void helpDescribesEveryLevel();

private:
    // Runs vitrinectl with VITRINE_SERVER pointing at the test server and VITRINE_TOKEN set to `token`
    // (unset when empty).
    CliResult run(const QStringList &arguments, const QString &token) const;
    CliResult runWithEnvironment(const QStringList &arguments, const QProcessEnvironment &environment) const;
    QProcessEnvironment environmentFor(const QString &token) const;

    vitrine::tests::ServerProcess m_server;
    QTemporaryDir m_repositoryDir;
    QString m_adminToken;
    QString m_aliceToken;
    QString m_bobToken;
};

void TestVitrinectl::initTestCase()
{
    QVERIFY(m_repositoryDir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_adminToken = m_server.adminToken();
    QVERIFY(!m_adminToken.isEmpty());
}

void TestVitrinectl::adminCreatesMembersAndTheirTokens()
{
    for (const QString &name : {QStringLiteral("alice"), QStringLiteral("bob")}) {
        const CliResult created =
            run({QStringLiteral("users"), QStringLiteral("create"), name}, m_adminToken);
        QVERIFY2(created.exitCode == 0, created.describe());
        QVERIFY2(!created.out.trimmed().isEmpty() && !created.out.trimmed().contains(u'\n'),
                 created.describe());
    }

    const CliResult users = run({QStringLiteral("users"), QStringLiteral("list")}, m_adminToken);
    QVERIFY2(users.exitCode == 0, users.describe());
    QVERIFY(users.out.startsWith(QStringLiteral("NAME")));
    QVERIFY2(users.out.contains(QStringLiteral("alice")) && users.out.contains(QStringLiteral("bob")),
             users.describe());

    const auto createToken = [&](const QString &user) {
        const CliResult token =
            run({QStringLiteral("tokens"), QStringLiteral("create"), QStringLiteral("--user"), user,
                 QStringLiteral("--description"), QStringLiteral("e2e"), QStringLiteral("--expires-in"),
                 QStringLiteral("30d")},
                m_adminToken);
        return token.exitCode == 0 ? token.out.trimmed() : QString();
    };
    m_aliceToken = createToken(QStringLiteral("alice"));
    m_bobToken = createToken(QStringLiteral("bob"));
    QVERIFY(!m_aliceToken.isEmpty());
    QVERIFY(!m_bobToken.isEmpty());
    QVERIFY(m_aliceToken != m_bobToken);

    const CliResult whoami = run({QStringLiteral("whoami")}, m_aliceToken);
    QVERIFY2(whoami.exitCode == 0, whoami.describe());
    QVERIFY2(whoami.out.contains(QStringLiteral("alice")) && whoami.out.contains(QStringLiteral("member")),
             whoami.describe());

    const CliResult tokens = run({QStringLiteral("tokens"), QStringLiteral("list")}, m_aliceToken);
    QVERIFY2(tokens.exitCode == 0, tokens.describe());
    QVERIFY2(tokens.out.contains(QStringLiteral("e2e")) && tokens.out.contains(QStringLiteral("active")),
             tokens.describe());
}

void TestVitrinectl::memberCreatesRepositoryAndApplication()
{
    const CliResult repository =
        run({QStringLiteral("repos"), QStringLiteral("create"), QStringLiteral("alice-site"),
             QStringLiteral("--url"), m_repositoryDir.path()},
            m_aliceToken);
    QVERIFY2(repository.exitCode == 0, repository.describe());
    QVERIFY(!repository.out.trimmed().isEmpty());

    const CliResult application =
        run({QStringLiteral("apps"), QStringLiteral("create"), QStringLiteral("alice-app"),
             QStringLiteral("--repo"), QStringLiteral("alice-site"), QStringLiteral("--ref"),
             QStringLiteral("main"), QStringLiteral("--type"), QStringLiteral("static-cmd"),
             QStringLiteral("--build-cmd"), QStringLiteral("make site"), QStringLiteral("--artifact"),
             QStringLiteral("public"), QStringLiteral("--env"), QStringLiteral("GREETING=hello")},
            m_aliceToken);
    QVERIFY2(application.exitCode == 0, application.describe());
    const QString id = application.out.trimmed();
    QVERIFY(!id.isEmpty());

    // The id the create printed names the same application.
    const CliResult shown = run({QStringLiteral("apps"), QStringLiteral("get"), id}, m_aliceToken);
    QVERIFY2(shown.exitCode == 0, shown.describe());
    QVERIFY2(shown.out.contains(QStringLiteral("alice-app")), shown.describe());
    QVERIFY2(shown.out.contains(QStringLiteral("alice-app.localhost")), shown.describe());
    QVERIFY2(shown.out.contains(QStringLiteral("make site")), shown.describe());
    // The repository has no commit yet, so nothing was built.
    QVERIFY2(shown.out.contains(QRegularExpression(QStringLiteral("Latest build: +-\\n"))), shown.describe());
    QVERIFY2(
        shown.out.contains(QRegularExpression(QStringLiteral("Disk use: +[0-9.]+ (B|KiB|MiB|GiB|TiB)\\n"))),
        shown.describe());

    const CliResult listed = run({QStringLiteral("apps"), QStringLiteral("list")}, m_aliceToken);
    QVERIFY2(listed.exitCode == 0, listed.describe());
    const QStringList lines = listed.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("NAME")));
    QVERIFY2(lines.at(0).contains(QStringLiteral("BUILD")), listed.describe());
    for (const QString &cell :
         {QStringLiteral("alice-app"), QStringLiteral("alice-site"), QStringLiteral("main"),
          QStringLiteral("static-cmd"), QStringLiteral("alice")})
        QVERIFY2(lines.at(1).contains(cell), listed.describe());
}

void TestVitrinectl::envVarsCanBeSetListedAndUnset()
{
    const CliResult set =
        run({QStringLiteral("apps"), QStringLiteral("env"), QStringLiteral("set"),
             QStringLiteral("alice-app"), QStringLiteral("MODE=production"), QStringLiteral("EQUATION=a=b")},
            m_aliceToken);
    QVERIFY2(set.exitCode == 0, set.describe());

    const CliResult listed = run(
        {QStringLiteral("apps"), QStringLiteral("env"), QStringLiteral("list"), QStringLiteral("alice-app")},
        m_aliceToken);
    QVERIFY2(listed.exitCode == 0, listed.describe());
    QVERIFY2(listed.out.contains(QStringLiteral("MODE")) && listed.out.contains(QStringLiteral("production")),
             listed.describe());
    QVERIFY2(listed.out.contains(QStringLiteral("a=b")), listed.describe());

    const CliResult unset = run({QStringLiteral("apps"), QStringLiteral("env"), QStringLiteral("unset"),
                                 QStringLiteral("alice-app"), QStringLiteral("MODE")},
                                m_aliceToken);
    QVERIFY2(unset.exitCode == 0, unset.describe());

    const CliResult json = run({QStringLiteral("apps"), QStringLiteral("env"), QStringLiteral("list"),
                                QStringLiteral("alice-app"), QStringLiteral("-o"), QStringLiteral("json")},
                               m_aliceToken);
    QVERIFY2(json.exitCode == 0, json.describe());
    QStringList keys;
    for (const QJsonValue &variable : parseJsonObject(json.out).value(QStringLiteral("env")).toArray())
        keys.append(variable.toObject().value(QStringLiteral("key")).toString());
    QCOMPARE(keys, (QStringList{QStringLiteral("EQUATION"), QStringLiteral("GREETING")}));
}

void TestVitrinectl::membersSeeOnlyTheirOwnApplications()
{
    const CliResult listed = run({QStringLiteral("apps"), QStringLiteral("list")}, m_bobToken);
    QVERIFY2(listed.exitCode == 0, listed.describe());
    QVERIFY2(!listed.out.contains(QStringLiteral("alice-app")), listed.describe());

    const CliResult json =
        run({QStringLiteral("apps"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")},
            m_bobToken);
    QVERIFY2(json.exitCode == 0, json.describe());
    QVERIFY(parseJsonObject(json.out).value(QStringLiteral("applications")).toArray().isEmpty());

    const CliResult get =
        run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app")}, m_bobToken);
    QVERIFY2(get.exitCode == 1, get.describe());
    QVERIFY(get.out.isEmpty());
    QVERIFY2(get.err.startsWith(QStringLiteral("vitrinectl: ")) && get.err.size() > 20, get.describe());

    const CliResult remove =
        run({QStringLiteral("apps"), QStringLiteral("delete"), QStringLiteral("alice-app")}, m_bobToken);
    QVERIFY2(remove.exitCode == 1, remove.describe());
    const CliResult stillThere =
        run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app")}, m_aliceToken);
    QVERIFY2(stillThere.exitCode == 0, stillThere.describe());

    const CliResult repositories = run({QStringLiteral("repos"), QStringLiteral("list")}, m_bobToken);
    QVERIFY2(repositories.exitCode == 0, repositories.describe());
    QVERIFY2(!repositories.out.contains(QStringLiteral("alice-site")), repositories.describe());
}

void TestVitrinectl::jsonOutputCarriesTheApiFields()
{
    const CliResult application =
        run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app"), QStringLiteral("-o"),
             QStringLiteral("json")},
            m_aliceToken);
    QVERIFY2(application.exitCode == 0, application.describe());
    const QJsonObject app = parseJsonObject(application.out);
    QCOMPARE(app.value(QStringLiteral("name")).toString(), QStringLiteral("alice-app"));
    QVERIFY(!app.value(QStringLiteral("id")).toString().isEmpty());
    QCOMPARE(app.value(QStringLiteral("repositoryName")).toString(), QStringLiteral("alice-site"));
    QCOMPARE(app.value(QStringLiteral("ref")).toString(), QStringLiteral("main"));
    QCOMPARE(app.value(QStringLiteral("build")).toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("BUILD_TYPE_STATIC_CMD"));
    QCOMPARE(app.value(QStringLiteral("owners")).toArray(), QJsonArray{QStringLiteral("alice")});
    const QJsonArray websites = app.value(QStringLiteral("websites")).toArray();
    QCOMPARE(websites.size(), 1);
    QCOMPARE(websites.at(0).toObject().value(QStringLiteral("fqdn")).toString(),
             QStringLiteral("alice-app.localhost"));
    QCOMPARE(app.value(QStringLiteral("envVarCount")).toInt(), 2);
    QVERIFY(!app.value(QStringLiteral("configHash")).toString().isEmpty());
    // Fields at their default value are there too, so scripts need not guess.
    QVERIFY(app.contains(QStringLiteral("autoSleepSeconds")));
    QCOMPARE(app.value(QStringLiteral("autoSleepSeconds")).toInt(-1), 0);

    const CliResult users =
        run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")},
            m_adminToken);
    QVERIFY2(users.exitCode == 0, users.describe());
    const QStringList names = namesIn(parseJsonObject(users.out).value(QStringLiteral("users")).toArray());
    for (const QString &name : {QStringLiteral("admin"), QStringLiteral("alice"), QStringLiteral("bob")})
        QVERIFY2(names.contains(name), users.describe());

    const CliResult created = run({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("carol"),
                                   QStringLiteral("--admin"), QStringLiteral("-o"), QStringLiteral("json")},
                                  m_adminToken);
    QVERIFY2(created.exitCode == 0, created.describe());
    const QJsonObject carol = parseJsonObject(created.out);
    QCOMPARE(carol.value(QStringLiteral("name")).toString(), QStringLiteral("carol"));
    QCOMPARE(carol.value(QStringLiteral("role")).toString(), QStringLiteral("ROLE_ADMIN"));

    const CliResult info =
        run({QStringLiteral("system"), QStringLiteral("info"), QStringLiteral("-o"), QStringLiteral("json")},
            m_aliceToken);
    QVERIFY2(info.exitCode == 0, info.describe());
    const QJsonObject system = parseJsonObject(info.out);
    QCOMPARE(system.value(QStringLiteral("allowLocalRepos")), QJsonValue(true));
    QCOMPARE(system.value(QStringLiteral("caller")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("alice"));
}

void TestVitrinectl::updateChangesOnlyWhatIsGiven()
{
    const CliResult updated =
        run({QStringLiteral("apps"), QStringLiteral("update"), QStringLiteral("alice-app"),
             QStringLiteral("--ref"), QStringLiteral("release"), QStringLiteral("--build-cmd"),
             QStringLiteral("make release"), QStringLiteral("--website"),
             QStringLiteral("alice.localhost/blog"), QStringLiteral("--strip-prefix")},
            m_aliceToken);
    QVERIFY2(updated.exitCode == 0, updated.describe());

    const CliResult json = run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app"),
                                QStringLiteral("-o"), QStringLiteral("json")},
                               m_aliceToken);
    QVERIFY2(json.exitCode == 0, json.describe());
    const QJsonObject app = parseJsonObject(json.out);
    QCOMPARE(app.value(QStringLiteral("ref")).toString(), QStringLiteral("release"));
    const QJsonObject build = app.value(QStringLiteral("build")).toObject();
    QCOMPARE(build.value(QStringLiteral("buildCommand")).toString(), QStringLiteral("make release"));
    // Flags not given keep their value, also inside the build config.
    QCOMPARE(build.value(QStringLiteral("type")).toString(), QStringLiteral("BUILD_TYPE_STATIC_CMD"));
    QCOMPARE(build.value(QStringLiteral("artifactDir")).toString(), QStringLiteral("public"));
    QCOMPARE(app.value(QStringLiteral("owners")).toArray(), QJsonArray{QStringLiteral("alice")});
    const QJsonObject website = app.value(QStringLiteral("websites")).toArray().at(0).toObject();
    QCOMPARE(website.value(QStringLiteral("fqdn")).toString(), QStringLiteral("alice.localhost"));
    QCOMPARE(website.value(QStringLiteral("pathPrefix")).toString(), QStringLiteral("/blog"));
    QCOMPARE(website.value(QStringLiteral("stripPrefix")), QJsonValue(true));
}

void TestVitrinectl::runtimeAppsAreStartedStoppedAndLimited()
{
    const auto apps = [this](const QStringList &arguments) {
        return run(QStringList{QStringLiteral("apps")} + arguments, m_aliceToken);
    };
    const auto appJson = [&apps]() {
        return parseJsonObject(apps({QStringLiteral("get"), QStringLiteral("alice-api"), QStringLiteral("-o"),
                                     QStringLiteral("json")})
                                   .out);
    };

    const CliResult created =
        apps({QStringLiteral("create"), QStringLiteral("alice-api"), QStringLiteral("--repo"),
              QStringLiteral("alice-site"), QStringLiteral("--ref"), QStringLiteral("main"),
              QStringLiteral("--type"), QStringLiteral("runtime-cmd"), QStringLiteral("--start-cmd"),
              QStringLiteral("python3 -m http.server $PORT"), QStringLiteral("--health-path"),
              QStringLiteral("/healthz"), QStringLiteral("--memory"), QStringLiteral("256"),
              QStringLiteral("--cpus"), QStringLiteral("0.5")});
    QVERIFY2(created.exitCode == 0, created.describe());
    QJsonObject app = appJson();
    QCOMPARE(app.value(QStringLiteral("healthCheckPath")).toString(), QStringLiteral("/healthz"));
    QCOMPARE(app.value(QStringLiteral("memoryLimitMb")).toInt(), 256);
    QCOMPARE(app.value(QStringLiteral("cpuMillicores")).toInt(), 500);
    QCOMPARE(app.value(QStringLiteral("runtimeState")).toString(), QStringLiteral("missing"));
    QCOMPARE(app.value(QStringLiteral("restartCount")).toInt(-1), 0);
    QCOMPARE(app.value(QStringLiteral("pinnedBuildId")).toString(QStringLiteral("absent")), QString());

    const CliResult shown = apps({QStringLiteral("get"), QStringLiteral("alice-api")});
    QVERIFY2(shown.exitCode == 0, shown.describe());
    for (const QString &text :
         {QStringLiteral("GET /healthz answers 2xx"), QStringLiteral("256 MB"), QStringLiteral("0.5 cores"),
          QStringLiteral("State:"), QStringLiteral("Restarts:"), QStringLiteral("Pinned build:")})
        QVERIFY2(shown.out.contains(text), shown.describe());

    const CliResult stopped = apps({QStringLiteral("stop"), QStringLiteral("alice-api")});
    QVERIFY2(stopped.exitCode == 0, stopped.describe());
    QCOMPARE(stopped.out.trimmed(), QStringLiteral("Stopped application alice-api."));
    QCOMPARE(appJson().value(QStringLiteral("running")), QJsonValue(false));
    const CliResult restartStopped = apps({QStringLiteral("restart"), QStringLiteral("alice-api")});
    QVERIFY2(restartStopped.exitCode == 1, restartStopped.describe());
    QVERIFY2(restartStopped.err.contains(QStringLiteral("start it instead")), restartStopped.describe());

    const CliResult started = apps({QStringLiteral("start"), QStringLiteral("alice-api")});
    QVERIFY2(started.exitCode == 0, started.describe());
    QCOMPARE(appJson().value(QStringLiteral("running")), QJsonValue(true));
    const CliResult restarted = apps({QStringLiteral("restart"), QStringLiteral("alice-api")});
    QVERIFY2(restarted.exitCode == 0, restarted.describe());

    const CliResult updated =
        apps({QStringLiteral("update"), QStringLiteral("alice-api"), QStringLiteral("--cpus"),
              QStringLiteral("2"), QStringLiteral("--memory"), QStringLiteral("0")});
    QVERIFY2(updated.exitCode == 0, updated.describe());
    app = appJson();
    QCOMPARE(app.value(QStringLiteral("cpuMillicores")).toInt(), 2000);
    QCOMPARE(app.value(QStringLiteral("memoryLimitMb")).toInt(-1), 0);
    QCOMPARE(app.value(QStringLiteral("healthCheckPath")).toString(), QStringLiteral("/healthz"));

    const CliResult rollback = apps({QStringLiteral("rollback"), QStringLiteral("alice-api"),
                                     QStringLiteral("bld_aaaaaaaaaaaaaaaaaaaaaaaaaa")});
    QVERIFY2(rollback.exitCode == 1, rollback.describe());
    QVERIFY2(rollback.err.startsWith(QStringLiteral("vitrinectl: build_id")), rollback.describe());

    const CliResult staticStop = apps({QStringLiteral("stop"), QStringLiteral("alice-app")});
    QVERIFY2(staticStop.exitCode == 1, staticStop.describe());
    QVERIFY2(staticStop.err.contains(QStringLiteral("is a static site")), staticStop.describe());

    // The story goes on with alice-app alone.
    const CliResult removed = apps({QStringLiteral("delete"), QStringLiteral("alice-api")});
    QVERIFY2(removed.exitCode == 0, removed.describe());
}

void TestVitrinectl::badInputIsRefusedNamingTheField_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("field");

    const QStringList createApp{QStringLiteral("apps"),   QStringLiteral("create"),
                                QStringLiteral("--repo"), QStringLiteral("alice-site"),
                                QStringLiteral("--ref"),  QStringLiteral("main"),
                                QStringLiteral("--type"), QStringLiteral("static")};
    QTest::newRow("app name") << createApp + QStringList{QStringLiteral("Bad_Name")}
                              << QStringLiteral("name");
    QTest::newRow("website") << createApp + QStringList{QStringLiteral("other-app"),
                                                        QStringLiteral("--website"),
                                                        QStringLiteral("Not..A.Host")}
                             << QStringLiteral("websites[0].fqdn");
    QTest::newRow("ref") << QStringList{QStringLiteral("apps"), QStringLiteral("update"),
                                        QStringLiteral("alice-app"), QStringLiteral("--ref"),
                                        QStringLiteral("bad..ref")}
                         << QStringLiteral("ref");
    QTest::newRow("env key") << QStringList{QStringLiteral("apps"), QStringLiteral("env"),
                                            QStringLiteral("set"), QStringLiteral("alice-app"),
                                            QStringLiteral("lower-case=1")}
                             << QStringLiteral("env");
    QTest::newRow("repository url") << QStringList{QStringLiteral("repos"), QStringLiteral("create"),
                                                   QStringLiteral("other-site"), QStringLiteral("--url"),
                                                   QStringLiteral("ftp://example.com/site.git")}
                                    << QStringLiteral("url");
}

void TestVitrinectl::badInputIsRefusedNamingTheField()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, field);

    const CliResult result = run(arguments, m_aliceToken);
    QVERIFY2(result.exitCode == 1, result.describe());
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.startsWith(QStringLiteral("vitrinectl: ") + field), result.describe());

    // Nothing changed: the app and the repository keep what they had.
    const CliResult app = run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app"),
                               QStringLiteral("-o"), QStringLiteral("json")},
                              m_aliceToken);
    QCOMPARE(parseJsonObject(app.out).value(QStringLiteral("ref")).toString(), QStringLiteral("release"));
    QCOMPARE(parseJsonObject(app.out).value(QStringLiteral("envVarCount")).toInt(), 2);
    const CliResult apps =
        run({QStringLiteral("apps"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")},
            m_aliceToken);
    QCOMPARE(namesIn(parseJsonObject(apps.out).value(QStringLiteral("applications")).toArray()),
             QStringList{QStringLiteral("alice-app")});
    const CliResult repositories =
        run({QStringLiteral("repos"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")},
            m_aliceToken);
    QCOMPARE(namesIn(parseJsonObject(repositories.out).value(QStringLiteral("repositories")).toArray()),
             QStringList{QStringLiteral("alice-site")});
}

void TestVitrinectl::listShowsEveryPage()
{
    // More applications than the server puts in one page (100).
    constexpr int kApplications = 105;
    const CliResult repository =
        run({QStringLiteral("repos"), QStringLiteral("create"), QStringLiteral("fleet"),
             QStringLiteral("--url"), m_repositoryDir.path()},
            m_adminToken);
    QVERIFY2(repository.exitCode == 0, repository.describe());
    for (int i = 0; i < kApplications; ++i) {
        const QString name = QStringLiteral("fleet-%1").arg(i, 3, 10, QLatin1Char('0'));
        const CliResult created =
            run({QStringLiteral("apps"), QStringLiteral("create"), name, QStringLiteral("--repo"),
                 QStringLiteral("fleet"), QStringLiteral("--ref"), QStringLiteral("main"),
                 QStringLiteral("--type"), QStringLiteral("static")},
                m_adminToken);
        QVERIFY2(created.exitCode == 0, created.describe());
    }

    const CliResult table = run(
        {QStringLiteral("apps"), QStringLiteral("list"), QStringLiteral("--repo"), QStringLiteral("fleet")},
        m_adminToken);
    QVERIFY2(table.exitCode == 0, table.describe());
    QCOMPARE(table.out.split(u'\n', Qt::SkipEmptyParts).size(), 1 + kApplications);

    const CliResult json =
        run({QStringLiteral("apps"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")},
            m_adminToken);
    QVERIFY2(json.exitCode == 0, json.describe());
    const QJsonObject everything = parseJsonObject(json.out);
    const QStringList names = namesIn(everything.value(QStringLiteral("applications")).toArray());
    QCOMPARE(names.size(), 1 + kApplications); // alice-app too: the admin sees every app
    QVERIFY(names.contains(QStringLiteral("fleet-104")));
    QCOMPARE(everything.value(QStringLiteral("nextPageToken")).toString(), QString());
}

void TestVitrinectl::deletedApplicationIsGone()
{
    const CliResult removed =
        run({QStringLiteral("apps"), QStringLiteral("delete"), QStringLiteral("alice-app")}, m_aliceToken);
    QVERIFY2(removed.exitCode == 0, removed.describe());

    const CliResult get =
        run({QStringLiteral("apps"), QStringLiteral("get"), QStringLiteral("alice-app")}, m_aliceToken);
    QVERIFY2(get.exitCode == 1, get.describe());
    QVERIFY2(get.err.contains(QStringLiteral("alice-app")), get.describe());

    // With the app gone the repository can go too.
    const CliResult repository =
        run({QStringLiteral("repos"), QStringLiteral("delete"), QStringLiteral("alice-site")}, m_aliceToken);
    QVERIFY2(repository.exitCode == 0, repository.describe());
}

void TestVitrinectl::usageErrorsExitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QStringLiteral("unknown command 'frobnicate'");
    QTest::newRow("misspelled verb") << QStringList{QStringLiteral("apps"), QStringLiteral("lsit")}
                                     << QStringLiteral("did you mean 'list'?");
    QTest::newRow("unknown flag") << QStringList{QStringLiteral("apps"), QStringLiteral("list"),
                                                 QStringLiteral("--colour")}
                                  << QStringLiteral("unknown flag '--colour'");
    QTest::newRow("missing argument")
        << QStringList{QStringLiteral("apps"), QStringLiteral("get")} << QStringLiteral("missing APP");
    QTest::newRow("missing required flag")
        << QStringList{QStringLiteral("apps"),   QStringLiteral("create"), QStringLiteral("x"),
                       QStringLiteral("--repo"), QStringLiteral("r"),      QStringLiteral("--ref"),
                       QStringLiteral("main")}
        << QStringLiteral("missing flag --type");
    QTest::newRow("noun without verb")
        << QStringList{QStringLiteral("tokens")} << QStringLiteral("'vitrinectl tokens' needs a command");
    QTest::newRow("bad output format") << QStringList{QStringLiteral("users"), QStringLiteral("list"),
                                                      QStringLiteral("-o"), QStringLiteral("yaml")}
                                       << QStringLiteral("unknown output format 'yaml'");
    QTest::newRow("bad build type") << QStringList{QStringLiteral("apps"),       QStringLiteral("create"),
                                                   QStringLiteral("x"),          QStringLiteral("--repo"),
                                                   QStringLiteral("r"),          QStringLiteral("--ref"),
                                                   QStringLiteral("main"),       QStringLiteral("--type"),
                                                   QStringLiteral("static-site")}
                                    << QStringLiteral("--type: unknown value 'static-site'");
    QTest::newRow("strip prefix without a path")
        << QStringList{QStringLiteral("apps"),        QStringLiteral("update"),
                       QStringLiteral("x"),           QStringLiteral("--website"),
                       QStringLiteral("x.localhost"), QStringLiteral("--strip-prefix")}
        << QStringLiteral("--strip-prefix needs a --website FQDN/PATH");
    QTest::newRow("env without value")
        << QStringList{QStringLiteral("apps"), QStringLiteral("env"), QStringLiteral("set"),
                       QStringLiteral("x"), QStringLiteral("KEY")}
        << QStringLiteral("'KEY' is not KEY=VALUE");
    QTest::newRow("cpus not a number")
        << QStringList{QStringLiteral("apps"), QStringLiteral("update"), QStringLiteral("x"),
                       QStringLiteral("--cpus"), QStringLiteral("half")}
        << QStringLiteral("--cpus: 'half' is not a number of cores");
    QTest::newRow("cpus too fine") << QStringList{QStringLiteral("apps"), QStringLiteral("update"),
                                                  QStringLiteral("x"), QStringLiteral("--cpus"),
                                                  QStringLiteral("0.0005")}
                                   << QStringLiteral("finer than a thousandth of a core");
    QTest::newRow("memory not a number")
        << QStringList{QStringLiteral("apps"), QStringLiteral("update"), QStringLiteral("x"),
                       QStringLiteral("--memory"), QStringLiteral("1G")}
        << QStringLiteral("--memory: '1G' is not a whole number");
    QTest::newRow("rollback without a build")
        << QStringList{QStringLiteral("apps"), QStringLiteral("rollback"), QStringLiteral("x")}
        << QStringLiteral("missing BUILD");
    QTest::newRow("bad duration") << QStringList{QStringLiteral("tokens"), QStringLiteral("create"),
                                                 QStringLiteral("--expires-in"), QStringLiteral("soon")}
                                  << QStringLiteral("not a duration");
    QTest::newRow("bad role") << QStringList{QStringLiteral("users"), QStringLiteral("set-role"),
                                             QStringLiteral("bob"), QStringLiteral("owner")}
                              << QStringLiteral("unknown role 'owner'");
}

void TestVitrinectl::usageErrorsExitWithTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const CliResult result = run(arguments, m_adminToken);
    QVERIFY2(result.exitCode == kUsageExitCode, result.describe());
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.startsWith(QStringLiteral("vitrinectl: ")), result.describe());
    QVERIFY2(result.err.contains(message), result.describe());
    QVERIFY2(result.err.contains(QStringLiteral("--help")), result.describe());
}

void TestVitrinectl::missingTokenSaysHowToSetIt()
{
    const CliResult result = run({QStringLiteral("apps"), QStringLiteral("list")}, QString());
    QVERIFY2(result.exitCode != 0, result.describe());
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.contains(QStringLiteral("VITRINE_TOKEN")), result.describe());

    const CliResult wrongToken =
        run({QStringLiteral("apps"), QStringLiteral("list")}, QStringLiteral("not-a-token"));
    QVERIFY2(wrongToken.exitCode == 1, wrongToken.describe());
    QVERIFY2(wrongToken.err.startsWith(QStringLiteral("vitrinectl: ")), wrongToken.describe());
}

void TestVitrinectl::tokenFlagOverridesTheEnvironment()
{
    const CliResult result = run({QStringLiteral("--token"), m_adminToken, QStringLiteral("whoami"),
                                  QStringLiteral("-o"), QStringLiteral("json")},
                                 QStringLiteral("not-a-token"));
    QVERIFY2(result.exitCode == 0, result.describe());
    QCOMPARE(parseJsonObject(result.out).value(QStringLiteral("name")).toString(), QStringLiteral("admin"));
}

void TestVitrinectl::unreachableServerNamesTheAddress()
{
    // Port 1 on loopback: nothing listens there, the connection is refused.
    const QString address = QStringLiteral("127.0.0.1:1");
    QProcessEnvironment environment = environmentFor(m_adminToken);
    environment.insert(QStringLiteral("VITRINE_SERVER"), address);
    const CliResult fromEnvironment = runWithEnvironment({QStringLiteral("whoami")}, environment);
    QVERIFY2(fromEnvironment.exitCode == 1, fromEnvironment.describe());
    QVERIFY2(fromEnvironment.err.contains(address), fromEnvironment.describe());

    // --server wins over VITRINE_SERVER.
    const CliResult fromFlag = run(
        {QStringLiteral("--server"), address, QStringLiteral("users"), QStringLiteral("list")}, m_adminToken);
    QVERIFY2(fromFlag.exitCode == 1, fromFlag.describe());
    QVERIFY2(fromFlag.err.contains(address), fromFlag.describe());
}

void TestVitrinectl::connectsOverTlsWithTheGivenCa()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    vitrine::tests::SelfSignedCertificate selfSigned(dir.path());
    QString error;
    QVERIFY2(selfSigned.create(&error), qPrintable(error));
    const QString certificate = selfSigned.certificateFile();
    QFile config(dir.filePath(QStringLiteral("vitrine.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("[grpc]\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n");
    config.close();

    vitrine::tests::ServerProcess server({{}, {QStringLiteral("--config"), config.fileName()}});
    QVERIFY2(server.start(&error), qPrintable(error));
    QProcessEnvironment environment = environmentFor(server.adminToken());
    environment.insert(QStringLiteral("VITRINE_SERVER"), server.grpcAddress());

    const CliResult trusted =
        runWithEnvironment({QStringLiteral("--ca-file"), certificate, QStringLiteral("whoami"),
                            QStringLiteral("-o"), QStringLiteral("json")},
                           environment);
    QVERIFY2(trusted.exitCode == 0, trusted.describe());
    QCOMPARE(parseJsonObject(trusted.out).value(QStringLiteral("name")).toString(), QStringLiteral("admin"));

    // Plaintext to a TLS server fails with a hint; so does a server certificate nobody vouches for.
    const CliResult plaintext = runWithEnvironment({QStringLiteral("whoami")}, environment);
    QVERIFY2(plaintext.exitCode == 1, plaintext.describe());
    QVERIFY2(plaintext.err.contains(QStringLiteral("--tls")), plaintext.describe());
    const CliResult untrusted =
        runWithEnvironment({QStringLiteral("--tls"), QStringLiteral("whoami")}, environment);
    QVERIFY2(untrusted.exitCode == 1, untrusted.describe());
    QVERIFY2(untrusted.err.contains(server.grpcAddress()), untrusted.describe());
    // One line that says it all, not gRPC's own log lines besides.
    QVERIFY2(untrusted.err.count(u'\n') == 1, untrusted.describe());

    const QString missing = dir.filePath(QStringLiteral("missing.pem"));
    const CliResult missingCa =
        runWithEnvironment({QStringLiteral("--ca-file"), missing, QStringLiteral("whoami")}, environment);
    QVERIFY2(missingCa.exitCode == kUsageExitCode, missingCa.describe());
    QVERIFY2(missingCa.err.contains(missing), missingCa.describe());
}

void TestVitrinectl::helpDescribesEveryLevel_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("global") << QStringList{QStringLiteral("--help")}
                            << QStringList{QStringLiteral("users"),    QStringLiteral("tokens"),
                                           QStringLiteral("repos"),    QStringLiteral("apps"),
                                           QStringLiteral("--server"), QStringLiteral("--token"),
                                           QStringLiteral("--output")};
    QTest::newRow("noun") << QStringList{QStringLiteral("apps"), QStringLiteral("--help")}
                          << QStringList{QStringLiteral("create"),  QStringLiteral("list"),
                                         QStringLiteral("env"),     QStringLiteral("start"),
                                         QStringLiteral("stop"),    QStringLiteral("restart"),
                                         QStringLiteral("rollback")};
    QTest::newRow("nested noun") << QStringList{QStringLiteral("apps"), QStringLiteral("env"),
                                                QStringLiteral("-h")}
                                 << QStringList{QStringLiteral("set"), QStringLiteral("unset"),
                                                QStringLiteral("list")};
    QTest::newRow("verb") << QStringList{QStringLiteral("apps"), QStringLiteral("create"),
                                         QStringLiteral("--help")}
                          << QStringList{QStringLiteral("--repo REPO"), QStringLiteral("--website"),
                                         QStringLiteral("--strip-prefix"), QStringLiteral("(required)")};
    QTest::newRow("version") << QStringList{QStringLiteral("--version")}
                             << QStringList{QStringLiteral("vitrinectl ")};
}

void TestVitrinectl::helpDescribesEveryLevel()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);

    // Help needs neither a token nor a server.
    const CliResult result = run(arguments, QString());
    QVERIFY2(result.exitCode == 0, result.describe());
    QVERIFY(result.err.isEmpty());
    for (const QString &mention : mentions)
        QVERIFY2(result.out.contains(mention), result.describe());
}

QProcessEnvironment TestVitrinectl::environmentFor(const QString &token) const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("VITRINE_SERVER"), m_server.grpcAddress());
    if (token.isEmpty())
        environment.remove(QStringLiteral("VITRINE_TOKEN"));
    else
        environment.insert(QStringLiteral("VITRINE_TOKEN"), token);
    return environment;
}

CliResult TestVitrinectl::run(const QStringList &arguments, const QString &token) const
{
    return runWithEnvironment(arguments, environmentFor(token));
}

CliResult TestVitrinectl::runWithEnvironment(const QStringList &arguments,
                                             const QProcessEnvironment &environment) const
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(VITRINECTL_BINARY), arguments);
    CliResult result;
    if (!process.waitForFinished(kCliTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("vitrinectl did not finish: %1").arg(process.errorString());
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QTEST_GUILESS_MAIN(TestVitrinectl)
#include "tst_vitrinectl.moc"
