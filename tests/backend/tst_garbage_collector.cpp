#include "adapters/logfiles/file_build_log_store.h"
#include "adapters/store/sql_store.h"
#include "domain/error.h"
#include "domain/ids.h"
#include "domain/ports/image_store.h"
#include "store_fixtures.h"
#include "usecases/disk_usage.h"
#include "usecases/garbage_collector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <mutex>

using namespace vitrine;
using domain::BuildState;

namespace {

// The engine's images in memory; like the engine, it lists only those labelled vitrine.managed=true.
class FakeImageStore final : public domain::ImageStore {
public:
    struct Image {
        domain::ManagedImage image;
        bool managed = true;
        bool inUse = false; // a container uses it: removal is refused
    };

    void add(const QString &id, const QString &applicationId, const QString &buildId, qint64 size,
             bool managed = true)
    {
        const std::lock_guard lock(m_mutex);
        m_images.insert(id, Image{{id, applicationId, buildId, size}, managed, false});
    }
    void setInUse(const QString &id, bool inUse)
    {
        const std::lock_guard lock(m_mutex);
        m_images[id].inUse = inUse;
    }
    QStringList ids() const
    {
        const std::lock_guard lock(m_mutex);
        QStringList ids = m_images.keys();
        ids.sort();
        return ids;
    }

    QList<domain::ManagedImage> managedImages() override
    {
        const std::lock_guard lock(m_mutex);
        QList<domain::ManagedImage> managed;
        for (const Image &image : std::as_const(m_images)) {
            if (image.managed)
                managed.append(image.image);
        }
        return managed;
    }
    void removeImage(const QString &imageId) override
    {
        const std::lock_guard lock(m_mutex);
        if (m_images.value(imageId).inUse)
            throw domain::Error::failedPrecondition(QStringLiteral("image is in use by a container"));
        m_images.remove(imageId);
    }

private:
    mutable std::mutex m_mutex;
    QMap<QString, Image> m_images;
};

class Platform {
public:
    Platform()
        : store(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("vitrine.db")))
        , logs(dir.filePath(QStringLiteral("logs/builds")))
        , disk(store, &images, dir.path())
    {
        owner = tests::addUser(store, QStringLiteral("ana"), domain::Role::Member);
        repository = tests::addRepository(store, QStringLiteral("repo"),
                                          QStringLiteral("https://git.example/r"), {owner.id});
    }

    std::unique_ptr<usecases::GarbageCollector> collector(int keepBuilds)
    {
        usecases::GarbageCollectorOptions options;
        options.dataDir = dir.path();
        options.keepBuilds = keepBuilds;
        options.buildLogAge = std::chrono::days(30);
        return std::make_unique<usecases::GarbageCollector>(store, logs, &images, disk, options);
    }

    domain::Application addApplication(const QString &name)
    {
        domain::Application application = tests::newApplication(repository, name, QStringLiteral("hash"));
        store.insertApplication(application);
        return application;
    }

    // A finished build queued `ageDays` ago, with its log, and for a succeeded one its artifact and a
    // published folder in `folder` ("sites" or "releases").
    domain::Build addBuild(const domain::Application &application, BuildState state, int ageDays,
                           const QString &folder = QStringLiteral("sites"))
    {
        domain::Build build = tests::newBuild(application, QString(40, u'a'), state);
        build.queuedAt = QDateTime::currentDateTimeUtc().addDays(-ageDays).addSecs(++m_sequence);
        build.startedAt = build.queuedAt;
        if (domain::isFinished(state))
            build.finishedAt = build.queuedAt.addSecs(60);
        if (state == BuildState::Succeeded) {
            build.artifactPath = QStringLiteral("artifacts/%1.tar.gz").arg(build.id);
            write(build.artifactPath, QByteArray(1000, 'a'));
            write(QStringLiteral("%1/%2/%3/index.html").arg(folder, application.name, build.id),
                  QByteArray(100, 's'));
        }
        store.insertBuild(build);
        logs.append(build.id, domain::LogLine{1, build.queuedAt, domain::LogStream::Stdout,
                                              QStringLiteral("building %1").arg(build.id)});
        logs.close(build.id);
        return build;
    }

    void write(const QString &relativePath, const QByteArray &content)
    {
        const QString path = dir.filePath(relativePath);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
    }
    bool exists(const QString &relativePath) const { return QFileInfo::exists(dir.filePath(relativePath)); }
    bool hasArtifact(const domain::Build &build) const
    {
        return exists(QStringLiteral("artifacts/%1.tar.gz").arg(build.id));
    }
    bool hasLog(const domain::Build &build) const { return QFile::exists(logs.pathOf(build.id)); }

    QTemporaryDir dir;
    adapters::store::SqlStore store;
    adapters::logfiles::FileBuildLogStore logs;
    FakeImageStore images;
    usecases::DiskUsageMeter disk;
    domain::User owner;
    domain::Repository repository;

private:
    int m_sequence = 0;
};

} // namespace

