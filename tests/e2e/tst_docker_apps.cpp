// Apps on the docker runtime end to end: a real vitrine-server running its apps as containers of a Podman
// service the test starts, built through the engine from Dockerfiles in local git repositories, served behind
// the server's embedded Caddy. No registry is reachable: every image starts from a busybox image the test
// builds FROM scratch.

#include "adapters/docker/docker_client.h"
#include "alert_event_watcher.h"
#include "git_fixture.h"
#include "grpc_calls.h"
#include "http_request.h"
#include "podman_service.h"
#include "server_process.h"
#include "vitrine/v1/alerts.grpc.pb.h"
#include "vitrine/v1/applications.grpc.pb.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"
#include "vitrine/v1/repositories.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace vitrine;
using vitrine::tests::AlertEventWatcher;
using vitrine::tests::authorize;
using vitrine::tests::call;
using vitrine::tests::dockerfileFrom;
using vitrine::tests::GitFixture;
using vitrine::tests::PodmanService;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;

namespace {

// A build through the engine and a container start take seconds; the margin is for a loaded CI machine.
constexpr int kLiveTimeoutMs = 60'000;
// Less than the 30 s the canceled build sleeps: a build that ends within it was stopped by the cancel.
constexpr int kCancelTimeoutMs = 20'000;
// The old container of a restart goes only after the route switched, a drain, and the engine's stop timeout:
// busybox httpd as PID 1 ignores SIGTERM. With other tests running beside it this took 72 s here.
constexpr int kRetireTimeoutMs = 150'000;

const QString kBaseImage = QStringLiteral("vitrine-test/busybox:1");

// One StreamBuildLog call on a thread of its own, keeping the lines' texts.
class BuildLogWatcher {
public:
    BuildLogWatcher(std::shared_ptr<grpc::Channel> channel, const std::string &token,
                    const std::string &buildId)
    {
        authorize(m_context, token);
        m_thread = std::thread([this, channel = std::move(channel), buildId] {
            v1::StreamBuildLogRequest request;
            request.set_build_id(buildId);
            std::unique_ptr<grpc::ClientReader<v1::BuildLogEvent>> reader =
                v1::BuildService::Stub(channel).StreamBuildLog(&m_context, request);
            v1::BuildLogEvent event;
            while (reader->Read(&event)) {
                if (!event.has_line())
                    continue;
                const std::lock_guard lock(m_mutex);
                m_lines.push_back(QString::fromStdString(event.line().text()));
            }
            reader->Finish();
        });
    }
    ~BuildLogWatcher()
    {
        m_context.TryCancel();
        m_thread.join();
    }

    bool received(const QString &text) const
    {
        const std::lock_guard lock(m_mutex);
        return std::any_of(m_lines.begin(), m_lines.end(),
                           [&](const QString &line) { return line.contains(text); });
    }

private:
    grpc::ClientContext m_context;
    mutable std::mutex m_mutex;
    std::vector<QString> m_lines;
    std::thread m_thread;
};

} // namespace

class TestDockerApps : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void refusesToStartWithoutAnEngine();
    void dockerfileAppIsServedRestartedStoppedAndDeleted();
    void staticDockerfileSiteIsServed();
    void aCrashLoopIsAlertedAndStopped();
    void buildOutputArrivesWhileTheEngineBuilds();
    void cancelStopsTheEngineBuild();

