#pragma once

#include <QLoggingCategory>

namespace vitrine::adapters::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox) // "vitrine.sandbox": how builds are confined and limited

} // namespace vitrine::adapters::sandbox
