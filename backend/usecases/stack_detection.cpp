#include "usecases/stack_detection.h"

#include "domain/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <optional>

namespace vitrine::usecases {

using domain::DeployType;
using domain::Error;

namespace {

constexpr qint64 kMaxManifestBytes = 1LL << 20;

// Where a Python app's dependencies are installed, inside the source dir so that they travel with it.
const QString kPythonPackages = QStringLiteral(".vitrine-python");

bool isFile(const QDir &root, const QString &name)
{
    return QFileInfo(root.filePath(name)).isFile();
}

// A file that tells about the stack. It is read by the builder itself, outside the sandbox: a link that leads
// out of the tree must not show the host's files.
QByteArray readManifest(const QDir &root, const QString &name)
{
    const QFileInfo info(root.filePath(name));
    const QString rootPath = QFileInfo(root.path()).canonicalFilePath();
    if (!info.canonicalFilePath().startsWith(rootPath + QLatin1Char('/')))
        throw Error::failedPrecondition(QStringLiteral("%1 leads outside the repository").arg(name));
    if (info.size() > kMaxManifestBytes)
        throw Error::failedPrecondition(QStringLiteral("%1 is larger than 1 MiB").arg(name));
    QFile file(info.filePath());
    if (!file.open(QIODevice::ReadOnly))
        throw Error::failedPrecondition(QStringLiteral("cannot read %1: %2").arg(name, file.errorString()));
    return file.readAll();
}

// The text as one word of a shell command: as it is when the shell would take it so, single-quoted otherwise.
QString shellWord(const QString &text)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./@%+=:,-]+$"));
    if (plain.match(text).hasMatch())
        return text;
    QString escaped = text;
    escaped.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// The command of the Procfile's web process; empty without one.
QString procfileWebCommand(const QDir &root)
{
    if (!isFile(root, QStringLiteral("Procfile")))
        return {};
    const QString text = QString::fromUtf8(readManifest(root, QStringLiteral("Procfile")));
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QStringLiteral("web:")))
            return trimmed.mid(4).trimmed();
    }
    return {};
}

// Whether a requirements file names anything to install (not only comments and blank lines).
bool hasRequirements(const QByteArray &requirements)
{
    for (const QByteArray &line : requirements.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.isEmpty() && !trimmed.startsWith('#'))
            return true;
    }
    return false;
}

StackPlan staticSitePlan(StackPlan plan, QStringList artifactDirs)
{
    plan.plan = domain::BuildPlan{DeployType::Static, {}};
    plan.artifactDirs = std::move(artifactDirs);
    return plan;
}

