#include "domain/error.h"
#include "domain/validation.h"

#include <QTest>

#include <functional>

using namespace vitrine::domain;

Q_DECLARE_METATYPE(vitrine::domain::BuildConfig)
Q_DECLARE_METATYPE(vitrine::domain::DeployType)
Q_DECLARE_METATYPE(vitrine::domain::Website)

namespace {

// Empty expectedField: the input is good and the check must pass. Otherwise it must throw BadRequest for that
// field, with a message that starts with the field and contains messagePart.
void verifyOutcome(const std::function<void()> &check, const QString &expectedField,
                   const QString &messagePart)
{
    try {
        check();
    } catch (const Error &error) {
        QVERIFY2(!expectedField.isEmpty(),
                 qPrintable(QStringLiteral("unexpected error: ") + error.message()));
        QCOMPARE(error.kind(), ErrorKind::BadRequest);
        QCOMPARE(error.field(), expectedField);
        QVERIFY2(error.message().startsWith(expectedField + QStringLiteral(": ")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
        return;
    }
    QVERIFY2(expectedField.isEmpty(),
             qPrintable(QStringLiteral("accepted, expected an error on ") + expectedField));
}

void addColumns()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");
}

void good(const char *row, const QString &input)
{
    QTest::newRow(row) << input << QString() << QString();
}

void bad(const char *row, const QString &input, const QString &field, const QString &messagePart = {})
{
    QTest::newRow(row) << input << field << messagePart;
}

QString repeated(char c, int count)
{
    return QString(count, QLatin1Char(c));
}

BuildConfig buildConfig(BuildType type, const QString &buildCommand = {}, const QString &startCommand = {},
                        const QString &artifactDir = {}, quint16 port = 0)
{
    BuildConfig build;
    build.type = type;
    build.buildCommand = buildCommand;
    build.startCommand = startCommand;
    build.artifactDir = artifactDir;
    build.port = port;
    return build;
}

Website website(const QString &fqdn, const QString &pathPrefix = QStringLiteral("/"),
                bool stripPrefix = false)
{
    return Website{fqdn, pathPrefix, stripPrefix};
}

// site0.example, site1.example, …
QList<Website> distinctWebsites(qsizetype count)
{
    QList<Website> websites;
    for (qsizetype i = 0; i < count; ++i)
        websites.append(website(QStringLiteral("site%1.example").arg(i)));
    return websites;
}

} // namespace

class TestValidation : public QObject {
    Q_OBJECT

private slots:
    void names_data();
    void names();
    void refs_data();
    void refs();
    void fqdns_data();
    void fqdns();
    void pathPrefixes_data();
    void pathPrefixes();
    void relativePaths_data();
    void relativePaths();
    void envKeys_data();
    void envKeys();
    void envValues_data();
    void envValues();
    void envVarCounts_data();
    void envVarCounts();
    void repositoryUrls_data();
    void repositoryUrls();
    void buildConfigs_data();
    void buildConfigs();
    void healthCheckPaths_data();
    void healthCheckPaths();
    void resourceLimits_data();
    void resourceLimits();
    void websiteLists_data();
    void websiteLists();
    void normalizedWebsiteLowercasesAndFillsThePrefix();
    void defaults_data();
    void defaults();
};

void TestValidation::names_data()
{
    addColumns();
    const QString field = QStringLiteral("name");
    good("one letter", QStringLiteral("a"));
    good("word", QStringLiteral("blog"));
    good("hyphens and digits", QStringLiteral("my-app-2"));
    good("digits first", QStringLiteral("2048"));
    good("63 characters", repeated('a', 63));
    bad("empty", {}, field, QStringLiteral("must not be empty"));
    bad("uppercase", QStringLiteral("Blog"), field, QStringLiteral("'Blog' must be lowercase"));
    bad("leading hyphen", QStringLiteral("-blog"), field, QStringLiteral("must not start or end with '-'"));
    bad("trailing hyphen", QStringLiteral("blog-"), field, QStringLiteral("must not start or end with '-'"));
    bad("underscore", QStringLiteral("my_app"), field, QStringLiteral("may contain only a-z, 0-9 and '-'"));
    bad("dot", QStringLiteral("a.b"), field, QStringLiteral("may contain only"));
    bad("space", QStringLiteral("a b"), field, QStringLiteral("may contain only"));
    bad("non-ASCII", QStringLiteral("blög"), field, QStringLiteral("may contain only"));
    bad("64 characters", repeated('a', 64), field, QStringLiteral("at most 63 characters"));
}

void TestValidation::names()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateName(QStringLiteral("name"), input); }, expectedField, messagePart);
}