class TestGarbageCollector : public QObject {
    Q_OBJECT

private slots:
    void keepsTheServedBuildAndThePreviousSuccessfulOnes()
    {
        Platform p;
        const domain::Application site = p.addApplication(QStringLiteral("site"));
        const domain::Build oldest = p.addBuild(site, BuildState::Succeeded, 40);
        const domain::Build older = p.addBuild(site, BuildState::Succeeded, 3);
        const domain::Build failed = p.addBuild(site, BuildState::Failed, 2);
        const domain::Build previous = p.addBuild(site, BuildState::Succeeded, 2);
        const domain::Build beforePrevious = p.addBuild(site, BuildState::Succeeded, 2);
        const domain::Build served = p.addBuild(site, BuildState::Succeeded, 1);
        const domain::Build queued = p.addBuild(site, BuildState::Queued, 0);
        p.store.setApplicationCurrentBuild(site.id, served.id);
        p.images.add(QStringLiteral("sha256:old"), site.id, oldest.id, 5000);
        p.images.add(QStringLiteral("sha256:served"), site.id, served.id, 7000);
        const qint64 oldestLogBytes = QFileInfo(p.logs.pathOf(oldest.id)).size();

        const usecases::CollectedGarbage freed = p.collector(2)->collect();

        // Served, and the two newest successful builds before it (the failed one is no rollback target).
        for (const domain::Build &kept : {served, beforePrevious, previous}) {
            QVERIFY2(p.hasArtifact(kept), qPrintable(kept.id));
            QVERIFY(p.exists(QStringLiteral("sites/site/%1/index.html").arg(kept.id)));
            QVERIFY(p.hasLog(kept));
        }
        QVERIFY(p.hasLog(queued));
        for (const domain::Build &removed : {oldest, older}) {
            QVERIFY2(!p.hasArtifact(removed), qPrintable(removed.id));
            QVERIFY(!p.exists(QStringLiteral("sites/site/%1").arg(removed.id)));
        }
        // Logs of builds not kept stay until they are build_log_days old.
        QVERIFY(!p.hasLog(oldest));
        QVERIFY(p.hasLog(older));
        QVERIFY(p.hasLog(failed));
        QCOMPARE(p.images.ids(), QStringList{QStringLiteral("sha256:served")});
        // Two artifacts, two sites, a log and an image.
        QCOMPARE(freed.count, 6);
        QCOMPARE(freed.bytes, 2 * 1000 + 2 * 100 + oldestLogBytes + 5000);
        // The store keeps the builds' history.
        QVERIFY(p.store.findBuildById(oldest.id));
    }

    void leavesAPinnedBuildAndItsRelease()
    {
        Platform p;
        const domain::Application api = p.addApplication(QStringLiteral("api"));
        const QString releases = QStringLiteral("releases");
        const domain::Build pinned = p.addBuild(api, BuildState::Succeeded, 10, releases);
        const domain::Build between = p.addBuild(api, BuildState::Succeeded, 5, releases);
        const domain::Build current = p.addBuild(api, BuildState::Succeeded, 1, releases);
        p.store.setApplicationCurrentBuild(api.id, current.id);
        p.store.setApplicationPinnedBuild(api.id, pinned.id);

        p.collector(1)->collect();

        QVERIFY(p.hasArtifact(pinned));
        QVERIFY(p.exists(QStringLiteral("releases/api/%1/index.html").arg(pinned.id)));
        QVERIFY(p.hasArtifact(current));
        QVERIFY(p.exists(QStringLiteral("releases/api/%1/index.html").arg(current.id)));
        QVERIFY(!p.hasArtifact(between));
        QVERIFY(!p.exists(QStringLiteral("releases/api/%1").arg(between.id)));
    }

    void leavesWhatVitrineDidNotCreateAlone()
    {
        Platform p;
        const domain::Application site = p.addApplication(QStringLiteral("site"));
        const domain::Build old = p.addBuild(site, BuildState::Succeeded, 40);
        p.addBuild(site, BuildState::Succeeded, 5);
        const domain::Build served = p.addBuild(site, BuildState::Succeeded, 1);
        p.store.setApplicationCurrentBuild(site.id, served.id);
        const QString foreignBuild = domain::newId(domain::idprefix::kBuild);
        const QStringList unrelated{QStringLiteral("artifacts/notes.txt"),
                                    QStringLiteral("backups/site.tar.gz"),
                                    QStringLiteral("sites/site/README"),
                                    QStringLiteral("sites/other/%1/index.html").arg(foreignBuild),
                                    QStringLiteral("work/not-a-build/file")};
        for (const QString &path : unrelated)
            p.write(path, "mine");
        // Another server's image on a shared engine, and one nobody labelled.
        p.images.add(QStringLiteral("sha256:other-server"), domain::newId(domain::idprefix::kApplication),
                     foreignBuild, 100);
        p.images.add(QStringLiteral("sha256:unlabelled"), site.id, old.id, 100, false);

        p.collector(1)->collect();

        QVERIFY(!p.hasArtifact(old));
        for (const QString &path : unrelated)
            QVERIFY2(p.exists(path), qPrintable(path));
        QCOMPARE(p.images.ids(),
                 (QStringList{QStringLiteral("sha256:other-server"), QStringLiteral("sha256:unlabelled")}));
    }

