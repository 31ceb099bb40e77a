#include "domain/validation.h"

#include "domain/error.h"

#include <QHash>
#include <QUrl>

#include <optional>

namespace vitrine::domain {

namespace {

constexpr int kMaxLabelLength = 63;
constexpr int kMaxFqdnLength = 253;
constexpr int kMaxRefLength = 255;
constexpr int kMaxPathPrefixLength = 1024;
constexpr int kMaxRelativePathLength = 1024;
constexpr int kMaxEnvKeyLength = 256;
constexpr int kMaxEnvValueBytes = 64 * 1024;
constexpr int kMaxCommandBytes = 4 * 1024;
constexpr int kMaxUrlLength = 2048;
constexpr int kMaxShownLength = 64;
constexpr int kMaxHealthCheckPathLength = 1024;

[[noreturn]] void fail(const QString &field, const QString &problem)
{
    throw Error::badRequest(field, problem);
}

bool isLowerAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
}

bool isControl(QChar c)
{
    return c.unicode() < 0x20 || c.unicode() == 0x7f;
}

bool hasUppercase(QStringView text)
{
    for (QChar c : text) {
        if (c.isUpper())
            return true;
    }
    return false;
}

bool hasControl(QStringView text)
{
    for (QChar c : text) {
        if (isControl(c))
            return true;
    }
    return false;
}

bool hasWhitespaceOrControl(QStringView text)
{
    for (QChar c : text) {
        if (c.isSpace() || isControl(c))
            return true;
    }
    return false;
}

// What is wrong with a DNS label, if anything. Uppercase is reported by the callers, on the whole input.
std::optional<QString> labelProblem(QStringView label)
{
    if (label.isEmpty())
        return QStringLiteral("is empty");
    if (label.size() > kMaxLabelLength)
        return QStringLiteral("is longer than %1 characters").arg(kMaxLabelLength);
    for (QChar c : label) {
        if (!isLowerAlnum(c) && c != u'-')
            return QStringLiteral("may contain only a-z, 0-9 and '-'");
    }
    if (label.startsWith(u'-') || label.endsWith(u'-'))
        return QStringLiteral("must not start or end with '-'");
    return std::nullopt;
}

bool hasDotDotSegment(QStringView path)
{
    for (QStringView segment : path.split(u'/')) {
        if (segment == u"..")
            return true;
    }
    return false;
}

void checkCommand(const QString &field, const QString &command)
{
    if (command.contains(QChar(u'\0')))
        fail(field, QStringLiteral("must not contain NUL characters"));
    if (command.toUtf8().size() > kMaxCommandBytes)
        fail(field, QStringLiteral("must be at most %1 bytes").arg(kMaxCommandBytes));
}

// user@host:path, the scp-like syntax git accepts for ssh.
bool isScpLike(const QString &url)
{
    const qsizetype colon = url.indexOf(u':');
    const qsizetype slash = url.indexOf(u'/');
    return colon > 0 && (slash < 0 || colon < slash) && !url.contains(QStringLiteral("://"));
}

void validateScpLikeUrl(const QString &field, const QString &url)
{
    const qsizetype at = url.indexOf(u'@');
    const qsizetype colon = url.indexOf(u':');
    // "user:password@host:path": the first ':' separates a password, not the path.
    if (at > colon && !QStringView(url).left(at).contains(u'/'))
        fail(field, QStringLiteral("must not contain a password; use an SSH key"));
    if (at < 0 || at > colon)
        fail(field,
             QStringLiteral("%1 is missing the user; use user@host:path, e.g. git@example.com:team/site.git")
                 .arg(quoted(url)));
    const QStringView user = QStringView(url).left(at);
    if (user.isEmpty())
        fail(field, QStringLiteral("%1 has an empty user name").arg(quoted(url)));
    for (QChar c : user) {
        if (!c.isLetterOrNumber() && c != u'.' && c != u'_' && c != u'-')
            fail(field, QStringLiteral("%1 has an invalid user name").arg(quoted(url)));
    }
    const QStringView host = QStringView(url).mid(at + 1, colon - at - 1);
    if (host.isEmpty())
        fail(field, QStringLiteral("%1 has no host").arg(quoted(url)));
    for (QChar c : host) {
        if (!c.isLetterOrNumber() && c != u'.' && c != u'-')
            fail(field, QStringLiteral("%1 has an invalid host").arg(quoted(url)));
    }
    if (QStringView(url).mid(colon + 1).isEmpty())
        fail(field, QStringLiteral("%1 has no repository path").arg(quoted(url)));
}

void validateRemoteUrl(const QString &field, const QString &url, QStringView scheme)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty())
        fail(field, QStringLiteral("%1 is not a valid %2 URL").arg(quoted(url), scheme));
    if (!parsed.password().isEmpty() || (scheme == u"https" && !parsed.userName().isEmpty()))
        fail(field, QStringLiteral("must not contain credentials; give the server access with an SSH key or "
                                   "a read-only deploy URL"));
    if (parsed.port() == 0)
        fail(field, QStringLiteral("%1 has an invalid port").arg(quoted(url)));
    if (parsed.hasQuery() || parsed.hasFragment())
        fail(field, QStringLiteral("%1 must not have a query or fragment").arg(quoted(url)));
    const QString path = parsed.path();
    if (path.isEmpty() || path == u"/")
        fail(field, QStringLiteral("%1 has no repository path").arg(quoted(url)));
    if (hasDotDotSegment(path))
        fail(field, QStringLiteral("%1 must not contain a '..' segment").arg(quoted(url)));
}