void TestValidation::refs_data()
{
    addColumns();
    const QString field = QStringLiteral("ref");
    good("branch", QStringLiteral("main"));
    good("branch with slash", QStringLiteral("release/1.0"));
    good("full ref", QStringLiteral("refs/heads/main"));
    good("tag", QStringLiteral("v1.2.3"));
    good("at sign inside", QStringLiteral("user@feature"));
    good("non-ASCII", QStringLiteral("fonctionnalité"));
    good("255 characters", repeated('r', 255));
    bad("empty", {}, field, QStringLiteral("must not be empty"));
    bad("256 characters", repeated('r', 256), field, QStringLiteral("at most 255"));
    bad("double dot", QStringLiteral("a..b"), field, QStringLiteral("'..'"));
    bad("space", QStringLiteral("my branch"), field, QStringLiteral("spaces"));
    bad("tilde", QStringLiteral("main~1"), field);
    bad("caret", QStringLiteral("main^"), field);
    bad("colon", QStringLiteral("a:b"), field);
    bad("question mark", QStringLiteral("a?"), field);
    bad("star", QStringLiteral("feature/*"), field);
    bad("bracket", QStringLiteral("a[1]"), field);
    bad("backslash", QStringLiteral("a\\b"), field);
    bad("tab", QStringLiteral("a\tb"), field, QStringLiteral("control characters"));
    bad("DEL", QStringLiteral("a\x7f"), field, QStringLiteral("control characters"));
    bad("trailing slash", QStringLiteral("main/"), field, QStringLiteral("'/'"));
    bad("leading slash", QStringLiteral("/main"), field, QStringLiteral("'/'"));
    bad("double slash", QStringLiteral("a//b"), field, QStringLiteral("'//'"));
    bad("ends with .lock", QStringLiteral("main.lock"), field, QStringLiteral(".lock"));
    bad("component ends with .lock", QStringLiteral("a.lock/b"), field, QStringLiteral(".lock"));
    bad("component starts with dot", QStringLiteral("a/.hidden"), field, QStringLiteral("start with '.'"));
    bad("trailing dot", QStringLiteral("main."), field, QStringLiteral("end with '.'"));
    bad("at alone", QStringLiteral("@"), field);
    bad("reflog syntax", QStringLiteral("main@{1}"), field, QStringLiteral("'@{'"));
    bad("leading hyphen", QStringLiteral("-main"), field, QStringLiteral("'-'"));
}

void TestValidation::refs()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateRef(QStringLiteral("ref"), input); }, expectedField, messagePart);
}

void TestValidation::fqdns_data()
{
    addColumns();
    const QString field = QStringLiteral("websites[0].fqdn");
    good("localhost subdomain", QStringLiteral("blog.localhost"));
    good("three labels", QStringLiteral("www.example.com"));
    good("hyphen and digits", QStringLiteral("x-1.example2.org"));
    good("63-character label", repeated('a', 63) + QStringLiteral(".com"));
    bad("empty", {}, field, QStringLiteral("must not be empty"));
    bad("uppercase", QStringLiteral("Blog.Example"), field,
        QStringLiteral("'Blog.Example' must be lowercase"));
    bad("single label", QStringLiteral("localhost"), field, QStringLiteral("at least two labels"));
    bad("empty label", QStringLiteral("a..b"), field, QStringLiteral("empty label"));
    bad("leading dot", QStringLiteral(".a.b"), field, QStringLiteral("empty label"));
    bad("trailing dot", QStringLiteral("a.b."), field, QStringLiteral("empty label"));
    bad("underscore", QStringLiteral("my_app.example"), field, QStringLiteral("label 'my_app'"));
    bad("leading hyphen", QStringLiteral("-a.example"), field,
        QStringLiteral("must not start or end with '-'"));
    bad("trailing hyphen", QStringLiteral("a-.example"), field,
        QStringLiteral("must not start or end with '-'"));
    bad("space", QStringLiteral("a b.example"), field, QStringLiteral("may contain only"));
    bad("wildcard", QStringLiteral("*.example.com"), field, QStringLiteral("may contain only"));
    bad("IP address", QStringLiteral("10.0.0.1"), field, QStringLiteral("not an IP address"));
    bad("64-character label", repeated('a', 64) + QStringLiteral(".com"), field,
        QStringLiteral("longer than 63"));
    bad("254 characters", (repeated('a', 50) + QLatin1Char('.')).repeated(5) + QStringLiteral("abc"), field,
        QStringLiteral("at most 253"));
}

