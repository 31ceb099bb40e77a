#include "domain/error.h"
#include "usecases/stack_detection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace vitrine::domain;
using vitrine::usecases::describeDetection;
using vitrine::usecases::describePlan;
using vitrine::usecases::detectStack;
using vitrine::usecases::StackPlan;

namespace {

using Tree = QMap<QString, QByteArray>;

// Writes the tree into a fresh directory and returns it.
std::unique_ptr<QTemporaryDir> writeTree(const Tree &tree)
{
    auto root = std::make_unique<QTemporaryDir>();
    for (auto file = tree.cbegin(); file != tree.cend(); ++file) {
        const QString path = root->filePath(file.key());
        QDir().mkpath(QFileInfo(path).path());
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(file.value()) != file.value().size())
            qFatal("cannot write %s", qPrintable(path));
    }
    return root;
}

const QByteArray kNodeApp = R"({"name": "app", "scripts": {"build": "tsc", "start": "node dist/server.js"},
                                "dependencies": {"express": "^4.18.0"}})";

} // namespace

Q_DECLARE_METATYPE(vitrine::domain::DeployType)

class TestStackDetection : public QObject {
    Q_OBJECT

private slots:
    void detectsThePlan_data();
    void detectsThePlan();
    void refusesWhatItCannotPlan_data();
    void refusesWhatItCannotPlan();
    void aLinkOutOfTheTreeIsNotRead();
    void toolCachesStayOutOfTheSource();
};

