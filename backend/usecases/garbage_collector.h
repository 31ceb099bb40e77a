#pragma once

#include "domain/application.h"
#include "domain/build.h"
#include "domain/ports/build_log_store.h"
#include "domain/ports/image_store.h"
#include "domain/ports/store.h"
#include "usecases/disk_usage.h"
#include "usecases/reconcile_loop.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <mutex>

namespace vitrine::usecases {

struct GarbageCollectorOptions {
    QString dataDir;
    std::chrono::seconds interval{600};
    // SUCCEEDED builds kept for rollback besides the served one, per application (at least 1).
    int keepBuilds = 3;
    // The log of a build that is not kept goes this long after the build finished.
    std::chrono::days buildLogAge{30};
    // How soon a pass retries the images of a deleted application that the engine refused to remove (their
    // containers were still going away).
    std::chrono::milliseconds deletedImagesRetry{15'000};
};

// What one pass removed.
struct CollectedGarbage {
    qint64 bytes = 0;
    int count = 0; // files, folders and images
};

// Keeps the disk in check. A pass, every `interval`, keeps for each application the builds it may serve —
// its current and pinned builds, the build deploy sync would serve next, every unfinished build — and the
// `keepBuilds` newest SUCCEEDED builds queued before the served one (for rollback). Of every other build it
// removes the artifact (DATA/artifacts/<build id>.tar.gz), the unpacked release and published site
// (DATA/releases|sites/<name>/<build id>), the image, and the log once the build finished `buildLogAge`
// ago. Build workspaces (DATA/work/<build id>) of builds not BUILDING go too. Then it measures the disk.
//
// It only touches what Vitrine names: paths under the data dir spelled with the ids and names of
// applications and builds in the store, and images labelled vitrine.managed=true whose build label names a
// build in the store (another server sharing the engine has builds of its own ids). A failure to remove
// is logged and left for the next pass. Thread-safe.
class GarbageCollector {
public:
    // images: null when the runtime builds no images. Everything given must outlive the collector.
    GarbageCollector(domain::Store &store, domain::BuildLogStore &logs, domain::ImageStore *images,
                     DiskUsageMeter &disk, GarbageCollectorOptions options);
    ~GarbageCollector();

    GarbageCollector(const GarbageCollector &) = delete;
    GarbageCollector &operator=(const GarbageCollector &) = delete;

    // Runs a pass now and then every interval, on a thread of its own.
    void start();
    // Lets a running pass finish. Idempotent.
    void stop();

    // One pass on the calling thread; returns what it removed (what start() runs).
    CollectedGarbage collect();

    // The application is gone: a started collector removes the images labelled with its id shortly (its
    // containers are still going away), and tries again while the engine refuses; collect() does too.
    void applicationDeleted(const QString &applicationId);

private:
    // The builds of one application that stay, by id.
    QSet<QString> keptBuilds(const domain::Application &application, const QList<domain::Build> &builds,
                             const QHash<QString, QString> &deployable) const;
    void collectBuild(const domain::Build &build, CollectedGarbage &freed);
    void collectWorkspaces(const QSet<QString> &buildingIds, CollectedGarbage &freed);
    void collectImages(const QSet<QString> &removableBuildIds, CollectedGarbage &freed);
    void collectDeletedApplicationImages(CollectedGarbage &freed);
    // Removes a file or a folder under the data dir and counts it; false when it was not there.
    void removePath(const QString &relativePath, CollectedGarbage &freed);

    domain::Store &m_store;
    domain::BuildLogStore &m_logs;
    domain::ImageStore *m_images;
    DiskUsageMeter &m_disk;
    const GarbageCollectorOptions m_options;

    std::mutex m_passMutex; // one pass at a time

    std::mutex m_deletedMutex;             // guards the one below
    QSet<QString> m_deletedApplicationIds; // whose images are still to remove

    ReconcileLoop m_loop; // last: stopped before anything it uses goes
};

} // namespace vitrine::usecases
