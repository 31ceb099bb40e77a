#pragma once

#include "domain/build.h"

#include <QString>

namespace vitrine::usecases {

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
};

} // namespace vitrine::usecases
