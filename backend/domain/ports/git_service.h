#pragma once

#include <QMap>
#include <QString>

namespace vitrine::domain {

// Git repositories as the platform reads them. Failures throw Error: BadRequest when the URL is not a
// repository or a commit is unknown, FailedPrecondition when the remote is unreachable or refuses access
// (the message says which), Internal otherwise. Safe to call from any thread; calls may block for network
// I/O.
class GitService {
public:
    virtual ~GitService() = default;

    // The remote's refs and the commits they point at ("refs/heads/main" → 40-hex sha), annotated tags
    // peeled to their commit. Like `git ls-remote`.
    virtual QMap<QString, QString> listRefs(const QString &url) = 0;

    // Makes `directory` (created, must not exist) hold the files of `commit` and nothing of git's own
    // (no .git). Fetches no more history than the transport needs.
    virtual void exportCommit(const QString &url, const QString &commit, const QString &directory) = 0;
};

} // namespace vitrine::domain
