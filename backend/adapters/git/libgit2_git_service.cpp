#include "adapters/git/libgit2_git_service.h"

#include "domain/error.h"

#include <git2.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <mutex>
#include <vector>

namespace vitrine::adapters::git {

using domain::Error;
using domain::quoted;

namespace {

const QString kUrlField = QStringLiteral("url");
const QString kCommitField = QStringLiteral("commit");
constexpr QStringView kPeeledSuffix = u"^{}";

template<auto Free>
struct GitFree {
    template<typename T>
    void operator()(T *object) const
    {
        Free(object);
    }
};
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote_free>>;
using RepositoryPtr = std::unique_ptr<git_repository, GitFree<git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config_free>>;

void initializeLibgit2Once()
{
    static std::once_flag initialized;
    std::call_once(initialized, [] {
        git_libgit2_init();
        // libgit2 refuses to open a local repository another user owns (like git's safe.directory). We only
        // read objects from it, which git itself allows (upload-pack is exempt), and libgit2 runs nothing
        // from a repository's configuration; so a server may read repositories its own user does not own.
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    });
}

QString lastGitMessage(int code)
{
    const git_error *error = git_error_last();
    if (error && error->message)
        return QString::fromUtf8(error->message);
    return QStringLiteral("libgit2 error %1").arg(code);
}

// A URL as it may be shown to the user: an https://user:token@host/… URL carries a secret.
QString displayUrl(const QString &url)
{
    if (!url.contains(QStringLiteral("://")))
        return quoted(url);
    return quoted(QUrl(url).toString(QUrl::RemoveUserInfo));
}

// libgit2 takes anything without a scheme and without scp-like "host:" as a path.
bool isLocal(const QString &url)
{
    return url.startsWith(QStringLiteral("file://")) ||
           (!url.contains(QStringLiteral("://")) && !url.contains(u':'));
}

// libgit2 reports a missing local path as an unsupported protocol; say what is wrong before asking it.
void requireReadableUrl(const QString &url)
{
    if (url.isEmpty())
        throw Error::badRequest(kUrlField, QStringLiteral("must not be empty"));
    if (!isLocal(url))
        return;
    const QString path = url.startsWith(QStringLiteral("file://")) ? QUrl(url).toLocalFile() : url;
    if (!QFileInfo(path).isDir())
        throw Error::badRequest(
            kUrlField, QStringLiteral("%1 is not a git repository: no such directory").arg(displayUrl(url)));
}

// Classifies the failure of talking to the remote: the server answered but there is no repository (or the URL
// is not one libgit2 can use), or the remote could not be reached or refused us.
[[noreturn]] void throwRemoteError(int code, const QString &url)
{
    const git_error *error = git_error_last();
    const int errorClass = error ? error->klass : GIT_ERROR_NONE;
    const QString message = lastGitMessage(code);
    if (code == GIT_ENOTFOUND || code == GIT_EINVALIDSPEC || errorClass == GIT_ERROR_REPOSITORY ||
        errorClass == GIT_ERROR_INVALID) {
        throw Error::badRequest(
            kUrlField, QStringLiteral("%1 is not a git repository: %2").arg(displayUrl(url), message));
    }
    if (code == GIT_EAUTH || code == GIT_ECERTIFICATE || code == GIT_EOWNER || errorClass == GIT_ERROR_OS ||
        errorClass == GIT_ERROR_NET || errorClass == GIT_ERROR_SSL || errorClass == GIT_ERROR_SSH ||
        errorClass == GIT_ERROR_HTTP) {
        throw Error::failedPrecondition(
            QStringLiteral("cannot read the git repository %1: %2").arg(displayUrl(url), message));
    }
    throw Error::internal(QStringLiteral("git %1: %2").arg(displayUrl(url), message));
}

void checkRemote(int code, const QString &url)
{
    if (code < 0)
        throwRemoteError(code, url);
}

// A failure in our own scratch repository or target directory, not the remote's.
void checkLocal(int code, const QString &what)
{
    if (code < 0)
        throw Error::internal(QStringLiteral("git: %1: %2").arg(what, lastGitMessage(code)));
}

QString oidToString(const git_oid &oid)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    return QString::fromLatin1(hex);
}

RemotePtr connectedRemote(const QString &url)
{
    git_remote *remote = nullptr;
    checkRemote(git_remote_create_detached(&remote, url.toUtf8().constData()), url);
    RemotePtr owned(remote);
    checkRemote(git_remote_connect(remote, GIT_DIRECTION_FETCH, nullptr, nullptr, nullptr), url);
    return owned;
}

// The advertised refs; a "NAME^{}" entry (what annotated tag NAME points at) replaces NAME's tag object.
QMap<QString, QString> advertisedRefs(git_remote *remote, const QString &url)
{
    const git_remote_head **heads = nullptr;
    size_t count = 0;
    checkRemote(git_remote_ls(&heads, &count, remote), url);
    QMap<QString, QString> refs;
    QMap<QString, QString> peeled;
    for (size_t i = 0; i < count; ++i) {
        const QString name = QString::fromUtf8(heads[i]->name);
        if (name.endsWith(kPeeledSuffix))
            peeled.insert(name.chopped(kPeeledSuffix.size()), oidToString(heads[i]->oid));
        else
            refs.insert(name, oidToString(heads[i]->oid));
    }
    for (auto it = peeled.cbegin(); it != peeled.cend(); ++it)
        refs.insert(it.key(), it.value());
    return refs;
}

bool hasCommit(git_repository *repository, const git_oid &oid)
{
    git_commit *commit = nullptr;
    if (git_commit_lookup(&commit, repository, &oid) < 0)
        return false;
    git_commit_free(commit);
    return true;
}

// Downloads the objects the refspecs name into the repository, writing no refs.
int download(git_remote *remote, const QStringList &refspecs)
{
    std::vector<QByteArray> encoded;
    std::vector<char *> pointers;
    for (const QString &refspec : refspecs)
        encoded.push_back(refspec.toUtf8());
    for (QByteArray &refspec : encoded)
        pointers.push_back(refspec.data());
    const git_strarray array{pointers.data(), pointers.size()};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    return git_remote_download(remote, &array, &options);
}

RemotePtr anonymousRemote(git_repository *repository, const QString &url)
{
    git_remote *remote = nullptr;
    checkRemote(git_remote_create_anonymous(&remote, repository, url.toUtf8().constData()), url);
    return RemotePtr(remote);
}

void fetchCommit(git_repository *repository, const QString &url, const QString &commit, const git_oid &oid)
{
    {
        const RemotePtr remote = anonymousRemote(repository, url);
        checkRemote(git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, nullptr, nullptr, nullptr), url);
        QStringList tips;
        const QMap<QString, QString> refs = advertisedRefs(remote.get(), url);
        for (auto it = refs.cbegin(); it != refs.cend(); ++it) {
            if (it.value() == commit && it.key().startsWith(QStringLiteral("refs/")))
                tips.append(it.key());
        }
        if (!tips.isEmpty())
            checkRemote(download(remote.get(), tips), url);
    }
    if (hasCommit(repository, oid))
        return;

