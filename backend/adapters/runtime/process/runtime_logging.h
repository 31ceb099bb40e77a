#pragma once

#include <QLoggingCategory>

namespace vitrine::adapters::runtime {

Q_DECLARE_LOGGING_CATEGORY(lcRuntime) // "vitrine.runtime": how app instances start, stop and are limited

} // namespace vitrine::adapters::runtime
