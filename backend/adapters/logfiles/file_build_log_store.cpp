#include "adapters/logfiles/file_build_log_store.h"

#include "domain/error.h"
#include "domain/ids.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <vector>

namespace vitrine::adapters::logfiles {

using domain::Error;
using domain::LogLine;
using domain::LogStream;

namespace {

constexpr qint64 kReadChunk = 64 * 1024;

Error fileError(const QString &action, const QString &path)
{
    return Error::internal(QStringLiteral("%1 %2: %3").arg(action, path, qt_error_string(errno)));
}

// Closes the descriptor when it goes out of scope.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {
    }
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;

    int get() const { return m_fd; }

private:
    int m_fd;
};

// Reads up to `size` bytes at `offset`, fewer only at the end of the file.
qint64 readAt(int fd, char *data, qint64 size, qint64 offset, const QString &path)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, data + done, size_t(size - done), off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw fileError(QStringLiteral("reading"), path);
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

// Calls onLine(offset, line) for each complete line (without its newline) that starts at or after `from`
// and ends before `to`, in order, until onLine returns false. A last line without a newline is not complete.
template<typename OnLine>
void forEachLine(int fd, qint64 from, qint64 to, const QString &path, OnLine onLine)
{
    std::vector<char> buffer;
    qint64 bufferOffset = from; // file offset of buffer[0], the start of the line being read
    size_t searchFrom = 0;      // buffer before this holds no newline
    while (bufferOffset + qint64(buffer.size()) < to) {
        const qint64 chunk = std::min(kReadChunk, to - bufferOffset - qint64(buffer.size()));
        const size_t kept = buffer.size();
        buffer.resize(kept + size_t(chunk));
        const qint64 got = readAt(fd, buffer.data() + kept, chunk, bufferOffset + qint64(kept), path);
        buffer.resize(kept + size_t(got));
        if (got == 0)
            return;

        size_t lineStart = 0;
        const char *data = buffer.data();
        while (const void *found = std::memchr(data + searchFrom, '\n', buffer.size() - searchFrom)) {
            const size_t newline = size_t(static_cast<const char *>(found) - data);
            if (!onLine(bufferOffset + qint64(lineStart),
                        QByteArrayView(data + lineStart, newline - lineStart)))
                return;
            lineStart = newline + 1;
            searchFrom = lineStart;
        }
        buffer.erase(buffer.begin(), buffer.begin() + qint64(lineStart));
        bufferOffset += qint64(lineStart);
        searchFrom = buffer.size();
    }
}

std::optional<qint64> parseNumber(QByteArrayView field)
{
    qint64 value = 0;
    const char *end = field.data() + field.size();
    const auto [stop, error] = std::from_chars(field.data(), end, value);
    if (error != std::errc() || stop != end || field.isEmpty())
        return std::nullopt;
    return value;
}

std::optional<qint64> parseSeq(QByteArrayView line)
{
    const qsizetype tab = line.indexOf('\t');
    return tab < 0 ? std::nullopt : parseNumber(line.first(tab));
}

QByteArrayView streamCode(LogStream stream)
{
    switch (stream) {
    case LogStream::Stdout:
        return "out";
    case LogStream::Stderr:
        return "err";
    case LogStream::System:
        return "sys";
    }
    return "out";
}

std::optional<LogStream> streamFromCode(QByteArrayView code)
{
    if (code == "out")
        return LogStream::Stdout;
    if (code == "err")
        return LogStream::Stderr;
    if (code == "sys")
        return LogStream::System;
    return std::nullopt;
}

QByteArray encodeLine(const LogLine &line)
{
    const QByteArray text = line.text.toUtf8();
    QByteArray encoded;
    encoded.reserve(text.size() + 40);
    encoded.append(QByteArray::number(line.seq)).append('\t');
    if (line.at.isValid())
        encoded.append(QByteArray::number(line.at.toMSecsSinceEpoch()));
    encoded.append('\t').append(streamCode(line.stream)).append('\t');
    for (const char c : text) {
        switch (c) {
        case '\\':
            encoded.append("\\\\");
            break;
        case '\n':
            encoded.append("\\n");
            break;
        case '\t':
            encoded.append("\\t");
            break;
        case '\r':
            encoded.append("\\r");
            break;
        default:
            encoded.append(c);
        }
    }
    encoded.append('\n');
    return encoded;
}

QString unescape(QByteArrayView escaped)
{
    QByteArray text;
    text.reserve(escaped.size());
    for (qsizetype i = 0; i < escaped.size(); ++i) {
        const char c = escaped[i];
        if (c != '\\' || i + 1 == escaped.size()) {
            text.append(c);
            continue;
        }
        const char next = escaped[++i];
        text.append(next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next);
    }
    return QString::fromUtf8(text);
}

