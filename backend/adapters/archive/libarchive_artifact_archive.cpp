#include "adapters/archive/libarchive_artifact_archive.h"

#include "domain/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QList>
#include <QSaveFile>
#include <QTemporaryDir>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

namespace vitrine::adapters::archive {

using domain::Error;
using domain::ExtractLimits;
using domain::quoted;

namespace {

constexpr size_t kBlockSize = 64 * 1024;
// Same bound as the kernel's (MAXSYMLINKS): more hops than this is a loop.
constexpr int kMaxLinkHops = 40;
constexpr mode_t kFolderMode = 0755;
constexpr mode_t kExecutableMode = 0755;
constexpr mode_t kFileMode = 0644;
constexpr mode_t kLinkMode = 0777;

// No owner, no extended attributes, ACLs or file flags: only the modes we normalized. The SECURE flags
// repeat our own checks in case one of them is ever wrong. ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS is left
// out on purpose: it refuses every absolute path, and the only way to extract into a chosen folder without
// absolute paths is chdir, which is process-wide in a multi-threaded server. Entry paths are checked to be
// relative before we prefix them with the staging folder.
constexpr int kWriteDiskFlags = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME;

struct ReadArchiveDeleter {
    void operator()(struct archive *handle) const { archive_read_free(handle); }
};
struct WriteArchiveDeleter {
    void operator()(struct archive *handle) const { archive_write_free(handle); }
};
struct EntryDeleter {
    void operator()(archive_entry *entry) const { archive_entry_free(entry); }
};
using ReadArchive = std::unique_ptr<struct archive, ReadArchiveDeleter>;
using WriteArchive = std::unique_ptr<struct archive, WriteArchiveDeleter>;
using Entry = std::unique_ptr<archive_entry, EntryDeleter>;

QString libarchiveError(struct archive *handle)
{
    const char *message = archive_error_string(handle);
    return message ? QString::fromLocal8Bit(message) : QStringLiteral("unknown libarchive error");
}

std::optional<struct stat> linkStatus(const QString &path)
{
    struct stat status {};
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return std::nullopt;
    return status;
}

std::optional<QString> readLink(const QString &path)
{
    std::array<char, 4096> buffer{};
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), buffer.data(), buffer.size());
    if (length < 0 || static_cast<size_t>(length) == buffer.size())
        return std::nullopt;
    return QFile::decodeName(QByteArray(buffer.data(), length));
}

QStringList folderOf(const QString &relativePath)
{
    QStringList parts = relativePath.split(QLatin1Char('/'));
    parts.removeLast();
    return parts;
}

enum class LinkEnd { Inside, Outside, Loop };

// Follows `target` from `position` (path components below `root`) the way the kernel would, through the
// symbolic links that exist under `root` now. Components that do not exist yet are taken as plain names.
// On return `position` is where the target leads.
LinkEnd follow(const QString &root, QStringList &position, QStringView target, int &hops)
{
    if (target.startsWith(QLatin1Char('/')))
        return LinkEnd::Outside;
    for (const QStringView part : target.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (position.isEmpty())
                return LinkEnd::Outside;
            position.removeLast();
            continue;
        }
        position.append(part.toString());
        const QString path = root + QLatin1Char('/') + position.join(QLatin1Char('/'));
        const std::optional<struct stat> status = linkStatus(path);
        if (!status || !S_ISLNK(status->st_mode))
            continue;
        if (++hops > kMaxLinkHops)
            return LinkEnd::Loop;
        const std::optional<QString> nested = readLink(path);
        if (!nested)
            return LinkEnd::Outside;
        position.removeLast();
        if (const LinkEnd end = follow(root, position, *nested, hops); end != LinkEnd::Inside)
            return end;
    }
    return LinkEnd::Inside;
}

// Why the link at `relativePath` under `root` pointing to `target` may not be kept, or nothing.
std::optional<QString> linkProblem(const QString &root, const QString &relativePath, const QString &target)
{
    QStringList position = folderOf(relativePath);
    int hops = 0;
    switch (follow(root, position, target, hops)) {
    case LinkEnd::Inside:
        return std::nullopt;
    case LinkEnd::Outside:
        return QStringLiteral("symbolic link to %1 points outside the artifact").arg(quoted(target));
    case LinkEnd::Loop:
        return QStringLiteral("symbolic link to %1 is a loop").arg(quoted(target));
    }
    return std::nullopt;
}

Error refusedFile(const QString &relativePath, const QString &reason)
{
    return Error::badRequest(QStringLiteral("artifact file %1").arg(quoted(relativePath)), reason);
}