private:
    // Skips the test when Podman is not installed; fails it when the service or the server did not start.
    void requirePodman();
    // A repository holding `files` and an app built from it; returns the app's id, empty (with a warning)
    // when either could not be created.
    std::string createApp(const QString &name, v1::BuildType type, const QMap<QString, QByteArray> &files,
                          const QString &artifactDir = {}, const QMap<QString, QString> &env = {});
    v1::Application application(const QString &name);
    std::optional<v1::Build> newestBuildOf(const QString &name);
    v1::BuildState stateOf(const std::string &buildId);
    QByteArray answerOf(const QString &name);
    void act(const QString &name,
             grpc::Status (v1::ApplicationService::Stub::*method)(grpc::ClientContext *,
                                                                  const v1::ApplicationActionRequest &,
                                                                  v1::Application *));
    // What the engine holds with this label ("key=value"): the ids of its containers (running or not) or
    // images; {"unknown"} when the engine does not answer.
    QStringList containersLabelled(const QString &label);
    QStringList imagesLabelled(const QString &label);
    QStringList labelled(const QString &listPath, const QString &label);

    QTemporaryDir m_dir;
    QString m_podmanMissing; // what to install; empty when Podman is there
    QString m_startProblem;  // why the Podman service or the server did not start
    std::unique_ptr<PodmanService> m_podman;
    std::unique_ptr<adapters::docker::DockerClient> m_engine;
    std::unique_ptr<ServerProcess> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_token;
    std::map<QString, std::unique_ptr<GitFixture>> m_repositories;
};

void TestDockerApps::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!PodmanService::available(&m_podmanMissing))
        return;
    m_podman = std::make_unique<PodmanService>();
    if (!m_podman->start(&m_startProblem))
        return;
    m_engine = std::make_unique<adapters::docker::DockerClient>(m_podman->host());
    if (!tests::buildBusyboxImage(*m_engine, kBaseImage, {}, {}, &m_startProblem))
        return;

    // Low thresholds and a short sampling interval, so that a crash loop is stopped within the test.
    QFile config(m_dir.filePath(QStringLiteral("vitrine.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("[docker]\nbase_image = \"%1\"\n"
                                "[metrics]\ninterval_seconds = 1\n"
                                "[alerts]\nrestart_count = 2\nauto_stop_restarts = 3\n"
                                "restart_window_seconds = 300\n")
                     .arg(kBaseImage)
                     .toUtf8());
    config.close();
    ServerProcess::Options options;
    options.extraArgs = {QStringLiteral("--config"),      config.fileName(),
                         QStringLiteral("--runtime"),     QStringLiteral("docker"),
                         QStringLiteral("--docker-host"), m_podman->host()};
    m_server = std::make_unique<ServerProcess>(options);
    if (!m_server->start(&m_startProblem))
        return;
    m_channel = grpc::CreateChannel(str(m_server->grpcAddress()), grpc::InsecureChannelCredentials());
    m_token = str(m_server->adminToken());
}

void TestDockerApps::cleanupTestCase()
{
    m_channel.reset();
    if (m_server) {
        const int exitCode = m_server->stop();
        QVERIFY2(exitCode == 0,
                 qPrintable(
                     QStringLiteral("the server exited with %1:\n%2").arg(exitCode).arg(m_server->output())));
    }
    m_server.reset();
    m_engine.reset();
    m_podman.reset();
}

void TestDockerApps::requirePodman()
{
    if (!m_podmanMissing.isEmpty())
        QSKIP(qPrintable(m_podmanMissing));
    QVERIFY2(m_startProblem.isEmpty(), qPrintable(m_startProblem));
}

void TestDockerApps::refusesToStartWithoutAnEngine()
{
    const QString socket = m_dir.filePath(QStringLiteral("no-engine.sock"));
    ServerProcess server({{},
                          {QStringLiteral("--runtime"), QStringLiteral("docker"),
                           QStringLiteral("--docker-host"), QStringLiteral("unix://") + socket}});
    QString error;
    QVERIFY2(!server.start(&error), "the server started");
    QCOMPARE(server.stop(), 1);
    // The last line tells the operator which socket did not answer and how to point at another.
    const QString reason = server.output().trimmed().split(u'\n').constLast();
    QVERIFY2(reason.contains(socket) && reason.contains(QStringLiteral("--docker-host")), qPrintable(reason));
}

