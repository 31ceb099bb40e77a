#pragma once

#include "client/api_client.h"
#include "models/metrics_sample.h"

#include <QDateTime>
#include <QString>

namespace vitrine::desktop {

// The points of `application` (id or name) in [from, to] (MetricsService.QueryMetrics), from the finest tier
// that still keeps all of the range. A null `from` means the oldest point kept, a null `to` now.
void queryMetrics(ApiClient &client, QObject *receiver, const QString &application, const QDateTime &from,
                  const QDateTime &to, ResultHandler<MetricsSeries> done);

} // namespace vitrine::desktop