void validateLocalUrl(const QString &field, const QString &url)
{
    QString path = url;
    if (url.startsWith(QStringLiteral("file://"))) {
        const QUrl parsed(url, QUrl::StrictMode);
        if (!parsed.isValid() || !(parsed.host().isEmpty() || parsed.host() == u"localhost"))
            fail(field,
                 QStringLiteral("%1 is not a local file:// URL; use file:///absolute/path").arg(quoted(url)));
        path = parsed.path();
    }
    if (!path.startsWith(u'/') || path == u"/")
        fail(field, QStringLiteral("%1 must be an absolute path to a repository").arg(quoted(url)));
    if (hasDotDotSegment(path))
        fail(field, QStringLiteral("%1 must not contain a '..' segment").arg(quoted(url)));
}

// What a build type does with each optional field.
enum class Use { Ignored, Optional, Required };

struct FieldUse {
    Use buildCommand;
    Use startCommand;
    Use artifactDir;
    Use dockerfile;
    Use contextDir;
    Use port;
};

FieldUse fieldUse(BuildType type)
{
    using enum Use;
    switch (type) {
    case BuildType::Static:
        return {Ignored, Ignored, Optional, Ignored, Ignored, Ignored};
    case BuildType::StaticCmd:
        return {Required, Ignored, Required, Ignored, Optional, Ignored};
    case BuildType::StaticDockerfile:
        return {Ignored, Ignored, Required, Optional, Optional, Ignored};
    case BuildType::RuntimeCmd:
        return {Optional, Required, Ignored, Ignored, Optional, Optional};
    case BuildType::RuntimeDockerfile:
        return {Ignored, Ignored, Ignored, Optional, Optional, Optional};
    case BuildType::Auto:
        // The stack is detected; only where to look and (for runtime apps) the port are the member's to say.
        return {Ignored, Ignored, Ignored, Ignored, Optional, Optional};
    }
    Q_UNREACHABLE();
    return {};
}

void checkUse(const QString &field, Use use, bool present, BuildType type)
{
    if (use == Use::Ignored && present)
        fail(field, QStringLiteral("must be empty for build type '%1'").arg(buildTypeName(type)));
    if (use == Use::Required && !present)
        fail(field, QStringLiteral("is required for build type '%1'").arg(buildTypeName(type)));
}

} // namespace

void validateCount(const QString &field, qsizetype count, qsizetype maximum, QStringView what)
{
    if (count > maximum)
        fail(field, QStringLiteral("at most %1 %2 are allowed, got %3").arg(maximum).arg(what).arg(count));
}

void validateName(const QString &field, const QString &name)
{
    if (name.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (name.size() > kMaxLabelLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxLabelLength));
    if (hasUppercase(name))
        fail(field, QStringLiteral("%1 must be lowercase").arg(quoted(name)));
    if (const auto problem = labelProblem(name))
        fail(field, QStringLiteral("%1 %2").arg(quoted(name), *problem));
}

