#include "adapters/git/libgit2_git_service.h"
#include "domain/error.h"
#include "git_fixture.h"

#include <unistd.h>

#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

using namespace vitrine::domain;
using vitrine::adapters::git::Libgit2GitService;
using vitrine::tests::GitFixture;

namespace {

using Tree = QMap<QString, QByteArray>;

// How an exported tree shows a symlink, beside the files' contents.
QByteArray symlinkTo(const QString &target)
{
    return "symlink to " + target.toUtf8();
}

// Every file (path → content) and symlink (path → symlinkTo(target)) under `root`, hidden ones too.
Tree treeIn(const QString &root)
{
    Tree tree;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        const QString relative = QDir(root).relativeFilePath(path);
        if (info.isSymLink()) {
            char target[4096];
            const ssize_t length = ::readlink(QFile::encodeName(path).constData(), target, sizeof target);
            tree.insert(relative, symlinkTo(QString::fromLocal8Bit(target, length)));
        } else if (info.isFile()) {
            QFile file(path);
            tree.insert(relative, file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("unreadable"));
        } else if (!info.isDir()) {
            tree.insert(relative, "special file");
        }
    }
    return tree;
}

std::optional<Error> errorFrom(const std::function<void()> &call)
{
    try {
        call();
    } catch (const Error &error) {
        return error;
    }
    return std::nullopt;
}

quint16 unusedLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// git's own smart server (git-daemon) on a free loopback port, serving the repositories under `basePath`:
// the transport of real remotes, which unlike the local one refuses to send a commit no ref points at.
class GitDaemon {
public:
    bool start(const QString &basePath, QString *error)
    {
        QProcess execPath;
        execPath.start(QStringLiteral("git"), {QStringLiteral("--exec-path")});
        if (!execPath.waitForFinished() || execPath.exitCode() != 0) {
            *error = QStringLiteral("git --exec-path failed: %1").arg(execPath.errorString());
            return false;
        }
        m_port = unusedLoopbackPort();
        // It logs every client that disconnects after listing refs only, as listRefs does: not worth showing.
        m_daemon.setStandardErrorFile(QProcess::nullDevice());
        m_daemon.start(QString::fromLocal8Bit(execPath.readAllStandardOutput()).trimmed() +
                           QStringLiteral("/git-daemon"),
                       {QStringLiteral("--listen=127.0.0.1"), QStringLiteral("--port=%1").arg(m_port),
                        QStringLiteral("--base-path=%1").arg(basePath), QStringLiteral("--export-all"),
                        QStringLiteral("--reuseaddr"), basePath});
        if (!m_daemon.waitForStarted()) {
            *error = QStringLiteral("cannot start git-daemon: %1").arg(m_daemon.errorString());
            return false;
        }
        const QDeadlineTimer deadline(30'000);
        while (!deadline.hasExpired() && m_daemon.state() == QProcess::Running) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(1000))
                return true;
            QThread::msleep(50);
        }
        *error = QStringLiteral("git-daemon did not listen on port %1").arg(m_port);
        return false;
    }

    ~GitDaemon()
    {
        m_daemon.terminate();
        m_daemon.waitForFinished();
    }

    QString url(const QString &repository) const
    {
        return QStringLiteral("git://127.0.0.1:%1/%2").arg(m_port).arg(repository);
    }

private:
    QProcess m_daemon;
    quint16 m_port = 0;
};

enum class UrlForm { Path, FileUrl, GitDaemon };

} // namespace

Q_DECLARE_METATYPE(UrlForm)
Q_DECLARE_METATYPE(ErrorKind)

class TestLibgit2GitService : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void listRefsGivesBranchesAndPeeledTags_data();
    void listRefsGivesBranchesAndPeeledTags();
    void exportCommitGivesExactlyThatCommitsFiles_data();
    void exportCommitGivesExactlyThatCommitsFiles();
    void exportKeepsExecutableBitsAndSymlinks();
    void exportsRunInParallel();
    void unknownCommitIsABadRequest_data();
    void unknownCommitIsABadRequest();
    void unreadableUrlIsClassified_data();
    void unreadableUrlIsClassified();
    void exportRefusesAnExistingDirectory();
    void readsALocalRepositoryAnotherUserOwns();

private:
    QString url(UrlForm form) const;

    QTemporaryDir m_repositories;
    QTemporaryDir m_exports;
    std::unique_ptr<GitFixture> m_fixture;
    GitDaemon m_daemon;
    Libgit2GitService m_git;

    QString m_first;  // on main, behind two commits, no ref points at it
    QString m_second; // on main, tagged v2
    QString m_tagObject;
    QString m_third; // main's tip
    QString m_feature;
    Tree m_firstTree;
    Tree m_secondTree;
    Tree m_thirdTree;
    Tree m_featureTree;
};