std::string TestDockerApps::createApp(const QString &name, v1::BuildType type,
                                      const QMap<QString, QByteArray> &files, const QString &artifactDir,
                                      const QMap<QString, QString> &env)
{
    const QString gitDir = m_dir.filePath(name);
    QDir().mkpath(gitDir);
    auto git = std::make_unique<GitFixture>(gitDir);
    git->commit(QStringLiteral("main"), files, QStringLiteral("first"));

    v1::CreateRepositoryRequest repository;
    repository.set_name(str(name));
    repository.set_url(str(git->bareUrl()));
    v1::Repository createdRepository;
    const grpc::Status repositoryCreated = call(
        m_channel, m_token, &v1::RepositoryService::Stub::CreateRepository, repository, &createdRepository);
    if (!repositoryCreated.ok()) {
        qWarning("cannot create repository %s: %s", qPrintable(name),
                 tests::describe(repositoryCreated).constData());
        return {};
    }
    m_repositories[name] = std::move(git);

    v1::CreateApplicationRequest request;
    request.set_name(str(name));
    request.set_repository(str(name));
    request.set_ref("main");
    request.mutable_build()->set_type(type);
    request.mutable_build()->set_artifact_dir(str(artifactDir));
    for (auto var = env.cbegin(); var != env.cend(); ++var) {
        v1::EnvVar *added = request.add_env();
        added->set_key(str(var.key()));
        added->set_value(str(var.value()));
    }
    v1::Application created;
    const grpc::Status applicationCreated =
        call(m_channel, m_token, &v1::ApplicationService::Stub::CreateApplication, request, &created);
    if (!applicationCreated.ok()) {
        qWarning("cannot create app %s: %s", qPrintable(name),
                 tests::describe(applicationCreated).constData());
        return {};
    }
    return created.id();
}

v1::Application TestDockerApps::application(const QString &name)
{
    v1::GetApplicationRequest request;
    request.set_application(str(name));
    v1::Application application;
    call(m_channel, m_token, &v1::ApplicationService::Stub::GetApplication, request, &application);
    return application;
}

std::optional<v1::Build> TestDockerApps::newestBuildOf(const QString &name)
{
    v1::ListBuildsRequest request;
    request.set_application(str(name));
    v1::ListBuildsResponse builds;
    if (!call(m_channel, m_token, &v1::BuildService::Stub::ListBuilds, request, &builds).ok() ||
        builds.builds().empty())
        return std::nullopt;
    return builds.builds(0);
}

v1::BuildState TestDockerApps::stateOf(const std::string &buildId)
{
    v1::GetBuildRequest request;
    request.set_build_id(buildId);
    v1::Build build;
    if (!call(m_channel, m_token, &v1::BuildService::Stub::GetBuild, request, &build).ok())
        return v1::BUILD_STATE_UNSPECIFIED;
    return build.state();
}

QByteArray TestDockerApps::answerOf(const QString &name)
{
    const tests::HttpReply reply =
        tests::getThroughRouter(m_server->routerAddress(), name + QStringLiteral(".localhost"));
    return reply.status == 200 ? reply.body : QByteArray();
}

void TestDockerApps::act(const QString &name,
                         grpc::Status (v1::ApplicationService::Stub::*method)(
                             grpc::ClientContext *, const v1::ApplicationActionRequest &, v1::Application *))
{
    v1::ApplicationActionRequest request;
    request.set_application(str(name));
    v1::Application application;
    VERIFY_OK(call(m_channel, m_token, method, request, &application));
}

QStringList TestDockerApps::labelled(const QString &listPath, const QString &label)
{
    const QByteArray filter = QJsonDocument(QJsonObject{{QStringLiteral("label"), QJsonArray{label}}})
                                  .toJson(QJsonDocument::Compact);
    const adapters::docker::DockerResponse listed = m_engine->request(
        "GET", listPath + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(filter))));
    if (!listed.ok())
        return {QStringLiteral("unknown")};
    QStringList ids;
    for (const QJsonValue &item : listed.json().array())
        ids.append(item.toObject().value(QStringLiteral("Id")).toString());
    return ids;
}

QStringList TestDockerApps::containersLabelled(const QString &label)
{
    return labelled(QStringLiteral("/containers/json?all=1&filters="), label);
}

QStringList TestDockerApps::imagesLabelled(const QString &label)
{
    return labelled(QStringLiteral("/images/json?filters="), label);
}

