#pragma once

#include "domain/log_line.h"

#include <QDateTime>
#include <QList>
#include <QString>

// Log lines for the tests of the log stores, the hubs and the log streams.
namespace vitrine::tests {

// seq, at a fixed time plus seq ms, with that text and stream.
inline domain::LogLine makeLine(qint64 seq, const QString &text,
                                domain::LogStream stream = domain::LogStream::Stdout)
{
    domain::LogLine line;
    line.seq = seq;
    line.at = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000 + seq, Qt::UTC);
    line.stream = stream;
    line.text = text;
    return line;
}

// Appends lines from … to, each with the text "line SEQ", to a build or runtime log store.
template<typename LogStore>
void appendLines(LogStore &store, const QString &id, qint64 from, qint64 to)
{
    for (qint64 seq = from; seq <= to; ++seq)
        store.append(id, makeLine(seq, QStringLiteral("line %1").arg(seq)));
}

inline QList<qint64> seqsOf(const QList<domain::LogLine> &lines)
{
    QList<qint64> seqs;
    for (const domain::LogLine &line : lines)
        seqs.append(line.seq);
    return seqs;
}

// first, first + 1, …, last.
inline QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> seqs;
    for (qint64 seq = first; seq <= last; ++seq)
        seqs.append(seq);
    return seqs;
}

} // namespace vitrine::tests
