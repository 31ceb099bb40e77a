#pragma once

#include "domain/alert.h"
#include "domain/ports/store.h"
#include "usecases/caller.h"
#include "usecases/paging.h"

#include <QString>

namespace vitrine::usecases {

// Alerts through the API: list them and acknowledge them. Admins see and acknowledge every alert; members
// those of the applications they own.
class AlertService {
public:
    explicit AlertService(domain::Store &store);

    // Newest first. applicationRef (id or name) narrows to one application the caller sees (empty: every
    // application the caller sees); openOnly leaves out the acknowledged ones.
    Page<domain::Alert> list(const Caller &caller, const QString &applicationRef, bool openOnly,
                             const PageRequest &page);

    // Marks an open alert acknowledged by the caller, now, and returns it so. An unknown id is NotFound, an
    // alert of an application the caller does not own Forbidden, one acknowledged already FailedPrecondition.
    domain::Alert acknowledge(const Caller &caller, const QString &alertId);

private:
    domain::Alert requireVisibleAlert(const Caller &caller, const QString &alertId);

    domain::Store &m_store;
};

} // namespace vitrine::usecases
