#pragma once

#include "domain/ports/image_store.h"
#include "domain/ports/store.h"

#include <QHash>
#include <QList>
#include <QString>

#include <chrono>
#include <mutex>

namespace vitrine::usecases {

// Bytes under the data dir by what holds them, and the free space of its file system.
struct DiskUse {
    qint64 artifactsBytes = 0;   // DATA/artifacts: the builds' tarballs
    qint64 releasesBytes = 0;    // DATA/releases: the unpacked releases of runtime apps
    qint64 sitesBytes = 0;       // DATA/sites: the published websites
    qint64 buildLogsBytes = 0;   // DATA/logs/builds
    qint64 runtimeLogsBytes = 0; // DATA/logs/runtime
    qint64 totalBytes = 0;       // everything under DATA, the above included
    qint64 freeBytes = 0;
    qint64 imagesBytes = 0; // the engine's images Vitrine built (outside DATA; 0 without an image store)
};

// What one application holds on disk.
struct ApplicationDiskUse {
    QString applicationName;
    qint64 artifactsBytes = 0;   // its builds' tarballs
    qint64 releasesBytes = 0;    // DATA/releases/<name>
    qint64 sitesBytes = 0;       // DATA/sites/<name>
    qint64 buildLogsBytes = 0;   // its builds' logs
    qint64 runtimeLogsBytes = 0; // DATA/logs/runtime/<id>
    qint64 imagesBytes = 0;      // images labelled with its id

    qint64 totalBytes() const
    {
        return artifactsBytes + releasesBytes + sitesBytes + buildLogsBytes + runtimeLogsBytes + imagesBytes;
    }
};

struct DiskUsage {
    bool measured = false; // false before the first walk: every figure is 0
    DiskUse total;
    QHash<QString, ApplicationDiskUse> byApplication; // by application id; every application in the store
};

// Every application and every build in the store, read page by page.
QList<domain::Application> everyApplication(domain::Store &store);
QList<domain::Build> everyBuild(domain::Store &store);

// Measures the data dir in one walk, by area and by application, and keeps the last walk: a console may ask
// every few seconds, and walking a large data dir takes a while. A file counts for an application when its
// path names one of its builds or the application itself (artifacts/<build id>.tar.gz,
// logs/builds/<build id>.log, releases/<name>/, sites/<name>/, logs/runtime/<id>/); images count by their
// vitrine.application-id label. Thread-safe; a second caller waits for a walk in progress.
class DiskUsageMeter {
public:
    // images: null when the runtime builds no images. The store and the image store must outlive the meter.
    DiskUsageMeter(domain::Store &store, domain::ImageStore *images, QString dataDir,
                   std::chrono::seconds maxAge = std::chrono::seconds(30));

    // As of a walk at most maxAge old: walks now, on the calling thread, when the last one is older.
    DiskUsage current();
    // The last walk's figures without walking (DiskUsage::measured is false before the first).
    DiskUsage lastMeasured() const;
    // Walks now.
    DiskUsage measure();

    const QString &dataDir() const { return m_dataDir; }

private:
    DiskUsage walk();

    domain::Store &m_store;
    domain::ImageStore *m_images;
    const QString m_dataDir;
    const std::chrono::seconds m_maxAge;

    std::mutex m_walkMutex;          // one walk at a time
    mutable std::mutex m_usageMutex; // guards the two below
    DiskUsage m_usage;
    std::chrono::steady_clock::time_point m_measuredAt{};
};

} // namespace vitrine::usecases
