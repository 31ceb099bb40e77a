#include "adapters/docker/engine_image_builder.h"

#include "adapters/docker/docker_client.h"
#include "domain/error.h"
#include "domain/validation.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QUrl>

#include <array>
#include <memory>

namespace vitrine::adapters::docker {

using domain::Error;
using domain::LogStream;
using domain::quoted;

namespace {

constexpr qint64 kBlockSize = 64 * 1024;
// The name of a generated Dockerfile in the context sent to the engine; a file of that name in the
// checkout gives way to it.
const QString kGeneratedDockerfileName = QStringLiteral(".vitrine.Dockerfile");
// Gives a container that is never started a command: an image without CMD or ENTRYPOINT cannot be
// created otherwise.
const QString kPlaceholderCommand = QStringLiteral("/vitrine-extract-placeholder");

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

QString percentEncoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QString percentEncodedJson(const QJsonObject &object)
{
    return QString::fromLatin1(
        QUrl::toPercentEncoding(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))));
}

QJsonObject jsonObjectOf(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

// Whether path is root itself or below it (both canonical).
bool isInside(const QString &root, const QString &path)
{
    return path == root || path.startsWith(root + QLatin1Char('/'));
}

// The canonical context folder of the request; throws as EngineImageBuilder::build promises.
QString contextFolder(const ImageBuildRequest &request)
{
    if (!request.contextSubdir.isEmpty())
        domain::validateRelativePath(QStringLiteral("build.context_dir"), request.contextSubdir);
    const QString checkout = QFileInfo(request.contextDirectory).canonicalFilePath();
    if (checkout.isEmpty() || !QFileInfo(checkout).isDir())
        throw Error::internal(QStringLiteral("the checkout %1 does not exist").arg(request.contextDirectory));
    const QString shown = request.contextSubdir.isEmpty() ? QStringLiteral(".") : request.contextSubdir;
    const QFileInfo context(QDir(checkout).filePath(shown));
    if (!context.isDir())
        throw Error::failedPrecondition(
            QStringLiteral("context directory %1 does not exist in the repository").arg(quoted(shown)));
    const QString path = context.canonicalFilePath();
    if (!isInside(checkout, path))
        throw Error::badRequest(QStringLiteral("build.context_dir"),
                                QStringLiteral("%1 leads outside the repository").arg(quoted(shown)));
    return path;
}

// Checks that the Dockerfile is a file inside the context (the engine reads it from the context on its own
// host, following links).
void checkDockerfile(const QString &context, const QString &dockerfile)
{
    domain::validateRelativePath(QStringLiteral("build.dockerfile"), dockerfile);
    const QFileInfo info(QDir(context).filePath(dockerfile));
    if (!info.exists())
        throw Error::failedPrecondition(
            QStringLiteral("Dockerfile %1 does not exist in the context directory").arg(quoted(dockerfile)));
    if (!isInside(context, info.canonicalFilePath()))
        throw Error::badRequest(
            QStringLiteral("build.dockerfile"),
            QStringLiteral("%1 leads outside the context directory").arg(quoted(dockerfile)));
    if (!info.isFile())
        throw Error::failedPrecondition(
            QStringLiteral("Dockerfile %1 is not a file").arg(quoted(dockerfile)));
}

la_ssize_t writeToFile(struct archive *handle, void *file, const void *buffer, size_t length)
{
    auto *target = static_cast<QFile *>(file);
    const qint64 written = target->write(static_cast<const char *>(buffer), static_cast<qint64>(length));
    if (written != static_cast<qint64>(length)) {
        archive_set_error(handle, EIO, "%s", qPrintable(target->errorString()));
        return -1;
    }
    return static_cast<la_ssize_t>(written);
}

struct FileSource {
    QFile *file;
    QByteArray buffer;
};

la_ssize_t readFromFile(struct archive *handle, void *source, const void **block)
{
    auto *from = static_cast<FileSource *>(source);
    const qint64 read = from->file->read(from->buffer.data(), from->buffer.size());
    if (read < 0) {
        archive_set_error(handle, EIO, "%s", qPrintable(from->file->errorString()));
        return -1;
    }
    *block = from->buffer.constData();
    return static_cast<la_ssize_t>(read);
}

std::optional<QByteArray> readLink(const QString &path)
{
    std::array<char, 4096> buffer{};
    const ssize_t length = ::readlink(QFile::encodeName(path).constData(), buffer.data(), buffer.size());
    if (length < 0 || static_cast<size_t>(length) == buffer.size())
        return std::nullopt;
    return QByteArray(buffer.data(), length);
}

// Writes a build context as an uncompressed tar.
class ContextWriter {
public:
    ContextWriter(QString root, QFile &file, const EngineImageBuilder::LineHandler &onLine,
                  const std::atomic_bool &cancel)
        : m_root(std::move(root))
        , m_onLine(onLine)
        , m_cancel(cancel)
        , m_out(archive_write_new())
    {
        // pax_restricted: plain ustar headers, pax ones only for long or non-ASCII names.
        archive_write_set_format_pax_restricted(m_out.get());
        if (archive_write_open(m_out.get(), &file, nullptr, &writeToFile, nullptr) != ARCHIVE_OK)
            throw Error::internal(
                QStringLiteral("cannot write the build context: %1").arg(libarchiveError(m_out.get())));
    }

    // Returns false when cancelled meanwhile.
    bool write(const QString &generatedDockerfile)
    {
        if (!generatedDockerfile.isEmpty())
            addData(kGeneratedDockerfileName, generatedDockerfile.toUtf8());
        if (!addFolder(QString()))
            return false;
        if (archive_write_close(m_out.get()) != ARCHIVE_OK)
            throw Error::internal(
                QStringLiteral("cannot write the build context: %1").arg(libarchiveError(m_out.get())));
        return true;
    }

private:
    bool addFolder(const QString &relativeFolder)
    {
        const QDir folder(relativeFolder.isEmpty() ? m_root : m_root + QLatin1Char('/') + relativeFolder);
        const QFileInfoList entries = folder.entryInfoList(
            QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &info : entries) {
            if (m_cancel)
                return false;
            const QString relativePath = relativeFolder.isEmpty()
                                             ? info.fileName()
                                             : relativeFolder + QLatin1Char('/') + info.fileName();
            // Git's own data is no part of the sources; a generated Dockerfile takes the place of a namesake.
            if (info.fileName() == QLatin1String(".git") || relativePath == kGeneratedDockerfileName)
                continue;
            if (info.isSymLink()) {
                addLink(info, relativePath);
            } else if (info.isDir()) {
                addHeader(relativePath, AE_IFDIR, info, 0);
                if (!addFolder(relativePath))
                    return false;
            } else if (info.isFile()) {
                addFile(info, relativePath);
            }
        }
        return true;
    }

    void addLink(const QFileInfo &info, const QString &relativePath)
    {
        // The engine resolves links inside the context when it copies, but reads the Dockerfile on its own
        // host: a link that leads out of the context stays out of it.
        const QString target = info.canonicalFilePath();
        const std::optional<QByteArray> linkText = readLink(info.filePath());
        if (target.isEmpty() || !isInside(m_root, target) || !linkText) {
            m_onLine(LogStream::System,
                     QStringLiteral(
                         "==> Left out of the build context: %1 is a link that leads outside it or nowhere")
                         .arg(quoted(relativePath)));
            return;
        }
        Entry entry = newEntry(relativePath, AE_IFLNK, info);
        archive_entry_set_perm(entry.get(), 0777);
        archive_entry_copy_symlink(entry.get(), linkText->constData());
        writeHeader(entry.get(), relativePath);
    }

    void addFile(const QFileInfo &info, const QString &relativePath)
    {
        QFile file(info.filePath());
        if (!file.open(QIODevice::ReadOnly))
            throw Error::internal(
                QStringLiteral("cannot read %1: %2").arg(info.filePath(), file.errorString()));
        const qint64 size = file.size();
        addHeader(relativePath, AE_IFREG, info, size);
        QByteArray buffer(kBlockSize, Qt::Uninitialized);
        qint64 total = 0;
        while (total < size) {
            const qint64 read = file.read(buffer.data(), std::min(kBlockSize, size - total));
            if (read <= 0)
                throw Error::internal(
                    QStringLiteral("%1 changed while it was being sent").arg(info.filePath()));
            if (archive_write_data(m_out.get(), buffer.constData(), static_cast<size_t>(read)) < 0)
                throw Error::internal(
                    QStringLiteral("cannot write the build context: %1").arg(libarchiveError(m_out.get())));
            total += read;
        }
    }

    void addData(const QString &relativePath, const QByteArray &data)
    {
        Entry entry(archive_entry_new());
        archive_entry_copy_pathname(entry.get(), QFile::encodeName(relativePath).constData());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), data.size());
        writeHeader(entry.get(), relativePath);
        if (archive_write_data(m_out.get(), data.constData(), static_cast<size_t>(data.size())) < 0)
            throw Error::internal(
                QStringLiteral("cannot write the build context: %1").arg(libarchiveError(m_out.get())));
    }

    void addHeader(const QString &relativePath, unsigned int type, const QFileInfo &info, qint64 size)
    {
        Entry entry = newEntry(relativePath, type, info);
        // Modes as in the checkout (scripts stay executable), without set-id bits.
        archive_entry_set_perm(entry.get(), modeOf(info));
        archive_entry_set_size(entry.get(), size);
        writeHeader(entry.get(), relativePath);
    }

    static mode_t modeOf(const QFileInfo &info)
    {
        struct stat status {};
        if (::lstat(QFile::encodeName(info.filePath()).constData(), &status) != 0)
            throw Error::internal(QStringLiteral("cannot read %1").arg(info.filePath()));
        return status.st_mode & 0777;
    }

    static Entry newEntry(const QString &relativePath, unsigned int type, const QFileInfo &info)
    {
        Entry entry(archive_entry_new());
        archive_entry_copy_pathname(entry.get(), QFile::encodeName(relativePath).constData());
        archive_entry_set_filetype(entry.get(), type);
        archive_entry_set_mtime(entry.get(), info.lastModified().toSecsSinceEpoch(), 0);
        return entry;
    }

    void writeHeader(archive_entry *entry, const QString &relativePath)
    {
        if (archive_write_header(m_out.get(), entry) < ARCHIVE_WARN)
            throw Error::internal(
                QStringLiteral("cannot send %1: %2").arg(relativePath, libarchiveError(m_out.get())));
    }

    const QString m_root;
    const EngineImageBuilder::LineHandler &m_onLine;
    const std::atomic_bool &m_cancel;
    WriteArchive m_out;
};