void validateRef(const QString &field, const QString &ref)
{
    if (ref.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (ref.size() > kMaxRefLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxRefLength));
    if (hasControl(ref))
        fail(field, QStringLiteral("must not contain control characters"));
    for (QChar c : ref) {
        if (QStringView(u" ~^:?*[\\").contains(c))
            fail(field,
                 QStringLiteral("%1 must not contain spaces or any of ~ ^ : ? * [ \\").arg(quoted(ref)));
    }
    if (ref == u"@")
        fail(field, QStringLiteral("'@' is not a valid ref"));
    if (ref.contains(QStringLiteral("..")))
        fail(field, QStringLiteral("%1 must not contain '..'").arg(quoted(ref)));
    if (ref.contains(QStringLiteral("@{")))
        fail(field, QStringLiteral("%1 must not contain '@{'").arg(quoted(ref)));
    if (ref.startsWith(u'-'))
        fail(field, QStringLiteral("%1 must not start with '-'").arg(quoted(ref)));
    if (ref.startsWith(u'/') || ref.endsWith(u'/'))
        fail(field, QStringLiteral("%1 must not start or end with '/'").arg(quoted(ref)));
    if (ref.endsWith(u'.'))
        fail(field, QStringLiteral("%1 must not end with '.'").arg(quoted(ref)));
    for (QStringView component : QStringView(ref).split(u'/')) {
        if (component.isEmpty())
            fail(field, QStringLiteral("%1 must not contain '//'").arg(quoted(ref)));
        if (component.startsWith(u'.'))
            fail(field, QStringLiteral("%1: no part may start with '.'").arg(quoted(ref)));
        if (component.endsWith(u".lock"))
            fail(field, QStringLiteral("%1: no part may end with '.lock'").arg(quoted(ref)));
    }
}

void validateFqdn(const QString &field, const QString &fqdn)
{
    if (fqdn.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (fqdn.size() > kMaxFqdnLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxFqdnLength));
    if (hasUppercase(fqdn))
        fail(field, QStringLiteral("%1 must be lowercase").arg(quoted(fqdn)));
    const QList<QStringView> labels = QStringView(fqdn).split(u'.');
    if (labels.size() < 2)
        fail(field,
             QStringLiteral("%1 needs at least two labels, e.g. '%2.localhost'").arg(quoted(fqdn), fqdn));
    for (QStringView label : labels) {
        if (label.isEmpty())
            fail(field, QStringLiteral("%1 has an empty label").arg(quoted(fqdn)));
        if (const auto problem = labelProblem(label))
            fail(field, QStringLiteral("label %1 %2").arg(quoted(label), *problem));
    }
    bool lastLabelIsNumeric = true;
    for (QChar c : labels.last())
        lastLabelIsNumeric = lastLabelIsNumeric && c.isDigit();
    if (lastLabelIsNumeric)
        fail(field, QStringLiteral("%1 must be a host name, not an IP address").arg(quoted(fqdn)));
}

void validatePathPrefix(const QString &field, const QString &prefix)
{
    if (!prefix.startsWith(u'/'))
        fail(field, QStringLiteral("%1 must start with '/'").arg(quoted(prefix)));
    if (prefix == u"/")
        return;
    if (prefix.size() > kMaxPathPrefixLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxPathPrefixLength));
    if (prefix.endsWith(u'/'))
        fail(field, QStringLiteral("%1 must not end with '/'").arg(quoted(prefix)));
    for (QStringView segment : QStringView(prefix).mid(1).split(u'/')) {
        if (segment.isEmpty())
            fail(field, QStringLiteral("%1 must not contain '//'").arg(quoted(prefix)));
        if (segment == u"." || segment == u"..")
            fail(field, QStringLiteral("%1 must not contain a '.' or '..' segment").arg(quoted(prefix)));
        for (QChar c : segment) {
            const bool unreserved = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                                    (c >= u'0' && c <= u'9') || QStringView(u"-._~").contains(c);
            if (!unreserved)
                fail(field, QStringLiteral("%1 may contain only letters, digits, '/' and - . _ ~")
                                .arg(quoted(prefix)));
        }
    }
}