std::optional<StackPlan> nodePlan(const QDir &root, DeployType deployType, const QString &procfileStart)
{
    const QString manifest = QStringLiteral("package.json");
    if (!isFile(root, manifest))
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(readManifest(root, manifest), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error::failedPrecondition(
            QStringLiteral("package.json is not valid JSON: %1").arg(parseError.errorString()));
    if (!document.isObject())
        throw Error::failedPrecondition(QStringLiteral("package.json is not a JSON object"));
    const QJsonObject package = document.object();
    const QJsonObject scripts = package.value(QStringLiteral("scripts")).toObject();

    StackPlan plan;
    plan.stack = QStringLiteral("Node.js");
    plan.evidence = {manifest};
    plan.toolEnv = {{QStringLiteral("npm_config_cache"), QStringLiteral("/tmp/npm-cache")},
                    {QStringLiteral("npm_config_update_notifier"), QStringLiteral("false")}};
    if (!package.value(QStringLiteral("dependencies")).toObject().isEmpty() ||
        !package.value(QStringLiteral("devDependencies")).toObject().isEmpty()) {
        plan.installCommand = QStringLiteral("npm install");
        for (const QString &lockFile :
             {QStringLiteral("package-lock.json"), QStringLiteral("npm-shrinkwrap.json")}) {
            if (isFile(root, lockFile)) {
                plan.installCommand = QStringLiteral("npm ci");
                plan.evidence << lockFile;
                break;
            }
        }
    }
    if (scripts.contains(QStringLiteral("build")))
        plan.buildCommand = QStringLiteral("npm run build");

    const QStringList siteDirs{QStringLiteral("dist"), QStringLiteral("build"), QStringLiteral("out"),
                               QStringLiteral("public")};
    if (deployType == DeployType::Static)
        return staticSitePlan(plan, siteDirs);

    QString start;
    const QString main = package.value(QStringLiteral("main")).toString();
    if (!procfileStart.isEmpty()) {
        start = procfileStart;
        plan.evidence << QStringLiteral("Procfile");
    } else if (scripts.contains(QStringLiteral("start"))) {
        start = QStringLiteral("npm start");
    } else if (!main.isEmpty()) {
        start = QStringLiteral("node ") + shellWord(main);
    } else {
        for (const QString &entry : {QStringLiteral("server.js"), QStringLiteral("index.js")}) {
            if (isFile(root, entry)) {
                start = QStringLiteral("node ") + entry;
                break;
            }
        }
    }
    if (start.isEmpty()) {
        if (!plan.buildCommand.isEmpty())
            return staticSitePlan(plan, siteDirs);
        throw Error::failedPrecondition(
            QStringLiteral("Node.js (package.json): nothing to start and nothing to build: looked for a "
                           "Procfile web: line, scripts.start, main, server.js, index.js and scripts.build"));
    }
    plan.plan = domain::BuildPlan{DeployType::Runtime, start};
    return plan;
}

std::optional<StackPlan> pythonPlan(const QDir &root, const QString &procfileStart)
{
    StackPlan plan;
    plan.stack = QStringLiteral("Python");
    const QString requirements = QStringLiteral("requirements.txt");
    const QString pyproject = QStringLiteral("pyproject.toml");
    if (isFile(root, requirements)) {
        plan.evidence << requirements;
        if (hasRequirements(readManifest(root, requirements)))
            plan.installCommand =
                QStringLiteral("python3 -m pip install --target %1 -r %2").arg(kPythonPackages, requirements);
    } else if (isFile(root, pyproject)) {
        plan.evidence << pyproject;
        plan.installCommand = QStringLiteral("python3 -m pip install --target %1 .").arg(kPythonPackages);
    }
    QString entry;
    for (const QString &candidate :
         {QStringLiteral("app.py"), QStringLiteral("main.py"), QStringLiteral("server.py")}) {
        if (isFile(root, candidate)) {
            entry = candidate;
            break;
        }
    }
    if (plan.evidence.isEmpty() && entry.isEmpty())
        return std::nullopt;
    plan.toolEnv = {{QStringLiteral("PIP_CACHE_DIR"), QStringLiteral("/tmp/pip-cache")},
                    {QStringLiteral("PIP_DISABLE_PIP_VERSION_CHECK"), QStringLiteral("1")}};

    const bool installs = !plan.installCommand.isEmpty();
    QString start;
    if (!procfileStart.isEmpty()) {
        plan.evidence << QStringLiteral("Procfile");
        // The web command may be a script the dependencies installed, or python3 importing them.
        start = installs ? QStringLiteral("export PYTHONPATH=\"$PWD/%1\" PATH=\"$PWD/%1/bin:$PATH\"; %2")
                               .arg(kPythonPackages, procfileStart)
                         : procfileStart;
    } else if (!entry.isEmpty()) {
        if (!plan.evidence.contains(entry))
            plan.evidence << entry;
        start = installs ? QStringLiteral("PYTHONPATH=\"$PWD/%1\" python3 %2").arg(kPythonPackages, entry)
                         : QStringLiteral("python3 ") + entry;
    } else {
        throw Error::failedPrecondition(
            QStringLiteral(
                "Python (%1): nothing to start: looked for a Procfile web: line, app.py, main.py and "
                "server.py")
                .arg(plan.evidence.join(QStringLiteral(", "))));
    }
    plan.plan = domain::BuildPlan{DeployType::Runtime, start};
    return plan;
}

std::optional<StackPlan> goPlan(const QDir &root, const QString &procfileStart)
{
    if (!isFile(root, QStringLiteral("go.mod")))
        return std::nullopt;
    StackPlan plan;
    plan.stack = QStringLiteral("Go");
    plan.evidence = {QStringLiteral("go.mod")};
    plan.buildCommand = QStringLiteral("go build -o ./.vitrine-app .");
    plan.toolEnv = {{QStringLiteral("GOCACHE"), QStringLiteral("/tmp/go-cache")},
                    {QStringLiteral("GOPATH"), QStringLiteral("/tmp/go")}};
    QString start = QStringLiteral("./.vitrine-app");
    if (!procfileStart.isEmpty()) {
        start = procfileStart;
        plan.evidence << QStringLiteral("Procfile");
    }
    plan.plan = domain::BuildPlan{DeployType::Runtime, start};
    return plan;
}

std::optional<StackPlan> staticFilesPlan(const QDir &root)
{
    for (const QString &dir :
         {QStringLiteral("."), QStringLiteral("public"), QStringLiteral("dist"), QStringLiteral("build")}) {
        const QString index =
            dir == u"." ? QStringLiteral("index.html") : QStringLiteral("%1/index.html").arg(dir);
        if (isFile(root, index)) {
            StackPlan plan;
            plan.stack = QStringLiteral("static files");
            plan.evidence = {index};
            return staticSitePlan(plan, {dir});
        }
    }
    return std::nullopt;
}

QString shownDir(const QString &dir)
{
    return dir == u"." ? QStringLiteral("./") : dir + QLatin1Char('/');
}

} // namespace

