#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/docker/docker_client.h"
#include "adapters/docker/engine_image_builder.h"
#include "adapters/docker/engine_image_port.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/sandbox/bubblewrap_command_runner.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "file_tree.h"
#include "git_fixture.h"
#include "podman_service.h"
#include "usecases/build_steps.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

using namespace vitrine::domain;
using vitrine::adapters::archive::LibarchiveArtifactArchive;
using vitrine::adapters::docker::DockerClient;
using vitrine::adapters::docker::EngineImageBuilder;
using vitrine::adapters::docker::EngineImagePort;
using vitrine::adapters::git::Libgit2GitService;
using vitrine::adapters::sandbox::BubblewrapCommandRunner;
using vitrine::tests::dockerfileFrom;
using vitrine::tests::filesIn;
using vitrine::tests::GitFixture;
using vitrine::tests::Tree;
using vitrine::usecases::BuildOutcome;
using vitrine::usecases::BuildReport;
using vitrine::usecases::BuildSteps;
using vitrine::usecases::ContainerImageOptions;

Q_DECLARE_METATYPE(vitrine::domain::BuildType)

namespace {

const QString kBaseImage = QStringLiteral("vitrine-test/busybox:1");

// The build log as the steps write it; onLine sees each output line as it arrives.
class RecordingReport final : public BuildReport {
public:
    void announce(const QString &text) override { lines << text; }
    void commandLine(LogStream, const QString &text) override
    {
        lines << text;
        if (onLine)
            onLine(text);
    }

    QStringList lines;
    std::function<void(const QString &)> onLine;
};

} // namespace

class TestBuildStepsDocker : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void dockerfileBuildWithoutAnEngineFails_data();
    void dockerfileBuildWithoutAnEngineFails();
    void runtimeDockerfileBuildRecordsItsImage();
    void staticDockerfileBuildPacksTheImagesFolder();
    void staticDockerfileBuildNeedsAFolderOfTheImage_data();
    void staticDockerfileBuildNeedsAFolderOfTheImage();
    void runtimeCommandBuildOnDockerBecomesAnImage();
    void stopDuringRunLeavesNoImage();
    void badDockerfileFailsWithTheEnginesMessage();

private:
    void requirePodman();
    Build buildOf(const BuildConfig &config, const Tree &files, const EnvVars &env = {});
    // Runs the steps of the build with `steps` (m_steps when null).
    std::optional<BuildOutcome> run(const Build &build, RecordingReport &report,
                                    const std::atomic<bool> &stop, BuildSteps *steps = nullptr);
    QString archiveOf(const Build &build) const
    {
        return m_root->filePath(QStringLiteral("artifacts/%1.tar.gz").arg(build.id));
    }
    int imagesOfBuild(const Build &build)
    {
        return int(m_engine->imagesOf({QStringLiteral("vitrine.build-id=") + build.id}).size());
    }

    std::unique_ptr<vitrine::tests::PodmanService> m_podman;
    std::unique_ptr<DockerClient> m_client;
    std::unique_ptr<EngineImageBuilder> m_engine;
    std::unique_ptr<EngineImagePort> m_imageBuilder;
    QString m_podmanProblem;
    bool m_podmanMissing = false;
    bool m_baseImageBuilt = false;

    std::unique_ptr<QTemporaryDir> m_root;
    std::unique_ptr<GitFixture> m_git;
    Libgit2GitService m_gitService;
    BubblewrapCommandRunner m_runner;
    LibarchiveArtifactArchive m_archive;
    std::unique_ptr<BuildSteps> m_steps;
};

void TestBuildStepsDocker::initTestCase()
{
    if (!vitrine::tests::PodmanService::available(&m_podmanProblem)) {
        m_podmanMissing = true;
        return;
    }
    auto podman = std::make_unique<vitrine::tests::PodmanService>();
    if (!podman->start(&m_podmanProblem))
        return;
    m_podman = std::move(podman);
    m_client = std::make_unique<DockerClient>(m_podman->host());
    m_engine = std::make_unique<EngineImageBuilder>(*m_client);
    m_imageBuilder = std::make_unique<EngineImagePort>(*m_engine);
    m_baseImageBuilt = vitrine::tests::buildBusyboxImage(*m_client, kBaseImage, {}, {}, &m_podmanProblem);
}