void TestDockerApps::dockerfileAppIsServedRestartedStoppedAndDeleted()
{
    requirePodman();
    // The page is written when the container starts, from the app's variable.
    const std::string id = createApp(
        QStringLiteral("web"), v1::BUILD_TYPE_RUNTIME_DOCKERFILE,
        {{QStringLiteral("Dockerfile"),
          dockerfileFrom(kBaseImage, {QStringLiteral("RUN mkdir /www"),
                                      QStringLiteral("CMD echo \"greeting=$GREETING\" > /www/index.html && "
                                                     "exec httpd -f -p \"$PORT\" -h /www")})}},
        {}, {{QStringLiteral("GREETING"), QStringLiteral("hello from a container")}});
    QVERIFY(!id.empty());
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("web")),
                              QByteArray("greeting=hello from a container\n"), kLiveTimeoutMs);
    QCOMPARE(application(QStringLiteral("web")).runtime_state(), std::string("running"));
    const QString appLabel = QStringLiteral("vitrine.application-id=") + QString::fromStdString(id);
    const QStringList containersBefore = containersLabelled(appLabel);
    QCOMPARE(containersBefore.size(), 1);

    // A restart runs a new container of the same build, and the website keeps answering.
    const std::string servedBefore = application(QStringLiteral("web")).current_build_id();
    act(QStringLiteral("web"), &v1::ApplicationService::Stub::RestartApplication);
    QTRY_VERIFY_WITH_TIMEOUT(containersLabelled(appLabel).size() == 1 &&
                                 containersLabelled(appLabel) != containersBefore,
                             kRetireTimeoutMs);
    QCOMPARE(answerOf(QStringLiteral("web")), QByteArray("greeting=hello from a container\n"));
    QCOMPARE(application(QStringLiteral("web")).runtime_state(), std::string("running"));
    QCOMPARE(application(QStringLiteral("web")).current_build_id(), servedBefore);

    act(QStringLiteral("web"), &v1::ApplicationService::Stub::StopApplication);
    QTRY_VERIFY_WITH_TIMEOUT(answerOf(QStringLiteral("web")).isEmpty(), kLiveTimeoutMs);
    QVERIFY(!application(QStringLiteral("web")).running());
    QTRY_COMPARE_WITH_TIMEOUT(containersLabelled(appLabel), QStringList(), kLiveTimeoutMs);

    v1::DeleteApplicationRequest deletion;
    deletion.set_application("web");
    v1::DeleteApplicationResponse deleted;
    VERIFY_OK(call(m_channel, m_token, &v1::ApplicationService::Stub::DeleteApplication, deletion, &deleted));
    QTRY_COMPARE_WITH_TIMEOUT(containersLabelled(appLabel), QStringList(), kLiveTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(imagesLabelled(appLabel), QStringList(), kLiveTimeoutMs);
}

void TestDockerApps::staticDockerfileSiteIsServed()
{
    requirePodman();
    const std::string id = createApp(
        QStringLiteral("brochure"), v1::BUILD_TYPE_STATIC_DOCKERFILE,
        {{QStringLiteral("Dockerfile"),
          dockerfileFrom(
              kBaseImage,
              {QStringLiteral("RUN mkdir /site && echo 'made by a Dockerfile' > /site/index.html")})}},
        QStringLiteral("site"));
    QVERIFY(!id.empty());
    QTRY_COMPARE_WITH_TIMEOUT(answerOf(QStringLiteral("brochure")), QByteArray("made by a Dockerfile\n"),
                              kLiveTimeoutMs);
}

