// Deploy sync over a fleet that is already in its desired state: 10,000 runtime applications in a real
// store, each serving its newest build on a running instance. Times deploy sync's periodic pass (finding the
// applications that need work, here none) and reports the process's memory. The runtime backend and the
// router are in-memory stand-ins: the pass reads them, and nothing runs. Prints the figures; see README.md.

#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "domain/config_hash.h"
#include "domain/ids.h"
#include "domain/user.h"
#include "usecases/build_executor.h"
#include "usecases/build_log_hub.h"
#include "usecases/controller.h"
#include "usecases/event_hub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QMap>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <mutex>

using namespace vitrine;

namespace {

const QString kCommit(40, u'a');

// Takes no builds: the fleet is built already.
class IdleExecutor final : public usecases::BuildExecutor {
public:
    int freeSlots() const override { return 0; }
    void start(const domain::Build &) override {}
    bool cancel(const QString &) override { return false; }
    QList<usecases::BuilderStatus> builders() const override { return {}; }
};

class SilentRouter final : public domain::Router {
public:
    void apply(const QList<domain::Route> &) override {}
    QHash<QString, domain::RequestActivity> requestActivity() override { return {}; }
};

// Every instance runs and is healthy as soon as it is asked for.
class InstantRuntime final : public domain::RuntimeBackend {
public:
    void setObserver(domain::RuntimeObserver *) override {}
    void converge(const QString &applicationId, const QList<domain::InstanceSpec> &desired) override
    {
        std::lock_guard lock(m_mutex);
        QList<domain::InstanceStatus> &instances = m_instances[applicationId];
        instances.clear();
        for (const domain::InstanceSpec &spec : desired) {
            domain::InstanceStatus status;
            status.instanceId = spec.instanceId;
            status.applicationId = spec.applicationId;
            status.buildId = spec.buildId;
            status.state = domain::InstanceState::Running;
            status.upstream = QStringLiteral("127.0.0.1:%1").arg(10'000 + m_instances.size() % 50'000);
            instances.append(status);
        }
    }
    QList<domain::InstanceStatus> instances(const QString &applicationId) override
    {
        std::lock_guard lock(m_mutex);
        if (!applicationId.isEmpty())
            return m_instances.value(applicationId);
        QList<domain::InstanceStatus> all;
        for (const QList<domain::InstanceStatus> &instances : std::as_const(m_instances))
            all.append(instances);
        return all;
    }
    QList<domain::InstanceUsage> sampleUsage() override { return {}; }
    QString name() const override { return QStringLiteral("bench"); }

private:
    std::mutex m_mutex;
    QHash<QString, QList<domain::InstanceStatus>> m_instances;
};

// "VmRSS" or "VmHWM" of this process in MiB.
double memoryMiB(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

void fillFleet(domain::Store &store, int count, const QString &artifactPath)
{
    domain::User owner;
    owner.id = domain::newId(domain::idprefix::kUser);
    owner.name = QStringLiteral("owner");
    store.insertUser(owner);
    domain::Repository repository;
    repository.id = domain::newId(domain::idprefix::kRepository);
    repository.name = QStringLiteral("fleet");
    repository.url = QStringLiteral("https://git.example/fleet.git");
    repository.ownerIds = {owner.id};
    store.insertRepository(repository);

    for (int i = 0; i < count; ++i) {
        domain::Application application;
        application.id = domain::newId(domain::idprefix::kApplication);
        application.name = QStringLiteral("app-%1").arg(i);
        application.repositoryId = repository.id;
        application.ref = QStringLiteral("main");
        application.deployType = domain::DeployType::Runtime;
        application.build.type = domain::BuildType::RuntimeCmd;
        application.build.startCommand = QStringLiteral("python3 app.py");
        application.websites = {
            {application.name + QStringLiteral(".localhost"), QStringLiteral("/"), false}};
        application.env = {{QStringLiteral("GREETING"), QStringLiteral("hello")}};
        application.ownerIds = {owner.id};
        application.configHash = domain::configHash(application.build, application.env);
        store.insertApplication(application);
        store.setApplicationCommit(application.id, kCommit);

        domain::Build build;
        build.id = domain::newId(domain::idprefix::kBuild);
        build.applicationId = application.id;
        build.commit = kCommit;
        build.configHash = application.configHash;
        build.config = application.build;
        build.env = application.env;
        build.state = domain::BuildState::Succeeded;
        build.ownerKey = owner.id;
        build.artifactPath = artifactPath;
        build.deployType = domain::DeployType::Runtime;
        build.startCommand = application.build.startCommand;
        store.insertBuild(build);
        store.setApplicationCurrentBuild(application.id, build.id);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Deploy sync's periodic pass over a fleet in its desired state."));
    parser.addHelpOption();
    const QCommandLineOption applicationsOption(QStringLiteral("applications"), QStringLiteral("Fleet size."),
                                                QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption passesOption(QStringLiteral("passes"), QStringLiteral("Passes to time."),
                                          QStringLiteral("N"), QStringLiteral("10"));
    parser.addOptions({applicationsOption, passesOption});
    parser.process(application);
    const int count = parser.value(applicationsOption).toInt();
    const int passes = std::max(1, parser.value(passesOption).toInt());
    // One line per published release would drown the figures.
    QLoggingCategory::setFilterRules(QStringLiteral("vitrine.*.info=false"));

    QTemporaryDir dir;
    const QString dataDir = dir.filePath(QStringLiteral("data"));
    QDir().mkpath(dataDir + QStringLiteral("/artifacts"));
    QDir().mkpath(dir.filePath(QStringLiteral("release")));
    QFile appFile(dir.filePath(QStringLiteral("release/app.py")));
    if (!appFile.open(QIODevice::WriteOnly) || appFile.write("print('hello')\n") < 0)
        return 1;
    appFile.close();
    adapters::archive::LibarchiveArtifactArchive archive;
    const QString artifactPath = QStringLiteral("artifacts/release.tar.gz");
    archive.pack(dir.filePath(QStringLiteral("release")), QDir(dataDir).filePath(artifactPath));

    adapters::store::SqlStore store(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("vitrine.db")));
    QElapsedTimer timer;
    timer.start();
    fillFleet(store, count, artifactPath);
    std::printf("filled the store with %d runtime applications in %.1f s\n", count,
                double(timer.elapsed()) / 1000);

    adapters::git::Libgit2GitService git;
    adapters::logfiles::FileBuildLogStore logs(dataDir + QStringLiteral("/logs"));
    usecases::BuildLogHub logHub(logs);
    usecases::EventHub events;
    IdleExecutor executor;
    SilentRouter router;
    InstantRuntime runtime;
    usecases::ControllerOptions options;
    options.dataDir = dataDir;
    options.drainPeriod = std::chrono::milliseconds(0);
    usecases::Controller controller(store, git, archive, router, runtime, executor, events, logHub, logs,
                                    options);

    // Bring the fleet to its desired state: every application's release unpacked and its instance running.
    timer.start();
    controller.start();
    qsizetype left = count;
    while ((left = controller.applicationsToSync().size()) > 0)
        QThread::msleep(500);
    std::printf("the fleet converged in %.1f s\n", double(timer.elapsed()) / 1000);

    QList<double> milliseconds;
    for (int pass = 0; pass < passes; ++pass) {
        timer.start();
        const QStringList toSync = controller.applicationsToSync();
        milliseconds.append(double(timer.nsecsElapsed()) / 1e6);
        if (!toSync.isEmpty())
            std::printf("pass %d: %lld applications out of sync\n", pass, qlonglong(toSync.size()));
    }
    controller.stop();
    std::sort(milliseconds.begin(), milliseconds.end());
    double total = 0;
    for (const double ms : std::as_const(milliseconds))
        total += ms;
    std::printf("deploy sync pass over %d applications in their desired state: mean %.0f ms, p50 %.0f ms, "
                "max %.0f ms (%d passes)\n",
                count, total / double(milliseconds.size()), milliseconds.at(milliseconds.size() / 2),
                milliseconds.constLast(), passes);
    std::printf("memory: resident %.0f MiB now, peak %.0f MiB\n", memoryMiB("VmRSS"), memoryMiB("VmHWM"));
    return 0;
}