void TestLibgit2GitService::initTestCase()
{
    QVERIFY(m_repositories.isValid());
    QVERIFY(m_exports.isValid());
    m_fixture = std::make_unique<GitFixture>(m_repositories.path());

    m_first = m_fixture->commit(QStringLiteral("main"),
                                {{QStringLiteral("index.html"), "first\n"},
                                 {QStringLiteral("old.txt"), "removed later\n"},
                                 {QStringLiteral("run.sh"), "#!/bin/sh\necho built\n"},
                                 {QStringLiteral("sub/dir/a.txt"), "deep\n"},
                                 {QStringLiteral(".hidden"), "dot file\n"}},
                                QStringLiteral("first"), {QStringLiteral("run.sh")},
                                {{QStringLiteral("link"), QStringLiteral("index.html")},
                                 {QStringLiteral("sub/up"), QStringLiteral("../index.html")}});
    m_firstTree = {{QStringLiteral("index.html"), "first\n"},
                   {QStringLiteral("old.txt"), "removed later\n"},
                   {QStringLiteral("run.sh"), "#!/bin/sh\necho built\n"},
                   {QStringLiteral("sub/dir/a.txt"), "deep\n"},
                   {QStringLiteral(".hidden"), "dot file\n"},
                   {QStringLiteral("link"), symlinkTo(QStringLiteral("index.html"))},
                   {QStringLiteral("sub/up"), symlinkTo(QStringLiteral("../index.html"))}};

    m_secondTree = {{QStringLiteral("index.html"), "second\n"}, {QStringLiteral("new.txt"), "added\n"}};
    m_second = m_fixture->commit(QStringLiteral("main"), m_secondTree, QStringLiteral("second"));
    m_tagObject = m_fixture->tag(QStringLiteral("v2"), m_second);

    m_thirdTree = {{QStringLiteral("index.html"), "third\n"}, {QStringLiteral("new.txt"), "added\n"}};
    m_third = m_fixture->commit(QStringLiteral("main"), m_thirdTree, QStringLiteral("third"));

    m_featureTree = {{QStringLiteral("feature.txt"), "feature\n"}};
    m_feature = m_fixture->commit(QStringLiteral("feature"), m_featureTree, QStringLiteral("feature"));

    QString error;
    QVERIFY2(m_daemon.start(m_repositories.path(), &error), qPrintable(error));
}

QString TestLibgit2GitService::url(UrlForm form) const
{
    switch (form) {
    case UrlForm::Path:
        return m_fixture->bareUrl();
    case UrlForm::FileUrl:
        return QStringLiteral("file://") + m_fixture->bareUrl();
    case UrlForm::GitDaemon:
        return m_daemon.url(QStringLiteral("origin.git"));
    }
    return {};
}

void TestLibgit2GitService::listRefsGivesBranchesAndPeeledTags_data()
{
    QTest::addColumn<UrlForm>("form");
    QTest::newRow("plain path") << UrlForm::Path;
    QTest::newRow("file:// URL") << UrlForm::FileUrl;
    QTest::newRow("git:// server") << UrlForm::GitDaemon;
}

void TestLibgit2GitService::listRefsGivesBranchesAndPeeledTags()
{
    QFETCH(UrlForm, form);

    QMap<QString, QString> refs = m_git.listRefs(url(form));

    // HEAD comes too, as in `git ls-remote`: the repository's default branch.
    QCOMPARE(refs.take(QStringLiteral("HEAD")), m_third);
    const QMap<QString, QString> expected{{QStringLiteral("refs/heads/main"), m_third},
                                          {QStringLiteral("refs/heads/feature"), m_feature},
                                          {QStringLiteral("refs/tags/v2"), m_second}};
    QCOMPARE(refs, expected);
    QVERIFY(m_tagObject != m_second);
}

void TestLibgit2GitService::exportCommitGivesExactlyThatCommitsFiles_data()
{
    QTest::addColumn<UrlForm>("form");
    QTest::addColumn<QString>("commit");
    QTest::addColumn<Tree>("tree");

    const struct {
        const char *name;
        UrlForm form;
    } forms[] = {{"path", UrlForm::Path}, {"file URL", UrlForm::FileUrl}, {"git server", UrlForm::GitDaemon}};
    for (const auto &[name, form] : forms) {
        QTest::addRow("%s, commit no ref points at", name) << form << m_first << m_firstTree;
        QTest::addRow("%s, tagged commit", name) << form << m_second << m_secondTree;
        QTest::addRow("%s, main's tip", name) << form << m_third << m_thirdTree;
        QTest::addRow("%s, other branch's tip", name) << form << m_feature << m_featureTree;
    }
    QTest::addRow("upper-case commit id") << UrlForm::Path << m_second.toUpper() << m_secondTree;
}

