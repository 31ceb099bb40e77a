#pragma once

#include "domain/ports/runtime_log_store.h"

#include <QHash>
#include <QString>

#include <memory>
#include <mutex>

namespace vitrine::adapters::logfiles {

// How much of each application's runtime log is kept.
struct RuntimeLogRetention {
    qint64 maxBytes = 8LL << 20; // the budget of one application's log on disk
    // Retention drops whole segments: a log keeps at least maxBytes - segmentBytes. 0: an eighth of maxBytes.
    qint64 segmentBytes = 0;
};

// Runtime logs as files: a folder per application, `<directory>/<application id>/`, holding segment files
// named after the seq of their first line (20 digits, so that names sort like seqs), each one line of text
// per log line in the format of log_file_format.h. Appends go to the newest segment; a line that would take
// it past segmentBytes starts a new one. Once the segments add up to more than maxBytes, the oldest are
// deleted whole, so a log stays within its budget as long as every line fits in a segment (a longer line gets
// a segment of its own). A line torn by a crash is cut off the next time the log is opened.
//
// Reads find their first line by a binary search over a segment (its lines are in seq order), so resuming
// late in a log reads little more than what it returns. No file stays open between calls: the server may
// hold logs for hundreds of applications.
class FileRuntimeLogStore final : public domain::RuntimeLogStore {
public:
    // Creates the directory when it is missing; throws Internal when it cannot. A segment larger than the
    // budget is cut down to it.
    explicit FileRuntimeLogStore(const QString &directory, RuntimeLogRetention retention = {});
    ~FileRuntimeLogStore() override;

    FileRuntimeLogStore(const FileRuntimeLogStore &) = delete;
    FileRuntimeLogStore &operator=(const FileRuntimeLogStore &) = delete;

    // Each method throws BadRequest on "application_id" when applicationId is not an application id (it names
    // a folder), and Internal when the file system fails.
    void append(const QString &applicationId, const domain::LogLine &line) override;
    QList<domain::LogLine> read(const QString &applicationId, qint64 afterSeq, int limit) override;
    qint64 lastSeq(const QString &applicationId) override;
    qint64 firstSeq(const QString &applicationId) override;
    void remove(const QString &applicationId) override;

    QString directoryOf(const QString &applicationId) const;

private:
    struct Log;
    struct Segment;

    // Runs action(log) under the lock of the application's log, read from disk the first time.
    template<typename Action>
    auto withLog(const QString &applicationId, Action action);
    std::shared_ptr<Log> entryOf(const QString &applicationId);
    void load(const QString &applicationId, Log &log) const;
    void dropOldSegments(const QString &applicationId, Log &log) const;
    QString segmentPath(const QString &applicationId, qint64 firstSeq) const;

    const QString m_directory;
    const RuntimeLogRetention m_retention;
    std::mutex m_mutex; // guards m_logs; each log has a lock of its own
    QHash<QString, std::shared_ptr<Log>> m_logs;
};

} // namespace vitrine::adapters::logfiles