void TestDockerApps::aCrashLoopIsAlertedAndStopped()
{
    requirePodman();
    const AlertEventWatcher alertEvents(m_channel, m_token);
    const std::string id =
        createApp(QStringLiteral("crashy"), v1::BUILD_TYPE_RUNTIME_DOCKERFILE,
                  {{QStringLiteral("Dockerfile"),
                    dockerfileFrom(kBaseImage, {QStringLiteral("CMD echo starting; exit 1")})}});
    QVERIFY(!id.empty());
    QTRY_VERIFY_WITH_TIMEOUT(newestBuildOf(QStringLiteral("crashy")) &&
                                 newestBuildOf(QStringLiteral("crashy"))->state() ==
                                     v1::BUILD_STATE_SUCCEEDED,
                             kLiveTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!application(QStringLiteral("crashy")).running(), kLiveTimeoutMs);
    const v1::Application stopped = application(QStringLiteral("crashy"));
    QVERIFY2(QString::fromStdString(stopped.stopped_reason()).contains(QStringLiteral("restarts")),
             stopped.stopped_reason().c_str());

    v1::ListAlertsRequest request;
    v1::ListAlertsResponse alerts;
    VERIFY_OK(call(m_channel, m_token, &v1::AlertService::Stub::ListAlerts, request, &alerts));
    QVERIFY(std::any_of(alerts.alerts().begin(), alerts.alerts().end(), [](const v1::Alert &alert) {
        return alert.application_name() == "crashy" && alert.kind() == "restart-loop";
    }));
    QTRY_VERIFY(alertEvents.saw("crashy", "restart-loop"));
}

void TestDockerApps::buildOutputArrivesWhileTheEngineBuilds()
{
    requirePodman();
    const std::string id = createApp(
        QStringLiteral("talker"), v1::BUILD_TYPE_RUNTIME_DOCKERFILE,
        {{QStringLiteral("Dockerfile"),
          // The words come from a variable: the step line that shows the command does not have them.
          dockerfileFrom(
              kBaseImage,
              {QStringLiteral("RUN words=words && echo first-$words && sleep 5 && echo last-$words"),
               QStringLiteral("CMD exec httpd -f -p \"$PORT\" -h /")})}});
    QVERIFY(!id.empty());
    QTRY_VERIFY_WITH_TIMEOUT(newestBuildOf(QStringLiteral("talker")).has_value(), kLiveTimeoutMs);
    const std::string buildId = newestBuildOf(QStringLiteral("talker"))->id();

    const BuildLogWatcher log(m_channel, m_token, buildId);
    QTRY_VERIFY_WITH_TIMEOUT(log.received(QStringLiteral("first-words")), kLiveTimeoutMs);
    // The engine is still in the RUN step: the line came while it ran, not with the build's end.
    QCOMPARE(stateOf(buildId), v1::BUILD_STATE_BUILDING);
    QVERIFY(!log.received(QStringLiteral("last-words")));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(buildId), v1::BUILD_STATE_SUCCEEDED, kLiveTimeoutMs);
    QTRY_VERIFY(log.received(QStringLiteral("last-words")));
    act(QStringLiteral("talker"), &v1::ApplicationService::Stub::StopApplication);
}

void TestDockerApps::cancelStopsTheEngineBuild()
{
    requirePodman();
    const std::string id = createApp(
        QStringLiteral("sleeper"), v1::BUILD_TYPE_RUNTIME_DOCKERFILE,
        {{QStringLiteral("Dockerfile"),
          dockerfileFrom(kBaseImage, {QStringLiteral("RUN state=asleep && echo now $state && sleep 30")})}});
    QVERIFY(!id.empty());
    QTRY_VERIFY_WITH_TIMEOUT(newestBuildOf(QStringLiteral("sleeper")).has_value(), kLiveTimeoutMs);
    const std::string buildId = newestBuildOf(QStringLiteral("sleeper"))->id();
    const BuildLogWatcher log(m_channel, m_token, buildId);
    QTRY_VERIFY_WITH_TIMEOUT(log.received(QStringLiteral("now asleep")), kLiveTimeoutMs);

    v1::CancelBuildRequest cancel;
    cancel.set_build_id(buildId);
    v1::Build canceled;
    VERIFY_OK(call(m_channel, m_token, &v1::BuildService::Stub::CancelBuild, cancel, &canceled));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(buildId), v1::BUILD_STATE_CANCELED, kCancelTimeoutMs);
    QCOMPARE(imagesLabelled(QStringLiteral("vitrine.build-id=") + QString::fromStdString(buildId)),
             QStringList());
}

QTEST_GUILESS_MAIN(TestDockerApps)
#include "tst_docker_apps.moc"