void TestLibgit2GitService::exportCommitGivesExactlyThatCommitsFiles()
{
    QFETCH(UrlForm, form);
    QFETCH(QString, commit);
    QFETCH(Tree, tree);
    const QTemporaryDir parent(m_exports.filePath(QStringLiteral("export-XXXXXX")));
    const QString directory = parent.filePath(QStringLiteral("site"));

    m_git.exportCommit(url(form), commit, directory);

    QCOMPARE(treeIn(directory), tree);
    // Nothing else beside it either: the scratch repository is gone.
    QCOMPARE(QDir(parent.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("site")});
}

void TestLibgit2GitService::exportKeepsExecutableBitsAndSymlinks()
{
    const QString directory = m_exports.filePath(QStringLiteral("modes"));

    m_git.exportCommit(url(UrlForm::Path), m_first, directory);

    const QDir site(directory);
    QVERIFY(QFileInfo(site.filePath(QStringLiteral("run.sh"))).isExecutable());
    QVERIFY(!QFileInfo(site.filePath(QStringLiteral("index.html"))).isExecutable());
    QVERIFY(QFileInfo(site.filePath(QStringLiteral("link"))).isSymLink());
    QCOMPARE(QFileInfo(site.filePath(QStringLiteral("sub/up"))).symLinkTarget(),
             site.filePath(QStringLiteral("index.html")));
    QFile throughLink(site.filePath(QStringLiteral("sub/up")));
    QVERIFY(throughLink.open(QIODevice::ReadOnly));
    QCOMPARE(throughLink.readAll(), QByteArray("first\n"));
}

void TestLibgit2GitService::exportsRunInParallel()
{
    constexpr int kExports = 4;
    std::vector<std::optional<Error>> errors(kExports);
    std::vector<std::thread> threads;
    const QString repository = url(UrlForm::Path);
    for (int i = 0; i < kExports; ++i) {
        const QString directory = m_exports.filePath(QStringLiteral("parallel-%1").arg(i));
        const QString commit = i % 2 ? m_first : m_third;
        threads.emplace_back([this, i, &errors, repository, directory, commit] {
            errors[i] = errorFrom([&] { m_git.exportCommit(repository, commit, directory); });
        });
    }
    for (std::thread &thread : threads)
        thread.join();

    for (int i = 0; i < kExports; ++i) {
        QVERIFY2(!errors[i], errors[i] ? qPrintable(errors[i]->message()) : "");
        QCOMPARE(treeIn(m_exports.filePath(QStringLiteral("parallel-%1").arg(i))),
                 i % 2 ? m_firstTree : m_thirdTree);
    }
}

void TestLibgit2GitService::unknownCommitIsABadRequest_data()
{
    QTest::addColumn<UrlForm>("form");
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("message");

    const QString unknown(40, u'1');
    QTest::newRow("unknown, path")
        << UrlForm::Path << unknown
        << QStringLiteral("commit: '%1' not found in '%2'").arg(unknown, url(UrlForm::Path));
    QTest::newRow("unknown, git server")
        << UrlForm::GitDaemon << unknown
        << QStringLiteral("commit: '%1' not found in '%2'").arg(unknown, url(UrlForm::GitDaemon));
    QTest::newRow("the tag object, not a commit")
        << UrlForm::Path << m_tagObject
        << QStringLiteral("commit: '%1' not found in '%2'").arg(m_tagObject, url(UrlForm::Path));
    QTest::newRow("short id")
        << UrlForm::Path << m_first.left(12)
        << QStringLiteral("commit: '%1' is not a commit id (40 hexadecimal digits)").arg(m_first.left(12));
    QTest::newRow("not hexadecimal")
        << UrlForm::Path << QString(40, u'z')
        << QStringLiteral("commit: '%1' is not a commit id (40 hexadecimal digits)").arg(QString(40, u'z'));
}

void TestLibgit2GitService::unknownCommitIsABadRequest()
{
    QFETCH(UrlForm, form);
    QFETCH(QString, commit);
    QFETCH(QString, message);
    const QString directory = m_exports.filePath(QStringLiteral("unknown"));

    const std::optional<Error> error = errorFrom([&] { m_git.exportCommit(url(form), commit, directory); });

    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::BadRequest);
    QCOMPARE(error->field(), QStringLiteral("commit"));
    QCOMPARE(error->message(), message);
    QVERIFY(!QFileInfo::exists(directory));
}