    // Servers refuse a commit id that no ref points at unless configured to allow it; then every ref it
    // has is the way left. A real network failure shows in that last fetch.
    if (download(anonymousRemote(repository, url).get(), {commit}) >= 0 && hasCommit(repository, oid))
        return;
    checkRemote(download(anonymousRemote(repository, url).get(), {QStringLiteral("+refs/*:refs/*")}), url);
    if (!hasCommit(repository, oid))
        throw Error::badRequest(kCommitField,
                                QStringLiteral("%1 not found in %2").arg(quoted(commit), displayUrl(url)));
}

// The export must be the commit's files whatever the server's own git configuration says.
void configureScratchRepository(git_repository *repository)
{
    git_config *config = nullptr;
    checkLocal(git_repository_config(&config, repository),
               QStringLiteral("scratch repository configuration"));
    const ConfigPtr owned(config);
    checkLocal(git_config_set_bool(config, "core.autocrlf", 0), QStringLiteral("core.autocrlf"));
    checkLocal(git_config_set_bool(config, "core.symlinks", 1), QStringLiteral("core.symlinks"));
}

void checkOut(git_repository *repository, const git_oid &oid, const QString &directory)
{
    git_commit *commit = nullptr;
    checkLocal(git_commit_lookup(&commit, repository, &oid), QStringLiteral("commit lookup"));
    const CommitPtr ownedCommit(commit);
    git_tree *tree = nullptr;
    checkLocal(git_commit_tree(&tree, commit), QStringLiteral("commit tree"));
    const TreePtr ownedTree(tree);

    const QByteArray target = QFile::encodeName(directory);
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
    options.target_directory = target.constData();
    checkLocal(git_checkout_tree(repository, reinterpret_cast<const git_object *>(tree), &options),
               QStringLiteral("checkout into %1").arg(directory));
}

} // namespace

Libgit2GitService::Libgit2GitService()
{
    initializeLibgit2Once();
}

QMap<QString, QString> Libgit2GitService::listRefs(const QString &url)
{
    requireReadableUrl(url);
    const RemotePtr remote = connectedRemote(url);
    return advertisedRefs(remote.get(), url);
}

void Libgit2GitService::exportCommit(const QString &url, const QString &commit, const QString &directory)
{
    git_oid oid;
    if (commit.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, commit.toLatin1().constData()) < 0) {
        throw Error::badRequest(
            kCommitField,
            QStringLiteral("%1 is not a commit id (40 hexadecimal digits)").arg(quoted(commit)));
    }
    requireReadableUrl(url);
    const QFileInfo target(directory);
    if (target.exists() || target.isSymLink())
        throw Error::internal(QStringLiteral("cannot export into %1: it already exists").arg(directory));
    const QString parent = target.absolutePath();
    if (!QDir().mkpath(parent))
        throw Error::internal(QStringLiteral("cannot create %1").arg(parent));

    const QTemporaryDir scratch(QStringLiteral("%1/.%2-fetch-XXXXXX").arg(parent, target.fileName()));
    if (!scratch.isValid())
        throw Error::internal(
            QStringLiteral("cannot create a scratch directory in %1: %2").arg(parent, scratch.errorString()));
    git_repository *repository = nullptr;
    checkLocal(git_repository_init(&repository, QFile::encodeName(scratch.path()).constData(), 1),
               QStringLiteral("scratch repository in %1").arg(scratch.path()));
    const RepositoryPtr ownedRepository(repository);
    configureScratchRepository(repository);
    fetchCommit(repository, url, commit.toLower(), oid);

    if (!QDir().mkdir(target.absoluteFilePath()))
        throw Error::internal(QStringLiteral("cannot create %1").arg(directory));
    try {
        checkOut(repository, oid, target.absoluteFilePath());
    } catch (...) {
        QDir(target.absoluteFilePath()).removeRecursively();
        throw;
    }
}

} // namespace vitrine::adapters::git