void TestValidation::fqdns()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateFqdn(QStringLiteral("websites[0].fqdn"), input); }, expectedField,
                  messagePart);
}

void TestValidation::pathPrefixes_data()
{
    addColumns();
    const QString field = QStringLiteral("websites[1].path_prefix");
    good("root", QStringLiteral("/"));
    good("one segment", QStringLiteral("/docs"));
    good("several segments", QStringLiteral("/api/v1"));
    good("unreserved characters", QStringLiteral("/a-b/c_d/e.f/g~h/IJ9"));
    bad("empty", {}, field, QStringLiteral("must start with '/'"));
    bad("relative", QStringLiteral("docs"), field, QStringLiteral("must start with '/'"));
    bad("trailing slash", QStringLiteral("/docs/"), field, QStringLiteral("must not end with '/'"));
    bad("double slash", QStringLiteral("/a//b"), field, QStringLiteral("'//'"));
    bad("only slashes", QStringLiteral("//"), field);
    bad("dot segment", QStringLiteral("/./docs"), field, QStringLiteral("'.' or '..'"));
    bad("dot-dot segment", QStringLiteral("/a/../b"), field, QStringLiteral("'.' or '..'"));
    bad("space", QStringLiteral("/my docs"), field, QStringLiteral("may contain only"));
    bad("query", QStringLiteral("/a?b=c"), field, QStringLiteral("may contain only"));
    bad("percent", QStringLiteral("/a%20b"), field, QStringLiteral("may contain only"));
    bad("non-ASCII", QStringLiteral("/café"), field, QStringLiteral("may contain only"));
}

void TestValidation::pathPrefixes()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validatePathPrefix(QStringLiteral("websites[1].path_prefix"), input); },
                  expectedField, messagePart);
}

void TestValidation::relativePaths_data()
{
    addColumns();
    const QString field = QStringLiteral("build.artifact_dir");
    good("directory", QStringLiteral("dist"));
    good("dot", QStringLiteral("."));
    good("dot slash", QStringLiteral("./public"));
    good("nested with trailing slash", QStringLiteral("web/build/"));
    good("dots inside a name", QStringLiteral("a..b"));
    bad("empty", {}, field, QStringLiteral("must not be empty"));
    bad("absolute", QStringLiteral("/srv/www"), field, QStringLiteral("relative to the repository root"));
    bad("parent", QStringLiteral("../secrets"), field, QStringLiteral("inside the repository"));
    bad("parent inside", QStringLiteral("a/../../b"), field, QStringLiteral("inside the repository"));
    bad("backslash", QStringLiteral("a\\b"), field, QStringLiteral("'/' as separator"));
    bad("newline", QStringLiteral("a\nb"), field, QStringLiteral("control characters"));
}

void TestValidation::relativePaths()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateRelativePath(QStringLiteral("build.artifact_dir"), input); }, expectedField,
                  messagePart);
}

void TestValidation::envKeys_data()
{
    addColumns();
    const QString pattern = QStringLiteral("must match ^[A-Z_][A-Z0-9_]*$");
    good("word", QStringLiteral("PORT"));
    good("underscore first", QStringLiteral("_PRIVATE"));
    good("digits after the first", QStringLiteral("DB_2_URL"));
    good("256 characters", repeated('K', 256));
    bad("empty", {}, QStringLiteral("env"), QStringLiteral("a key must not be empty"));
    bad("lowercase", QStringLiteral("foo"), QStringLiteral("env.foo"), pattern);
    bad("digit first", QStringLiteral("1PASSWORD"), QStringLiteral("env.1PASSWORD"), pattern);
    bad("hyphen", QStringLiteral("MY-KEY"), QStringLiteral("env.MY-KEY"), pattern);
    bad("equals sign", QStringLiteral("A=B"), QStringLiteral("env.A=B"), pattern);
}

