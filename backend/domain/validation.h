#pragma once

#include "domain/application.h"

#include <QString>

// The rules for everything members type in. Each check throws Error::badRequest naming the field it was
// given, e.g. validateFqdn(u"websites[0].fqdn", …) → "websites[0].fqdn: label 'Foo' has uppercase letters".
namespace vitrine::domain {

// How many websites, env vars and owners one application or repository may have. A request with more is
// refused naming the field, before anything is written.
inline constexpr qsizetype kMaxWebsites = 32;
inline constexpr qsizetype kMaxEnvVars = 256;
inline constexpr qsizetype kMaxOwners = 32;

// At most `maximum` items: "websites: at most 32 websites are allowed, got 40".
void validateCount(const QString &field, qsizetype count, qsizetype maximum, QStringView what);

// A DNS label: 1–63 of [a-z0-9-], not starting or ending with '-'. Used for user, repository and app names.
void validateName(const QString &field, const QString &name);

// A git branch or tag ("main", "release/1.0") or full ref ("refs/heads/main"), by git's check-ref-format
// rules.
void validateRef(const QString &field, const QString &ref);

// A lowercase host name of at least two labels, at most 253 characters.
void validateFqdn(const QString &field, const QString &fqdn);

// "/" or "/seg/seg": starts with '/', no trailing '/', no empty, "." or ".." segment, URL-safe characters.
void validatePathPrefix(const QString &field, const QString &prefix);

// At most kMaxWebsites, every one valid, none listed twice (same FQDN and path prefix), strip_prefix only
// below "/".
void validateWebsites(const QString &field, const QList<Website> &websites);

// ^[A-Z_][A-Z0-9_]*$, at most 256 characters.
void validateEnvKey(const QString &field, const QString &key);
// At most kMaxEnvVars; keys as above; values at most 64 KiB, no NUL.
void validateEnvVars(const QString &field, const EnvVars &env);

// https://host/path, ssh://[user@]host[:port]/path or user@host:path; a local path or file:// URL only when
// allowLocal. No credentials in the URL.
void validateRepositoryUrl(const QString &field, const QString &url, bool allowLocal);

// A path inside the repository: relative, no ".." segment.
void validateRelativePath(const QString &field, const QString &path);

// The fields this build type needs are there and the ones it ignores are empty; deployType matches it.
void validateBuildConfig(const QString &field, const BuildConfig &build, DeployType deployType);

// Runtime deploys. Empty: the port accepting connections tells the instance is ready. Otherwise the path a
// GET must answer 2xx on: starts with '/', no spaces or control characters, at most 1024 characters.
void validateHealthCheckPath(const QString &field, const QString &path);

// The limits a member may give a runtime app; 0 stands for the server's default.
inline constexpr quint32 kMinMemoryLimitMb = 16;
inline constexpr quint32 kMaxMemoryLimitMb = 256 * 1024;
inline constexpr quint32 kMinCpuMillicores = 10;
inline constexpr quint32 kMaxCpuMillicores = 256 * 1000;

// 0, or kMinMemoryLimitMb … kMaxMemoryLimitMb.
void validateMemoryLimitMb(const QString &field, quint32 megabytes);
// 0, or kMinCpuMillicores … kMaxCpuMillicores (1000 is one core).
void validateCpuMillicores(const QString &field, quint32 millicores);

// Lowercases the FQDN, drops a trailing '.', and turns an empty path prefix into "/".
Website normalizedWebsite(Website website);

// Fills the defaults a build type implies (artifact dir ".", Dockerfile "Dockerfile", port 8080).
BuildConfig withDefaults(BuildConfig build);

} // namespace vitrine::domain