QString specialFileKind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return QStringLiteral("a device file");
    return QStringLiteral("an unsupported file type");
}

// Every path under `root`, relative to it, in a fixed order where each folder comes before its contents.
QStringList sortedTree(const QString &root)
{
    QStringList paths;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    const QDir base(root);
    while (it.hasNext())
        paths.append(base.relativeFilePath(it.next()));
    std::sort(paths.begin(), paths.end());
    return paths;
}

struct SaveFileSink {
    QSaveFile *file;
    qint64 written = 0;
};

la_ssize_t writeToSaveFile(struct archive *handle, void *clientData, const void *buffer, size_t length)
{
    auto *sink = static_cast<SaveFileSink *>(clientData);
    const qint64 written = sink->file->write(static_cast<const char *>(buffer), static_cast<qint64>(length));
    if (written != static_cast<qint64>(length)) {
        archive_set_error(handle, EIO, "%s", qPrintable(sink->file->errorString()));
        return -1;
    }
    sink->written += written;
    return static_cast<la_ssize_t>(written);
}

class Packer {
public:
    Packer(QString root, struct archive *out)
        : m_root(std::move(root))
        , m_out(out)
    {
    }

    void add(const QString &relativePath)
    {
        const QString path = m_root + QLatin1Char('/') + relativePath;
        const std::optional<struct stat> status = linkStatus(path);
        if (!status)
            throw Error::internal(QStringLiteral("cannot read %1 while packing").arg(path));

        Entry entry(archive_entry_new());
        archive_entry_copy_pathname(entry.get(), QFile::encodeName(relativePath).constData());
        archive_entry_set_mtime(entry.get(), status->st_mtim.tv_sec, 0);
        if (S_ISDIR(status->st_mode)) {
            archive_entry_set_filetype(entry.get(), AE_IFDIR);
            archive_entry_set_perm(entry.get(), kFolderMode);
            writeHeader(entry.get(), path);
        } else if (S_ISREG(status->st_mode)) {
            archive_entry_set_filetype(entry.get(), AE_IFREG);
            archive_entry_set_perm(entry.get(), (status->st_mode & 0111) ? kExecutableMode : kFileMode);
            archive_entry_set_size(entry.get(), status->st_size);
            writeHeader(entry.get(), path);
            writeContents(path, status->st_size);
        } else if (S_ISLNK(status->st_mode)) {
            const std::optional<QString> target = readLink(path);
            if (!target)
                throw Error::internal(QStringLiteral("cannot read the link %1 while packing").arg(path));
            if (const std::optional<QString> problem = linkProblem(m_root, relativePath, *target))
                throw refusedFile(relativePath, *problem);
            archive_entry_set_filetype(entry.get(), AE_IFLNK);
            archive_entry_set_perm(entry.get(), kLinkMode);
            archive_entry_copy_symlink(entry.get(), QFile::encodeName(*target).constData());
            writeHeader(entry.get(), path);
        } else {
            throw refusedFile(relativePath, QStringLiteral("is %1; an artifact holds only files, folders and "
                                                           "symbolic links")
                                                .arg(specialFileKind(status->st_mode)));
        }
    }

private:
    void writeHeader(archive_entry *entry, const QString &path)
    {
        if (archive_write_header(m_out, entry) < ARCHIVE_WARN)
            throw Error::internal(QStringLiteral("cannot pack %1: %2").arg(path, libarchiveError(m_out)));
    }

    void writeContents(const QString &path, qint64 expectedSize)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error::internal(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        QByteArray buffer(kBlockSize, Qt::Uninitialized);
        qint64 total = 0;
        for (;;) {
            const qint64 read = file.read(buffer.data(), buffer.size());
            if (read < 0)
                throw Error::internal(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
            if (read == 0)
                break;
            total += read;
            if (total > expectedSize)
                break;
            if (archive_write_data(m_out, buffer.constData(), static_cast<size_t>(read)) < 0)
                throw Error::internal(QStringLiteral("cannot pack %1: %2").arg(path, libarchiveError(m_out)));
        }
        // The header already promised expectedSize bytes; a file that grew or shrank meanwhile would be
        // stored cut or padded with zeros.
        if (total != expectedSize)
            throw Error::internal(QStringLiteral("%1 changed while it was being packed").arg(path));
    }

    QString m_root;
    struct archive *m_out;
};

Error refusedEntry(const QString &name, const QString &reason)
{
    return Error::badRequest(QStringLiteral("archive entry %1").arg(quoted(name)), reason);
}

Error unreadableArchive(struct archive *in)
{
    return Error::badRequest(QStringLiteral("archive"),
                             QStringLiteral("not a valid tar.gz file (%1)").arg(libarchiveError(in)));
}

QString entryName(archive_entry *entry)
{
    if (const char *utf8 = archive_entry_pathname_utf8(entry))
        return QString::fromUtf8(utf8);
    const char *raw = archive_entry_pathname(entry);
    return raw ? QFile::decodeName(raw) : QString();
}

QString entryLinkTarget(archive_entry *entry)
{
    if (const char *utf8 = archive_entry_symlink_utf8(entry))
        return QString::fromUtf8(utf8);
    const char *raw = archive_entry_symlink(entry);
    return raw ? QFile::decodeName(raw) : QString();
}

enum class Kind { File, Folder, ImpliedFolder, Link };

class Extraction {
public:
    Extraction(QString root, const ExtractLimits &limits)
        : m_root(std::move(root))
        , m_limits(limits)
    {
    }