void TestValidation::envKeys()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome(
        [&] {
            validateEnvVars(QStringLiteral("env"), EnvVars{{input, QStringLiteral("value")}});
        },
        expectedField, messagePart);
}

void TestValidation::envValues_data()
{
    addColumns();
    const QString field = QStringLiteral("env.VALUE");
    good("text", QStringLiteral("postgres://db/app"));
    good("empty", QString());
    good("multi-line", QStringLiteral("line one\nline two"));
    good("64 KiB", repeated('v', 64 * 1024));
    bad("over 64 KiB", repeated('v', 64 * 1024 + 1), field, QStringLiteral("at most 64 KiB"));
    bad("NUL", QStringLiteral("a") + QChar(u'\0') + QStringLiteral("b"), field, QStringLiteral("NUL"));
}

void TestValidation::envValues()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    const EnvVars env{{QStringLiteral("OTHER"), QStringLiteral("fine")}, {QStringLiteral("VALUE"), input}};
    verifyOutcome([&] { validateEnvVars(QStringLiteral("env"), env); }, expectedField, messagePart);
}

void TestValidation::envVarCounts_data()
{
    QTest::addColumn<qsizetype>("count");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("none") << qsizetype(0) << QString() << QString();
    QTest::newRow("as many as allowed") << kMaxEnvVars << QString() << QString();
    QTest::newRow("one too many") << kMaxEnvVars + 1 << QStringLiteral("env")
                                  << QStringLiteral("at most 256 env vars are allowed, got 257");
}

void TestValidation::envVarCounts()
{
    QFETCH(qsizetype, count);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    EnvVars env;
    for (qsizetype i = 0; i < count; ++i)
        env.insert(QStringLiteral("KEY_%1").arg(i), QStringLiteral("value"));
    verifyOutcome([&] { validateEnvVars(QStringLiteral("env"), env); }, expectedField, messagePart);
}

void TestValidation::repositoryUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("allowLocal");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");

    const QString field = QStringLiteral("url");
    const auto good = [](const char *row, const char *url, bool allowLocal = false) {
        QTest::newRow(row) << QString::fromUtf8(url) << allowLocal << QString() << QString();
    };
    const auto bad = [&field](const char *row, const char *url, const char *messagePart,
                              bool allowLocal = false) {
        QTest::newRow(row) << QString::fromUtf8(url) << allowLocal << field << QString::fromUtf8(messagePart);
    };

    good("https", "https://github.com/club/site.git");
    good("https with port", "https://git.example.com:8443/club/site");
    good("ssh with user", "ssh://git@example.com/club/site.git");
    good("ssh with port", "ssh://example.com:2222/srv/site");
    good("scp-like", "git@github.com:club/site.git");
    good("scp-like to an IP", "deploy@10.0.0.7:repos/site");
    good("local path allowed", "/srv/repos/site", true);
    good("file URL allowed", "file:///srv/repos/site", true);
    good("https still fine with local allowed", "https://github.com/club/site.git", true);

    bad("empty", "", "must not be empty");
    bad("http", "http://github.com/club/site.git",
        "'http://github.com/club/site.git' uses http; use https://, ssh:// or git@host:path");
    bad("git protocol", "git://github.com/club/site.git", "uses git;");
    bad("ftp", "ftp://example.com/site.git", "uses ftp;");
    bad("https with password", "https://me:secret@github.com/club/site.git", "must not contain credentials");
    bad("https with user", "https://me@github.com/club/site.git", "must not contain credentials");
    bad("ssh with password", "ssh://git:secret@example.com/site.git", "must not contain credentials");
    bad("scp-like with password", "git:secret@example.com:site.git", "must not contain a password");
    bad("scp-like without user", "example.com:club/site.git", "missing the user");
    bad("scp-like without host", "git@:club/site.git", "has no host");
    bad("scp-like without path", "git@example.com:", "has no repository path");
    bad("https without path", "https://github.com", "has no repository path");
    bad("https root path", "https://github.com/", "has no repository path");
    bad("https with query", "https://github.com/club/site.git?ref=main", "query or fragment");
    bad("ssh port 0", "ssh://example.com:0/site.git", "invalid port");
    bad("space", "https://github.com/club/my site", "must not contain spaces");
    bad("relative path", "repos/site", "is not a repository URL");
    bad("local path refused", "/srv/repos/site",
        "local repositories are refused unless the server runs with --allow-local-repos");
    bad("file URL refused", "file:///srv/repos/site", "--allow-local-repos");
    bad("file URL with remote host", "file://otherhost/srv/site", "not a local file:// URL", true);
    bad("root directory", "/", "absolute path to a repository", true);
    bad("local path with dot-dot", "/srv/../etc", "'..'", true);
}

