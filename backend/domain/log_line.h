#pragma once

#include <QDateTime>
#include <QString>

namespace vitrine::domain {

enum class LogStream { Stdout, Stderr, System };

// One line of a build log (or, later, an app's output). Sequence numbers start at 1 and have no gaps
// within one log, so a watcher resumes exactly after the last line it saw.
struct LogLine {
    qint64 seq = 0;
    QDateTime at;
    LogStream stream = LogStream::Stdout;
    QString text; // without the trailing newline
};

} // namespace vitrine::domain
