#include "usecases/alert_service.h"

#include "domain/error.h"
#include "usecases/access.h"

namespace vitrine::usecases {

using domain::Error;

namespace {

Error acknowledgedAlready(const domain::Alert &alert)
{
    const QString by = alert.acknowledgedByName.isEmpty()
                           ? QString()
                           : QStringLiteral(" by %1").arg(alert.acknowledgedByName);
    return Error::failedPrecondition(
        QStringLiteral("alert %1 was already acknowledged%2 at %3")
            .arg(alert.id, by, alert.acknowledgedAt.toUTC().toString(Qt::ISODate)));
}

} // namespace

AlertService::AlertService(domain::Store &store)
    : m_store(store)
{
}

Page<domain::Alert> AlertService::list(const Caller &caller, const QString &applicationRef, bool openOnly,
                                       const PageRequest &page)
{
    domain::AlertFilter filter;
    filter.openOnly = openOnly;
    if (!applicationRef.isEmpty())
        filter.applicationId = access::requireVisibleApplication(m_store, caller, applicationRef).id;
    if (!caller.isAdmin())
        filter.visibleToUserId = caller.user.id;

    const domain::AlertPageQuery query = toAlertPageQuery(page);
    QList<domain::Alert> alerts = m_store.listAlerts(filter, query);

    Page<domain::Alert> result;
    result.nextPageToken = cutToPage(alerts, query.limit, alertPageTokenAfter);
    result.items = std::move(alerts);
    return result;
}

domain::Alert AlertService::acknowledge(const Caller &caller, const QString &alertId)
{
    const domain::Alert alert = requireVisibleAlert(caller, alertId);
    if (!alert.isOpen())
        throw acknowledgedAlready(alert);
    if (!m_store.acknowledgeAlert(alert.id, caller.user.id, access::nowUtc())) {
        // Someone else acknowledged it (or its application went) since it was read.
        const domain::Alert now = requireVisibleAlert(caller, alertId);
        throw acknowledgedAlready(now);
    }
    return requireVisibleAlert(caller, alertId);
}

domain::Alert AlertService::requireVisibleAlert(const Caller &caller, const QString &alertId)
{
    std::optional<domain::Alert> alert = m_store.findAlertById(alertId);
    if (!alert)
        throw Error::notFound(QStringLiteral("alert"), alertId);
    access::requireCanSeeApplicationOf(m_store, caller, alert->applicationId,
                                       QStringLiteral("alert %1").arg(domain::quoted(alertId)));
    return *std::move(alert);
}

} // namespace vitrine::usecases