// What the engine said while building: its "stream" text cut into lines, its error, the image id.
class BuildOutput {
public:
    explicit BuildOutput(const EngineImageBuilder::LineHandler &onLine)
        : m_onLine(onLine)
    {
    }

    void take(const QJsonDocument &document)
    {
        const QJsonObject object = document.object();
        if (const QJsonValue stream = object.value(QStringLiteral("stream")); stream.isString())
            addText(stream.toString());
        const QString detail = object.value(QStringLiteral("errorDetail"))
                                   .toObject()
                                   .value(QStringLiteral("message"))
                                   .toString();
        const QString error = detail.isEmpty() ? object.value(QStringLiteral("error")).toString() : detail;
        if (!error.isEmpty() && m_error.isEmpty())
            m_error = error.trimmed();
        // A refused request (HTTP 4xx/5xx) answers with {"message": …} instead of a stream.
        if (const QString message = object.value(QStringLiteral("message")).toString(); !message.isEmpty())
            m_message = message.trimmed();
        const QString id =
            object.value(QStringLiteral("aux")).toObject().value(QStringLiteral("ID")).toString();
        if (!id.isEmpty())
            m_imageId = id;
    }

    void finish()
    {
        if (!m_partialLine.isEmpty())
            m_onLine(LogStream::Stdout, m_partialLine);
        m_partialLine.clear();
    }