    void run(int archiveFd)
    {
        ReadArchive in(archive_read_new());
        archive_read_support_filter_gzip(in.get());
        archive_read_support_format_tar(in.get());
        if (archive_read_open_fd(in.get(), archiveFd, kBlockSize) != ARCHIVE_OK)
            throw unreadableArchive(in.get());
        if (archive_filter_code(in.get(), 0) != ARCHIVE_FILTER_GZIP)
            throw Error::badRequest(QStringLiteral("archive"), QStringLiteral("not gzip-compressed"));

        WriteArchive out(archive_write_disk_new());
        archive_write_disk_set_options(out.get(), kWriteDiskFlags);

        archive_entry *entry = nullptr;
        for (;;) {
            const int status = archive_read_next_header(in.get(), &entry);
            if (status == ARCHIVE_EOF)
                break;
            if (status < ARCHIVE_WARN)
                throw unreadableArchive(in.get());
            extract(in.get(), out.get(), entry);
        }
        // Folder modes and times are applied here, after their contents were written.
        if (archive_write_close(out.get()) < ARCHIVE_WARN)
            throw Error::internal(QStringLiteral("cannot finish extracting into %1: %2")
                                      .arg(m_root, libarchiveError(out.get())));
        // A link checked early may lead elsewhere once a later link is in place ("c" -> "a/b/.." before
        // "a/b" -> ".."), so every link is followed once more through the finished tree.
        for (const auto &[relativePath, target] : std::as_const(m_links)) {
            if (const std::optional<QString> problem = linkProblem(m_root, relativePath, target))
                throw refusedEntry(relativePath, *problem);
        }
    }

private:
    void extract(struct archive *in, struct archive *out, archive_entry *entry)
    {
        const QString name = entryName(entry);
        if (++m_entryCount > m_limits.maxEntries)
            throw refusedEntry(
                name, QStringLiteral("the archive has more than %1 entries").arg(m_limits.maxEntries));
        const QString relativePath = checkedPath(name);
        const Kind kind = checkedKind(name, entry);
        if (relativePath.isEmpty()) {
            // "./" names the artifact's root, which we create ourselves.
            if (kind != Kind::Folder)
                throw refusedEntry(name, QStringLiteral("names the artifact's root but is not a folder"));
            return;
        }
        checkPlace(name, relativePath, kind);

        Entry written(archive_entry_new());
        archive_entry_copy_pathname(written.get(),
                                    QFile::encodeName(m_root + QLatin1Char('/') + relativePath).constData());
        if (archive_entry_mtime_is_set(entry))
            archive_entry_set_mtime(written.get(), archive_entry_mtime(entry), 0);
        qint64 declaredSize = 0;
        switch (kind) {
        case Kind::Folder:
            archive_entry_set_filetype(written.get(), AE_IFDIR);
            archive_entry_set_perm(written.get(), kFolderMode);
            break;
        case Kind::File:
            declaredSize = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
            m_declaredBytes += declaredSize;
            if (m_declaredBytes > m_limits.maxTotalBytes)
                throw tooLarge(name);
            archive_entry_set_filetype(written.get(), AE_IFREG);
            archive_entry_set_perm(written.get(),
                                   (archive_entry_perm(entry) & 0111) ? kExecutableMode : kFileMode);
            archive_entry_set_size(written.get(), declaredSize);
            break;
        case Kind::Link: {
            const QString target = entryLinkTarget(entry);
            if (const std::optional<QString> problem = linkProblem(m_root, relativePath, target))
                throw refusedEntry(name, *problem);
            archive_entry_set_filetype(written.get(), AE_IFLNK);
            archive_entry_set_perm(written.get(), kLinkMode);
            archive_entry_copy_symlink(written.get(), QFile::encodeName(target).constData());
            m_links.append({relativePath, target});
            break;
        }
        case Kind::ImpliedFolder:
            Q_UNREACHABLE();
        }

        if (archive_write_header(out, written.get()) < ARCHIVE_WARN)
            throw cannotWrite(name, out);
        if (kind == Kind::File)
            copyContents(name, in, out);
        if (archive_write_finish_entry(out) < ARCHIVE_WARN)
            throw cannotWrite(name, out);
        record(relativePath, kind);
    }

