#pragma once

#include "domain/log_line.h"

#include <QList>
#include <QString>

#include <functional>

namespace vitrine::domain {

// Durable build logs: each line is written before append() returns (no fsync per line; a crash of the
// server keeps every line already appended, a crash of the machine may lose the last moments). Safe to
// call from any thread; one writer per build.
class BuildLogStore {
public:
    virtual ~BuildLogStore() = default;

    virtual void append(const QString &buildId, const LogLine &line) = 0;
    // The lines with seq > afterSeq, in order, at most `limit`.
    virtual QList<LogLine> read(const QString &buildId, qint64 afterSeq, int limit) = 0;
    // The highest seq stored for the build; 0 when none.
    virtual qint64 lastSeq(const QString &buildId) = 0;
    virtual void remove(const QString &buildId) = 0;
    // The build's log is complete: the store may release what it holds open for writing it (a later append
    // opens it again). Reading is unaffected. A store that holds nothing open keeps this default.
    virtual void close([[maybe_unused]] const QString &buildId) {}
};

} // namespace vitrine::domain
