#pragma once

#include <QAbstractListModel>
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <deque>
#include <vector>

namespace vitrine::desktop {

// A run of shown text in one terminal style, in UTF-16 positions of the shown (escape-free) text.
struct LogColourSpan {
    qsizetype start = 0;
    qsizetype length = 0;
    // -1: the default colour; 0–7 the ANSI colours (black, red, green, yellow, blue, magenta, cyan, white);
    // 8–15 their bright forms. The delegate maps them to colours that suit its palette.
    int colour = -1;
    bool bold = false;

    friend bool operator==(const LogColourSpan &, const LogColourSpan &) = default;
};

// One line of a build log or of an app's output, as a terminal would show it: a `\r` progress line keeps what
// follows its last `\r`, ANSI SGR escapes become colour spans.
struct ShownLogText {
    QString text;
    QList<LogColourSpan> spans;

    static ShownLogText fromRaw(const QString &raw);
};

// The lines of one log, in the order of their sequence numbers, as a flat list. Lines arrive in batches from
// a stream (backlog, then live); a resumed stream may send again lines the model has, which it ignores. Past
// its cap the oldest lines go. Texts are kept once, as UTF-8, in blocks of lines, so a million lines stay
// small.
class LogLineModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum class Stream : quint8 { Stdout, Stderr, System };
    Q_ENUM(Stream)

    enum Role {
        SeqRole = Qt::UserRole + 1,
        TimeRole,        // QDateTime (UTC)
        StreamRole,      // Stream
        PlainTextRole,   // QString, the same as Qt::DisplayRole
        ColourSpansRole, // QList<LogColourSpan>, empty for a line without colours
    };

    struct Line {
        qint64 seq = 0;
        QDateTime time;
        Stream stream = Stream::Stdout;
        QString text; // raw, as the program wrote it: `\r` and ANSI escapes included
    };

    static constexpr int kDefaultMaximumLines = 1'000'000;

    explicit LogLineModel(QObject *parent = nullptr);

    // Appends the lines newer than the newest line held, in the order of their sequence numbers, with one
    // insertion; then removes the oldest rows past the cap with one removal (before inserting, so the view
    // never holds more than the cap).
    void appendBatch(QList<Line> lines);
    // Forgets every line, e.g. before showing another build's log.
    void clear();

    int maximumLines() const { return m_maximumLines; }
    // Takes effect at the next append.
    void setMaximumLines(int maximumLines);
    // The newest sequence number held or ever held since the last clear(); 0 before any line. A stream
    // resumes after it.
    qint64 lastSeq() const { return m_lastSeq; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    // A block of up to kBlockLines consecutive lines. Every block but the last is full, so a row maps to its
    // block by division; the oldest lines go a whole block at a time once the rows before m_firstLine cover
    // it.
    struct Block {
        std::vector<qint64> seqs;
        std::vector<qint64> msecsSinceEpoch;
        std::vector<Stream> streams;
        std::vector<qsizetype> textEnds; // end of each line's shown text in `text`
        std::vector<quint32> spanEnds;   // end of each line's spans in `spans`
        QByteArray text;                 // shown texts, UTF-8, one after the other
        std::vector<LogColourSpan> spans;
    };
    static constexpr int kBlockLines = 4096;

    void store(const Line &line);
    void dropOldest(int count);
    const Block &blockOf(int row, int *lineInBlock) const;
    QString textAt(const Block &block, int lineInBlock) const;

    std::deque<Block> m_blocks;
    int m_firstLine = 0; // lines of m_blocks.front() already dropped
    int m_rowCount = 0;
    int m_maximumLines = kDefaultMaximumLines;
    qint64 m_lastSeq = 0;
};

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::LogColourSpan)
