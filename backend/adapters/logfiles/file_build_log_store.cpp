#include "adapters/logfiles/file_build_log_store.h"

#include "adapters/logfiles/log_file_format.h"
#include "domain/error.h"
#include "domain/ids.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <limits>

namespace vitrine::adapters::logfiles {

using domain::Error;
using domain::LogLine;
using logfile::FileDescriptor;
using logfile::fileError;

namespace {

void checkBuildId(const QString &buildId)
{
    logfile::requireId(buildId, domain::idprefix::kBuild, QStringLiteral("build_id"),
                       QStringLiteral("a build id"));
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
    const QByteArray encoded = logfile::encodeLine(line);
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
            const logfile::LastLine last = logfile::findLastLine(fd, status.st_size, path);
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

    try {
        logfile::writeAll(log->fd, encoded, path);
    } catch (const Error &) {
        // Best effort: leave no torn line for the next append to run into.
        [[maybe_unused]] const int ignored = ::ftruncate(log->fd, log->size);
        throw;
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
    logfile::forEachLine(file.get(), from, to, path, [&](qint64 offset, QByteArrayView encoded) {
        const auto seq = logfile::parseSeq(encoded);
        if (!seq || *seq <= afterSeq)
            return true;
        if (auto line = logfile::decodeLine(encoded)) {
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
    return logfile::findLastLine(file.get(), status.st_size, path).seq;
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
