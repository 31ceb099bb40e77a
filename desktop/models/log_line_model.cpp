#include "models/log_line_model.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace vitrine::desktop {

namespace {

constexpr QChar kEscape = QChar(0x1b);
constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();

// Applies the parameters of one SGR sequence (ESC [ params m) to the current style.
void applySgr(QStringView parameters, int &colour, bool &bold)
{
    const QList<QStringView> codes = parameters.split(u';');
    for (qsizetype i = 0; i < codes.size(); ++i) {
        // An empty parameter means 0, so "ESC[m" resets.
        bool ok = true;
        const int code = codes[i].isEmpty() ? 0 : codes[i].toInt(&ok);
        if (!ok)
            continue;
        if (code == 0) {
            colour = -1;
            bold = false;
        } else if (code == 1) {
            bold = true;
        } else if (code == 22) {
            bold = false;
        } else if (code >= 30 && code <= 37) {
            colour = code - 30;
        } else if (code == 39) {
            colour = -1;
        } else if (code >= 90 && code <= 97) {
            colour = code - 90 + 8;
        } else if (code == 38 || code == 48) {
            // Extended colours carry arguments that must not be read as codes: 5;n (256 colours) or 2;r;g;b.
            const int kind = i + 1 < codes.size() ? codes[i + 1].toInt() : 0;
            const int argumentCount = kind == 5 ? 2 : kind == 2 ? 4 : 1;
            if (code == 38) {
                // The first 16 of the 256 colours are the ANSI ones; others show in the default colour.
                const int index = kind == 5 && i + 2 < codes.size() ? codes[i + 2].toInt(&ok) : -1;
                colour = ok && index >= 0 && index < 16 ? index : -1;
            }
            i += argumentCount;
        }
    }
}

} // namespace

ShownLogText ShownLogText::fromRaw(const QString &raw)
{
    QStringView visible(raw);
    // A terminal returns to the start of the line at `\r` and overwrites it: what follows the last one is
    // what stays. A `\r` ending the line (CRLF output) overwrites nothing.
    while (visible.endsWith(u'\r'))
        visible.chop(1);
    if (const qsizetype lastReturn = visible.lastIndexOf(u'\r'); lastReturn >= 0)
        visible = visible.sliced(lastReturn + 1);

    ShownLogText shown;
    if (!visible.contains(kEscape)) {
        shown.text = visible.toString();
        return shown;
    }

    shown.text.reserve(visible.size());
    int colour = -1;
    bool bold = false;
    qsizetype runStart = 0;
    const auto closeRun = [&] {
        const qsizetype length = shown.text.size() - runStart;
        if (length > 0 && (colour != -1 || bold)) {
            // An SGR that changes nothing (e.g. a repeated colour) continues the same span.
            LogColourSpan *previous = shown.spans.isEmpty() ? nullptr : &shown.spans.last();
            if (previous && previous->start + previous->length == runStart && previous->colour == colour &&
                previous->bold == bold)
                previous->length += length;
            else
                shown.spans.append({runStart, length, colour, bold});
        }
        runStart = shown.text.size();
    };

    for (qsizetype i = 0; i < visible.size();) {
        if (visible[i] != kEscape) {
            shown.text.append(visible[i]);
            ++i;
            continue;
        }
        // Not a control sequence: the escape alone shows nothing.
        if (i + 1 >= visible.size() || visible[i + 1] != u'[') {
            ++i;
            continue;
        }
        // A control sequence runs to its final byte (@ to ~); only SGR (final m) changes what is shown, the
        // others (erase line, cursor moves) have no meaning in a list of lines.
        qsizetype end = i + 2;
        while (end < visible.size() && (visible[end].unicode() < 0x40 || visible[end].unicode() > 0x7e))
            ++end;
        if (end == visible.size())
            break;
        if (visible[end] == u'm') {
            closeRun();
            applySgr(visible.sliced(i + 2, end - i - 2), colour, bold);
        }
        i = end + 1;
    }
    closeRun();
    return shown;
}