void TestStackDetection::detectsThePlan_data()
{
    QTest::addColumn<Tree>("tree");
    QTest::addColumn<DeployType>("appDeployType");
    QTest::addColumn<QString>("detected");
    QTest::addColumn<QString>("plan");
    QTest::addColumn<DeployType>("deployType");
    QTest::addColumn<QString>("startCommand");
    QTest::addColumn<QStringList>("artifactDirs");

    const auto runtime = DeployType::Runtime;
    const auto staticSite = DeployType::Static;
    const QStringList siteDirs{QStringLiteral("dist"), QStringLiteral("build"), QStringLiteral("out"),
                               QStringLiteral("public")};
    const QString nodeSitePlan =
        QStringLiteral("publish the first of dist/, build/, out/ or public/ that exists");

    QTest::newRow("node with build and start scripts and a lock file")
        << Tree{{QStringLiteral("package.json"), kNodeApp}, {QStringLiteral("package-lock.json"), "{}"}}
        << runtime << QStringLiteral("Detected Node.js (package.json, package-lock.json)")
        << QStringLiteral("Plan: install `npm ci`, build `npm run build`, start `npm start`") << runtime
        << QStringLiteral("npm start") << QStringList();
    QTest::newRow("node with dependencies, no lock file, no build")
        << Tree{{QStringLiteral("package.json"),
                 R"({"scripts": {"start": "node app.js"}, "devDependencies": {"nodemon": "3"}})"}}
        << runtime << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: install `npm install`, start `npm start`") << runtime
        << QStringLiteral("npm start") << QStringList();
    QTest::newRow("node without scripts: main")
        << Tree{{QStringLiteral("package.json"), R"({"main": "src/app.js"})"},
                {QStringLiteral("server.js"), "x"}}
        << runtime << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: start `node src/app.js`") << runtime << QStringLiteral("node src/app.js")
        << QStringList();
    QTest::newRow("node without scripts: a main with a space is quoted")
        << Tree{{QStringLiteral("package.json"), R"({"main": "my app.js"})"}} << runtime
        << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: start `node 'my app.js'`") << runtime << QStringLiteral("node 'my app.js'")
        << QStringList();
    QTest::newRow("node without scripts: server.js before index.js")
        << Tree{{QStringLiteral("package.json"), "{}"},
                {QStringLiteral("server.js"), "x"},
                {QStringLiteral("index.js"), "x"}}
        << runtime << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: start `node server.js`") << runtime << QStringLiteral("node server.js")
        << QStringList();
    QTest::newRow("node without scripts: index.js")
        << Tree{{QStringLiteral("package.json"), "{}"}, {QStringLiteral("index.js"), "x"}} << runtime
        << QStringLiteral("Detected Node.js (package.json)") << QStringLiteral("Plan: start `node index.js`")
        << runtime << QStringLiteral("node index.js") << QStringList();
    QTest::newRow("node with a Procfile")
        << Tree{{QStringLiteral("package.json"), kNodeApp},
                {QStringLiteral("Procfile"), "worker: node worker.js\nweb: node dist/web.js --port $PORT\n"}}
        << runtime << QStringLiteral("Detected Node.js (package.json, Procfile)")
        << QStringLiteral(
               "Plan: install `npm install`, build `npm run build`, start `node dist/web.js --port "
               "$PORT`")
        << runtime << QStringLiteral("node dist/web.js --port $PORT") << QStringList();
    QTest::newRow("node with only a build script is a site")
        << Tree{{QStringLiteral("package.json"), R"({"scripts": {"build": "vite build"}})"}} << runtime
        << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: build `npm run build`, ") + nodeSitePlan << staticSite << QString()
        << siteDirs;
    QTest::newRow("node for a static app")
        << Tree{{QStringLiteral("package.json"), kNodeApp}, {QStringLiteral("Procfile"), "web: npm start\n"}}
        << staticSite << QStringLiteral("Detected Node.js (package.json)")
        << QStringLiteral("Plan: install `npm install`, build `npm run build`, ") + nodeSitePlan << staticSite
        << QString() << siteDirs;
    QTest::newRow("python with requirements")
        << Tree{{QStringLiteral("requirements.txt"), "flask==3.0\n"}, {QStringLiteral("app.py"), "x"}}
        << runtime << QStringLiteral("Detected Python (requirements.txt, app.py)")
        << QStringLiteral("Plan: install `python3 -m pip install --target .vitrine-python -r "
                          "requirements.txt`, start `PYTHONPATH=\"$PWD/.vitrine-python\" python3 app.py`")
        << runtime << QStringLiteral("PYTHONPATH=\"$PWD/.vitrine-python\" python3 app.py") << QStringList();
    QTest::newRow("python with nothing to install")
        << Tree{{QStringLiteral("requirements.txt"), "# nothing yet\n\n"}, {QStringLiteral("main.py"), "x"}}
        << runtime << QStringLiteral("Detected Python (requirements.txt, main.py)")
        << QStringLiteral("Plan: start `python3 main.py`") << runtime << QStringLiteral("python3 main.py")
        << QStringList();
    QTest::newRow("python: a script alone")
        << Tree{{QStringLiteral("server.py"), "x"}, {QStringLiteral("README.md"), "x"}} << runtime
        << QStringLiteral("Detected Python (server.py)") << QStringLiteral("Plan: start `python3 server.py`")
        << runtime << QStringLiteral("python3 server.py") << QStringList();
    QTest::newRow("python: app.py before main.py, before the site in public/")
        << Tree{{QStringLiteral("main.py"), "x"},
                {QStringLiteral("app.py"), "x"},
                {QStringLiteral("public/index.html"), "x"}}
        << runtime << QStringLiteral("Detected Python (app.py)")
        << QStringLiteral("Plan: start `python3 app.py`") << runtime << QStringLiteral("python3 app.py")
        << QStringList();
    QTest::newRow("python project with a Procfile")
        << Tree{{QStringLiteral("pyproject.toml"), "[project]\nname = \"app\"\n"},
                {QStringLiteral("Procfile"), "web: gunicorn app:app\n"}}
        << runtime << QStringLiteral("Detected Python (pyproject.toml, Procfile)")
        << QStringLiteral("Plan: install `python3 -m pip install --target .vitrine-python .`, start `export "
                          "PYTHONPATH=\"$PWD/.vitrine-python\" PATH=\"$PWD/.vitrine-python/bin:$PATH\"; "
                          "gunicorn app:app`")
        << runtime
        << QStringLiteral(
               "export PYTHONPATH=\"$PWD/.vitrine-python\" PATH=\"$PWD/.vitrine-python/bin:$PATH\"; "
               "gunicorn app:app")
        << QStringList();
    QTest::newRow("go") << Tree{{QStringLiteral("go.mod"), "module example.com/app\n"},
                                {QStringLiteral("main.go"), "x"}}
                        << runtime << QStringLiteral("Detected Go (go.mod)")
                        << QStringLiteral(
                               "Plan: build `go build -o ./.vitrine-app .`, start `./.vitrine-app`")
                        << runtime << QStringLiteral("./.vitrine-app") << QStringList();
    QTest::newRow("go with a Procfile")
        << Tree{{QStringLiteral("go.mod"), "module example.com/app\n"},
                {QStringLiteral("Procfile"), "web: ./.vitrine-app -listen :$PORT\n"}}
        << runtime << QStringLiteral("Detected Go (go.mod, Procfile)")
        << QStringLiteral("Plan: build `go build -o ./.vitrine-app .`, start `./.vitrine-app -listen :$PORT`")
        << runtime << QStringLiteral("./.vitrine-app -listen :$PORT") << QStringList();
    QTest::newRow("a Procfile alone")
        << Tree{{QStringLiteral("Procfile"), "web: ./serve.sh\n"}, {QStringLiteral("index.html"), "x"}}
        << runtime << QStringLiteral("Detected a web process (Procfile)")
        << QStringLiteral("Plan: start `./serve.sh`") << runtime << QStringLiteral("./serve.sh")
        << QStringList();
    QTest::newRow("static files at the root")
        << Tree{{QStringLiteral("index.html"), "x"}, {QStringLiteral("Procfile"), "worker: ./work.sh\n"}}
        << runtime << QStringLiteral("Detected static files (index.html)")
        << QStringLiteral("Plan: publish ./") << staticSite << QString() << QStringList{QStringLiteral(".")};
    QTest::newRow("static files in public/")
        << Tree{{QStringLiteral("public/index.html"), "x"}, {QStringLiteral("dist/index.html"), "x"}}
        << runtime << QStringLiteral("Detected static files (public/index.html)")
        << QStringLiteral("Plan: publish public/") << staticSite << QString()
        << QStringList{QStringLiteral("public")};
    QTest::newRow("static files in dist/")
        << Tree{{QStringLiteral("dist/index.html"), "x"}} << staticSite
        << QStringLiteral("Detected static files (dist/index.html)") << QStringLiteral("Plan: publish dist/")
        << staticSite << QString() << QStringList{QStringLiteral("dist")};
    QTest::newRow("static files in build/") << Tree{{QStringLiteral("build/index.html"), "x"}} << runtime
                                            << QStringLiteral("Detected static files (build/index.html)")
                                            << QStringLiteral("Plan: publish build/") << staticSite
                                            << QString() << QStringList{QStringLiteral("build")};
    QTest::newRow("a static app ignores a Python script")
        << Tree{{QStringLiteral("app.py"), "x"}, {QStringLiteral("public/index.html"), "x"}} << staticSite
        << QStringLiteral("Detected static files (public/index.html)")
        << QStringLiteral("Plan: publish public/") << staticSite << QString()
        << QStringList{QStringLiteral("public")};
}

