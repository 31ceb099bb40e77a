#include "adapters/logfiles/file_runtime_log_store.h"

#include "adapters/logfiles/log_file_format.h"
#include "domain/error.h"
#include "domain/ids.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

namespace vitrine::adapters::logfiles {

using domain::Error;
using domain::LogLine;
using logfile::FileDescriptor;
using logfile::fileError;

namespace {

// A probe reads this much at a time: enough for the start of a line and usually its end.
constexpr qint64 kProbeWindow = 4096;
// The seq field and its tab fit in this many bytes.
constexpr qsizetype kSeqFieldBytes = 24;

void checkApplicationId(const QString &applicationId)
{
    logfile::requireId(applicationId, domain::idprefix::kApplication, QStringLiteral("application_id"),
                       QStringLiteral("an application id"));
}

RuntimeLogRetention effective(RuntimeLogRetention retention)
{
    retention.maxBytes = std::max<qint64>(1, retention.maxBytes);
    if (retention.segmentBytes <= 0)
        retention.segmentBytes = retention.maxBytes / 8;
    retention.segmentBytes = std::clamp<qint64>(retention.segmentBytes, 1, retention.maxBytes);
    return retention;
}

struct ProbedLine {
    qint64 start = 0;
    qint64 seq = 0;
};

// The first complete line with a readable seq that starts at or after `from` and ends before `to`.
std::optional<ProbedLine> probeLine(int fd, qint64 from, qint64 to, const QString &path)
{
    // A line starts at 0 or just after a newline: before `from`, look at the byte before it.
    bool inLine = from == 0;
    qint64 lineStart = from;
    QByteArray seqField;
    char window[kProbeWindow];
    for (qint64 position = inLine ? from : from - 1; position < to;) {
        const qint64 got = logfile::readAt(fd, window, std::min(kProbeWindow, to - position), position, path);
        if (got == 0)
            break;
        for (qint64 i = 0; i < got; ++i) {
            const char c = window[i];
            if (c == '\n') {
                if (inLine) {
                    if (const auto seq = logfile::parseSeq(seqField))
                        return ProbedLine{lineStart, *seq};
                }
                inLine = true;
                lineStart = position + i + 1;
                seqField.clear();
            } else if (inLine && seqField.size() < kSeqFieldBytes) {
                seqField.append(c);
            }
        }
        position += got;
    }
    return std::nullopt;
}

// Where the first line with a seq above afterSeq starts, in a file of `size` bytes of lines in seq order;
// `size` when there is none.
qint64 startOfLinesAfter(int fd, qint64 afterSeq, qint64 size, const QString &path)
{
    // The answer is always the first line starting at or after `low`, and at or before the first line
    // starting at or after `high`.
    qint64 low = 0;
    qint64 high = size;
    while (low < high) {
        const qint64 middle = low + (high - low) / 2;
        const std::optional<ProbedLine> line = probeLine(fd, middle, size, path);
        if (!line || line->seq > afterSeq)
            high = middle;
        else
            low = line->start + 1;
    }
    const std::optional<ProbedLine> line = probeLine(fd, low, size, path);
    return line ? line->start : size;
}

} // namespace

struct FileRuntimeLogStore::Segment {
    qint64 firstSeq = 0;
    qint64 size = 0; // bytes of complete lines
};

struct FileRuntimeLogStore::Log {
    std::mutex mutex; // guards what follows
    bool loaded = false;
    bool removed = false;          // remove() took it out of the store: whoever waited for it must look again
    std::vector<Segment> segments; // oldest first; the newest takes the appends
    qint64 lastSeq = 0;
    qint64 totalBytes = 0;
};

FileRuntimeLogStore::FileRuntimeLogStore(const QString &directory, RuntimeLogRetention retention)
    : m_directory(QDir::cleanPath(directory))
    , m_retention(effective(retention))
{
    if (!QDir().mkpath(m_directory))
        throw Error::internal(QStringLiteral("cannot create the runtime log directory %1").arg(m_directory));
}

FileRuntimeLogStore::~FileRuntimeLogStore() = default;

QString FileRuntimeLogStore::directoryOf(const QString &applicationId) const
{
    return m_directory + u'/' + applicationId;
}

QString FileRuntimeLogStore::segmentPath(const QString &applicationId, qint64 firstSeq) const
{
    return directoryOf(applicationId) + QStringLiteral("/%1.log").arg(firstSeq, 20, 10, QChar(u'0'));
}

std::shared_ptr<FileRuntimeLogStore::Log> FileRuntimeLogStore::entryOf(const QString &applicationId)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<Log> &log = m_logs[applicationId];
    if (!log)
        log = std::make_shared<Log>();
    return log;
}