void TestValidation::repositoryUrls()
{
    QFETCH(QString, url);
    QFETCH(bool, allowLocal);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateRepositoryUrl(QStringLiteral("url"), url, allowLocal); }, expectedField,
                  messagePart);
}

void TestValidation::buildConfigs_data()
{
    QTest::addColumn<BuildConfig>("build");
    QTest::addColumn<DeployType>("deployType");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");

    const auto good = [](const char *row, const BuildConfig &build, DeployType deployType) {
        QTest::newRow(row) << build << deployType << QString() << QString();
    };
    const auto bad = [](const char *row, const BuildConfig &build, DeployType deployType, const char *field,
                        const char *messagePart) {
        QTest::newRow(row) << build << deployType << QString::fromUtf8(field)
                           << QString::fromUtf8(messagePart);
    };
    const auto with = [](BuildConfig build, auto change) {
        change(build);
        return build;
    };
    const DeployType staticDeploy = DeployType::Static;
    const DeployType runtime = DeployType::Runtime;
    const BuildConfig plainStatic = buildConfig(BuildType::Static);
    const BuildConfig staticCmd =
        buildConfig(BuildType::StaticCmd, QStringLiteral("npm run build"), {}, QStringLiteral("dist"));
    const BuildConfig staticDockerfile =
        buildConfig(BuildType::StaticDockerfile, {}, {}, QStringLiteral("/out"));
    const BuildConfig runtimeCmd = buildConfig(BuildType::RuntimeCmd, {}, QStringLiteral("./server"));
    const BuildConfig runtimeDockerfile = buildConfig(BuildType::RuntimeDockerfile);
    const BuildConfig autoDetect = buildConfig(BuildType::Auto);

    good("static", plainStatic, staticDeploy);
    good("static with artifact dir",
         with(plainStatic, [](auto &b) { b.artifactDir = QStringLiteral("public"); }), staticDeploy);
    bad("static with build command",
        with(plainStatic, [](auto &b) { b.buildCommand = QStringLiteral("make"); }), staticDeploy,
        "build.build_command", "must be empty for build type 'static'");
    bad("static with start command",
        with(plainStatic, [](auto &b) { b.startCommand = QStringLiteral("serve"); }), staticDeploy,
        "build.start_command", "must be empty for build type 'static'");
    bad("static with dockerfile",
        with(plainStatic, [](auto &b) { b.dockerfile = QStringLiteral("Dockerfile"); }), staticDeploy,
        "build.dockerfile", "must be empty");
    bad("static with context dir", with(plainStatic, [](auto &b) { b.contextDir = QStringLiteral("web"); }),
        staticDeploy, "build.context_dir", "must be empty");
    bad("static with port", with(plainStatic, [](auto &b) { b.port = 3000; }), staticDeploy, "build.port",
        "must be empty");
    bad("static deployed as runtime", plainStatic, runtime, "deploy_type",
        "'runtime' does not fit build type 'static'");
    bad("static with absolute artifact dir",
        with(plainStatic, [](auto &b) { b.artifactDir = QStringLiteral("/var/www"); }), staticDeploy,
        "build.artifact_dir", "relative");

    good("static-cmd", staticCmd, staticDeploy);
    good("static-cmd with context dir",
         with(staticCmd, [](auto &b) { b.contextDir = QStringLiteral("site"); }), staticDeploy);
    bad("static-cmd without build command", with(staticCmd, [](auto &b) { b.buildCommand.clear(); }),
        staticDeploy, "build.build_command", "is required for build type 'static-cmd'");
    bad("static-cmd without artifact dir", with(staticCmd, [](auto &b) { b.artifactDir.clear(); }),
        staticDeploy, "build.artifact_dir", "is required for build type 'static-cmd'");
    bad("static-cmd with start command",
        with(staticCmd, [](auto &b) { b.startCommand = QStringLiteral("x"); }), staticDeploy,
        "build.start_command", "must be empty");
    bad("static-cmd with parent artifact dir",
        with(staticCmd, [](auto &b) { b.artifactDir = QStringLiteral("../x"); }), staticDeploy,
        "build.artifact_dir", "inside the repository");
    bad("static-cmd with parent context dir",
        with(staticCmd, [](auto &b) { b.contextDir = QStringLiteral(".."); }), staticDeploy,
        "build.context_dir", "inside the repository");
    good("static-cmd with a 4 KiB command",
         with(staticCmd, [](auto &b) { b.buildCommand = QString(4096, QLatin1Char('x')); }), staticDeploy);
    bad("static-cmd with a longer command",
        with(staticCmd, [](auto &b) { b.buildCommand = QString(4097, QLatin1Char('x')); }), staticDeploy,
        "build.build_command", "at most 4096 bytes");
    bad("static-cmd with NUL in the command",
        with(staticCmd, [](auto &b) { b.buildCommand = QStringLiteral("make") + QChar(u'\0'); }),
        staticDeploy, "build.build_command", "NUL");

    bad("static-dockerfile without artifact dir", buildConfig(BuildType::StaticDockerfile), staticDeploy,
        "build.artifact_dir", "is required");
    good("static-dockerfile", with(staticDockerfile, [](auto &b) { b.artifactDir = QStringLiteral("out"); }),
         staticDeploy);
    good("static-dockerfile with context and dockerfile",
         with(staticDockerfile,
              [](auto &b) {
                  b.artifactDir = QStringLiteral("out");
                  b.contextDir = QStringLiteral("web");
                  b.dockerfile = QStringLiteral("docker/Dockerfile.prod");
              }),
         staticDeploy);
    bad("static-dockerfile with absolute artifact dir", staticDockerfile, staticDeploy, "build.artifact_dir",
        "relative");
    bad("static-dockerfile with build command",
        with(staticDockerfile,
             [](auto &b) {
                 b.artifactDir = QStringLiteral("out");
                 b.buildCommand = QStringLiteral("make");
             }),
        staticDeploy, "build.build_command", "must be empty for build type 'static-dockerfile'");

    good("runtime-cmd", runtimeCmd, runtime);
    good("runtime-cmd with build command and port",
         with(runtimeCmd,
              [](auto &b) {
                  b.buildCommand = QStringLiteral("go build -o server");
                  b.port = 3000;
              }),
         runtime);
    bad("runtime-cmd without start command", with(runtimeCmd, [](auto &b) { b.startCommand.clear(); }),
        runtime, "build.start_command", "is required for build type 'runtime-cmd'");
    bad("runtime-cmd with artifact dir",
        with(runtimeCmd, [](auto &b) { b.artifactDir = QStringLiteral("x"); }), runtime, "build.artifact_dir",
        "must be empty");
    bad("runtime-cmd with dockerfile", with(runtimeCmd, [](auto &b) { b.dockerfile = QStringLiteral("D"); }),
        runtime, "build.dockerfile", "must be empty");
    bad("runtime-cmd deployed as static", runtimeCmd, staticDeploy, "deploy_type",
        "'static' does not fit build type 'runtime-cmd'");
    bad("runtime-cmd with NUL in the start command",
        with(runtimeCmd, [](auto &b) { b.startCommand += QChar(u'\0'); }), runtime, "build.start_command",
        "NUL");

    good("runtime-dockerfile", runtimeDockerfile, runtime);
    good("runtime-dockerfile with port", with(runtimeDockerfile, [](auto &b) { b.port = 65535; }), runtime);
    bad("runtime-dockerfile with start command",
        with(runtimeDockerfile, [](auto &b) { b.startCommand = QStringLiteral("x"); }), runtime,
        "build.start_command", "must be empty for build type 'runtime-dockerfile'");
    bad("runtime-dockerfile with absolute dockerfile",
        with(runtimeDockerfile, [](auto &b) { b.dockerfile = QStringLiteral("/Dockerfile"); }), runtime,
        "build.dockerfile", "relative");

    good("auto as runtime", autoDetect, runtime);
    good("auto as static", autoDetect, staticDeploy);
    good("auto with context dir and port",
         with(autoDetect,
              [](auto &b) {
                  b.contextDir = QStringLiteral("app");
                  b.port = 5000;
              }),
         runtime);
    bad("auto with build command", with(autoDetect, [](auto &b) { b.buildCommand = QStringLiteral("make"); }),
        runtime, "build.build_command", "must be empty for build type 'auto'");
    bad("auto as static with port", with(autoDetect, [](auto &b) { b.port = 5000; }), staticDeploy,
        "build.port", "static deploy");
}

