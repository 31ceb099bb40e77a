#include "adapters/sandbox/sandbox_logging.h"

namespace vitrine::adapters::sandbox {

Q_LOGGING_CATEGORY(lcSandbox, "vitrine.sandbox")

} // namespace vitrine::adapters::sandbox
