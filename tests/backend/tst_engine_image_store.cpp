#include "adapters/docker/docker_client.h"
#include "adapters/docker/engine_image_builder.h"
#include "adapters/docker/engine_image_store.h"
#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "podman_service.h"
#include "store_fixtures.h"
#include "usecases/disk_usage.h"
#include "usecases/garbage_collector.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vitrine;
using adapters::docker::DockerClient;
using adapters::docker::EngineImageBuilder;
using adapters::docker::EngineImageStore;

class TestEngineImageStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void garbageCollectionRemovesOnlyOldLabelledImages();

private:
    // The tags of every image the engine has, sorted.
    QStringList allTags();

    std::unique_ptr<tests::PodmanService> m_podman;
    std::unique_ptr<DockerClient> m_client;
    std::unique_ptr<EngineImageBuilder> m_builder;
    QString m_problem;
    bool m_missing = false;
};

void TestEngineImageStore::initTestCase()
{
    if (!tests::PodmanService::available(&m_problem)) {
        m_missing = true;
        return;
    }
    auto podman = std::make_unique<tests::PodmanService>();
    if (!podman->start(&m_problem))
        return;
    m_podman = std::move(podman);
    m_client = std::make_unique<DockerClient>(m_podman->host());
    m_builder = std::make_unique<EngineImageBuilder>(*m_client);
}

void TestEngineImageStore::cleanupTestCase()
{
    m_builder.reset();
    m_client.reset();
    m_podman.reset();
}

QStringList TestEngineImageStore::allTags()
{
    QStringList tags;
    const adapters::docker::DockerResponse response =
        m_client->request("GET", QStringLiteral("/images/json"));
    for (const QJsonValue &image : response.json().array()) {
        for (const QJsonValue &tag : image.toObject().value(QStringLiteral("RepoTags")).toArray())
            tags.append(tag.toString());
    }
    tags.sort();
    return tags;
}

void TestEngineImageStore::garbageCollectionRemovesOnlyOldLabelledImages()
{
    if (m_missing)
        QSKIP(qPrintable(m_problem));
    QVERIFY2(m_builder, qPrintable(QStringLiteral("Podman is not usable: %1").arg(m_problem)));

    QTemporaryDir dir;
    adapters::store::SqlStore store(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("vitrine.db")));
    adapters::logfiles::FileBuildLogStore logs(dir.filePath(QStringLiteral("logs/builds")));
    const domain::User owner = tests::addUser(store, QStringLiteral("ana"), domain::Role::Member);
    const domain::Repository repository = tests::addRepository(
        store, QStringLiteral("repo"), QStringLiteral("https://git.example/r"), {owner.id});
    domain::Application application =
        tests::newApplication(repository, QStringLiteral("api"), QStringLiteral("h"));
    store.insertApplication(application);
    QList<domain::Build> builds;
    for (int age : {3, 2, 1}) {
        domain::Build build = tests::newBuild(application, QString(40, u'a'), domain::BuildState::Succeeded);
        build.queuedAt = QDateTime::currentDateTimeUtc().addDays(-age);
        build.finishedAt = build.queuedAt.addSecs(60);
        store.insertBuild(build);
        builds.append(build);
    }
    store.setApplicationCurrentBuild(application.id, builds.at(2).id);

    // The oldest build's image goes; the served one's, the rollback one's and an image someone else built
    // stay.
    for (const domain::Build &build : builds) {
        QVERIFY2(tests::buildBusyboxImage(*m_client, adapters::docker::imageTag(application.name, build.id),
                                          {}, adapters::docker::imageLabels(application.id, build.id),
                                          &m_problem),
                 qPrintable(m_problem));
    }
    QVERIFY2(tests::buildBusyboxImage(*m_client, QStringLiteral("someone/else:1"),
                                      {QStringLiteral("LABEL x=1")}, {}, &m_problem),
             qPrintable(m_problem));

    EngineImageStore images(*m_builder);
    QCOMPARE(images.managedImages().size(), 3);
    usecases::DiskUsageMeter disk(store, &images, dir.path());
    usecases::GarbageCollectorOptions options;
    options.dataDir = dir.path();
    options.keepBuilds = 1;
    usecases::GarbageCollector collector(store, logs, &images, disk, options);

    const usecases::CollectedGarbage freed = collector.collect();

    QCOMPARE(freed.count, 1);
    const QStringList tags = allTags();
    QVERIFY2(!tags.join(u' ').contains(builds.at(0).id.toLower()), qPrintable(tags.join(u' ')));
    QVERIFY2(tags.join(u' ').contains(builds.at(1).id.toLower()), qPrintable(tags.join(u' ')));
    QVERIFY2(tags.join(u' ').contains(builds.at(2).id.toLower()), qPrintable(tags.join(u' ')));
    QVERIFY2(tags.join(u' ').contains(QStringLiteral("someone/else:1")), qPrintable(tags.join(u' ')));
    // The application's disk use counts its two images.
    QVERIFY(disk.lastMeasured().byApplication.value(application.id).imagesBytes > 0);
}

QTEST_GUILESS_MAIN(TestEngineImageStore)
#include "tst_engine_image_store.moc"
