#include "models/log_filter_model.h"

#include <algorithm>
#include <vector>

namespace vitrine::desktop {

LogFilterModel::LogFilterModel(QObject *parent)
    : QAbstractProxyModel(parent)
{
}

void LogFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    beginResetModel();
    for (const QMetaObject::Connection &connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    // Connected before the base class connects its own handlers, so this proxy has followed a change before
    // they (e.g. the header update when the source becomes empty) read it.
    if (sourceModel) {
        const auto beginReset = [this] { beginResetModel(); };
        const auto endReset = [this] {
            rebuildMatches();
            endResetModel();
        };
        m_sourceConnections = {
            connect(sourceModel, &QAbstractItemModel::rowsAboutToBeInserted, this,
                    &LogFilterModel::onRowsAboutToBeInserted),
            connect(sourceModel, &QAbstractItemModel::rowsInserted, this, &LogFilterModel::onRowsInserted),
            connect(sourceModel, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                    &LogFilterModel::onRowsAboutToBeRemoved),
            connect(sourceModel, &QAbstractItemModel::rowsRemoved, this, &LogFilterModel::onRowsRemoved),
            connect(sourceModel, &QAbstractItemModel::dataChanged, this, &LogFilterModel::onDataChanged),
            // Rare for a log: start over rather than map each change.
            connect(sourceModel, &QAbstractItemModel::modelAboutToBeReset, this, beginReset),
            connect(sourceModel, &QAbstractItemModel::modelReset, this, endReset),
            connect(sourceModel, &QAbstractItemModel::layoutAboutToBeChanged, this, beginReset),
            connect(sourceModel, &QAbstractItemModel::layoutChanged, this, endReset),
            connect(sourceModel, &QAbstractItemModel::rowsAboutToBeMoved, this, beginReset),
            connect(sourceModel, &QAbstractItemModel::rowsMoved, this, endReset),
        };
    }
    QAbstractProxyModel::setSourceModel(sourceModel);
    rebuildMatches();
    endResetModel();
}

bool LogFilterModel::setIncludePattern(const QString &pattern)
{
    if (pattern != m_includePattern) {
        m_includePattern = pattern;
        recompile();
    }
    return m_includeError.isEmpty();
}

bool LogFilterModel::setExcludePattern(const QString &pattern)
{
    if (pattern != m_excludePattern) {
        m_excludePattern = pattern;
        recompile();
    }
    return m_excludeError.isEmpty();
}

void LogFilterModel::setCaseSensitivity(Qt::CaseSensitivity sensitivity)
{
    if (sensitivity == m_caseSensitivity)
        return;
    m_caseSensitivity = sensitivity;
    recompile();
}

std::optional<QRegularExpression> LogFilterModel::compile(const QString &pattern,
                                                          Qt::CaseSensitivity sensitivity, QString *error)
{
    error->clear();
    if (pattern.isEmpty())
        return std::nullopt;
    QRegularExpression regex(pattern, sensitivity == Qt::CaseInsensitive
                                          ? QRegularExpression::CaseInsensitiveOption
                                          : QRegularExpression::NoPatternOption);
    if (!regex.isValid()) {
        *error = tr("Invalid pattern: %1 (at character %2)")
                     .arg(regex.errorString())
                     .arg(regex.patternErrorOffset() + 1);
        return std::nullopt;
    }
    regex.optimize();
    return regex;
}

void LogFilterModel::recompile()
{
    m_include = compile(m_includePattern, m_caseSensitivity, &m_includeError);
    m_exclude = compile(m_excludePattern, m_caseSensitivity, &m_excludeError);
    refilter();
}

void LogFilterModel::refilter()
{
    beginResetModel();
    rebuildMatches();
    endResetModel();
}

void LogFilterModel::rebuildMatches()
{
    m_matches.clear();
    m_droppedRows = 0;
    if (!filtering() || !sourceModel())
        return;
    const int count = sourceModel()->rowCount();
    for (int row = 0; row < count; ++row) {
        if (accepts(row))
            m_matches.push_back(row);
    }
}

bool LogFilterModel::accepts(int sourceRow) const
{
    const QString text = sourceModel()->index(sourceRow, 0).data().toString();
    if (m_include && !m_include->match(text).hasMatch())
        return false;
    return !(m_exclude && m_exclude->match(text).hasMatch());
}

int LogFilterModel::sourceRow(int proxyRow) const
{
    return filtering() ? int(m_matches[size_t(proxyRow)] - m_droppedRows) : proxyRow;
}

bool LogFilterModel::rowMatches(const QRegularExpression &search, int row) const
{
    return search.match(index(row, 0).data().toString()).hasMatch();
}

int LogFilterModel::nextMatch(const QRegularExpression &search, int fromRow) const
{
    const int count = rowCount();
    if (count == 0 || !search.isValid() || search.pattern().isEmpty())
        return -1;
    const int from = fromRow < 0 ? -1 : std::min(fromRow, count - 1);
    for (int step = 1; step <= count; ++step) {
        const int row = (from + step) % count;
        if (rowMatches(search, row))
            return row;
    }
    return -1;
}

int LogFilterModel::previousMatch(const QRegularExpression &search, int fromRow) const
{
    const int count = rowCount();
    if (count == 0 || !search.isValid() || search.pattern().isEmpty())
        return -1;
    const int from = fromRow < 0 || fromRow >= count ? count : fromRow;
    for (int step = 1; step <= count; ++step) {
        const int row = ((from - step) % count + count) % count;
        if (rowMatches(search, row))
            return row;
    }
    return -1;
}

void LogFilterModel::onRowsAboutToBeInserted(const QModelIndex &parent, int first, int last)
{
    if (!parent.isValid() && !filtering())
        beginInsertRows({}, first, last);
}

void LogFilterModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!filtering()) {
        endInsertRows();
        return;
    }
    // Rows inserted before existing ones (a log only appends) move those matches down first, so the rows the
    // view has keep mapping to the right source rows while it learns about the new ones.
    const qint64 insertedCount = last - first + 1;
    const auto at = std::lower_bound(m_matches.begin(), m_matches.end(), first + m_droppedRows);
    const auto proxyFirst = at - m_matches.begin();
    std::for_each(at, m_matches.end(), [insertedCount](qint64 &position) { position += insertedCount; });

    std::vector<qint64> added;
    for (int row = first; row <= last; ++row) {
        if (accepts(row))
            added.push_back(row + m_droppedRows);
    }
    if (added.empty())
        return;
    beginInsertRows({}, int(proxyFirst), int(proxyFirst) + int(added.size()) - 1);
    m_matches.insert(m_matches.begin() + proxyFirst, added.cbegin(), added.cend());
    endInsertRows();
}

void LogFilterModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!filtering()) {
        beginRemoveRows({}, first, last);
        return;
    }
    const auto begin = std::lower_bound(m_matches.cbegin(), m_matches.cend(), first + m_droppedRows);
    const auto end = std::lower_bound(begin, m_matches.cend(), last + 1 + m_droppedRows);
    m_removalFirst = int(begin - m_matches.cbegin());
    m_removalCount = int(end - begin);
    if (m_removalCount > 0)
        beginRemoveRows({}, m_removalFirst, m_removalFirst + m_removalCount - 1);
}

void LogFilterModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!filtering()) {
        endRemoveRows();
        return;
    }
    const auto removedBegin = m_matches.begin() + m_removalFirst;
    const auto rest = m_matches.erase(removedBegin, removedBegin + m_removalCount);
    const qint64 removedCount = last - first + 1;
    // The oldest rows going (the usual case) shift no stored position; rows going elsewhere shift those
    // after.
    if (first == 0)
        m_droppedRows += removedCount;
    else
        std::for_each(rest, m_matches.end(), [removedCount](qint64 &position) { position -= removedCount; });
    if (m_removalCount > 0)
        endRemoveRows();
}

void LogFilterModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                   const QList<int> &roles)
{
    if (!filtering()) {
        emit dataChanged(mapFromSource(topLeft), mapFromSource(bottomRight), roles);
        return;
    }
    // Changed text may match or not any more: rare in a log, so test everything again.
    refilter();
}

QModelIndex LogFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    return hasIndex(row, column, parent) ? createIndex(row, column) : QModelIndex();
}

QModelIndex LogFilterModel::parent(const QModelIndex &) const
{
    return {};
}

int LogFilterModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !sourceModel())
        return 0;
    return filtering() ? int(m_matches.size()) : sourceModel()->rowCount();
}

int LogFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

bool LogFilterModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QModelIndex LogFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!sourceModel() || !proxyIndex.isValid())
        return {};
    return sourceModel()->index(sourceRow(proxyIndex.row()), proxyIndex.column());
}

QModelIndex LogFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceModel() || !sourceIndex.isValid())
        return {};
    if (!filtering())
        return index(sourceIndex.row(), sourceIndex.column());
    const qint64 position = sourceIndex.row() + m_droppedRows;
    const auto found = std::lower_bound(m_matches.cbegin(), m_matches.cend(), position);
    if (found == m_matches.cend() || *found != position)
        return {};
    return index(int(found - m_matches.cbegin()), sourceIndex.column());
}

} // namespace vitrine::desktop
