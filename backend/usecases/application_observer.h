#pragma once

#include "domain/application.h"
#include "domain/build.h"

#include <QList>

namespace vitrine::usecases {

// Told by ApplicationService about every change it made to an application, after the store has it, on the
// caller's thread. Implementations only take note (wake a loop, publish an event): they return quickly and
// never throw, since the change is already made.
class ApplicationObserver {
public:
    virtual ~ApplicationObserver() = default;

    // The application was created, or its config, env vars, websites, owners or ref changed, it was started
    // or stopped, or rolled back (its pinned build).
    virtual void applicationChanged(const domain::Application &application) = 0;
    // The application is gone from the store, with these builds (as they were), whose artifacts, logs and
    // running processes are now the observer's to remove.
    virtual void applicationDeleted(const domain::Application &application,
                                    const QList<domain::Build> &deletedBuilds) = 0;
};

} // namespace vitrine::usecases