// std::nullopt for a line this store did not write (the file was edited by hand or damaged).
std::optional<LogLine> decodeLine(QByteArrayView encoded)
{
    const qsizetype seqEnd = encoded.indexOf('\t');
    const qsizetype atEnd = seqEnd < 0 ? -1 : encoded.indexOf('\t', seqEnd + 1);
    const qsizetype streamEnd = atEnd < 0 ? -1 : encoded.indexOf('\t', atEnd + 1);
    if (streamEnd < 0)
        return std::nullopt;
    const auto seq = parseNumber(encoded.first(seqEnd));
    const QByteArrayView atField = encoded.sliced(seqEnd + 1, atEnd - seqEnd - 1);
    const auto at = parseNumber(atField);
    const auto stream = streamFromCode(encoded.sliced(atEnd + 1, streamEnd - atEnd - 1));
    if (!seq || !stream || (!at && !atField.isEmpty()))
        return std::nullopt;

    LogLine line;
    line.seq = *seq;
    if (at)
        line.at = QDateTime::fromMSecsSinceEpoch(*at, Qt::UTC);
    line.stream = *stream;
    line.text = unescape(encoded.sliced(streamEnd + 1));
    return line;
}

struct LastLine {
    qint64 seq = 0; // 0 when the file holds no complete line
    qint64 end = 0; // the offset just past its newline: where the complete lines end
};

// Reads the file from its end, in growing windows, only as far back as the start of its last complete line.
LastLine findLastLine(int fd, qint64 fileSize, const QString &path)
{
    for (qint64 window = kReadChunk;; window *= 2) {
        const qint64 start = std::max<qint64>(0, fileSize - window);
        std::vector<char> buffer(size_t(fileSize - start));
        const qint64 got = readAt(fd, buffer.data(), qint64(buffer.size()), start, path);
        const QByteArrayView data(buffer.data(), got);
        const qsizetype lastNewline = data.lastIndexOf('\n');
        if (lastNewline < 0 && start == 0)
            return {};
        if (lastNewline >= 0) {
            const qsizetype lineStart = data.first(lastNewline).lastIndexOf('\n') + 1;
            if (lineStart > 0 || start == 0)
                return {parseSeq(data.sliced(lineStart, lastNewline - lineStart)).value_or(0),
                        start + lastNewline + 1};
        }
    }
}

void checkBuildId(const QString &buildId)
{
    if (!domain::looksLikeId(buildId, domain::idprefix::kBuild))
        throw Error::badRequest(QStringLiteral("build_id"),
                                QStringLiteral("%1 is not a build id").arg(domain::quoted(buildId)));
}

} // namespace

struct FileBuildLogStore::OpenLog {
    std::mutex mutex; // guards what follows
    int fd = -1;      // -1 until the first use opens the file
    qint64 lastSeq = 0;
    qint64 size = 0;          // bytes of complete lines
    qint64 linesAppended = 0; // by this process

    ~OpenLog()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

FileBuildLogStore::FileBuildLogStore(const QString &directory)
    : m_directory(QDir::cleanPath(directory))
{
    if (!QDir().mkpath(m_directory))
        throw Error::internal(QStringLiteral("cannot create the build log directory %1").arg(m_directory));
}

FileBuildLogStore::~FileBuildLogStore() = default;

QString FileBuildLogStore::pathOf(const QString &buildId) const
{
    return m_directory + u'/' + buildId + QStringLiteral(".log");
}

std::shared_ptr<FileBuildLogStore::OpenLog> FileBuildLogStore::findOpenLog(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    return m_openLogs.value(buildId);
}

std::shared_ptr<FileBuildLogStore::OpenLog> FileBuildLogStore::takeOpenLog(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    return m_openLogs.take(buildId);
}

// The entry comes back unopened (fd -1) the first time: the caller opens it under the entry's own lock, so
// opening one build's file never holds up the others.
std::shared_ptr<FileBuildLogStore::OpenLog> FileBuildLogStore::openLog(const QString &buildId)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<OpenLog> &log = m_openLogs[buildId];
    if (!log)
        log = std::make_shared<OpenLog>();
    return log;
}

