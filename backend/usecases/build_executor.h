#pragma once

#include "domain/build.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vitrine::usecases {

// One place builds run, for the admin console: the server's own slots or one remote builder.
struct BuilderStatus {
    QString id; // "local" for the server's own slots
    QString name;
    bool remote = false;
    int slotCount = 0;
    QStringList buildIds; // the builds it holds now, each taking a slot

    int busySlots() const { return int(buildIds.size()); }
};

// Where the scheduler hands builds: the in-process builder slots today, remote builders later. The
// scheduler has already won QUEUED→BUILDING for the build; from then on the executor owns it: it runs the
// steps, streams the log, heartbeats, and settles the build (BUILDING→SUCCEEDED|FAILED|CANCELED) itself.
class BuildExecutor {
public:
    virtual ~BuildExecutor() = default;

    // How many more builds start() would accept now.
    virtual int freeSlots() const = 0;
    // Starts running the build and returns at once. Called only when freeSlots() > 0.
    virtual void start(const domain::Build &build) = 0;
    // Stops the build if this executor runs it: kills its process tree; the build settles as CANCELED.
    // Returns whether it was running here.
    virtual bool cancel(const QString &buildId) = 0;
    // Where this executor runs builds, with the builds each place holds now.
    virtual QList<BuilderStatus> builders() const = 0;
};

} // namespace vitrine::usecases
