#pragma once

#include <QAbstractProxyModel>
#include <QRegularExpression>

#include <deque>
#include <optional>

namespace vitrine::desktop {

// The lines of a log (a flat list such as LogLineModel) that match the include pattern and not the exclude
// pattern, both regular expressions over the shown text. With neither set, it passes every row through at no
// cost; with one set, it keeps only the positions of the matching rows, follows appends and drops of the
// oldest rows batch by batch, and tests only the new rows.
class LogFilterModel : public QAbstractProxyModel {
    Q_OBJECT

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *sourceModel) override;

    // An empty pattern filters nothing. An invalid pattern filters nothing either: the setter returns false
    // and the error says why, for the view to show next to the field.
    bool setIncludePattern(const QString &pattern);
    bool setExcludePattern(const QString &pattern);
    QString includePatternError() const { return m_includeError; }
    QString excludePatternError() const { return m_excludeError; }
    // Case-insensitive unless told otherwise.
    void setCaseSensitivity(Qt::CaseSensitivity sensitivity);

    // The next row after fromRow (the previous one before it) whose shown text matches, wrapping around the
    // end (the start), fromRow itself last; -1 when no row matches or the expression is invalid or empty.
    // fromRow -1 searches from the first row (the last row).
    int nextMatch(const QRegularExpression &search, int fromRow) const;
    int previousMatch(const QRegularExpression &search, int fromRow) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;

private:
    // The expression for a pattern, none when empty or invalid (with the error for the user in *error).
    static std::optional<QRegularExpression> compile(const QString &pattern, Qt::CaseSensitivity sensitivity,
                                                     QString *error);
    bool filtering() const { return m_include || m_exclude; }
    bool accepts(int sourceRow) const;
    int sourceRow(int proxyRow) const;
    bool rowMatches(const QRegularExpression &search, int row) const;
    void refilter();
    void rebuildMatches();
    void recompile();

    void onRowsAboutToBeInserted(const QModelIndex &parent, int first, int last);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);

    QString m_includePattern;
    QString m_excludePattern;
    Qt::CaseSensitivity m_caseSensitivity = Qt::CaseInsensitive;
    std::optional<QRegularExpression> m_include; // none when it filters nothing
    std::optional<QRegularExpression> m_exclude;
    QString m_includeError;
    QString m_excludeError;

    // While filtering: the matching rows, in order, as positions counted from the first row the source ever
    // had (source row + m_droppedRows), so dropping the source's oldest rows shifts no entry.
    std::deque<qint64> m_matches;
    qint64 m_droppedRows = 0;
    // Between the source's rowsAboutToBeRemoved and rowsRemoved: the matches inside the rows it removes.
    int m_removalFirst = 0;
    int m_removalCount = 0;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace vitrine::desktop