    const QString &error() const { return m_error; }
    const QString &message() const { return m_message; }
    const QString &imageId() const { return m_imageId; }

private:
    void addText(const QString &text)
    {
        m_partialLine += text;
        qsizetype start = 0;
        for (qsizetype end = m_partialLine.indexOf(QLatin1Char('\n')); end >= 0;
             end = m_partialLine.indexOf(QLatin1Char('\n'), start)) {
            QString line = m_partialLine.mid(start, end - start);
            if (line.endsWith(QLatin1Char('\r')))
                line.chop(1);
            m_onLine(LogStream::Stdout, line);
            start = end + 1;
        }
        m_partialLine.remove(0, start);
    }

    const EngineImageBuilder::LineHandler &m_onLine;
    QString m_partialLine;
    QString m_error;
    QString m_message;
    QString m_imageId;
};

// A container created to read files out of an image; removed when this goes.
class ScratchContainer {
public:
    ScratchContainer(DockerClient &client, const QString &image)
        : m_client(client)
    {
        const QJsonObject body{
            {QStringLiteral("Image"), image},
            {QStringLiteral("Cmd"), QJsonArray{kPlaceholderCommand}},
            {QStringLiteral("Labels"),
             QJsonObject{{QStringLiteral("vitrine.managed"), QStringLiteral("true")}}},
        };
        const DockerResponse response = m_client.request("POST", QStringLiteral("/containers/create"),
                                                         QJsonDocument(body).toJson(QJsonDocument::Compact));
        if (response.status == 404)
            throw Error::failedPrecondition(QStringLiteral("image %1 does not exist").arg(quoted(image)));
        if (!response.ok())
            throw Error::failedPrecondition(
                QStringLiteral("cannot read from image %1: %2").arg(quoted(image), response.errorMessage()));
        m_id = response.json().object().value(QStringLiteral("Id")).toString();
    }