void validateWebsites(const QString &field, const QList<Website> &websites)
{
    validateCount(field, websites.size(), kMaxWebsites, u"websites");
    QHash<QString, qsizetype> firstIndex; // "fqdn/prefix" → where it was first listed
    for (qsizetype i = 0; i < websites.size(); ++i) {
        const Website &website = websites[i];
        const QString itemField = QStringLiteral("%1[%2]").arg(field).arg(i);
        validateFqdn(itemField + QStringLiteral(".fqdn"), website.fqdn);
        validatePathPrefix(itemField + QStringLiteral(".path_prefix"), website.pathPrefix);
        if (website.stripPrefix && website.pathPrefix == u"/")
            fail(itemField + QStringLiteral(".strip_prefix"),
                 QStringLiteral("only applies to a path prefix below '/'"));
        const QString address = website.pathPrefix == u"/" ? website.fqdn : website.fqdn + website.pathPrefix;
        if (const auto it = firstIndex.constFind(address); it != firstIndex.cend())
            fail(itemField,
                 QStringLiteral("%1 is listed twice (also %2[%3])").arg(quoted(address), field).arg(*it));
        firstIndex.insert(address, i);
    }
}

void validateEnvKey(const QString &field, const QString &key)
{
    if (key.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (key.size() > kMaxEnvKeyLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxEnvKeyLength));
    for (qsizetype i = 0; i < key.size(); ++i) {
        const QChar c = key[i];
        const bool allowed = (c >= u'A' && c <= u'Z') || c == u'_' || (i > 0 && c >= u'0' && c <= u'9');
        if (!allowed)
            fail(field, QStringLiteral("must match ^[A-Z_][A-Z0-9_]*$"));
    }
}

void validateEnvVars(const QString &field, const EnvVars &env)
{
    validateCount(field, env.size(), kMaxEnvVars, u"env vars");
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        if (it.key().isEmpty())
            fail(field, QStringLiteral("a key must not be empty"));
        const QString keyField = QStringLiteral("%1.%2").arg(field, it.key().left(kMaxShownLength));
        validateEnvKey(keyField, it.key());
        if (it.value().contains(QChar(u'\0')))
            fail(keyField, QStringLiteral("the value must not contain NUL characters"));
        if (it.value().toUtf8().size() > kMaxEnvValueBytes)
            fail(keyField, QStringLiteral("the value must be at most 64 KiB"));
    }
}

void validateRepositoryUrl(const QString &field, const QString &url, bool allowLocal)
{
    if (url.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (url.size() > kMaxUrlLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxUrlLength));
    if (hasWhitespaceOrControl(url))
        fail(field, QStringLiteral("must not contain spaces or control characters"));

    const bool isLocal = url.startsWith(QStringLiteral("file://")) || url.startsWith(u'/');
    if (isLocal) {
        if (!allowLocal)
            fail(field, QStringLiteral("local repositories are refused unless the server runs with "
                                       "--allow-local-repos"));
        validateLocalUrl(field, url);
        return;
    }
    if (url.startsWith(QStringLiteral("https://"))) {
        validateRemoteUrl(field, url, u"https");
        return;
    }
    if (url.startsWith(QStringLiteral("ssh://"))) {
        validateRemoteUrl(field, url, u"ssh");
        return;
    }
    const qsizetype schemeEnd = url.indexOf(QStringLiteral("://"));
    if (schemeEnd > 0)
        fail(field, QStringLiteral("%1 uses %2; use https://, ssh:// or git@host:path")
                        .arg(quoted(url), url.left(schemeEnd)));
    if (isScpLike(url)) {
        validateScpLikeUrl(field, url);
        return;
    }
    fail(field, QStringLiteral("%1 is not a repository URL; use https://host/path, ssh://host/path or "
                               "git@host:path")
                    .arg(quoted(url)));
}

void validateRelativePath(const QString &field, const QString &path)
{
    if (path.isEmpty())
        fail(field, QStringLiteral("must not be empty"));
    if (path.size() > kMaxRelativePathLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxRelativePathLength));
    if (hasControl(path))
        fail(field, QStringLiteral("must not contain control characters"));
    if (path.startsWith(u'/'))
        fail(field, QStringLiteral("%1 must be relative to the repository root").arg(quoted(path)));
    if (path.contains(u'\\'))
        fail(field, QStringLiteral("%1 must use '/' as separator").arg(quoted(path)));
    if (hasDotDotSegment(path))
        fail(field, QStringLiteral("%1 must stay inside the repository (no '..')").arg(quoted(path)));
}

