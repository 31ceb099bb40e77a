#include "adapters/archive/libarchive_artifact_archive.h"
#include "domain/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using vitrine::adapters::archive::LibarchiveArtifactArchive;
using vitrine::domain::Error;
using vitrine::domain::ErrorKind;
using vitrine::domain::ExtractLimits;

namespace {

// One entry of a hand-made archive, written as given: nothing here is sanitized.
struct RawEntry {
    QByteArray path;
    unsigned int type = AE_IFREG;
    QByteArray contents;
    QByteArray symlink;
    QByteArray hardlink;
};
using RawEntries = QList<RawEntry>;

RawEntry fileEntry(const QByteArray &path, const QByteArray &contents = "x")
{
    return RawEntry{path, AE_IFREG, contents, {}, {}};
}

RawEntry linkEntry(const QByteArray &path, const QByteArray &target)
{
    return RawEntry{path, AE_IFLNK, {}, target, {}};
}

RawEntry specialEntry(const QByteArray &path, unsigned int type)
{
    return RawEntry{path, type, {}, {}, {}};
}

RawEntry hardLinkEntry(const QByteArray &path, const QByteArray &target)
{
    return RawEntry{path, AE_IFREG, {}, {}, target};
}

void writeRawArchive(const QString &archivePath, const RawEntries &entries)
{
    struct archive *out = archive_write_new();
    archive_write_set_format_pax_restricted(out);
    archive_write_add_filter_gzip(out);
    QCOMPARE(archive_write_open_filename(out, QFile::encodeName(archivePath).constData()), ARCHIVE_OK);
    for (const RawEntry &raw : entries) {
        archive_entry *entry = archive_entry_new();
        archive_entry_copy_pathname(entry, raw.path.constData());
        archive_entry_set_filetype(entry, raw.type);
        archive_entry_set_perm(entry, raw.type == AE_IFLNK ? 0777 : 0644);
        if (!raw.symlink.isEmpty())
            archive_entry_copy_symlink(entry, raw.symlink.constData());
        if (!raw.hardlink.isEmpty())
            archive_entry_copy_hardlink(entry, raw.hardlink.constData());
        if (raw.type == AE_IFCHR || raw.type == AE_IFBLK)
            archive_entry_set_rdev(entry, makedev(1, 3));
        archive_entry_set_size(entry, raw.contents.size());
        QVERIFY(archive_write_header(out, entry) == ARCHIVE_OK);
        if (!raw.contents.isEmpty())
            QCOMPARE(archive_write_data(out, raw.contents.constData(), raw.contents.size()),
                     raw.contents.size());
        archive_entry_free(entry);
    }
    QCOMPARE(archive_write_close(out), ARCHIVE_OK);
    archive_write_free(out);
}

// The entry names of a tar.gz, in archive order.
QStringList entryNames(const QString &archivePath)
{
    QStringList names;
    struct archive *in = archive_read_new();
    archive_read_support_filter_gzip(in);
    archive_read_support_format_tar(in);
    if (archive_read_open_filename(in, QFile::encodeName(archivePath).constData(), 10240) == ARCHIVE_OK) {
        archive_entry *entry = nullptr;
        while (archive_read_next_header(in, &entry) == ARCHIVE_OK)
            names.append(QString::fromUtf8(archive_entry_pathname_utf8(entry)));
    }
    archive_read_free(in);
    return names;
}

// Every path under `root` (links not followed), relative to it and sorted.
QStringList treeUnder(const QString &root)
{
    QStringList paths;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths.append(QDir(root).relativeFilePath(it.next()));
    paths.sort();
    return paths;
}

void writeFile(const QString &path, const QByteArray &contents, QFile::Permissions permissions)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(contents), contents.size());
    out.close();
    QVERIFY(out.setPermissions(permissions));
}

QByteArray readFile(const QString &path)
{
    QFile in(path);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

mode_t modeBits(const QString &path)
{
    struct stat status {};
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return 0;
    return status.st_mode & 07777;
}

QString rawLinkTarget(const QString &path)
{
    char buffer[4096];
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return length < 0 ? QString() : QFile::decodeName(QByteArray(buffer, length));
}

void symlinkAt(const QString &target, const QString &linkPath)
{
    QVERIFY(QDir().mkpath(QFileInfo(linkPath).absolutePath()));
    QCOMPARE(::symlink(QFile::encodeName(target).constData(), QFile::encodeName(linkPath).constData()), 0);
}

std::optional<Error> errorOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const Error &error) {
        return error;
    }
    return std::nullopt;
}

