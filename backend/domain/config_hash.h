#pragma once

#include "domain/application.h"

#include <QString>

namespace vitrine::domain {

// SHA-256 (hex) of the build config and the env vars sorted by key. Equal inputs give equal hashes on every
// machine and release; a change to either means a rebuild. Websites and owners are not part of it.
QString configHash(const BuildConfig &build, const EnvVars &env);

} // namespace vitrine::domain