void FileBuildLogStore::append(const QString &buildId, const LogLine &line)
{
    checkBuildId(buildId);
    const QString path = pathOf(buildId);
    const QByteArray encoded = encodeLine(line);
    const std::shared_ptr<OpenLog> log = openLog(buildId);
    const std::lock_guard lock(log->mutex);

    if (log->fd < 0) {
        const int fd =
            ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (fd < 0)
            throw fileError(QStringLiteral("opening"), path);
        struct stat status {};
        if (::fstat(fd, &status) != 0) {
            ::close(fd);
            throw fileError(QStringLiteral("reading"), path);
        }
        try {
            const LastLine last = findLastLine(fd, status.st_size, path);
            // A line torn by a crash would otherwise run into the next one.
            if (last.end < status.st_size && ::ftruncate(fd, last.end) != 0)
                throw fileError(QStringLiteral("repairing"), path);
            log->lastSeq = last.seq;
            log->size = last.end;
        } catch (...) {
            ::close(fd);
            throw;
        }
        log->fd = fd;
    }

    if (line.seq <= log->lastSeq)
        throw Error::internal(QStringLiteral("build log %1: line %2 comes after line %3")
                                  .arg(buildId)
                                  .arg(line.seq)
                                  .arg(log->lastSeq));

    qint64 written = 0;
    while (written < encoded.size()) {
        const ssize_t n = ::write(log->fd, encoded.constData() + written, size_t(encoded.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const Error error = fileError(QStringLiteral("writing"), path);
            // Best effort: leave no torn line for the next append to run into.
            [[maybe_unused]] const int ignored = ::ftruncate(log->fd, log->size);
            throw error;
        }
        written += n;
    }

    if (log->linesAppended % kIndexInterval == 0)
        rememberPosition(buildId, line.seq - 1, log->size);
    ++log->linesAppended;
    log->lastSeq = line.seq;
    log->size += encoded.size();
}

QList<LogLine> FileBuildLogStore::read(const QString &buildId, qint64 afterSeq, int limit)
{
    checkBuildId(buildId);
    if (limit <= 0)
        return {};
    const QString path = pathOf(buildId);

    // A line being appended right now is not complete yet: read only as far as the complete ones.
    qint64 to = std::numeric_limits<qint64>::max();
    if (const std::shared_ptr<OpenLog> log = findOpenLog(buildId)) {
        const std::lock_guard lock(log->mutex);
        if (log->fd >= 0)
            to = log->size;
    }
    const qint64 from = knownPosition(buildId, afterSeq);

    const FileDescriptor file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) {
        if (errno == ENOENT)
            return {};
        throw fileError(QStringLiteral("opening"), path);
    }

    QList<LogLine> lines;
    qint64 end = from;
    forEachLine(file.get(), from, to, path, [&](qint64 offset, QByteArrayView encoded) {
        const auto seq = parseSeq(encoded);
        if (!seq || *seq <= afterSeq)
            return true;
        if (auto line = decodeLine(encoded)) {
            lines.append(*std::move(line));
            end = offset + encoded.size() + 1;
        }
        return lines.size() < limit;
    });
    // Watchers read a log batch after batch: the next batch starts where this one ended.
    if (!lines.isEmpty())
        rememberPosition(buildId, lines.constLast().seq, end);
    return lines;
}

qint64 FileBuildLogStore::lastSeq(const QString &buildId)
{
    checkBuildId(buildId);
    if (const std::shared_ptr<OpenLog> log = findOpenLog(buildId)) {
        const std::lock_guard lock(log->mutex);
        if (log->fd >= 0)
            return log->lastSeq;
    }

    const QString path = pathOf(buildId);
    const FileDescriptor file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) {
        if (errno == ENOENT)
            return 0;
        throw fileError(QStringLiteral("opening"), path);
    }
    struct stat status {};
    if (::fstat(file.get(), &status) != 0)
        throw fileError(QStringLiteral("reading"), path);
    return findLastLine(file.get(), status.st_size, path).seq;
}

void FileBuildLogStore::remove(const QString &buildId)
{
    checkBuildId(buildId);
    const std::shared_ptr<OpenLog> log = takeOpenLog(buildId);
    std::unique_lock<std::mutex> writing;
    if (log)
        writing = std::unique_lock(log->mutex); // lets an append in progress finish first
    forgetPositions(buildId);
    const QString path = pathOf(buildId);
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        throw fileError(QStringLiteral("removing"), path);
}

void FileBuildLogStore::close(const QString &buildId)
{
    checkBuildId(buildId);
    // An append in progress holds a reference of its own: the file closes when it is done.
    takeOpenLog(buildId);
}

void FileBuildLogStore::rememberPosition(const QString &buildId, qint64 seq, qint64 offset)
{
    const std::lock_guard lock(m_positionsMutex);
    auto known = m_positions.find(buildId);
    if (known == m_positions.end()) {
        if (qsizetype(m_positionsOrder.size()) == kRememberedLogs) {
            m_positions.remove(m_positionsOrder.front());
            m_positionsOrder.pop_front();
        }
        m_positionsOrder.push_back(buildId);
        known = m_positions.insert(buildId, {});
    }
    if (qsizetype(known->size()) < kPositionsPerLog)
        known->emplace(seq, offset);
}

qint64 FileBuildLogStore::knownPosition(const QString &buildId, qint64 afterSeq)
{
    const std::lock_guard lock(m_positionsMutex);
    const auto known = m_positions.constFind(buildId);
    if (known == m_positions.cend())
        return 0;
    // The nearest position at or before the first line wanted.
    const auto after = known->upper_bound(afterSeq);
    return after == known->cbegin() ? 0 : std::prev(after)->second;
}

void FileBuildLogStore::forgetPositions(const QString &buildId)
{
    const std::lock_guard lock(m_positionsMutex);
    if (m_positions.remove(buildId))
        m_positionsOrder.erase(std::find(m_positionsOrder.begin(), m_positionsOrder.end(), buildId));
}

} // namespace vitrine::adapters::logfiles