template<typename Action>
auto FileRuntimeLogStore::withLog(const QString &applicationId, Action action)
{
    checkApplicationId(applicationId);
    for (;;) {
        const std::shared_ptr<Log> log = entryOf(applicationId);
        const std::lock_guard lock(log->mutex);
        if (log->removed)
            continue;
        if (!log->loaded) {
            load(applicationId, *log);
            log->loaded = true;
        }
        return action(*log);
    }
}

// Under the log's lock.
void FileRuntimeLogStore::load(const QString &applicationId, Log &log) const
{
    static const QRegularExpression segmentName(QStringLiteral("^([0-9]{20})\\.log$"));
    const QDir directory(directoryOf(applicationId));
    // Sorted by name is sorted by first seq: the names have a fixed width.
    const QFileInfoList files = directory.entryInfoList({QStringLiteral("*.log")}, QDir::Files, QDir::Name);
    std::vector<Segment> segments;
    for (const QFileInfo &file : files) {
        const QRegularExpressionMatch match = segmentName.match(file.fileName());
        if (match.hasMatch())
            segments.push_back({match.captured(1).toLongLong(), file.size()});
    }

    // The newest segment may end in a line torn by a crash, or hold nothing at all.
    qint64 lastSeq = 0;
    while (!segments.empty() && lastSeq == 0) {
        Segment &newest = segments.back();
        const QString path = segmentPath(applicationId, newest.firstSeq);
        const FileDescriptor file(::open(QFile::encodeName(path).constData(), O_RDWR | O_CLOEXEC));
        if (file.get() < 0)
            throw fileError(QStringLiteral("opening"), path);
        const logfile::LastLine last = logfile::findLastLine(file.get(), newest.size, path);
        if (last.end == 0) {
            if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
                throw fileError(QStringLiteral("removing"), path);
            segments.pop_back();
            continue;
        }
        if (last.end < newest.size && ::ftruncate(file.get(), last.end) != 0)
            throw fileError(QStringLiteral("repairing"), path);
        newest.size = last.end;
        // A damaged last line: the segment's name still bounds the seqs it holds from below.
        lastSeq = std::max(last.seq, newest.firstSeq);
    }

    log.segments = std::move(segments);
    log.lastSeq = lastSeq;
    log.totalBytes = 0;
    for (const Segment &segment : log.segments)
        log.totalBytes += segment.size;
}

// Under the log's lock. A segment that cannot be deleted now is tried again after the next append.
void FileRuntimeLogStore::dropOldSegments(const QString &applicationId, Log &log) const
{
    while (log.totalBytes > m_retention.maxBytes && log.segments.size() > 1) {
        const Segment &oldest = log.segments.front();
        const QString path = segmentPath(applicationId, oldest.firstSeq);
        if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
            return;
        log.totalBytes -= oldest.size;
        log.segments.erase(log.segments.begin());
    }
}