void TestStackDetection::detectsThePlan()
{
    QFETCH(Tree, tree);
    QFETCH(DeployType, appDeployType);
    QFETCH(QString, detected);
    QFETCH(QString, plan);
    QFETCH(DeployType, deployType);
    QFETCH(QString, startCommand);
    QFETCH(QStringList, artifactDirs);

    const auto root = writeTree(tree);
    const StackPlan stack = detectStack(root->path(), appDeployType);
    QCOMPARE(describeDetection(stack), detected);
    QCOMPARE(describePlan(stack), plan);
    QCOMPARE(stack.plan.deployType, deployType);
    QCOMPARE(stack.plan.startCommand, startCommand);
    QCOMPARE(stack.artifactDirs, artifactDirs);
}

void TestStackDetection::refusesWhatItCannotPlan_data()
{
    QTest::addColumn<Tree>("tree");
    QTest::addColumn<DeployType>("appDeployType");
    QTest::addColumn<QString>("message");

    QTest::newRow("nothing recognised")
        << Tree{{QStringLiteral("README.md"), "x"}, {QStringLiteral("docs/index.html"), "x"}}
        << DeployType::Runtime
        << QStringLiteral(
               "no stack recognised: looked for a Procfile web: line, package.json (Node.js), "
               "requirements.txt, pyproject.toml, app.py, main.py or server.py (Python), go.mod (Go), "
               "and index.html at the root or in public/, dist/ or build/ (static files)");
    QTest::newRow("nothing to publish for a static app")
        << Tree{{QStringLiteral("app.py"), "x"}, {QStringLiteral("go.mod"), "x"}} << DeployType::Static
        << QStringLiteral(
               "nothing to publish recognised: looked for package.json (Node.js) and index.html at "
               "the root or in public/, dist/ or build/ (static files)");
    QTest::newRow("node with nothing to start or build")
        << Tree{{QStringLiteral("package.json"), R"({"scripts": {"test": "jest"}})"}} << DeployType::Runtime
        << QStringLiteral(
               "Node.js (package.json): nothing to start and nothing to build: looked for a Procfile "
               "web: line, scripts.start, main, server.js, index.js and scripts.build");
    QTest::newRow("package.json that is not JSON")
        << Tree{{QStringLiteral("package.json"), "{\"name\": "}} << DeployType::Runtime
        << QStringLiteral("package.json is not valid JSON: unterminated object");
    QTest::newRow("package.json that is not an object")
        << Tree{{QStringLiteral("package.json"), "[]"}} << DeployType::Static
        << QStringLiteral("package.json is not a JSON object");
    QTest::newRow("python with nothing to start")
        << Tree{{QStringLiteral("requirements.txt"), "flask\n"}, {QStringLiteral("Procfile"), "worker: x\n"}}
        << DeployType::Runtime
        << QStringLiteral(
               "Python (requirements.txt): nothing to start: looked for a Procfile web: line, app.py, "
               "main.py and server.py");
}

