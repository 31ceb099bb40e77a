#pragma once

#include <QLoggingCategory>

namespace vitrine::usecases {

// "vitrine.builder": running a build's steps and settling its result, in process or on a remote builder.
Q_DECLARE_LOGGING_CATEGORY(lcBuilder)

} // namespace vitrine::usecases