void TestLibgit2GitService::unreadableUrlIsClassified_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<QString>("messageStart");

    const QString plainDirectory = m_exports.path();
    const QString missing = m_repositories.filePath(QStringLiteral("missing.git"));
    QTest::newRow("directory that is no repository")
        << plainDirectory << ErrorKind::BadRequest
        << QStringLiteral("url: '%1' is not a git repository").arg(plainDirectory);
    QTest::newRow("missing path") << missing << ErrorKind::BadRequest
                                  << QStringLiteral("url: '%1' is not a git repository").arg(missing);
    QTest::newRow("missing file URL")
        << QStringLiteral("file://") + missing << ErrorKind::BadRequest
        << QStringLiteral("url: 'file://%1' is not a git repository").arg(missing);
    QTest::newRow("unknown scheme") << QStringLiteral("gopher://127.0.0.1/x.git") << ErrorKind::BadRequest
                                    << QStringLiteral(
                                           "url: 'gopher://127.0.0.1/x.git' is not a git repository");

    const QString refused = QStringLiteral("http://127.0.0.1:%1/x.git").arg(unusedLoopbackPort());
    QTest::newRow("nothing listens") << refused << ErrorKind::FailedPrecondition
                                     << QStringLiteral("cannot read the git repository '%1'").arg(refused);
    const quint16 secretPort = unusedLoopbackPort();
    QTest::newRow("credentials are not shown")
        << QStringLiteral("http://member:s3cret@127.0.0.1:%1/x.git").arg(secretPort)
        << ErrorKind::FailedPrecondition
        << QStringLiteral("cannot read the git repository 'http://127.0.0.1:%1/x.git'").arg(secretPort);
    const QString notServed = m_daemon.url(QStringLiteral("missing.git"));
    QTest::newRow("server has no such repository")
        << notServed << ErrorKind::FailedPrecondition
        << QStringLiteral("cannot read the git repository '%1'").arg(notServed);
}

void TestLibgit2GitService::unreadableUrlIsClassified()
{
    QFETCH(QString, url);
    QFETCH(ErrorKind, kind);
    QFETCH(QString, messageStart);
    const QString directory = m_exports.filePath(QStringLiteral("unreadable"));

    for (const auto &call : std::vector<std::function<void()>>{
             [&] { m_git.listRefs(url); }, [&] { m_git.exportCommit(url, m_first, directory); }}) {
        const std::optional<Error> error = errorFrom(call);
        QVERIFY(error);
        QVERIFY2(error->message().startsWith(messageStart), qPrintable(error->message()));
        QCOMPARE(error->kind(), kind);
        QVERIFY(!error->message().contains(QStringLiteral("s3cret")));
    }
    QVERIFY(!QFileInfo::exists(directory));
}

void TestLibgit2GitService::exportRefusesAnExistingDirectory()
{
    const QString directory = m_exports.filePath(QStringLiteral("existing"));
    QVERIFY(QDir().mkpath(directory));
    QFile keep(directory + QStringLiteral("/keep.txt"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("mine");
    keep.close();

    const std::optional<Error> error =
        errorFrom([&] { m_git.exportCommit(url(UrlForm::Path), m_first, directory); });

    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::Internal);
    QCOMPARE(treeIn(directory), (Tree{{QStringLiteral("keep.txt"), "mine"}}));
}

void TestLibgit2GitService::readsALocalRepositoryAnotherUserOwns()
{
    if (geteuid() != 0)
        QSKIP("only root can give a repository to another user");
    const QTemporaryDir dir;
    GitFixture fixture(dir.path());
    const QString commit =
        fixture.commit(QStringLiteral("main"), {{QStringLiteral("a.txt"), "a\n"}}, QStringLiteral("a"));
    QCOMPARE(QProcess::execute(QStringLiteral("chown"),
                               {QStringLiteral("-R"), QStringLiteral("nobody"), fixture.bareUrl()}),
             0);

    QCOMPARE(m_git.listRefs(fixture.bareUrl()).value(QStringLiteral("refs/heads/main")), commit);
    const QString directory = m_exports.filePath(QStringLiteral("not-ours"));
    m_git.exportCommit(fixture.bareUrl(), commit, directory);
    QCOMPARE(treeIn(directory), (Tree{{QStringLiteral("a.txt"), "a\n"}}));
}

QTEST_GUILESS_MAIN(TestLibgit2GitService)
#include "tst_libgit2_git_service.moc"