void validateBuildConfig(const QString &field, const BuildConfig &build, DeployType deployType)
{
    const FieldUse use = fieldUse(build.type);
    const auto sub = [&field](QStringView name) { return QStringLiteral("%1.%2").arg(field, name); };

    checkUse(sub(u"build_command"), use.buildCommand, !build.buildCommand.isEmpty(), build.type);
    checkUse(sub(u"start_command"), use.startCommand, !build.startCommand.isEmpty(), build.type);
    checkUse(sub(u"artifact_dir"), use.artifactDir, !build.artifactDir.isEmpty(), build.type);
    checkUse(sub(u"dockerfile"), use.dockerfile, !build.dockerfile.isEmpty(), build.type);
    checkUse(sub(u"context_dir"), use.contextDir, !build.contextDir.isEmpty(), build.type);
    checkUse(sub(u"port"), use.port, build.port != 0, build.type);

    checkCommand(sub(u"build_command"), build.buildCommand);
    checkCommand(sub(u"start_command"), build.startCommand);
    if (!build.artifactDir.isEmpty())
        validateRelativePath(sub(u"artifact_dir"), build.artifactDir);
    if (!build.dockerfile.isEmpty())
        validateRelativePath(sub(u"dockerfile"), build.dockerfile);
    if (!build.contextDir.isEmpty())
        validateRelativePath(sub(u"context_dir"), build.contextDir);

    if (const auto implied = impliedDeployType(build.type); implied && *implied != deployType) {
        fail(QStringLiteral("deploy_type"),
             QStringLiteral("'%1' does not fit build type '%2', which deploys as '%3'")
                 .arg(deployTypeName(deployType), buildTypeName(build.type), deployTypeName(*implied)));
    }
    if (build.type == BuildType::Auto && deployType == DeployType::Static && build.port != 0)
        fail(sub(u"port"), QStringLiteral("must be empty for a static deploy"));
}

void validateHealthCheckPath(const QString &field, const QString &path)
{
    if (path.isEmpty())
        return;
    if (!path.startsWith(u'/'))
        fail(field, QStringLiteral("%1 must start with '/', e.g. /healthz").arg(quoted(path)));
    if (path.size() > kMaxHealthCheckPathLength)
        fail(field, QStringLiteral("must be at most %1 characters").arg(kMaxHealthCheckPathLength));
    if (hasWhitespaceOrControl(path))
        fail(field, QStringLiteral("must not contain spaces or control characters"));
}

void validateMemoryLimitMb(const QString &field, quint32 megabytes)
{
    if (megabytes != 0 && (megabytes < kMinMemoryLimitMb || megabytes > kMaxMemoryLimitMb))
        fail(field, QStringLiteral("%1 MB is out of range: give %2 to %3 MB, or 0 for the server's default")
                        .arg(megabytes)
                        .arg(kMinMemoryLimitMb)
                        .arg(kMaxMemoryLimitMb));
}

void validateCpuMillicores(const QString &field, quint32 millicores)
{
    if (millicores != 0 && (millicores < kMinCpuMillicores || millicores > kMaxCpuMillicores))
        fail(field,
             QStringLiteral("%1 millicores is out of range: give %2 to %3 (1000 is one core), or 0 for "
                            "the server's default")
                 .arg(millicores)
                 .arg(kMinCpuMillicores)
                 .arg(kMaxCpuMillicores));
}

Website normalizedWebsite(Website website)
{
    website.fqdn = website.fqdn.toLower();
    if (website.fqdn.endsWith(u'.'))
        website.fqdn.chop(1);
    if (website.pathPrefix.isEmpty())
        website.pathPrefix = QStringLiteral("/");
    return website;
}

BuildConfig withDefaults(BuildConfig build)
{
    switch (build.type) {
    case BuildType::Static:
        if (build.artifactDir.isEmpty())
            build.artifactDir = QStringLiteral(".");
        break;
    case BuildType::StaticDockerfile:
        if (build.dockerfile.isEmpty())
            build.dockerfile = QStringLiteral("Dockerfile");
        break;
    case BuildType::RuntimeDockerfile:
        if (build.dockerfile.isEmpty())
            build.dockerfile = QStringLiteral("Dockerfile");
        if (build.port == 0)
            build.port = kDefaultAppPort;
        break;
    case BuildType::RuntimeCmd:
        if (build.port == 0)
            build.port = kDefaultAppPort;
        break;
    case BuildType::StaticCmd:
    case BuildType::Auto:
        break;
    }
    return build;
}

} // namespace vitrine::domain
