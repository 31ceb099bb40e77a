#include "adapters/runtime/process/runtime_logging.h"

namespace vitrine::adapters::runtime {

Q_LOGGING_CATEGORY(lcRuntime, "vitrine.runtime")

} // namespace vitrine::adapters::runtime