StackPlan detectStack(const QString &sourceDir, DeployType deployType)
{
    const QDir root(sourceDir);
    if (deployType == DeployType::Static) {
        if (std::optional<StackPlan> plan = nodePlan(root, deployType, {}))
            return *plan;
        if (std::optional<StackPlan> plan = staticFilesPlan(root))
            return *plan;
        throw Error::failedPrecondition(QStringLiteral(
            "nothing to publish recognised: looked for package.json (Node.js) and index.html at "
            "the root or in public/, dist/ or build/ (static files)"));
    }

    const QString procfileStart = procfileWebCommand(root);
    if (std::optional<StackPlan> plan = nodePlan(root, deployType, procfileStart))
        return *plan;
    if (std::optional<StackPlan> plan = pythonPlan(root, procfileStart))
        return *plan;
    if (std::optional<StackPlan> plan = goPlan(root, procfileStart))
        return *plan;
    if (!procfileStart.isEmpty()) {
        StackPlan plan;
        plan.stack = QStringLiteral("a web process");
        plan.evidence = {QStringLiteral("Procfile")};
        plan.plan = domain::BuildPlan{DeployType::Runtime, procfileStart};
        return plan;
    }
    if (std::optional<StackPlan> plan = staticFilesPlan(root))
        return *plan;
    throw Error::failedPrecondition(QStringLiteral(
        "no stack recognised: looked for a Procfile web: line, package.json (Node.js), "
        "requirements.txt, pyproject.toml, app.py, main.py or server.py (Python), go.mod (Go), "
        "and index.html at the root or in public/, dist/ or build/ (static files)"));
}

QString describeDetection(const StackPlan &plan)
{
    return QStringLiteral("Detected %1 (%2)").arg(plan.stack, plan.evidence.join(QStringLiteral(", ")));
}

QString describePlan(const StackPlan &plan)
{
    QStringList steps;
    if (!plan.installCommand.isEmpty())
        steps << QStringLiteral("install `%1`").arg(plan.installCommand);
    if (!plan.buildCommand.isEmpty())
        steps << QStringLiteral("build `%1`").arg(plan.buildCommand);
    if (plan.plan.deployType == DeployType::Runtime) {
        steps << QStringLiteral("start `%1`").arg(plan.plan.startCommand);
    } else if (plan.artifactDirs.size() == 1) {
        steps << QStringLiteral("publish %1").arg(shownDir(plan.artifactDirs.constFirst()));
    } else {
        QStringList dirs;
        for (const QString &dir : plan.artifactDirs)
            dirs << shownDir(dir);
        const QString last = dirs.takeLast();
        steps << QStringLiteral("publish the first of %1 or %2 that exists")
                     .arg(dirs.join(QStringLiteral(", ")), last);
    }
    return QStringLiteral("Plan: ") + steps.join(QStringLiteral(", "));
}

} // namespace vitrine::usecases