    ~ScratchContainer()
    {
        try {
            m_client.request("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(m_id));
        } catch (const Error &) {
            // The engine went away; its containers went with it or a GC pass finds this one by its label.
        }
    }

    ScratchContainer(const ScratchContainer &) = delete;
    ScratchContainer &operator=(const ScratchContainer &) = delete;

    const QString &id() const { return m_id; }

private:
    DockerClient &m_client;
    QString m_id;
};

// Unpacks the engine's tar of one folder (its first path component the folder's name) into a folder.
class FolderUnpacker {
public:
    FolderUnpacker(QString directoryInImage, QString root)
        : m_directoryInImage(std::move(directoryInImage))
        , m_topName(QFileInfo(m_directoryInImage).fileName())
        , m_root(std::move(root))
    {
    }

    void run(QFile &archiveFile)
    {
        ReadArchive in(archive_read_new());
        archive_read_support_format_tar(in.get());
        FileSource source{&archiveFile, QByteArray(kBlockSize, Qt::Uninitialized)};
        if (archive_read_open(in.get(), &source, nullptr, &readFromFile, nullptr) != ARCHIVE_OK)
            throw unreadable(in.get());
        WriteArchive out(archive_write_disk_new());
        // No owners, no set-id bits (no ARCHIVE_EXTRACT_PERM): files belong to the server as any artifact.
        // The SECURE flags refuse to write through a link or above the target, beyond our own checks.
        archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                      ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_TIME);
        archive_entry *entry = nullptr;
        bool first = true;
        for (;;) {
            const int status = archive_read_next_header(in.get(), &entry);
            if (status == ARCHIVE_EOF)
                break;
            if (status < ARCHIVE_WARN)
                throw unreadable(in.get());
            const QString relativePath = pathInFolder(entryName(entry));
            if (first && (!relativePath.isEmpty() || archive_entry_filetype(entry) != AE_IFDIR))
                throw Error::failedPrecondition(
                    QStringLiteral("%1 is not a directory in the image").arg(quoted(m_directoryInImage)));
            first = false;
            if (!relativePath.isEmpty())
                extract(in.get(), out.get(), entry, relativePath);
        }
        if (first)
            throw Error::failedPrecondition(
                QStringLiteral("%1 is not a directory in the image").arg(quoted(m_directoryInImage)));
        if (archive_write_close(out.get()) < ARCHIVE_WARN)
            throw Error::internal(QStringLiteral("cannot finish extracting into %1: %2")
                                      .arg(m_root, libarchiveError(out.get())));
    }

private:
    void extract(struct archive *in, struct archive *out, archive_entry *entry, const QString &relativePath)
    {
        Entry written(archive_entry_new());
        archive_entry_copy_pathname(written.get(), QFile::encodeName(onDisk(relativePath)).constData());
        archive_entry_set_mtime(written.get(), archive_entry_mtime(entry), 0);
        const char *hardlink = archive_entry_hardlink(entry);
        if (hardlink) {
            const QString target = pathInFolder(QFile::decodeName(hardlink));
            archive_entry_copy_hardlink(written.get(), QFile::encodeName(onDisk(target)).constData());
        } else {
            switch (archive_entry_filetype(entry)) {
            case AE_IFDIR:
                archive_entry_set_filetype(written.get(), AE_IFDIR);
                archive_entry_set_perm(written.get(), 0755);
                break;
            case AE_IFREG:
                archive_entry_set_filetype(written.get(), AE_IFREG);
                archive_entry_set_perm(written.get(), (archive_entry_perm(entry) & 0111) ? 0755 : 0644);
                archive_entry_set_size(written.get(), archive_entry_size(entry));
                break;
            case AE_IFLNK:
                // Kept as they are: nothing is written through them here, and packing the artifact refuses
                // one that leads out of it.
                archive_entry_set_filetype(written.get(), AE_IFLNK);
                archive_entry_set_perm(written.get(), 0777);
                archive_entry_copy_symlink(written.get(), archive_entry_symlink(entry));
                break;
            default:
                throw Error::failedPrecondition(
                    QStringLiteral(
                        "%1 in the image is a device file, FIFO or socket; only files, folders and "
                        "links can be copied out")
                        .arg(quoted(m_directoryInImage + QLatin1Char('/') + relativePath)));
            }
        }
        if (archive_write_header(out, written.get()) < ARCHIVE_WARN)
            throw cannotWrite(relativePath, out);
        if (!hardlink && archive_entry_filetype(entry) == AE_IFREG)
            copyContents(in, out, relativePath);
        if (archive_write_finish_entry(out) < ARCHIVE_WARN)
            throw cannotWrite(relativePath, out);
    }

