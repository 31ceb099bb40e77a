#include "adapters/docker/docker_client.h"
#include "adapters/docker/engine_image_builder.h"
#include "domain/error.h"
#include "podman_service.h"
#include "verify_error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

using vitrine::adapters::docker::BuiltImage;
using vitrine::adapters::docker::DockerClient;
using vitrine::adapters::docker::EngineImageBuilder;
using vitrine::adapters::docker::ImageBuildRequest;
using vitrine::adapters::docker::imageLabels;
using vitrine::adapters::docker::imageTag;
using vitrine::domain::ErrorKind;
using vitrine::domain::LogStream;

namespace {

const QString kBaseImage = QStringLiteral("vitrine-test/busybox:latest");

struct LoggedLine {
    LogStream stream;
    QString text;
};

// A checkout: files (path → content) in a temporary folder.
class Checkout {
public:
    explicit Checkout(const QMap<QString, QByteArray> &files)
    {
        for (auto file = files.cbegin(); file != files.cend(); ++file)
            write(file.key(), file.value());
    }

    void write(const QString &relativePath, const QByteArray &content)
    {
        const QString path = m_dir.filePath(relativePath);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
};

ImageBuildRequest requestFor(const Checkout &checkout, const QString &buildId)
{
    ImageBuildRequest request;
    request.contextDirectory = checkout.path();
    request.tag = imageTag(QStringLiteral("engine-test"), buildId);
    request.labels = imageLabels(QStringLiteral("app_enginetest"), buildId);
    return request;
}

QStringList texts(const QList<LoggedLine> &lines, LogStream stream)
{
    QStringList result;
    for (const LoggedLine &line : lines) {
        if (line.stream == stream)
            result.append(line.text);
    }
    return result;
}

QByteArray fileContent(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestEngineImageBuilder : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void outputArrivesLineByLineWhileTheBuildRuns();
    void buildArgsReachRun();
    void contextLeavesOutGitAndLinksLeadingOut();
    void generatedDockerfileBuildsOverTheContext();
    void engineErrorsFailTheBuild_data();
    void engineErrorsFailTheBuild();
    void badPathsAreRefusedBeforeTheEngine_data();
    void badPathsAreRefusedBeforeTheEngine();
    void missingDockerfileIsNamed();
    void cancelStopsTheBuildAndLeavesNoImage();
    void extractDirectoryCopiesTheFolderContents();
    void extractingAMissingDirectoryNamesIt();
    void removeImageRemovesItOnce();

private:
    void requirePodman();
    // Builds and returns the image; the output goes to *lines when given.
    BuiltImage build(const ImageBuildRequest &request, QList<LoggedLine> *lines = nullptr);

    std::unique_ptr<vitrine::tests::PodmanService> m_podman;
    std::unique_ptr<DockerClient> m_client;
    std::unique_ptr<EngineImageBuilder> m_builder;
    QString m_podmanProblem;
    bool m_podmanMissing = false;
    bool m_baseImageBuilt = false;
};

void TestEngineImageBuilder::initTestCase()
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
    m_builder = std::make_unique<EngineImageBuilder>(*m_client);
    m_baseImageBuilt = vitrine::tests::buildBusyboxImage(*m_client, kBaseImage, {}, {}, &m_podmanProblem);
}

void TestEngineImageBuilder::cleanupTestCase()
{
    m_builder.reset();
    m_client.reset();
    m_podman.reset();
}

void TestEngineImageBuilder::requirePodman()
{
    if (m_podmanMissing)
        QSKIP(qPrintable(m_podmanProblem));
    if (!m_baseImageBuilt)
        QFAIL(qPrintable(QStringLiteral("Podman is not usable: %1").arg(m_podmanProblem)));
}

BuiltImage TestEngineImageBuilder::build(const ImageBuildRequest &request, QList<LoggedLine> *lines)
{
    const std::atomic_bool cancel = false;
    const std::optional<BuiltImage> image = m_builder->build(
        request,
        [lines](LogStream stream, const QString &text) {
            if (lines)
                lines->append({stream, text});
        },
        cancel);
    if (!image)
        qFatal("the build returned no image without being cancelled");
    return *image;
}

void TestEngineImageBuilder::outputArrivesLineByLineWhileTheBuildRuns()
{
    requirePodman();
    const Checkout checkout({{QStringLiteral("Dockerfile"),
                              vitrine::tests::dockerfileFrom(
                                  kBaseImage, {QStringLiteral("RUN echo first; echo second; echo third")})}});
    const QString buildId = QStringLiteral("bld_lines");
    const QStringList byBuild{QStringLiteral("vitrine.build-id=") + buildId};

    QStringList lines;
    qsizetype imagesWhenFirstLineCame = -1;
    const std::atomic_bool cancel = false;
    const std::optional<BuiltImage> image = m_builder->build(
        requestFor(checkout, buildId),
        [&](LogStream stream, const QString &text) {
            QCOMPARE(stream, LogStream::Stdout);
            lines.append(text);
            if (text == QLatin1String("first"))
                imagesWhenFirstLineCame = m_builder->imagesOf(byBuild).size();
        },
        cancel);

    QVERIFY(image);
    QVERIFY2(image->imageId.startsWith(QLatin1String("sha256:")), qPrintable(image->imageId));
    QCOMPARE(image->tag, QStringLiteral("vitrine/engine-test:bld_lines"));
    // The line came while the image did not exist yet: it was handed over during the build.
    QCOMPARE(imagesWhenFirstLineCame, 0);
    const qsizetype first = lines.indexOf(QStringLiteral("first"));
    QVERIFY2(first >= 0, qPrintable(lines.join(QLatin1Char('\n'))));
    QCOMPARE(lines.mid(first, 3),
             (QStringList{QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third")}));

    const auto images = m_builder->imagesOf(byBuild);
    QCOMPARE(images.size(), 1);
    QCOMPARE(images.first().id, image->imageId);
    QVERIFY2(images.first().tags.join(QLatin1Char(' ')).contains(image->tag),
             qPrintable(images.first().tags.join(QLatin1Char(' '))));
    QCOMPARE(images.first().labels.value(QStringLiteral("vitrine.managed")), QStringLiteral("true"));
    QCOMPARE(images.first().labels.value(QStringLiteral("vitrine.application-id")),
             QStringLiteral("app_enginetest"));
    QVERIFY(images.first().sizeBytes > 0);
    QVERIFY(images.first().created.isValid());
}

void TestEngineImageBuilder::buildArgsReachRun()
{
    requirePodman();
    const Checkout checkout(
        {{QStringLiteral("Dockerfile"),
          vitrine::tests::dockerfileFrom(kBaseImage, {QStringLiteral("ARG GREETING"),
                                                      QStringLiteral("RUN echo \"greeting=$GREETING\"")})}});
    ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_args"));
    request.buildArgs = {{QStringLiteral("GREETING"), QStringLiteral("hello club & friends")}};
    QList<LoggedLine> lines;
    build(request, &lines);
    QVERIFY2(texts(lines, LogStream::Stdout).contains(QStringLiteral("greeting=hello club & friends")),
             qPrintable(texts(lines, LogStream::Stdout).join(QLatin1Char('\n'))));
}

void TestEngineImageBuilder::contextLeavesOutGitAndLinksLeadingOut()
{
    requirePodman();
    Checkout checkout({
        {QStringLiteral("app/Dockerfile"),
         vitrine::tests::dockerfileFrom(
             kBaseImage, {QStringLiteral("COPY . /ctx"), QStringLiteral("RUN ls -a /ctx /ctx/docs")})},
        {QStringLiteral("app/.git/HEAD"), "ref: refs/heads/main\n"},
        {QStringLiteral("app/site/index.html"), "<h1>hi</h1>\n"},
        {QStringLiteral("app/run.sh"), "#!/bin/sh\n"},
        {QStringLiteral("secret.txt"), "not for the engine\n"},
    });
    QVERIFY(QFile::link(QStringLiteral("site"), checkout.path() + QStringLiteral("/app/docs")));
    QVERIFY(
        QFile::link(QStringLiteral("../secret.txt"), checkout.path() + QStringLiteral("/app/secret-link")));
    QVERIFY(QFile::link(QStringLiteral("/etc/hostname"), checkout.path() + QStringLiteral("/app/host-link")));

    ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_context"));
    request.contextSubdir = QStringLiteral("app");
    QList<LoggedLine> lines;
    build(request, &lines);

    const QStringList output = texts(lines, LogStream::Stdout);
    const QString shown = output.join(QLatin1Char('\n'));
    QVERIFY2(output.contains(QStringLiteral("run.sh")), qPrintable(shown));
    QVERIFY2(output.contains(QStringLiteral("docs")), qPrintable(shown));
    QVERIFY2(output.contains(QStringLiteral("index.html")), qPrintable(shown)); // listed through the link
    QVERIFY2(!output.contains(QStringLiteral(".git")), qPrintable(shown));
    QVERIFY2(!output.contains(QStringLiteral("secret-link")), qPrintable(shown));
    QVERIFY2(!output.contains(QStringLiteral("host-link")), qPrintable(shown));
    const QString notes = texts(lines, LogStream::System).join(QLatin1Char('\n'));
    QVERIFY2(notes.contains(QLatin1String("'secret-link'")), qPrintable(notes));
    QVERIFY2(notes.contains(QLatin1String("'host-link'")), qPrintable(notes));
}

void TestEngineImageBuilder::generatedDockerfileBuildsOverTheContext()
{
    requirePodman();
    const Checkout checkout({{QStringLiteral("hello.txt"), "hello from the context\n"}});
    ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_generated"));
    request.dockerfile = QStringLiteral("Absent.Dockerfile");
    request.generatedDockerfile = QString::fromUtf8(vitrine::tests::dockerfileFrom(
        kBaseImage, {QStringLiteral("COPY hello.txt /hello.txt"), QStringLiteral("RUN cat /hello.txt")}));
    QList<LoggedLine> lines;
    build(request, &lines);
    QVERIFY2(texts(lines, LogStream::Stdout).contains(QStringLiteral("hello from the context")),
             qPrintable(texts(lines, LogStream::Stdout).join(QLatin1Char('\n'))));
}

void TestEngineImageBuilder::engineErrorsFailTheBuild_data()
{
    QTest::addColumn<QByteArray>("dockerfileText");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("unknown instruction")
        << vitrine::tests::dockerfileFrom(kBaseImage, {QStringLiteral("FOO bar")})
        << QStringLiteral("Unknown instruction: \"FOO\"");
    QTest::newRow("missing file") << vitrine::tests::dockerfileFrom(kBaseImage,
                                                                    {QStringLiteral("COPY nothing-here /x")})
                                  << QStringLiteral("nothing-here");
    QTest::newRow("failing command") << vitrine::tests::dockerfileFrom(kBaseImage,
                                                                       {QStringLiteral("RUN exit 3")})
                                     << QStringLiteral("exit status 3");
}

void TestEngineImageBuilder::engineErrorsFailTheBuild()
{
    requirePodman();
    QFETCH(QByteArray, dockerfileText);
    QFETCH(QString, messagePart);
    const Checkout checkout({{QStringLiteral("Dockerfile"), dockerfileText}});
    const std::atomic_bool cancel = false;
    VERIFY_ERROR(
        m_builder->build(
            requestFor(checkout, QStringLiteral("bld_failing")), [](LogStream, const QString &) {}, cancel),
        ErrorKind::FailedPrecondition, messagePart);
    QVERIFY(m_builder->imagesOf({QStringLiteral("vitrine.build-id=bld_failing")}).isEmpty());
}

void TestEngineImageBuilder::badPathsAreRefusedBeforeTheEngine_data()
{
    QTest::addColumn<QString>("contextSubdir");
    QTest::addColumn<QString>("dockerfileName");
    QTest::addColumn<QString>("field");
    QTest::newRow("context dir with ..") << QStringLiteral("../outside") << QStringLiteral("Dockerfile")
                                         << QStringLiteral("build.context_dir");
    QTest::newRow("absolute context dir")
        << QStringLiteral("/etc") << QStringLiteral("Dockerfile") << QStringLiteral("build.context_dir");
    QTest::newRow("context dir through a link")
        << QStringLiteral("outside-link") << QStringLiteral("Dockerfile")
        << QStringLiteral("build.context_dir");
    QTest::newRow("Dockerfile with ..")
        << QString() << QStringLiteral("../Dockerfile") << QStringLiteral("build.dockerfile");
    QTest::newRow("Dockerfile through a link")
        << QStringLiteral("app") << QStringLiteral("Dockerfile") << QStringLiteral("build.dockerfile");
}

void TestEngineImageBuilder::badPathsAreRefusedBeforeTheEngine()
{
    QFETCH(QString, contextSubdir);
    QFETCH(QString, dockerfileName);
    QFETCH(QString, field);
    const QTemporaryDir outside;
    Checkout checkout({{QStringLiteral("Dockerfile"), vitrine::tests::dockerfileFrom(kBaseImage, {})},
                       {QStringLiteral("app/readme"), "hi\n"}});
    QFile(checkout.path() + QStringLiteral("/Dockerfile"))
        .copy(outside.filePath(QStringLiteral("Dockerfile")));
    QVERIFY(QFile::link(outside.path(), checkout.path() + QStringLiteral("/outside-link")));
    QVERIFY(QFile::link(outside.filePath(QStringLiteral("Dockerfile")),
                        checkout.path() + QStringLiteral("/app/Dockerfile")));

    // An engine that is not there: a call to it would fail with FailedPrecondition instead.
    const QTemporaryDir nowhere;
    DockerClient absentEngine(QStringLiteral("unix://") + nowhere.filePath(QStringLiteral("absent.sock")));
    EngineImageBuilder builder(absentEngine);
    ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_badpath"));
    request.contextSubdir = contextSubdir;
    request.dockerfile = dockerfileName;
    const std::atomic_bool cancel = false;
    try {
        builder.build(
            request, [](LogStream, const QString &) {}, cancel);
        QFAIL("the build was not refused");
    } catch (const vitrine::domain::Error &error) {
        QCOMPARE(error.kind(), ErrorKind::BadRequest);
        QCOMPARE(error.field(), field);
    }
}

void TestEngineImageBuilder::missingDockerfileIsNamed()
{
    requirePodman();
    const Checkout checkout({{QStringLiteral("web/index.html"), "hi\n"}});
    ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_nodockerfile"));
    request.contextSubdir = QStringLiteral("web");
    request.dockerfile = QStringLiteral("docker/Web.Dockerfile");
    const std::atomic_bool cancel = false;
    VERIFY_ERROR(m_builder->build(
                     request, [](LogStream, const QString &) {}, cancel),
                 ErrorKind::FailedPrecondition, QStringLiteral("'docker/Web.Dockerfile' does not exist"));
}

void TestEngineImageBuilder::cancelStopsTheBuildAndLeavesNoImage()
{
    requirePodman();
    const Checkout checkout(
        {{QStringLiteral("Dockerfile"),
          vitrine::tests::dockerfileFrom(kBaseImage,
                                         {QStringLiteral("RUN echo started; sleep 30; echo finished")})}});
    const ImageBuildRequest request = requestFor(checkout, QStringLiteral("bld_cancel"));
    std::atomic_bool cancel = false;
    QStringList lines;
    const std::optional<BuiltImage> image = m_builder->build(
        request,
        [&](LogStream, const QString &text) {
            lines.append(text);
            if (text == QLatin1String("started"))
                cancel = true;
        },
        cancel);

    QVERIFY(!image);
    QVERIFY2(lines.contains(QStringLiteral("started")), qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY(!lines.contains(QStringLiteral("finished")));
    QVERIFY(m_builder->imagesOf({QStringLiteral("vitrine.build-id=bld_cancel")}).isEmpty());
    QCOMPARE(m_client->request("GET", QStringLiteral("/images/%1/json").arg(request.tag)).status, 404);
}

void TestEngineImageBuilder::extractDirectoryCopiesTheFolderContents()
{
    requirePodman();
    const Checkout checkout({
        {QStringLiteral("Dockerfile"),
         vitrine::tests::dockerfileFrom(
             kBaseImage,
             {QStringLiteral("COPY public/ /site/"),
              QStringLiteral("RUN mkdir -p /site/css && echo '<h1>built</h1>' > /site/index.html && "
                             "echo 'body{}' > /site/css/main.css && ln -s index.html /site/home.html")})},
        {QStringLiteral("public/about.html"), "<p>about</p>\n"},
    });
    const BuiltImage image = build(requestFor(checkout, QStringLiteral("bld_site")));

    const QTemporaryDir target;
    const QString artifact = target.filePath(QStringLiteral("artifact"));
    m_builder->extractDirectory(image.tag, QStringLiteral("/site"), artifact);

    QCOMPARE(fileContent(artifact + QStringLiteral("/index.html")), QByteArray("<h1>built</h1>\n"));
    QCOMPARE(fileContent(artifact + QStringLiteral("/about.html")), QByteArray("<p>about</p>\n"));
    QCOMPARE(fileContent(artifact + QStringLiteral("/css/main.css")), QByteArray("body{}\n"));
    QCOMPARE(QFileInfo(artifact + QStringLiteral("/home.html")).symLinkTarget(),
             QFileInfo(artifact + QStringLiteral("/index.html")).absoluteFilePath());
    QVERIFY(!QFileInfo::exists(artifact + QStringLiteral("/site")));
    // The container it read through is gone.
    const auto containers = m_client->request("GET", QStringLiteral("/containers/json?all=1"));
    QVERIFY(containers.ok());
    QCOMPARE(containers.json().array().size(), 0);
}

void TestEngineImageBuilder::extractingAMissingDirectoryNamesIt()
{
    requirePodman();
    const QTemporaryDir target;
    VERIFY_ERROR(m_builder->extractDirectory(kBaseImage, QStringLiteral("/no-such-site"), target.path()),
                 ErrorKind::FailedPrecondition, QStringLiteral("'/no-such-site' does not exist"));
    VERIFY_ERROR(m_builder->extractDirectory(kBaseImage, QStringLiteral("/bin/busybox"), target.path()),
                 ErrorKind::FailedPrecondition, QStringLiteral("'/bin/busybox' is not a directory"));
    VERIFY_ERROR(m_builder->extractDirectory(kBaseImage, QStringLiteral("site"), target.path()),
                 ErrorKind::BadRequest, QStringLiteral("'site'"));
    const auto containers = m_client->request("GET", QStringLiteral("/containers/json?all=1"));
    QCOMPARE(containers.json().array().size(), 0);
}

void TestEngineImageBuilder::removeImageRemovesItOnce()
{
    requirePodman();
    const Checkout checkout(
        {{QStringLiteral("Dockerfile"),
          vitrine::tests::dockerfileFrom(kBaseImage, {QStringLiteral("RUN echo removable")})}});
    const BuiltImage image = build(requestFor(checkout, QStringLiteral("bld_remove")));
    const QStringList byBuild{QStringLiteral("vitrine.build-id=bld_remove")};
    QCOMPARE(m_builder->imagesOf(byBuild).size(), 1);

    m_builder->removeImage(image.tag);
    QVERIFY(m_builder->imagesOf(byBuild).isEmpty());
    m_builder->removeImage(image.tag);
    // The base image, which Vitrine did not label, is still there.
    QCOMPARE(m_client->request("GET", QStringLiteral("/images/%1/json").arg(kBaseImage)).status, 200);
}

QTEST_GUILESS_MAIN(TestEngineImageBuilder)
#include "tst_engine_image_builder.moc"
