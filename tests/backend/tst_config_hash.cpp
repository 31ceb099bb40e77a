#include "domain/config_hash.h"

#include <QTest>

#include <functional>

using namespace vitrine::domain;

namespace {

BuildConfig knownBuild()
{
    BuildConfig build;
    build.type = BuildType::RuntimeCmd;
    build.buildCommand = QStringLiteral("npm ci");
    build.startCommand = QStringLiteral("node server.js");
    build.contextDir = QStringLiteral("app");
    build.port = 8080;
    return build;
}

EnvVars knownEnv()
{
    EnvVars env;
    env.insert(QStringLiteral("NODE_ENV"), QStringLiteral("production"));
    env.insert(QStringLiteral("API_URL"), QStringLiteral("https://api.example"));
    return env;
}

} // namespace

using Change = std::function<void(BuildConfig &, EnvVars &)>;
Q_DECLARE_METATYPE(Change)

class TestConfigHash : public QObject {
    Q_OBJECT

private slots:
    void knownInputHasAFixedHash();
    void envInsertionOrderDoesNotMatter();
    void everyChangeChangesTheHash_data();
    void everyChangeChangesTheHash();
};

void TestConfigHash::knownInputHasAFixedHash()
{
    // Builds are keyed by this hash in stored data: a new value here means every app rebuilds after an
    // upgrade.
    QCOMPARE(configHash(knownBuild(), knownEnv()),
             QStringLiteral("854ca32dbcbd210d15e5c974567eb0fe81f10781e375685e56ae23a0e03dc906"));
}

void TestConfigHash::envInsertionOrderDoesNotMatter()
{
    EnvVars reversed;
    const EnvVars env = knownEnv();
    for (auto it = env.cend(); it != env.cbegin();) {
        --it;
        reversed.insert(it.key(), it.value());
    }
    QCOMPARE(configHash(knownBuild(), reversed), configHash(knownBuild(), env));
}

void TestConfigHash::everyChangeChangesTheHash_data()
{
    QTest::addColumn<Change>("change");

    const auto row = [](const char *name, Change change) { QTest::newRow(name) << change; };
    row("build type", [](BuildConfig &b, EnvVars &) { b.type = BuildType::RuntimeDockerfile; });
    row("build command", [](BuildConfig &b, EnvVars &) { b.buildCommand = QStringLiteral("npm install"); });
    row("start command", [](BuildConfig &b, EnvVars &) { b.startCommand = QStringLiteral("node app.js"); });
    row("artifact dir", [](BuildConfig &b, EnvVars &) { b.artifactDir = QStringLiteral("dist"); });
    row("dockerfile", [](BuildConfig &b, EnvVars &) { b.dockerfile = QStringLiteral("Dockerfile"); });
    row("context dir", [](BuildConfig &b, EnvVars &) { b.contextDir = QStringLiteral("web"); });
    row("port", [](BuildConfig &b, EnvVars &) { b.port = 3000; });
    row("text moved between commands", [](BuildConfig &b, EnvVars &) {
        b.buildCommand = QStringLiteral("npm cinode server.js");
        b.startCommand.clear();
    });
    row("env value",
        [](BuildConfig &, EnvVars &e) { e[QStringLiteral("NODE_ENV")] = QStringLiteral("staging"); });
    row("env var added",
        [](BuildConfig &, EnvVars &e) { e.insert(QStringLiteral("DEBUG"), QStringLiteral("1")); });
    row("env var removed", [](BuildConfig &, EnvVars &e) { e.remove(QStringLiteral("API_URL")); });
    row("env var emptied", [](BuildConfig &, EnvVars &e) { e[QStringLiteral("API_URL")].clear(); });
    row("env key renamed", [](BuildConfig &, EnvVars &e) {
        e.insert(QStringLiteral("API_URL2"), e.take(QStringLiteral("API_URL")));
    });
    row("text moved between key and value", [](BuildConfig &, EnvVars &e) {
        e.remove(QStringLiteral("NODE_ENV"));
        e.insert(QStringLiteral("NODE_ENVp"), QStringLiteral("roduction"));
    });
}

void TestConfigHash::everyChangeChangesTheHash()
{
    QFETCH(Change, change);
    BuildConfig build = knownBuild();
    EnvVars env = knownEnv();
    change(build, env);
    QVERIFY(configHash(build, env) != configHash(knownBuild(), knownEnv()));
}

QTEST_APPLESS_MAIN(TestConfigHash)
#include "tst_config_hash.moc"