    void copyContents(struct archive *in, struct archive *out, const QString &relativePath)
    {
        const void *block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
            const int status = archive_read_data_block(in, &block, &size, &offset);
            if (status == ARCHIVE_EOF)
                return;
            if (status < ARCHIVE_WARN)
                throw unreadable(in);
            if (archive_write_data_block(out, block, size, offset) < ARCHIVE_WARN)
                throw cannotWrite(relativePath, out);
        }
    }

    // The entry's path below the folder ("site/a/b" → "a/b", "site" → ""); refuses anything else.
    QString pathInFolder(const QString &name) const
    {
        if (name.startsWith(QLatin1Char('/')))
            throw refused(name, QStringLiteral("absolute paths are not allowed"));
        QStringList parts;
        for (const QString &part : name.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (part == QLatin1String(".."))
                throw refused(name, QStringLiteral("paths with '..' are not allowed"));
            if (part != QLatin1String("."))
                parts.append(part);
        }
        if (parts.isEmpty() || parts.first() != m_topName)
            throw refused(name, QStringLiteral("it is not inside %1").arg(quoted(m_topName)));
        parts.removeFirst();
        return parts.join(QLatin1Char('/'));
    }

    QString onDisk(const QString &relativePath) const { return m_root + QLatin1Char('/') + relativePath; }

    static QString entryName(archive_entry *entry)
    {
        const char *name = archive_entry_pathname(entry);
        return name ? QFile::decodeName(name) : QString();
    }

    Error refused(const QString &name, const QString &reason) const
    {
        return Error::failedPrecondition(QStringLiteral("cannot copy %1 out of the image: entry %2: %3")
                                             .arg(quoted(m_directoryInImage), quoted(name), reason));
    }

    static Error unreadable(struct archive *in)
    {
        return Error::internal(
            QStringLiteral("unreadable archive from the engine: %1").arg(libarchiveError(in)));
    }

    Error cannotWrite(const QString &relativePath, struct archive *out) const
    {
        return Error::internal(QStringLiteral("cannot extract %1 into %2: %3")
                                   .arg(quoted(relativePath), m_root, libarchiveError(out)));
    }

    const QString m_directoryInImage;
    const QString m_topName;
    const QString m_root;
};

} // namespace