constexpr QFile::Permissions kFilePermissions =
    QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
constexpr QFile::Permissions kExecutablePermissions =
    kFilePermissions | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;

using MakeFile = std::function<void(const QString &path)>;

} // namespace

Q_DECLARE_METATYPE(RawEntries)
Q_DECLARE_METATYPE(MakeFile)

class TestLibarchiveArtifactArchive : public QObject {
    Q_OBJECT

private slots:
    void init();

    void roundTripKeepsContentsModesAndInsideLinks();
    void packWritesSortedEntriesAndTheSameBytesTwice();
    void packRefusesLinksThatLeaveTheTree_data();
    void packRefusesLinksThatLeaveTheTree();
    void packRefusesFifos();
    void unpackRefusesHostileEntries_data();
    void unpackRefusesHostileEntries();
    void unpackRefusesArchivesOverTheLimits_data();
    void unpackRefusesArchivesOverTheLimits();
    void unpackRefusesFilesThatAreNotTarGz_data();
    void unpackRefusesFilesThatAreNotTarGz();
    void unpackAcceptsDotSlashNamesAndImpliedFolders();
    void unpackLeavesAnExistingDirectoryAlone();

private:
    // Refusals are checked for files written anywhere under m_base: the target is three levels down, so
    // an entry that climbs out of the target lands somewhere the test looks.
    QString archivePath() const { return m_base->filePath(QStringLiteral("upload.tar.gz")); }
    QString target() const { return m_base->filePath(QStringLiteral("a/b/target")); }
    void verifyRefusedLeavingNothing(const ExtractLimits &limits, const QString &entryName,
                                     const QString &reason);

    LibarchiveArtifactArchive m_archive;
    std::unique_ptr<QTemporaryDir> m_base;
};

void TestLibarchiveArtifactArchive::init()
{
    m_base = std::make_unique<QTemporaryDir>();
    QVERIFY(m_base->isValid());
    QVERIFY(QDir().mkpath(m_base->filePath(QStringLiteral("a/b"))));
}

void TestLibarchiveArtifactArchive::verifyRefusedLeavingNothing(const ExtractLimits &limits,
                                                                const QString &entryName,
                                                                const QString &reason)
{
    const QStringList before = treeUnder(m_base->path());
    const std::optional<Error> error = errorOf([&] { m_archive.unpack(archivePath(), target(), limits); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::BadRequest);
    QVERIFY2(error->message().contains(QStringLiteral("'%1'").arg(entryName)), qPrintable(error->message()));
    QVERIFY2(error->message().contains(reason), qPrintable(error->message()));
    QVERIFY(!QFileInfo::exists(target()));
    QCOMPARE(treeUnder(m_base->path()), before);
}

void TestLibarchiveArtifactArchive::roundTripKeepsContentsModesAndInsideLinks()
{
    const QString site = m_base->filePath(QStringLiteral("site"));
    writeFile(site + QStringLiteral("/index.html"), "<h1>hello</h1>", kFilePermissions);
    writeFile(site + QStringLiteral("/bin/serve.sh"), "#!/bin/sh\necho hi\n", kExecutablePermissions);
    writeFile(site + QStringLiteral("/assets/css/site.css"), "body{}", kFilePermissions);
    writeFile(site + QStringLiteral("/.well-known/security.txt"), "Contact: x", kFilePermissions);
    writeFile(site + QStringLiteral("/日本語/ページ.html"), "こんにちは", kFilePermissions);
    QByteArray big(300 * 1024, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(big.data()), big.size() / 4);
    writeFile(site + QStringLiteral("/assets/big.bin"), big, kFilePermissions);
    QVERIFY(QDir().mkpath(site + QStringLiteral("/empty")));
    symlinkAt(QStringLiteral("assets/css"), site + QStringLiteral("/styles"));
    symlinkAt(QStringLiteral("../../index.html"), site + QStringLiteral("/assets/css/home.html"));

    const qint64 size = m_archive.pack(site, archivePath());
    QCOMPARE(size, QFileInfo(archivePath()).size());
    QVERIFY(size > big.size());

    m_archive.unpack(archivePath(), target(), ExtractLimits{});
    QCOMPARE(treeUnder(target()), treeUnder(site));
    for (const QString &relative : treeUnder(site)) {
        const QString original = site + QLatin1Char('/') + relative;
        const QString copy = target() + QLatin1Char('/') + relative;
        if (QFileInfo(original).isSymLink())
            QCOMPARE(rawLinkTarget(copy), rawLinkTarget(original));
        else if (QFileInfo(original).isFile())
            QCOMPARE(readFile(copy), readFile(original));
    }
    QCOMPARE(modeBits(target() + QStringLiteral("/bin/serve.sh")), mode_t(0755));
    QCOMPARE(modeBits(target() + QStringLiteral("/index.html")), mode_t(0644));
    QCOMPARE(modeBits(target() + QStringLiteral("/empty")), mode_t(0755));
    QCOMPARE(modeBits(target()), mode_t(0755));
    QCOMPARE(readFile(target() + QStringLiteral("/styles/home.html")), QByteArray("<h1>hello</h1>"));
    // Nothing but the target appears beside it.
    QCOMPARE(QDir(m_base->filePath(QStringLiteral("a/b")))
                 .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("target")});
}

