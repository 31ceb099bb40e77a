#include "usecases/controller_logging.h"

namespace vitrine::usecases {

Q_LOGGING_CATEGORY(lcController, "vitrine.controller")

} // namespace vitrine::usecases