void TestValidation::buildConfigs()
{
    QFETCH(BuildConfig, build);
    QFETCH(DeployType, deployType);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    // As the use cases do: the defaults first, so they never add a field the type ignores.
    verifyOutcome([&] { validateBuildConfig(QStringLiteral("build"), withDefaults(build), deployType); },
                  expectedField, messagePart);
}

void TestValidation::healthCheckPaths_data()
{
    addColumns();
    const QString field = QStringLiteral("health_check_path");
    good("none: the port is checked", QString());
    good("root", QStringLiteral("/"));
    good("path", QStringLiteral("/healthz"));
    good("query", QStringLiteral("/status?deep=1"));
    good("1024 characters", u'/' + repeated('h', 1023));
    bad("relative", QStringLiteral("healthz"), field, QStringLiteral("'healthz' must start with '/'"));
    bad("URL", QStringLiteral("http://localhost/healthz"), field, QStringLiteral("must start with '/'"));
    bad("over 1024 characters", u'/' + repeated('h', 1024), field,
        QStringLiteral("must be at most 1024 characters"));
    bad("space", QStringLiteral("/health check"), field, QStringLiteral("spaces or control characters"));
    bad("newline", QStringLiteral("/healthz\nHost: evil"), field,
        QStringLiteral("spaces or control characters"));
}