    // The entry's path made relative and plain ("./a//b" -> "a/b"); "" for the root.
    static QString checkedPath(const QString &name)
    {
        if (name.isEmpty())
            throw refusedEntry(name, QStringLiteral("empty path"));
        if (name.startsWith(QLatin1Char('/')))
            throw refusedEntry(name, QStringLiteral("absolute paths are not allowed"));
        QStringList parts;
        for (const QString &part : name.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (part == QLatin1String(".."))
                throw refusedEntry(name,
                                   QStringLiteral("path contains '..', which could leave the artifact"));
            if (part != QLatin1String("."))
                parts.append(part);
        }
        return parts.join(QLatin1Char('/'));
    }

    static Kind checkedKind(const QString &name, archive_entry *entry)
    {
        if (archive_entry_hardlink(entry) || archive_entry_hardlink_utf8(entry))
            throw refusedEntry(name, QStringLiteral("hard links are not allowed"));
        switch (archive_entry_filetype(entry)) {
        case AE_IFREG:
            return Kind::File;
        case AE_IFDIR:
            return Kind::Folder;
        case AE_IFLNK:
            return Kind::Link;
        case AE_IFCHR:
        case AE_IFBLK:
            throw refusedEntry(name, QStringLiteral("device files are not allowed"));
        case AE_IFIFO:
            throw refusedEntry(name, QStringLiteral("FIFOs are not allowed"));
        case AE_IFSOCK:
            throw refusedEntry(name, QStringLiteral("sockets are not allowed"));
        default:
            throw refusedEntry(name, QStringLiteral("unsupported entry type"));
        }
    }

    // Refuses an entry that would be written through a link or a file, or over an earlier entry.
    void checkPlace(const QString &name, const QString &relativePath, Kind kind) const
    {
        const QStringList parts = relativePath.split(QLatin1Char('/'));
        QString ancestor;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            ancestor = i == 0 ? parts[0] : ancestor + QLatin1Char('/') + parts[i];
            const auto found = m_kinds.constFind(ancestor);
            if (found == m_kinds.cend())
                continue;
            if (*found == Kind::Link)
                throw refusedEntry(
                    name, QStringLiteral("path goes through the symbolic link %1").arg(quoted(ancestor)));
            if (*found == Kind::File)
                throw refusedEntry(name, QStringLiteral("%1 is a file, not a folder").arg(quoted(ancestor)));
        }
        const auto existing = m_kinds.constFind(relativePath);
        if (existing == m_kinds.cend() || (*existing == Kind::ImpliedFolder && kind == Kind::Folder))
            return;
        if (*existing == Kind::ImpliedFolder)
            throw refusedEntry(name, QStringLiteral("clashes with the folder of the same name"));
        throw refusedEntry(name, QStringLiteral("appears more than once in the archive"));
    }

    void copyContents(const QString &name, struct archive *in, struct archive *out)
    {
        const void *block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
            const int status = archive_read_data_block(in, &block, &size, &offset);
            if (status == ARCHIVE_EOF)
                return;
            if (status < ARCHIVE_WARN)
                throw unreadableArchive(in);
            // The declared sizes were checked already; counting what really arrives guards against a reader
            // that ever delivers more than it declared.
            m_writtenBytes += static_cast<qint64>(size);
            if (m_writtenBytes > m_limits.maxTotalBytes)
                throw tooLarge(name);
            if (archive_write_data_block(out, block, size, offset) < ARCHIVE_WARN)
                throw cannotWrite(name, out);
        }
    }

    void record(const QString &relativePath, Kind kind)
    {
        m_kinds.insert(relativePath, kind);
        QString ancestor = relativePath;
        for (qsizetype slash = ancestor.lastIndexOf(QLatin1Char('/')); slash > 0;
             slash = ancestor.lastIndexOf(QLatin1Char('/'))) {
            ancestor.truncate(slash);
            if (m_kinds.contains(ancestor))
                break;
            m_kinds.insert(ancestor, Kind::ImpliedFolder);
        }
    }

    Error tooLarge(const QString &name) const
    {
        return refusedEntry(
            name, QStringLiteral("the archive expands to more than %1 bytes").arg(m_limits.maxTotalBytes));
    }

    Error cannotWrite(const QString &name, struct archive *out) const
    {
        return Error::internal(
            QStringLiteral("cannot extract %1 into %2: %3").arg(quoted(name), m_root, libarchiveError(out)));
    }

    QString m_root;
    ExtractLimits m_limits;
    QHash<QString, Kind> m_kinds;
    QList<std::pair<QString, QString>> m_links;
    qint64 m_entryCount = 0;
    qint64 m_declaredBytes = 0;
    qint64 m_writtenBytes = 0;
};

} // namespace