QString imageTag(const QString &applicationName, const QString &buildId)
{
    return QStringLiteral("vitrine/%1:%2").arg(applicationName, buildId).toLower();
}

QMap<QString, QString> imageLabels(const QString &applicationId, const QString &buildId)
{
    return {
        {QStringLiteral("vitrine.managed"), QStringLiteral("true")},
        {QStringLiteral("vitrine.application-id"), applicationId},
        {QStringLiteral("vitrine.build-id"), buildId},
    };
}

EngineImageBuilder::EngineImageBuilder(DockerClient &client)
    : m_client(client)
{
}

std::optional<BuiltImage> EngineImageBuilder::build(const ImageBuildRequest &request,
                                                    const LineHandler &onLine, const std::atomic_bool &cancel)
{
    const QString context = contextFolder(request);
    const bool generated = !request.generatedDockerfile.isEmpty();
    if (!generated)
        checkDockerfile(context, request.dockerfile);

    QTemporaryFile contextTar(QDir::tempPath() + QStringLiteral("/vitrine-build-context-XXXXXX.tar"));
    if (!contextTar.open())
        throw Error::internal(
            QStringLiteral("cannot create the build context file: %1").arg(contextTar.errorString()));
    if (!ContextWriter(context, contextTar, onLine, cancel).write(request.generatedDockerfile))
        return std::nullopt;
    contextTar.seek(0);

    const QString query =
        QStringLiteral("/build?t=%1&dockerfile=%2&labels=%3&buildargs=%4&rm=1&forcerm=1")
            .arg(percentEncoded(request.tag),
                 percentEncoded(generated ? kGeneratedDockerfileName : QDir::cleanPath(request.dockerfile)),
                 percentEncodedJson(jsonObjectOf(request.labels)),
                 percentEncodedJson(jsonObjectOf(request.buildArgs)));
    BuildOutput output(onLine);
    JsonLinesDecoder decoder([&output](const QJsonDocument &document) { output.take(document); });
    const int status = m_client.stream(
        "POST", query, &contextTar, "application/x-tar",
        [&decoder](QByteArrayView chunk) {
            decoder.feed(chunk);
            return true;
        },
        &cancel);
    if (cancel) {
        // The engine may have tagged the image just before the request was aborted. When it cannot be
        // asked now, the image keeps its labels and GC finds it; the build still ends as cancelled.
        try {
            removeImage(request.tag);
        } catch (const Error &) {
        }
        return std::nullopt;
    }
    decoder.finish();
    output.finish();

    if (status < 200 || status >= 300)
        throw Error::failedPrecondition(
            QStringLiteral("the engine refused the build: %1")
                .arg(output.message().isEmpty() ? QStringLiteral("HTTP %1").arg(status) : output.message()));
    if (!output.error().isEmpty())
        throw Error::failedPrecondition(QStringLiteral("the image build failed: %1").arg(output.error()));
    if (output.imageId().isEmpty())
        throw Error::internal(QStringLiteral("the engine did not say which image it built"));
    return BuiltImage{output.imageId(), request.tag};
}

