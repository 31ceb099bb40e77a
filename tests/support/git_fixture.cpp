#include "git_fixture.h"

#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vitrine::tests {

namespace {

constexpr int kGitTimeoutMs = 60'000;

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

void writeFile(const QString &path, const QByteArray &content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        fail(QStringLiteral("cannot create the directory of %1").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace

GitFixture::GitFixture(const QString &dir)
    : m_barePath(QDir(dir).absoluteFilePath(QStringLiteral("origin.git")))
    , m_workPath(QDir(dir).absoluteFilePath(QStringLiteral("work")))
{
    git({QStringLiteral("init"), QStringLiteral("--quiet"), QStringLiteral("--bare"),
         QStringLiteral("--initial-branch=main"), m_barePath},
        dir);
    git({QStringLiteral("clone"), QStringLiteral("--quiet"), m_barePath, m_workPath}, dir);
}

QString GitFixture::bareUrl() const
{
    return m_barePath;
}

QString GitFixture::git(const QStringList &arguments, const QString &workingDirectory) const
{
    // The same repositories on every machine: no user or system configuration, a fixed author.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    environment.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    environment.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Vitrine Test"));
    environment.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("test@vitrine.invalid"));
    environment.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Vitrine Test"));
    environment.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("test@vitrine.invalid"));

    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(workingDirectory);
    process.start(QStringLiteral("git"), arguments);
    if (!process.waitForStarted())
        fail(QStringLiteral("cannot run git (apt-get install git): %1").arg(process.errorString()));
    if (!process.waitForFinished(kGitTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        fail(QStringLiteral("git %1 did not finish").arg(arguments.join(u' ')));
    }
    const QString output = QString::fromLocal8Bit(process.readAllStandardOutput());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        fail(QStringLiteral("git %1 failed (exit code %2): %3%4")
                 .arg(arguments.join(u' '))
                 .arg(process.exitCode())
                 .arg(output, QString::fromLocal8Bit(process.readAllStandardError())));
    }
    return output.trimmed();
}

void GitFixture::clearWorkTree() const
{
    const QDir work(m_workPath);
    const QStringList entries =
        work.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        if (entry == QStringLiteral(".git"))
            continue;
        const QString path = work.filePath(entry);
        const QFileInfo info(path);
        const bool removed =
            info.isDir() && !info.isSymLink() ? QDir(path).removeRecursively() : QFile::remove(path);
        if (!removed)
            fail(QStringLiteral("cannot remove %1").arg(path));
    }
}

QString GitFixture::commit(const QString &branch, const QMap<QString, QByteArray> &files,
                           const QString &message, const QStringList &executables,
                           const QMap<QString, QString> &symlinks)
{
    const bool branchExists = !git({QStringLiteral("for-each-ref"), QStringLiteral("--format=%(refname)"),
                                    QStringLiteral("refs/heads/") + branch},
                                   m_workPath)
                                   .isEmpty();
    if (branchExists)
        git({QStringLiteral("checkout"), QStringLiteral("--quiet"), QStringLiteral("--force"), branch},
            m_workPath);
    else
        git({QStringLiteral("checkout"), QStringLiteral("--quiet"), QStringLiteral("--force"),
             QStringLiteral("--orphan"), branch},
            m_workPath);

    clearWorkTree();
    const QDir work(m_workPath);
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        writeFile(work.filePath(it.key()), it.value());
    for (const QString &path : executables) {
        if (!files.contains(path))
            fail(QStringLiteral("executable %1 is not among the files").arg(path));
        QFile::setPermissions(work.filePath(path), QFile::permissions(work.filePath(path)) | QFile::ExeOwner |
                                                       QFile::ExeGroup | QFile::ExeOther);
    }
    for (auto it = symlinks.cbegin(); it != symlinks.cend(); ++it) {
        const QString linkPath = work.filePath(it.key());
        if (!QDir().mkpath(QFileInfo(linkPath).absolutePath()) ||
            ::symlink(QFile::encodeName(it.value()).constData(), QFile::encodeName(linkPath).constData()) !=
                0)
            fail(QStringLiteral("cannot create the symlink %1: %2")
                     .arg(linkPath, QString::fromLocal8Bit(strerror(errno))));
    }

    git({QStringLiteral("add"), QStringLiteral("--all")}, m_workPath);
    git({QStringLiteral("commit"), QStringLiteral("--quiet"), QStringLiteral("--allow-empty"),
         QStringLiteral("-m"), message},
        m_workPath);
    git({QStringLiteral("push"), QStringLiteral("--quiet"), QStringLiteral("origin"), branch}, m_workPath);
    return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, m_workPath);
}

QString GitFixture::tag(const QString &name, const QString &commit)
{
    git({QStringLiteral("tag"), QStringLiteral("--annotate"), QStringLiteral("-m"), name, name, commit},
        m_workPath);
    git({QStringLiteral("push"), QStringLiteral("--quiet"), QStringLiteral("origin"),
         QStringLiteral("refs/tags/") + name},
        m_workPath);
    return git({QStringLiteral("rev-parse"), QStringLiteral("refs/tags/") + name}, m_workPath);
}

} // namespace vitrine::tests