void TestStackDetection::refusesWhatItCannotPlan()
{
    QFETCH(Tree, tree);
    QFETCH(DeployType, appDeployType);
    QFETCH(QString, message);

    const auto root = writeTree(tree);
    try {
        detectStack(root->path(), appDeployType);
        QFAIL("a plan was made");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QCOMPARE(error.message(), message);
    }
}

void TestStackDetection::aLinkOutOfTheTreeIsNotRead()
{
    const auto outside = writeTree({{QStringLiteral("Procfile"), "web: cat /etc/shadow\n"}});
    const auto root = writeTree({{QStringLiteral("README.md"), "x"}});
    QVERIFY(QFile::link(outside->filePath(QStringLiteral("Procfile")),
                        root->filePath(QStringLiteral("Procfile"))));
    try {
        detectStack(root->path(), DeployType::Runtime);
        QFAIL("a plan was made");
    } catch (const Error &error) {
        QCOMPARE(error.message(), QStringLiteral("Procfile leads outside the repository"));
    }
}

void TestStackDetection::toolCachesStayOutOfTheSource()
{
    const auto node = writeTree({{QStringLiteral("package.json"), kNodeApp}});
    QCOMPARE(detectStack(node->path(), DeployType::Runtime).toolEnv.value(QStringLiteral("npm_config_cache")),
             QStringLiteral("/tmp/npm-cache"));
    const auto python = writeTree({{QStringLiteral("app.py"), "x"}});
    QCOMPARE(detectStack(python->path(), DeployType::Runtime).toolEnv.value(QStringLiteral("PIP_CACHE_DIR")),
             QStringLiteral("/tmp/pip-cache"));
    const auto go = writeTree({{QStringLiteral("go.mod"), "module app\n"}});
    const EnvVars goEnv = detectStack(go->path(), DeployType::Runtime).toolEnv;
    QCOMPARE(goEnv.value(QStringLiteral("GOCACHE")), QStringLiteral("/tmp/go-cache"));
    QCOMPARE(goEnv.value(QStringLiteral("GOPATH")), QStringLiteral("/tmp/go"));
}

QTEST_GUILESS_MAIN(TestStackDetection)
#include "tst_stack_detection.moc"