void TestBuildStepsDocker::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(m_root->isValid());
    QVERIFY(QDir().mkpath(m_root->filePath(QStringLiteral("git"))));
    m_git = std::make_unique<GitFixture>(m_root->filePath(QStringLiteral("git")));
    ContainerImageOptions images;
    images.builder = m_imageBuilder.get();
    m_steps = std::make_unique<BuildSteps>(m_gitService, m_runner, m_archive, images);
}

void TestBuildStepsDocker::cleanupTestCase()
{
    m_steps.reset();
    m_imageBuilder.reset();
    m_engine.reset();
    m_client.reset();
    m_podman.reset();
}

void TestBuildStepsDocker::requirePodman()
{
    if (m_podmanMissing)
        QSKIP(qPrintable(m_podmanProblem));
    if (!m_baseImageBuilt)
        QFAIL(qPrintable(QStringLiteral("Podman is not usable: %1").arg(m_podmanProblem)));
}

Build TestBuildStepsDocker::buildOf(const BuildConfig &config, const Tree &files, const EnvVars &env)
{
    Build build;
    build.id = newId(idprefix::kBuild);
    build.applicationId = QStringLiteral("app_shop");
    build.applicationName = QStringLiteral("shop");
    build.commit = m_git->commit(QStringLiteral("main"), files, QStringLiteral("source"));
    build.config = config;
    build.env = env;
    build.state = BuildState::Building;
    return build;
}

std::optional<BuildOutcome> TestBuildStepsDocker::run(const Build &build, RecordingReport &report,
                                                      const std::atomic<bool> &stop, BuildSteps *steps)
{
    return (steps ? *steps : *m_steps)
        .run(build, m_git->bareUrl(), {}, m_root->filePath(QStringLiteral("work/") + build.id),
             archiveOf(build), report, stop);
}

void TestBuildStepsDocker::dockerfileBuildWithoutAnEngineFails_data()
{
    QTest::addColumn<BuildType>("type");
    QTest::newRow("static-dockerfile") << BuildType::StaticDockerfile;
    QTest::newRow("runtime-dockerfile") << BuildType::RuntimeDockerfile;
}

void TestBuildStepsDocker::dockerfileBuildWithoutAnEngineFails()
{
    QFETCH(BuildType, type);
    BuildConfig config;
    config.type = type;
    config.artifactDir = QStringLiteral("site");
    const Build build = buildOf(config, {{QStringLiteral("Dockerfile"), dockerfileFrom(kBaseImage, {})}});
    BuildSteps withoutEngine(m_gitService, m_runner, m_archive);
    RecordingReport report;
    const std::atomic<bool> stop = false;

    const std::optional<BuildOutcome> outcome = run(build, report, stop, &withoutEngine);

    QVERIFY(outcome);
    QCOMPARE(outcome->state, BuildState::Failed);
    QCOMPARE(outcome->reason,
             QStringLiteral("Dockerfile builds need a container engine: start the server with "
                            "--runtime docker --docker-host unix:///PATH"));
    QVERIFY(!QFileInfo::exists(archiveOf(build)));
}

