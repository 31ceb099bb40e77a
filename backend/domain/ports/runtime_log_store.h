#pragma once

#include "domain/log_line.h"

#include <QList>
#include <QString>

namespace vitrine::domain {

// Durable runtime logs (the stdout and stderr of an application's instances), one log per application, with
// bounded retention: each log keeps only its newest lines, within a byte budget, so that a chatty application
// never fills the disk. Lines are dropped oldest first, and a log never drops its newest line. Each line is
// written before append() returns (no fsync per line: a crash of the server keeps every line appended, a
// crash of the machine may lose the last moments). Safe to call from any thread; appends to one application
// come one at a time.
class RuntimeLogStore {
public:
    virtual ~RuntimeLogStore() = default;

    // Stores the line at the end of the application's log, then drops the oldest lines as far as the budget
    // requires. line.seq must be above lastSeq(): a log's lines are stored in the order of their sequence
    // numbers (Internal otherwise).
    virtual void append(const QString &applicationId, const LogLine &line) = 0;

    // The kept lines with seq > afterSeq, in order, at most `limit`. Lines retention dropped are simply not
    // there: when afterSeq + 1 < firstSeq(), the first line returned is firstSeq()'s.
    virtual QList<LogLine> read(const QString &applicationId, qint64 afterSeq, int limit) = 0;

    // The highest seq stored for the application, also after a restart of the server; 0 when none. It does
    // not go down when retention drops lines.
    virtual qint64 lastSeq(const QString &applicationId) = 0;

    // The seq of the oldest line still kept; 0 when none. Lines before it were dropped by retention.
    virtual qint64 firstSeq(const QString &applicationId) = 0;

    // Removes the application's log; a later append starts a new one. Nothing to remove is no error.
    virtual void remove(const QString &applicationId) = 0;
};

} // namespace vitrine::domain