    void removesTheWorkspacesOfBuildsNoLongerRunning()
    {
        Platform p;
        const domain::Application site = p.addApplication(QStringLiteral("site"));
        const domain::Build finished = p.addBuild(site, BuildState::Failed, 1);
        const domain::Build running = p.addBuild(site, BuildState::Building, 0);
        const QString unknown = domain::newId(domain::idprefix::kBuild);
        for (const QString &id : {finished.id, running.id, unknown})
            p.write(QStringLiteral("work/%1/checkout/file").arg(id), "x");

        p.collector(3)->collect();

        QVERIFY(!p.exists(QStringLiteral("work/%1").arg(finished.id)));
        QVERIFY(!p.exists(QStringLiteral("work/%1").arg(unknown)));
        QVERIFY(p.exists(QStringLiteral("work/%1/checkout/file").arg(running.id)));
    }

    void removesTheImagesOfADeletedApplicationOnceNoContainerUsesThem()
    {
        Platform p;
        const QString deleted = domain::newId(domain::idprefix::kApplication);
        const QString kept = domain::newId(domain::idprefix::kApplication);
        p.images.add(QStringLiteral("sha256:a"), deleted, domain::newId(domain::idprefix::kBuild), 10);
        p.images.add(QStringLiteral("sha256:b"), deleted, domain::newId(domain::idprefix::kBuild), 10);
        p.images.add(QStringLiteral("sha256:c"), kept, domain::newId(domain::idprefix::kBuild), 10);
        p.images.setInUse(QStringLiteral("sha256:b"), true);
        const auto collector = p.collector(3);

        collector->applicationDeleted(deleted);
        collector->collect();
        QCOMPARE(p.images.ids(), (QStringList{QStringLiteral("sha256:b"), QStringLiteral("sha256:c")}));

        p.images.setInUse(QStringLiteral("sha256:b"), false);
        collector->collect();
        QCOMPARE(p.images.ids(), QStringList{QStringLiteral("sha256:c")});
    }

    void diskUseAddsUpPerApplication()
    {
        Platform p;
        const domain::Application site = p.addApplication(QStringLiteral("site"));
        const domain::Application api = p.addApplication(QStringLiteral("api"));
        const domain::Build siteBuild = p.addBuild(site, BuildState::Succeeded, 1);
        const domain::Build apiBuild = p.addBuild(api, BuildState::Succeeded, 1, QStringLiteral("releases"));
        p.write(QStringLiteral("logs/runtime/%1/00000000000000000001.log").arg(api.id), QByteArray(300, 'r'));
        p.write(QStringLiteral("artifacts/notes.txt"), QByteArray(50, 'n'));
        p.images.add(QStringLiteral("sha256:api"), api.id, apiBuild.id, 4000);

        const usecases::DiskUsage usage = p.disk.measure();

        QVERIFY(usage.measured);
        const usecases::ApplicationDiskUse siteUse = usage.byApplication.value(site.id);
        QCOMPARE(siteUse.applicationName, QStringLiteral("site"));
        QCOMPARE(siteUse.artifactsBytes, 1000);
        QCOMPARE(siteUse.sitesBytes, 100);
        QCOMPARE(siteUse.buildLogsBytes, QFileInfo(p.logs.pathOf(siteBuild.id)).size());
        QCOMPARE(siteUse.totalBytes(), 1100 + siteUse.buildLogsBytes);
        const usecases::ApplicationDiskUse apiUse = usage.byApplication.value(api.id);
        QCOMPARE(apiUse.releasesBytes, 100);
        QCOMPARE(apiUse.runtimeLogsBytes, 300);
        QCOMPARE(apiUse.imagesBytes, 4000);
        QCOMPARE(apiUse.totalBytes(), 1000 + 100 + 300 + 4000 + QFileInfo(p.logs.pathOf(apiBuild.id)).size());
        // The areas' totals are the applications' plus what no application holds.
        QCOMPARE(usage.total.artifactsBytes, siteUse.artifactsBytes + apiUse.artifactsBytes + 50);
        QCOMPARE(usage.total.buildLogsBytes, siteUse.buildLogsBytes + apiUse.buildLogsBytes);
        QCOMPARE(usage.total.imagesBytes, 4000);
        QVERIFY(usage.total.totalBytes >=
                siteUse.totalBytes() + apiUse.totalBytes() - apiUse.imagesBytes + 50);
        // A pass measures too: lists show the figure without walking.
        p.collector(3)->collect();
        QCOMPARE(p.disk.lastMeasured().byApplication.value(site.id).totalBytes(), siteUse.totalBytes());
    }
};

QTEST_GUILESS_MAIN(TestGarbageCollector)
#include "tst_garbage_collector.moc"