void TestValidation::healthCheckPaths()
{
    QFETCH(QString, input);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateHealthCheckPath(QStringLiteral("health_check_path"), input); }, expectedField,
                  messagePart);
}

void TestValidation::resourceLimits_data()
{
    QTest::addColumn<QString>("limit");
    QTest::addColumn<quint32>("value");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");
    const auto row = [](const char *name, const char *limit, quint32 value, const char *expectedField = "",
                        const char *messagePart = "") {
        QTest::newRow(name) << QString::fromUtf8(limit) << value << QString::fromUtf8(expectedField)
                            << QString::fromUtf8(messagePart);
    };
    row("memory: server default", "memory_limit_mb", 0);
    row("memory: smallest", "memory_limit_mb", 16);
    row("memory: typical", "memory_limit_mb", 512);
    row("memory: largest", "memory_limit_mb", 262144);
    row("memory: too small", "memory_limit_mb", 15, "memory_limit_mb",
        "15 MB is out of range: give 16 to 262144 MB, or 0 for the server's default");
    row("memory: too large", "memory_limit_mb", 262145, "memory_limit_mb", "262145 MB is out of range");
    row("cpu: server default", "cpu_millicores", 0);
    row("cpu: smallest", "cpu_millicores", 10);
    row("cpu: half a core", "cpu_millicores", 500);
    row("cpu: largest", "cpu_millicores", 256000);
    row("cpu: too small", "cpu_millicores", 9, "cpu_millicores",
        "9 millicores is out of range: give 10 to 256000 (1000 is one core)");
    row("cpu: too large", "cpu_millicores", 256001, "cpu_millicores", "256001 millicores is out of range");
}

void TestValidation::resourceLimits()
{
    QFETCH(QString, limit);
    QFETCH(quint32, value);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome(
        [&] {
            if (limit == u"memory_limit_mb")
                validateMemoryLimitMb(limit, value);
            else
                validateCpuMillicores(limit, value);
        },
        expectedField, messagePart);
}

