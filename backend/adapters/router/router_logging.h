#pragma once

#include <QLoggingCategory>

namespace vitrine::adapters::router {

// "vitrine.router": Caddy's own log lines, its restarts, and the configurations the router loads.
Q_DECLARE_LOGGING_CATEGORY(lcRouter)

} // namespace vitrine::adapters::router