void TestLibarchiveArtifactArchive::packWritesSortedEntriesAndTheSameBytesTwice()
{
    const QString site = m_base->filePath(QStringLiteral("site"));
    for (const char *name : {"zeta.txt", "a/z.txt", "a.txt", "a/b/c.txt", "B.txt"})
        writeFile(site + QLatin1Char('/') + QString::fromUtf8(name), name, kFilePermissions);

    const QString second = m_base->filePath(QStringLiteral("second.tar.gz"));
    m_archive.pack(site, archivePath());
    m_archive.pack(site, second);

    // Folders first, then their contents; the tar format marks a folder's name with a trailing slash.
    const QStringList expected{QStringLiteral("B.txt"),     QStringLiteral("a/"),
                               QStringLiteral("a.txt"),     QStringLiteral("a/b/"),
                               QStringLiteral("a/b/c.txt"), QStringLiteral("a/z.txt"),
                               QStringLiteral("zeta.txt")};
    QCOMPARE(entryNames(archivePath()), expected);
    QCOMPARE(readFile(second), readFile(archivePath()));
}

void TestLibarchiveArtifactArchive::packRefusesLinksThatLeaveTheTree_data()
{
    QTest::addColumn<QString>("linkPath");
    QTest::addColumn<QString>("linkTarget");

    QTest::newRow("absolute") << QStringLiteral("passwd") << QStringLiteral("/etc/passwd");
    QTest::newRow("parent") << QStringLiteral("up") << QStringLiteral("..");
    QTest::newRow("nested climb") << QStringLiteral("sub/x") << QStringLiteral("../../secret");
    // "inner/parent" -> ".." stays inside, but following it and then ".." again leaves.
    QTest::newRow("through another link") << QStringLiteral("escape") << QStringLiteral("inner/parent/..");
}

