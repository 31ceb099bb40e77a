#pragma once

#include "domain/ports/git_service.h"

namespace vitrine::adapters::git {

// GitService on libgit2 1.5. Each call opens its own remote and scratch repository, so calls may run on any
// number of threads at once. URLs are what libgit2 takes: https://, ssh://, git://, scp-like
// user@host:path, file:// and local paths. No credentials are offered yet (private repositories fail with
// FailedPrecondition; ssh keys come later) and server certificates are checked as libgit2 does by default.
class Libgit2GitService final : public domain::GitService {
public:
    // Initializes libgit2 on first use in the process; it is never shut down, as other threads may still use
    // it.
    Libgit2GitService();

    QMap<QString, QString> listRefs(const QString &url) override;

    // Fetches into a scratch bare repository beside `directory` (removed afterwards), then checks the
    // commit's tree out into `directory`. libgit2 1.5 cannot fetch shallow: the commit comes with its
    // history. To keep that small it fetches, in order, until the commit is there: the refs whose tip is the
    // commit (the usual case: a build of a branch's newest commit), the commit by id (the local transport,
    // and servers that allow it), every ref. On failure `directory` is left absent.
    void exportCommit(const QString &url, const QString &commit, const QString &directory) override;
};

} // namespace vitrine::adapters::git
