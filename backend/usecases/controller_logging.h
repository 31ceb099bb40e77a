#pragma once

#include <QLoggingCategory>

namespace vitrine::usecases {

// "vitrine.controller": the reconcile loop and its steps — fetching repositories, registering and
// scheduling builds, syncing deployments, publishing sites.
Q_DECLARE_LOGGING_CATEGORY(lcController)

} // namespace vitrine::usecases
