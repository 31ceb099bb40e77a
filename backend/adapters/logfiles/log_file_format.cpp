#include "adapters/logfiles/log_file_format.h"

#include "domain/ids.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace vitrine::adapters::logfiles::logfile {

using domain::Error;
using domain::LogLine;
using domain::LogStream;

namespace {

std::optional<qint64> parseNumber(QByteArrayView field)
{
    qint64 value = 0;
    const char *end = field.data() + field.size();
    const auto [stop, error] = std::from_chars(field.data(), end, value);
    if (error != std::errc() || stop != end || field.isEmpty())
        return std::nullopt;
    return value;
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

} // namespace

Error fileError(const QString &action, const QString &path)
{
    return Error::internal(QStringLiteral("%1 %2: %3").arg(action, path, qt_error_string(errno)));
}

FileDescriptor::~FileDescriptor()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

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

void writeAll(int fd, QByteArrayView data, const QString &path)
{
    qint64 written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.data() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw fileError(QStringLiteral("writing"), path);
        written += n;
    }
}

std::optional<qint64> parseSeq(QByteArrayView encoded)
{
    const qsizetype tab = encoded.indexOf('\t');
    return tab < 0 ? std::nullopt : parseNumber(encoded.first(tab));
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

void requireId(const QString &id, QStringView prefix, const QString &field, const QString &kind)
{
    if (!domain::looksLikeId(id, prefix))
        throw Error::badRequest(field, QStringLiteral("%1 is not %2").arg(domain::quoted(id), kind));
}

} // namespace vitrine::adapters::logfiles::logfile
