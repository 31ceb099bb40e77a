#include "usecases/builder_logging.h"

namespace vitrine::usecases {

Q_LOGGING_CATEGORY(lcBuilder, "vitrine.builder")

} // namespace vitrine::usecases
