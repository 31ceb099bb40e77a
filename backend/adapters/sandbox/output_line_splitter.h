#pragma once

#include "domain/log_line.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace vitrine::adapters::sandbox {

// Turns the bytes of one output stream into log lines: split on '\n', lines longer than kMaxLineBytes cut
// into pieces (never inside a UTF-8 sequence), invalid UTF-8 replaced by U+FFFD.
class OutputLineSplitter {
public:
    static constexpr qsizetype kMaxLineBytes = 64 * 1024;

    OutputLineSplitter(domain::LogStream stream,
                       const std::function<void(domain::LogStream, QString)> &onLine);

    void append(const char *data, qsizetype size);
    // Delivers the final line when the output did not end with '\n'.
    void finish();

private:
    void deliver(const char *data, qsizetype size);

    domain::LogStream m_stream;
    const std::function<void(domain::LogStream, QString)> &m_onLine;
    QByteArray m_pending;
};

} // namespace vitrine::adapters::sandbox
