#include "domain/repository.h"

#include <QUrl>

namespace vitrine::domain {

namespace {

// "user@host:path" with no "://" before it: git's scp-like syntax for SSH.
bool isScpLike(const QString &url, qsizetype *colon)
{
    if (url.contains(QStringLiteral("://")))
        return false;
    const qsizetype at = url.indexOf(u':');
    const qsizetype slash = url.indexOf(u'/');
    *colon = at;
    return at > 0 && (slash < 0 || at < slash);
}

QString withoutTrailingSlashes(QString path)
{
    while (path.endsWith(u'/'))
        path.chop(1);
    return path;
}

} // namespace

QString repositoryUrlKey(const QString &url)
{
    const QString trimmed = url.trimmed();
    QString scheme;
    QString authority; // host[:port], without user info
    QString path;
    qsizetype colon = -1;
    if (isScpLike(trimmed, &colon)) {
        scheme = QStringLiteral("ssh");
        const QString userAndHost = trimmed.left(colon);
        authority = userAndHost.mid(userAndHost.lastIndexOf(u'@') + 1).toLower();
        path = trimmed.mid(colon + 1);
        if (!path.startsWith(u'/'))
            path.prepend(u'/');
    } else if (trimmed.startsWith(u'/')) {
        scheme = QStringLiteral("file");
        path = trimmed;
    } else {
        const QUrl parsed(trimmed);
        if (!parsed.isValid() || parsed.scheme().isEmpty())
            return trimmed;
        scheme = parsed.scheme().toLower();
        authority = parsed.host().toLower();
        if (parsed.port() >= 0)
            authority += QStringLiteral(":%1").arg(parsed.port());
        path = parsed.path();
        if (scheme == u"file" && authority == u"localhost")
            authority.clear();
    }
    path = withoutTrailingSlashes(path);
    if (path.endsWith(QStringLiteral(".git")))
        path = withoutTrailingSlashes(path.chopped(4));
    return scheme + QStringLiteral("://") + authority + path;
}

} // namespace vitrine::domain