void TestValidation::websiteLists_data()
{
    QTest::addColumn<QList<Website>>("websites");
    QTest::addColumn<QString>("expectedField");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("one") << QList{website(QStringLiteral("blog.localhost"))} << QString() << QString();
    QTest::newRow("same host, other paths")
        << QList{website(QStringLiteral("club.example")),
                 website(QStringLiteral("club.example"), QStringLiteral("/docs")),
                 website(QStringLiteral("club.example"), QStringLiteral("/api"), true)}
        << QString() << QString();
    QTest::newRow("listed twice") << QList{website(QStringLiteral("a.example")),
                                           website(QStringLiteral("b.example")),
                                           website(QStringLiteral("a.example"))}
                                  << QStringLiteral("websites[2]")
                                  << QStringLiteral("'a.example' is listed twice (also websites[0])");
    QTest::newRow("same path listed twice")
        << QList{website(QStringLiteral("a.example"), QStringLiteral("/docs"), true),
                 website(QStringLiteral("a.example"), QStringLiteral("/docs"))}
        << QStringLiteral("websites[1]") << QStringLiteral("'a.example/docs' is listed twice");
    QTest::newRow("bad host in the second")
        << QList{website(QStringLiteral("a.example")), website(QStringLiteral("Shop.Example"))}
        << QStringLiteral("websites[1].fqdn") << QStringLiteral("must be lowercase");
    QTest::newRow("bad path prefix") << QList{website(QStringLiteral("a.example"), QStringLiteral("docs/"))}
                                     << QStringLiteral("websites[0].path_prefix")
                                     << QStringLiteral("must start with '/'");
    QTest::newRow("strip prefix at the root")
        << QList{website(QStringLiteral("a.example"), QStringLiteral("/"), true)}
        << QStringLiteral("websites[0].strip_prefix") << QStringLiteral("below '/'");
    QTest::newRow("as many as allowed") << distinctWebsites(kMaxWebsites) << QString() << QString();
    QTest::newRow("one too many") << distinctWebsites(kMaxWebsites + 1) << QStringLiteral("websites")
                                  << QStringLiteral("at most 32 websites are allowed, got 33");
}

void TestValidation::websiteLists()
{
    QFETCH(QList<Website>, websites);
    QFETCH(QString, expectedField);
    QFETCH(QString, messagePart);
    verifyOutcome([&] { validateWebsites(QStringLiteral("websites"), websites); }, expectedField,
                  messagePart);
}

void TestValidation::normalizedWebsiteLowercasesAndFillsThePrefix()
{
    const Website normalized = normalizedWebsite(Website{QStringLiteral("Blog.Example."), QString(), false});
    QCOMPARE(normalized.fqdn, QStringLiteral("blog.example"));
    QCOMPARE(normalized.pathPrefix, QStringLiteral("/"));
    QVERIFY(!normalized.stripPrefix);

    const Website untouched{QStringLiteral("shop.example"), QStringLiteral("/api"), true};
    QCOMPARE(normalizedWebsite(untouched), untouched);
}

void TestValidation::defaults_data()
{
    QTest::addColumn<BuildConfig>("build");
    QTest::addColumn<QString>("artifactDir");
    QTest::addColumn<QString>("dockerfile");
    QTest::addColumn<int>("port");

    const QString dockerfile = QStringLiteral("Dockerfile");
    QTest::newRow("static") << buildConfig(BuildType::Static) << QStringLiteral(".") << QString() << 0;
    QTest::newRow("static keeps its dir") << buildConfig(BuildType::Static, {}, {}, QStringLiteral("public"))
                                          << QStringLiteral("public") << QString() << 0;
    QTest::newRow("static-cmd") << buildConfig(BuildType::StaticCmd) << QString() << QString() << 0;
    QTest::newRow("static-dockerfile")
        << buildConfig(BuildType::StaticDockerfile) << QString() << dockerfile << 0;
    QTest::newRow("runtime-cmd") << buildConfig(BuildType::RuntimeCmd) << QString() << QString() << 8080;
    QTest::newRow("runtime-cmd keeps its port")
        << buildConfig(BuildType::RuntimeCmd, {}, {}, {}, 3000) << QString() << QString() << 3000;
    QTest::newRow("runtime-dockerfile")
        << buildConfig(BuildType::RuntimeDockerfile) << QString() << dockerfile << 8080;
    QTest::newRow("auto") << buildConfig(BuildType::Auto) << QString() << QString() << 0;
}

void TestValidation::defaults()
{
    QFETCH(BuildConfig, build);
    QFETCH(QString, artifactDir);
    QFETCH(QString, dockerfile);
    QFETCH(int, port);
    const BuildConfig filled = withDefaults(build);
    QCOMPARE(filled.artifactDir, artifactDir);
    QCOMPARE(filled.dockerfile, dockerfile);
    QCOMPARE(int(filled.port), port);
    QCOMPARE(withDefaults(filled), filled);
}

QTEST_APPLESS_MAIN(TestValidation)
#include "tst_validation.moc"