void FileRuntimeLogStore::append(const QString &applicationId, const LogLine &line)
{
    const QByteArray encoded = logfile::encodeLine(line);
    withLog(applicationId, [&](Log &log) {
        if (line.seq <= log.lastSeq)
            throw Error::internal(QStringLiteral("runtime log of %1: line %2 comes after line %3")
                                      .arg(applicationId)
                                      .arg(line.seq)
                                      .arg(log.lastSeq));

        const bool newSegment =
            log.segments.empty() || (log.segments.back().size > 0 &&
                                     log.segments.back().size + encoded.size() > m_retention.segmentBytes);
        if (log.segments.empty() && !QDir().mkpath(directoryOf(applicationId)))
            throw Error::internal(
                QStringLiteral("cannot create the runtime log directory %1").arg(directoryOf(applicationId)));
        const qint64 firstSeq = newSegment ? line.seq : log.segments.back().firstSeq;
        const qint64 sizeBefore = newSegment ? 0 : log.segments.back().size;
        const QString path = segmentPath(applicationId, firstSeq);

        const FileDescriptor file(
            ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
        if (file.get() < 0)
            throw fileError(QStringLiteral("opening"), path);
        try {
            logfile::writeAll(file.get(), encoded, path);
        } catch (const Error &) {
            // Best effort: leave no torn line for the next append to run into.
            [[maybe_unused]] const int ignored = ::ftruncate(file.get(), sizeBefore);
            throw;
        }

        if (newSegment)
            log.segments.push_back({line.seq, 0});
        log.segments.back().size += encoded.size();
        log.totalBytes += encoded.size();
        log.lastSeq = line.seq;
        dropOldSegments(applicationId, log);
    });
}

QList<LogLine> FileRuntimeLogStore::read(const QString &applicationId, qint64 afterSeq, int limit)
{
    if (limit <= 0) {
        checkApplicationId(applicationId);
        return {};
    }
    // The files are read outside the lock: appends only add to the end of the newest segment (past the size
    // taken here), and a segment deleted meanwhile was dropped by retention, which a reader may see.
    const std::vector<Segment> segments = withLog(applicationId, [](const Log &log) { return log.segments; });

    // The segment holding the line after afterSeq: the last one starting at or before it.
    auto segment = std::upper_bound(segments.cbegin(), segments.cend(), afterSeq + 1,
                                    [](qint64 seq, const Segment &s) { return seq < s.firstSeq; });
    if (segment != segments.cbegin())
        --segment;

    QList<LogLine> lines;
    for (; segment != segments.cend() && lines.size() < limit; ++segment) {
        const QString path = segmentPath(applicationId, segment->firstSeq);
        const FileDescriptor file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
        if (file.get() < 0) {
            if (errno == ENOENT)
                continue;
            throw fileError(QStringLiteral("opening"), path);
        }
        const qint64 from =
            segment->firstSeq > afterSeq ? 0 : startOfLinesAfter(file.get(), afterSeq, segment->size, path);
        logfile::forEachLine(file.get(), from, segment->size, path, [&](qint64, QByteArrayView encoded) {
            const auto seq = logfile::parseSeq(encoded);
            if (!seq || *seq <= afterSeq)
                return true;
            if (auto line = logfile::decodeLine(encoded))
                lines.append(*std::move(line));
            return lines.size() < limit;
        });
    }
    return lines;
}

qint64 FileRuntimeLogStore::lastSeq(const QString &applicationId)
{
    return withLog(applicationId, [](const Log &log) { return log.lastSeq; });
}

qint64 FileRuntimeLogStore::firstSeq(const QString &applicationId)
{
    return withLog(applicationId,
                   [](const Log &log) { return log.segments.empty() ? 0 : log.segments.front().firstSeq; });
}

void FileRuntimeLogStore::remove(const QString &applicationId)
{
    checkApplicationId(applicationId);
    const std::shared_ptr<Log> log = entryOf(applicationId);
    const std::lock_guard lock(log->mutex);
    if (log->removed)
        return; // another remove() did it meanwhile
    const QString directory = directoryOf(applicationId);
    if (!QDir(directory).removeRecursively()) {
        log->loaded = false; // some segments may be gone: read what is left again
        throw Error::internal(QStringLiteral("cannot remove the runtime log directory %1").arg(directory));
    }
    // Whoever waits for this entry finds it removed and looks again: past this point, a fresh one.
    log->removed = true;
    const std::lock_guard entries(m_mutex);
    if (m_logs.value(applicationId) == log)
        m_logs.remove(applicationId);
}

} // namespace vitrine::adapters::logfiles