LogLineModel::LogLineModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void LogLineModel::appendBatch(QList<Line> lines)
{
    const auto bySeq = [](const Line &a, const Line &b) { return a.seq < b.seq; };
    if (!std::is_sorted(lines.cbegin(), lines.cend(), bySeq))
        std::stable_sort(lines.begin(), lines.end(), bySeq);

    // The lines held (or already dropped by the cap) come first in a resumed stream: skip them, and repeats.
    std::vector<qsizetype> fresh;
    fresh.reserve(size_t(lines.size()));
    qint64 newest = m_lastSeq;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].seq > newest) {
            fresh.push_back(i);
            newest = lines[i].seq;
        }
    }
    m_lastSeq = newest;

    const qsizetype keptCount = std::min<qsizetype>(qsizetype(fresh.size()), m_maximumLines);
    const int dropCount = int(std::max<qsizetype>(0, m_rowCount + keptCount - m_maximumLines));
    if (dropCount > 0) {
        beginRemoveRows({}, 0, dropCount - 1);
        dropOldest(dropCount);
        endRemoveRows();
    }
    if (keptCount == 0)
        return;

    beginInsertRows({}, m_rowCount, m_rowCount + int(keptCount) - 1);
    for (auto i = fresh.cend() - keptCount; i != fresh.cend(); ++i)
        store(lines[*i]);
    m_rowCount += int(keptCount);
    endInsertRows();
}

void LogLineModel::clear()
{
    beginResetModel();
    m_blocks.clear();
    m_firstLine = 0;
    m_rowCount = 0;
    m_lastSeq = 0;
    endResetModel();
}

void LogLineModel::setMaximumLines(int maximumLines)
{
    m_maximumLines = std::max(1, maximumLines);
}

void LogLineModel::store(const Line &line)
{
    if (m_blocks.empty() || m_blocks.back().seqs.size() == size_t(kBlockLines)) {
        if (!m_blocks.empty()) {
            // A full block never grows again: give back what growing reserved.
            m_blocks.back().text.squeeze();
            m_blocks.back().spans.shrink_to_fit();
        }
        Block &block = m_blocks.emplace_back();
        block.seqs.reserve(kBlockLines);
        block.msecsSinceEpoch.reserve(kBlockLines);
        block.streams.reserve(kBlockLines);
        block.textEnds.reserve(kBlockLines);
        block.spanEnds.reserve(kBlockLines);
    }
    Block &block = m_blocks.back();
    const ShownLogText shown = ShownLogText::fromRaw(line.text);
    block.seqs.push_back(line.seq);
    block.msecsSinceEpoch.push_back(line.time.isValid() ? line.time.toMSecsSinceEpoch() : kNoTime);
    block.streams.push_back(line.stream);
    block.text.append(shown.text.toUtf8());
    block.textEnds.push_back(block.text.size());
    block.spans.insert(block.spans.end(), shown.spans.cbegin(), shown.spans.cend());
    block.spanEnds.push_back(quint32(block.spans.size()));
}

void LogLineModel::dropOldest(int count)
{
    m_rowCount -= count;
    if (m_rowCount == 0) {
        m_blocks.clear();
        m_firstLine = 0;
        return;
    }
    m_firstLine += count;
    while (m_firstLine >= kBlockLines) {
        m_blocks.pop_front();
        m_firstLine -= kBlockLines;
    }
}

const LogLineModel::Block &LogLineModel::blockOf(int row, int *lineInBlock) const
{
    const int position = m_firstLine + row;
    *lineInBlock = position % kBlockLines;
    return m_blocks[size_t(position / kBlockLines)];
}

QString LogLineModel::textAt(const Block &block, int lineInBlock) const
{
    const qsizetype start = lineInBlock == 0 ? 0 : block.textEnds[size_t(lineInBlock) - 1];
    const qsizetype end = block.textEnds[size_t(lineInBlock)];
    return QString::fromUtf8(block.text.constData() + start, end - start);
}

int LogLineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

QVariant LogLineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    int line = 0;
    const Block &block = blockOf(index.row(), &line);
    switch (role) {
    case Qt::DisplayRole:
    case PlainTextRole:
        return textAt(block, line);
    case SeqRole:
        return block.seqs[size_t(line)];
    case TimeRole: {
        const qint64 msecs = block.msecsSinceEpoch[size_t(line)];
        return msecs == kNoTime ? QDateTime() : QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
    }
    case StreamRole:
        return QVariant::fromValue(block.streams[size_t(line)]);
    case ColourSpansRole: {
        const auto first = block.spans.cbegin() + (line == 0 ? 0 : block.spanEnds[size_t(line) - 1]);
        const auto last = block.spans.cbegin() + block.spanEnds[size_t(line)];
        return QVariant::fromValue(QList<LogColourSpan>(first, last));
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> LogLineModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(SeqRole, QByteArrayLiteral("seq"));
    names.insert(TimeRole, QByteArrayLiteral("time"));
    names.insert(StreamRole, QByteArrayLiteral("stream"));
    names.insert(PlainTextRole, QByteArrayLiteral("plainText"));
    names.insert(ColourSpansRole, QByteArrayLiteral("colourSpans"));
    return names;
}

} // namespace vitrine::desktop