void TestBuildStepsDocker::runtimeDockerfileBuildRecordsItsImage()
{
    requirePodman();
    BuildConfig config;
    config.type = BuildType::RuntimeDockerfile;
    config.contextDir = QStringLiteral("app");
    config.dockerfile = QStringLiteral("docker/Dockerfile");
    const Build build = buildOf(
        config,
        {{QStringLiteral("app/docker/Dockerfile"),
          dockerfileFrom(kBaseImage,
                         {QStringLiteral("ARG GREETING"), QStringLiteral("COPY server.txt /srv/server.txt"),
                          QStringLiteral("RUN echo first; echo \"greeting $GREETING\""),
                          QStringLiteral(R"(CMD ["httpd", "-f", "-p", "8080", "-h", "/srv"])")})},
         {QStringLiteral("app/server.txt"), "served\n"}},
        {{QStringLiteral("GREETING"), QStringLiteral("hello")}});
    RecordingReport report;
    const QString tag = QStringLiteral("vitrine/shop:") + build.id.toLower();
    int tagStatusWhenFirstLineCame = 0;
    report.onLine = [&](const QString &text) {
        if (text == QLatin1String("first"))
            tagStatusWhenFirstLineCame =
                m_client->request("GET", QStringLiteral("/images/%1/json").arg(tag)).status;
    };
    const std::atomic<bool> stop = false;

    const std::optional<BuildOutcome> outcome = run(build, report, stop);

    QVERIFY(outcome);
    QCOMPARE(outcome->state, BuildState::Succeeded);
    QCOMPARE(outcome->image, tag);
    QCOMPARE(outcome->plan, (BuildPlan{DeployType::Runtime, {}}));
    QVERIFY(!QFileInfo::exists(archiveOf(build))); // the image is the release
    QCOMPARE(imagesOfBuild(build), 1);
    // The engine's lines reached the log while the image did not exist yet.
    QCOMPARE(tagStatusWhenFirstLineCame, 404);
    QVERIFY2(report.lines.contains(QStringLiteral("greeting hello")), qPrintable(report.lines.join(u'\n')));
    QVERIFY(report.lines.contains(QStringLiteral("==> Building the image from app/docker/Dockerfile")));
    QVERIFY(report.lines.contains(QStringLiteral("==> Built the image ") + outcome->image));

    const QTemporaryDir extracted;
    m_imageBuilder->extractDirectory(outcome->image, QStringLiteral("/srv"), extracted.path());
    QCOMPARE(filesIn(extracted.path()), (Tree{{QStringLiteral("server.txt"), "served\n"}}));
    m_imageBuilder->removeImage(outcome->image);
}

void TestBuildStepsDocker::staticDockerfileBuildPacksTheImagesFolder()
{
    requirePodman();
    BuildConfig config;
    config.type = BuildType::StaticDockerfile;
    config.artifactDir = QStringLiteral("out/site");
    const Build build = buildOf(
        config,
        {{QStringLiteral("Dockerfile"),
          dockerfileFrom(kBaseImage, {QStringLiteral("COPY about.html /out/site/about.html"),
                                      QStringLiteral("RUN echo '<h1>built</h1>' > /out/site/index.html")})},
         {QStringLiteral("about.html"), "<p>about</p>\n"}});
    RecordingReport report;
    const std::atomic<bool> stop = false;

    const std::optional<BuildOutcome> outcome = run(build, report, stop);

    QVERIFY(outcome);
    QCOMPARE(outcome->state, BuildState::Succeeded);
    QCOMPARE(outcome->plan, (BuildPlan{DeployType::Static, {}}));
    QVERIFY(outcome->image.isEmpty());
    QVERIFY(report.lines.contains(QStringLiteral("==> Copying /out/site out of the image")));
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked"));
    m_archive.unpack(archiveOf(build), unpacked, {});
    QCOMPARE(filesIn(unpacked), (Tree{{QStringLiteral("index.html"), "<h1>built</h1>\n"},
                                      {QStringLiteral("about.html"), "<p>about</p>\n"}}));
    QCOMPARE(imagesOfBuild(build), 0); // the artifact is what is kept
}

void TestBuildStepsDocker::staticDockerfileBuildNeedsAFolderOfTheImage_data()
{
    QTest::addColumn<QString>("artifactDir");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("missing") << QStringLiteral("nowhere") << QStringLiteral("/nowhere");
    QTest::newRow("the whole image") << QStringLiteral(".") << QStringLiteral("names the whole image");
}

void TestBuildStepsDocker::staticDockerfileBuildNeedsAFolderOfTheImage()
{
    QFETCH(QString, artifactDir);
    QFETCH(QString, messagePart);
    requirePodman();
    BuildConfig config;
    config.type = BuildType::StaticDockerfile;
    config.artifactDir = artifactDir;
    const Build build = buildOf(
        config, {{QStringLiteral("Dockerfile"), dockerfileFrom(kBaseImage, {QStringLiteral("RUN true")})}});
    RecordingReport report;
    const std::atomic<bool> stop = false;

    try {
        run(build, report, stop);
        QFAIL("the build succeeded");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
    }
    QCOMPARE(imagesOfBuild(build), 0);
    QVERIFY(!QFileInfo::exists(archiveOf(build)));
}

