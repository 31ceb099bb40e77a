#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace vitrine::tests {

// Real git repositories for tests, made with the git command line: a bare repository (the "remote" the
// platform reads) and a working clone beside it that commits and pushes. Git's user and system
// configuration are ignored. Every method throws std::runtime_error with git's output when git fails.
class GitFixture {
public:
    // Creates `dir`/origin.git (bare, default branch "main") and the working clone `dir`/work; `dir` must
    // exist.
    explicit GitFixture(const QString &dir);

    // The bare repository's absolute path (a URL to git and libgit2; prefix "file://" for the URL form).
    QString bareUrl() const;

    // Commits a snapshot to `branch` and pushes it: the new commit holds exactly `files` (path relative to
    // the repository root → content; files of the previous commit not named are deleted), plus `symlinks`
    // (path → link target, as written). Paths in `executables` (keys of `files`) get mode 755. A branch's
    // first commit has no parent. Returns the commit's sha.
    QString commit(const QString &branch, const QMap<QString, QByteArray> &files, const QString &message,
                   const QStringList &executables = {}, const QMap<QString, QString> &symlinks = {});

    // Creates the annotated tag `name` on `commit` and pushes it. Returns the tag object's sha (not the
    // commit's).
    QString tag(const QString &name, const QString &commit);

private:
    QString git(const QStringList &arguments, const QString &workingDirectory) const;
    void clearWorkTree() const;

    QString m_barePath;
    QString m_workPath;
};

} // namespace vitrine::tests