void TestLibarchiveArtifactArchive::packRefusesLinksThatLeaveTheTree()
{
    QFETCH(QString, linkPath);
    QFETCH(QString, linkTarget);
    const QString site = m_base->filePath(QStringLiteral("site"));
    writeFile(site + QStringLiteral("/index.html"), "hi", kFilePermissions);
    symlinkAt(QStringLiteral(".."), site + QStringLiteral("/inner/parent"));
    symlinkAt(linkTarget, site + QLatin1Char('/') + linkPath);

    const std::optional<Error> error = errorOf([&] { m_archive.pack(site, archivePath()); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::BadRequest);
    QVERIFY2(error->message().contains(QStringLiteral("'%1'").arg(linkPath)), qPrintable(error->message()));
    QVERIFY2(error->message().contains(QStringLiteral("outside the artifact")), qPrintable(error->message()));
    QVERIFY(!QFileInfo::exists(archivePath()));
    QCOMPARE(QDir(m_base->path()).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestLibarchiveArtifactArchive::packRefusesFifos()
{
    const QString site = m_base->filePath(QStringLiteral("site"));
    writeFile(site + QStringLiteral("/index.html"), "hi", kFilePermissions);
    QCOMPARE(::mkfifo(QFile::encodeName(site + QStringLiteral("/pipe")).constData(), 0644), 0);

    const std::optional<Error> error = errorOf([&] { m_archive.pack(site, archivePath()); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::BadRequest);
    QVERIFY2(error->message().contains(QStringLiteral("'pipe'")), qPrintable(error->message()));
    QVERIFY(!QFileInfo::exists(archivePath()));
}

void TestLibarchiveArtifactArchive::unpackRefusesHostileEntries_data()
{
    QTest::addColumn<RawEntries>("entries");
    QTest::addColumn<QString>("refusedEntry");
    QTest::addColumn<QString>("reason");

    const RawEntry index = fileEntry("index.html", "<h1>hi</h1>");
    QTest::newRow("parent folder") << RawEntries{index, fileEntry("../evil")} << QStringLiteral("../evil")
                                   << QStringLiteral("'..'");
    QTest::newRow("far parent") << RawEntries{index, fileEntry("../../../evil")}
                                << QStringLiteral("../../../evil") << QStringLiteral("'..'");
    QTest::newRow("climb inside the path")
        << RawEntries{index, fileEntry("a/../../b")} << QStringLiteral("a/../../b") << QStringLiteral("'..'");
    const QByteArray absolute = QFile::encodeName(QDir::tempPath()) + "/vitrine-archive-test-evil";
    QTest::newRow("absolute path") << RawEntries{index, fileEntry(absolute)} << QString::fromUtf8(absolute)
                                   << QStringLiteral("absolute path");
    QTest::newRow("link to /etc/passwd")
        << RawEntries{index, linkEntry("passwd", "/etc/passwd")} << QStringLiteral("passwd")
        << QStringLiteral("outside the artifact");
    QTest::newRow("link up then a file through it")
        << RawEntries{linkEntry("up", ".."), fileEntry("up/x")} << QStringLiteral("up")
        << QStringLiteral("outside the artifact");
    QTest::newRow("file through an inside link")
        << RawEntries{linkEntry("sub/up", ".."), fileEntry("sub/up/x")} << QStringLiteral("sub/up/x")
        << QStringLiteral("through the symbolic link 'sub/up'");
    QTest::newRow("link through an earlier link")
        << RawEntries{linkEntry("a/b", ".."), linkEntry("c", "a/b/..")} << QStringLiteral("c")
        << QStringLiteral("outside the artifact");
    // Checked alone, each link stays inside; only together do they leave.
    QTest::newRow("link through a later link")
        << RawEntries{linkEntry("c", "a/b/.."), linkEntry("a/b", "..")} << QStringLiteral("c")
        << QStringLiteral("outside the artifact");
    QTest::newRow("link loop") << RawEntries{linkEntry("loop", "loop")} << QStringLiteral("loop")
                               << QStringLiteral("loop");
    QTest::newRow("hard link") << RawEntries{index, hardLinkEntry("copy", "index.html")}
                               << QStringLiteral("copy") << QStringLiteral("hard links");
    QTest::newRow("hard link outside") << RawEntries{hardLinkEntry("passwd", "/etc/passwd")}
                                       << QStringLiteral("passwd") << QStringLiteral("hard links");
    QTest::newRow("character device") << RawEntries{index, specialEntry("null", AE_IFCHR)}
                                      << QStringLiteral("null") << QStringLiteral("device files");
    QTest::newRow("block device") << RawEntries{index, specialEntry("disk", AE_IFBLK)}
                                  << QStringLiteral("disk") << QStringLiteral("device files");
    QTest::newRow("FIFO") << RawEntries{index, specialEntry("pipe", AE_IFIFO)} << QStringLiteral("pipe")
                          << QStringLiteral("FIFOs");
    QTest::newRow("file under a file") << RawEntries{index, fileEntry("index.html/x")}
                                       << QStringLiteral("index.html/x") << QStringLiteral("is a file");
    QTest::newRow("same path twice") << RawEntries{index, linkEntry("index.html", "other")}
                                     << QStringLiteral("index.html") << QStringLiteral("more than once");
}

void TestLibarchiveArtifactArchive::unpackRefusesHostileEntries()
{
    QFETCH(RawEntries, entries);
    QFETCH(QString, refusedEntry);
    QFETCH(QString, reason);
    writeRawArchive(archivePath(), entries);

    verifyRefusedLeavingNothing(ExtractLimits{}, refusedEntry, reason);
    QVERIFY(!QFileInfo::exists(QDir::tempPath() + QStringLiteral("/vitrine-archive-test-evil")));
}

void TestLibarchiveArtifactArchive::unpackRefusesArchivesOverTheLimits_data()
{
    QTest::addColumn<RawEntries>("entries");
    QTest::addColumn<qint64>("maxTotalBytes");
    QTest::addColumn<qint64>("maxEntries");
    QTest::addColumn<QString>("refusedEntry");
    QTest::addColumn<QString>("reason");

    const QByteArray kilobyte(1000, 'k');
    QTest::newRow("total size") << RawEntries{fileEntry("one", kilobyte), fileEntry("two", kilobyte),
                                              fileEntry("three", kilobyte)}
                                << qint64(2500) << qint64(100) << QStringLiteral("three")
                                << QStringLiteral("more than 2500 bytes");
    QTest::newRow("one huge file") << RawEntries{fileEntry("huge", QByteArray(100000, 'h'))} << qint64(99999)
                                   << qint64(100) << QStringLiteral("huge")
                                   << QStringLiteral("more than 99999 bytes");
    QTest::newRow("entry count") << RawEntries{fileEntry("1"), fileEntry("2"), fileEntry("3"), fileEntry("4")}
                                 << qint64(1 << 20) << qint64(3) << QStringLiteral("4")
                                 << QStringLiteral("more than 3 entries");
}

void TestLibarchiveArtifactArchive::unpackRefusesArchivesOverTheLimits()
{
    QFETCH(RawEntries, entries);
    QFETCH(qint64, maxTotalBytes);
    QFETCH(qint64, maxEntries);
    QFETCH(QString, refusedEntry);
    QFETCH(QString, reason);
    writeRawArchive(archivePath(), entries);

    verifyRefusedLeavingNothing(ExtractLimits{maxTotalBytes, maxEntries}, refusedEntry, reason);
}

void TestLibarchiveArtifactArchive::unpackRefusesFilesThatAreNotTarGz_data()
{
    QTest::addColumn<MakeFile>("makeFile");

    QTest::newRow("truncated gzip") << MakeFile([this](const QString &path) {
        const QString site = m_base->filePath(QStringLiteral("site"));
        QByteArray noise(200 * 1024, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        writeFile(site + QStringLiteral("/noise.bin"), noise, kFilePermissions);
        m_archive.pack(site, path);
        QVERIFY(QFile::resize(path, QFileInfo(path).size() / 2));
        QVERIFY(QDir(site).removeRecursively());
    });
    QTest::newRow("text file") << MakeFile(
        [](const QString &path) { writeFile(path, "this is not an archive\n", kFilePermissions); });
    QTest::newRow("empty file") << MakeFile(
        [](const QString &path) { writeFile(path, QByteArray(), kFilePermissions); });
    QTest::newRow("uncompressed tar") << MakeFile([](const QString &path) {
        struct archive *out = archive_write_new();
        archive_write_set_format_pax_restricted(out);
        QCOMPARE(archive_write_open_filename(out, QFile::encodeName(path).constData()), ARCHIVE_OK);
        archive_entry *entry = archive_entry_new();
        archive_entry_copy_pathname(entry, "index.html");
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, 0);
        QCOMPARE(archive_write_header(out, entry), ARCHIVE_OK);
        archive_entry_free(entry);
        archive_write_free(out);
    });
}

void TestLibarchiveArtifactArchive::unpackRefusesFilesThatAreNotTarGz()
{
    QFETCH(MakeFile, makeFile);
    makeFile(archivePath());
    const QStringList before = treeUnder(m_base->path());

    const std::optional<Error> error = errorOf([&] { m_archive.unpack(archivePath(), target(), {}); });
    QVERIFY(error);
    QCOMPARE(error->kind(), ErrorKind::BadRequest);
    QCOMPARE(error->field(), QStringLiteral("archive"));
    QVERIFY(!QFileInfo::exists(target()));
    QCOMPARE(treeUnder(m_base->path()), before);
}

void TestLibarchiveArtifactArchive::unpackAcceptsDotSlashNamesAndImpliedFolders()
{
    // GNU tar's "tar czf x.tar.gz ." writes "./" and "./name" entries; other tools omit folder entries.
    writeRawArchive(archivePath(),
                    {specialEntry("./", AE_IFDIR), fileEntry("./index.html", "hi"),
                     fileEntry("docs/guide/intro.html", "intro"), specialEntry("docs/", AE_IFDIR)});

    m_archive.unpack(archivePath(), target(), ExtractLimits{});
    QCOMPARE(treeUnder(target()),
             (QStringList{QStringLiteral("docs"), QStringLiteral("docs/guide"),
                          QStringLiteral("docs/guide/intro.html"), QStringLiteral("index.html")}));
    QCOMPARE(readFile(target() + QStringLiteral("/docs/guide/intro.html")), QByteArray("intro"));
}

void TestLibarchiveArtifactArchive::unpackLeavesAnExistingDirectoryAlone()
{
    writeRawArchive(archivePath(), {fileEntry("index.html", "new")});
    writeFile(target() + QStringLiteral("/index.html"), "old", kFilePermissions);

    const std::optional<Error> error = errorOf([&] { m_archive.unpack(archivePath(), target(), {}); });
    QVERIFY(error);
    QCOMPARE(readFile(target() + QStringLiteral("/index.html")), QByteArray("old"));
}

QTEST_GUILESS_MAIN(TestLibarchiveArtifactArchive)
#include "tst_libarchive_artifact_archive.moc"
