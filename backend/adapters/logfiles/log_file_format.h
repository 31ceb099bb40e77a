#pragma once

#include "domain/error.h"
#include "domain/log_line.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

// What the log files of this folder share: the text format of one log line and the low-level file reading.
//
// A log file holds one line of text per log line: "seq \t milliseconds since the epoch \t out|err|sys \t
// text", where the text escapes backslash, newline, tab and carriage return as \\, \n, \t, \r, so any text
// round-trips. A line torn by a crash in the middle of a write has no newline: readers ignore it, and the
// writer cuts it off before it appends again (findLastLine() tells where the complete lines end).
namespace vitrine::adapters::logfiles::logfile {

inline constexpr qint64 kReadChunk = 64 * 1024;

// Internal, naming the action, the file and errno's reason.
domain::Error fileError(const QString &action, const QString &path);

// BadRequest on `field` unless id has the shape of an id with this prefix ("a build id" names the kind): the
// stores name files and folders after ids, so nothing else may reach a path.
void requireId(const QString &id, QStringView prefix, const QString &field, const QString &kind);

// Closes the descriptor when it goes out of scope.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {
    }
    ~FileDescriptor();
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;

    int get() const { return m_fd; }

private:
    int m_fd;
};

// Reads up to `size` bytes at `offset`, fewer only at the end of the file.
qint64 readAt(int fd, char *data, qint64 size, qint64 offset, const QString &path);

// Writes all of data at the file's current position (the end, for a file opened with O_APPEND).
void writeAll(int fd, QByteArrayView data, const QString &path);

QByteArray encodeLine(const domain::LogLine &line);
// std::nullopt for a line this format does not describe (the file was edited by hand or damaged).
std::optional<domain::LogLine> decodeLine(QByteArrayView encoded);
// The seq of an encoded line, read without decoding the rest.
std::optional<qint64> parseSeq(QByteArrayView encoded);

struct LastLine {
    qint64 seq = 0; // 0 when the file holds no complete line
    qint64 end = 0; // the offset just past its newline: where the complete lines end
};

// Reads the file from its end, in growing windows, only as far back as the start of its last complete line.
LastLine findLastLine(int fd, qint64 fileSize, const QString &path);

// Calls onLine(offset, line) for each complete line (without its newline) that starts at or after `from`
// and ends before `to`, in order, until onLine returns false. `from` must be where a line starts. A last
// line without a newline is not complete.
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

} // namespace vitrine::adapters::logfiles::logfile