void TestBuildStepsDocker::runtimeCommandBuildOnDockerBecomesAnImage()
{
    requirePodman();
    ContainerImageOptions images;
    images.builder = m_imageBuilder.get();
    images.runtimeImages = true;
    images.baseImage = kBaseImage;
    BuildSteps steps(m_gitService, m_runner, m_archive, images);
    BuildConfig config;
    config.type = BuildType::RuntimeCmd;
    config.contextDir = QStringLiteral("api");
    config.buildCommand = QStringLiteral("echo built > built.txt");
    config.startCommand = QStringLiteral("httpd -f -p 8080");
    const Build build = buildOf(config, {{QStringLiteral("api/index.html"), "<p>api</p>\n"},
                                         {QStringLiteral("README.md"), "# shop\n"}});
    RecordingReport report;
    const std::atomic<bool> stop = false;

    const std::optional<BuildOutcome> outcome = run(build, report, stop, &steps);

    QVERIFY(outcome);
    QCOMPARE(outcome->state, BuildState::Succeeded);
    QCOMPARE(outcome->plan, (BuildPlan{DeployType::Runtime, QStringLiteral("httpd -f -p 8080")}));
    QCOMPARE(outcome->image, QStringLiteral("vitrine/shop:") + build.id.toLower());
    QVERIFY(report.lines.contains(QStringLiteral("==> Building the image: the release over ") + kBaseImage));
    const Tree release{{QStringLiteral("index.html"), "<p>api</p>\n"},
                       {QStringLiteral("built.txt"), "built\n"}};
    // The release is both the artifact and the image's /workspace.
    const QString unpacked = m_root->filePath(QStringLiteral("unpacked"));
    m_archive.unpack(archiveOf(build), unpacked, {});
    QCOMPARE(filesIn(unpacked), release);
    const QTemporaryDir extracted;
    m_imageBuilder->extractDirectory(outcome->image, QStringLiteral("/workspace"), extracted.path());
    QCOMPARE(filesIn(extracted.path()), release);
    const QJsonObject inspected =
        m_client->request("GET", QStringLiteral("/images/%1/json").arg(outcome->image)).json().object();
    QCOMPARE(
        inspected.value(QStringLiteral("Config")).toObject().value(QStringLiteral("WorkingDir")).toString(),
        QStringLiteral("/workspace"));
    m_imageBuilder->removeImage(outcome->image);
}

void TestBuildStepsDocker::stopDuringRunLeavesNoImage()
{
    requirePodman();
    BuildConfig config;
    config.type = BuildType::RuntimeDockerfile;
    const Build build = buildOf(
        config, {{QStringLiteral("Dockerfile"),
                  dockerfileFrom(kBaseImage, {QStringLiteral("RUN echo sleeping; sleep 1000; echo woke")})}});
    RecordingReport report;
    std::atomic<bool> stop = false;
    report.onLine = [&stop](const QString &text) {
        if (text == QLatin1String("sleeping"))
            stop = true;
    };

    const std::optional<BuildOutcome> outcome = run(build, report, stop);

    QVERIFY(!outcome);
    QVERIFY(report.lines.contains(QStringLiteral("sleeping")));
    QVERIFY(!report.lines.contains(QStringLiteral("woke")));
    QCOMPARE(imagesOfBuild(build), 0);
    QCOMPARE(m_client->request("GET", QStringLiteral("/images/vitrine/shop:%1/json").arg(build.id.toLower()))
                 .status,
             404);
}

void TestBuildStepsDocker::badDockerfileFailsWithTheEnginesMessage()
{
    requirePodman();
    BuildConfig config;
    config.type = BuildType::RuntimeDockerfile;
    const Build build = buildOf(
        config, {{QStringLiteral("Dockerfile"), dockerfileFrom(kBaseImage, {QStringLiteral("FOO bar")})}});
    RecordingReport report;
    const std::atomic<bool> stop = false;

    try {
        run(build, report, stop);
        QFAIL("the build succeeded");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), ErrorKind::FailedPrecondition);
        QVERIFY2(error.message().contains(QStringLiteral("Unknown instruction: \"FOO\"")),
                 qPrintable(error.message()));
    }
    QCOMPARE(imagesOfBuild(build), 0);
}

QTEST_GUILESS_MAIN(TestBuildStepsDocker)
#include "tst_build_steps_docker.moc"