qint64 LibarchiveArtifactArchive::pack(const QString &directory, const QString &archivePath)
{
    const QFileInfo rootInfo(directory);
    if (!rootInfo.isDir())
        throw Error::internal(QStringLiteral("cannot pack %1: not a folder").arg(directory));
    const QString root = rootInfo.absoluteFilePath();

    // QSaveFile writes beside archivePath and renames on commit; destroyed uncommitted, it leaves nothing.
    QSaveFile file(archivePath);
    if (!file.open(QIODevice::WriteOnly))
        throw Error::internal(QStringLiteral("cannot write %1: %2").arg(archivePath, file.errorString()));
    SaveFileSink sink{&file};

    WriteArchive out(archive_write_new());
    // pax_restricted writes plain ustar headers and adds pax ones only where ustar falls short (long or
    // non-ASCII names), which every tar reader understands.
    archive_write_set_format_pax_restricted(out.get());
    archive_write_add_filter_gzip(out.get());
    // No timestamp in the gzip header, so the same tree packs to the same bytes.
    archive_write_set_filter_option(out.get(), "gzip", "timestamp", nullptr);
    // No zero padding after the gzip stream.
    archive_write_set_bytes_in_last_block(out.get(), 1);
    if (archive_write_open(out.get(), &sink, nullptr, &writeToSaveFile, nullptr) != ARCHIVE_OK)
        throw Error::internal(
            QStringLiteral("cannot write %1: %2").arg(archivePath, libarchiveError(out.get())));

    Packer packer(root, out.get());
    for (const QString &relativePath : sortedTree(root))
        packer.add(relativePath);

    if (archive_write_close(out.get()) != ARCHIVE_OK)
        throw Error::internal(
            QStringLiteral("cannot write %1: %2").arg(archivePath, libarchiveError(out.get())));
    if (!file.commit())
        throw Error::internal(QStringLiteral("cannot write %1: %2").arg(archivePath, file.errorString()));
    return sink.written;
}

void LibarchiveArtifactArchive::unpack(const QString &archivePath, const QString &directory,
                                       const ExtractLimits &limits)
{
    QFile archiveFile(archivePath);
    if (!archiveFile.open(QIODevice::ReadOnly))
        throw Error::internal(
            QStringLiteral("cannot read %1: %2").arg(archivePath, archiveFile.errorString()));

    // cleanPath drops a trailing slash, which would leave fileName() empty.
    const QFileInfo target(QDir::cleanPath(directory));
    if (target.exists() || target.isSymLink())
        throw Error::internal(QStringLiteral("cannot unpack into %1: it already exists").arg(directory));
    if (!QDir().mkpath(target.absolutePath()))
        throw Error::internal(QStringLiteral("cannot create %1").arg(target.absolutePath()));
    // libarchive's SECURE_SYMLINKS refuses to write below any link on the way, including links in the path
    // of the data dir itself; the canonical path has none.
    const QString parent = QFileInfo(target.absolutePath()).canonicalFilePath();
    const QString finalPath = parent + QLatin1Char('/') + target.fileName();

    // Removed with everything in it unless the rename below happens.
    QTemporaryDir staging(parent + QStringLiteral("/.") + target.fileName() +
                          QStringLiteral(".unpacking-XXXXXX"));
    if (!staging.isValid())
        throw Error::internal(
            QStringLiteral("cannot create a folder beside %1: %2").arg(directory, staging.errorString()));

    Extraction(staging.path(), limits).run(archiveFile.handle());

    if (!QFile::setPermissions(staging.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                                   QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                   QFileDevice::ExeOther))
        throw Error::internal(QStringLiteral("cannot set the mode of %1").arg(staging.path()));
    if (!QDir().rename(staging.path(), finalPath))
        throw Error::internal(QStringLiteral("cannot move the unpacked files to %1").arg(directory));
    staging.setAutoRemove(false);
}

} // namespace vitrine::adapters::archive
