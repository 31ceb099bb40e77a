#pragma once

#include "domain/ports/runtime_backend.h"

#include <QString>

namespace vitrine::usecases {

// The serving instance of a runtime application, as the controller sees it now.
struct RuntimeStatus {
    domain::InstanceState state = domain::InstanceState::Missing;
    int restartCount = 0;
    QString detail; // why it is restarting, errored or exited
};

// What the API and the wake handler ask of the controller about running applications. Thread-safe, quick.
class RuntimeControl {
public:
    virtual ~RuntimeControl() = default;

    // Missing for a static application, or a runtime one with no instance.
    virtual RuntimeStatus runtimeStatus(const QString &applicationId) = 0;

    // Starts a new instance of the served build and retires the current one once the new one is healthy,
    // so requests never fail. Does nothing for an application that is not running.
    virtual void restartApplication(const QString &applicationId) = 0;

    // A request reached a sleeping application (by name): start it. Returns true once the router sends its
    // requests to a running instance (then the caller may retry the request), false while it is starting.
    // Unknown or stopped applications stay as they are and give false.
    virtual bool wakeApplication(const QString &applicationName) = 0;
};

} // namespace vitrine::usecases
