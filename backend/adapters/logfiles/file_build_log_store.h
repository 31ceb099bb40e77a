#pragma once

#include "domain/ports/build_log_store.h"

#include <QHash>
#include <QString>

#include <deque>
#include <map>
#include <memory>
#include <mutex>

namespace vitrine::adapters::logfiles {

// Build logs as files: one append-only file per build, `<directory>/<build id>.log`, one line of text per
// log line in the format of log_file_format.h. Each line goes to the file in one write(2): once append()
// returns, the line survives a crash of the server. A line torn by a crash in the middle of a write has no
// newline; reading ignores it and the next append to that build cuts it off.
//
// While a build is being written its file stays open; close() closes it. To resume late in a long log
// without reading all that comes before, the store remembers where some lines start: every
// kIndexInterval-th line it appends, and where each read stopped (watchers read batch after batch), for the
// kRememberedLogs logs used last.
class FileBuildLogStore final : public domain::BuildLogStore {
public:
    static constexpr int kIndexInterval = 1024;
    static constexpr qsizetype kRememberedLogs = 256;
    static constexpr qsizetype kPositionsPerLog = 16'384;

    // Creates the directory when it is missing; throws Internal when it cannot.
    explicit FileBuildLogStore(const QString &directory);
    ~FileBuildLogStore() override;

    FileBuildLogStore(const FileBuildLogStore &) = delete;
    FileBuildLogStore &operator=(const FileBuildLogStore &) = delete;

    // Each method throws BadRequest on "build_id" when buildId is not a build id (it names a file), and
    // Internal when the file system fails. append() also refuses a seq not above lastSeq(): a log's
    // lines are stored in the order of their sequence numbers.
    void append(const QString &buildId, const domain::LogLine &line) override;
    QList<domain::LogLine> read(const QString &buildId, qint64 afterSeq, int limit) override;
    qint64 lastSeq(const QString &buildId) override;
    void remove(const QString &buildId) override;
    void close(const QString &buildId) override;

    QString pathOf(const QString &buildId) const;

private:
    struct OpenLog;

    std::shared_ptr<OpenLog> openLog(const QString &buildId);
    std::shared_ptr<OpenLog> findOpenLog(const QString &buildId);
    std::shared_ptr<OpenLog> takeOpenLog(const QString &buildId);
    // Lines from offset on have seqs above seq; lines before it, seq or below.
    void rememberPosition(const QString &buildId, qint64 seq, qint64 offset);
    // Where to start reading for the lines after afterSeq: a remembered position, else 0.
    qint64 knownPosition(const QString &buildId, qint64 afterSeq);
    void forgetPositions(const QString &buildId);

    QString m_directory;
    std::mutex m_mutex; // guards m_openLogs; each log has a lock of its own for its file
    QHash<QString, std::shared_ptr<OpenLog>> m_openLogs;
    std::mutex m_positionsMutex; // guards the two members below
    QHash<QString, std::map<qint64, qint64>> m_positions;
    std::deque<QString> m_positionsOrder; // first remembered first, for forgetting
};

} // namespace vitrine::adapters::logfiles
