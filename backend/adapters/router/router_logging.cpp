#include "adapters/router/router_logging.h"

namespace vitrine::adapters::router {

Q_LOGGING_CATEGORY(lcRouter, "vitrine.router")

} // namespace vitrine::adapters::router