void EngineImageBuilder::extractDirectory(const QString &image, const QString &directoryInImage,
                                          const QString &targetDirectory)
{
    const QString folder = QDir::cleanPath(directoryInImage);
    if (!folder.startsWith(QLatin1Char('/')) || folder == QLatin1String("/"))
        throw Error::badRequest(
            QStringLiteral("artifact_dir"),
            QStringLiteral("%1 must be an absolute path to a folder in the image, not '/'")
                .arg(quoted(directoryInImage)));
    if (!QDir().mkpath(targetDirectory))
        throw Error::internal(QStringLiteral("cannot create %1").arg(targetDirectory));
    // libarchive's SECURE_SYMLINKS refuses links anywhere in the path, those above the target included.
    const QString root = QFileInfo(targetDirectory).canonicalFilePath();

    const ScratchContainer container(m_client, image);
    QTemporaryFile archiveFile(QDir::tempPath() + QStringLiteral("/vitrine-extract-XXXXXX.tar"));
    if (!archiveFile.open())
        throw Error::internal(
            QStringLiteral("cannot create a temporary file: %1").arg(archiveFile.errorString()));
    const int status = m_client.stream(
        "GET", QStringLiteral("/containers/%1/archive?path=%2").arg(container.id(), percentEncoded(folder)),
        nullptr, {}, [&archiveFile](QByteArrayView chunk) {
            // The body is a tar when the folder exists and the engine's JSON message when not; both go to the
            // file, and the message is read back from it.
            return archiveFile.write(chunk.data(), chunk.size()) == chunk.size();
        });
    if (status == 404)
        throw Error::failedPrecondition(QStringLiteral("%1 does not exist in the image").arg(quoted(folder)));
    archiveFile.seek(0);
    if (status < 200 || status >= 300) {
        const DockerResponse refusal{status, archiveFile.read(kBlockSize)};
        throw Error::failedPrecondition(QStringLiteral("cannot copy %1 out of the image: %2")
                                            .arg(quoted(folder), refusal.errorMessage()));
    }
    FolderUnpacker(folder, root).run(archiveFile);
}

void EngineImageBuilder::removeImage(const QString &image)
{
    const DockerResponse response =
        m_client.request("DELETE", QStringLiteral("/images/%1").arg(percentEncoded(image)));
    if (response.ok() || response.status == 404)
        return;
    throw Error::failedPrecondition(
        QStringLiteral("cannot remove image %1: %2").arg(quoted(image), response.errorMessage()));
}

QList<EngineImage> EngineImageBuilder::imagesOf(const QStringList &labelFilters)
{
    // Podman refuses an empty label filter: without labels, ask for every image.
    QString path = QStringLiteral("/images/json");
    if (!labelFilters.isEmpty()) {
        const QJsonObject filters{{QStringLiteral("label"), QJsonArray::fromStringList(labelFilters)}};
        path += QStringLiteral("?filters=%1").arg(percentEncodedJson(filters));
    }
    const DockerResponse response = m_client.request("GET", path);
    if (!response.ok())
        throw Error::failedPrecondition(
            QStringLiteral("cannot list images: %1").arg(response.errorMessage()));
    QList<EngineImage> images;
    for (const QJsonValue &value : response.json().array()) {
        const QJsonObject object = value.toObject();
        EngineImage image;
        image.id = object.value(QStringLiteral("Id")).toString();
        for (const QJsonValue &tag : object.value(QStringLiteral("RepoTags")).toArray())
            image.tags.append(tag.toString());
        const QJsonObject labels = object.value(QStringLiteral("Labels")).toObject();
        for (auto it = labels.constBegin(); it != labels.constEnd(); ++it)
            image.labels.insert(it.key(), it.value().toString());
        image.sizeBytes = object.value(QStringLiteral("Size")).toInteger();
        image.created =
            QDateTime::fromSecsSinceEpoch(object.value(QStringLiteral("Created")).toInteger(), Qt::UTC);
        images.append(image);
    }
    return images;
}

} // namespace vitrine::adapters::docker
