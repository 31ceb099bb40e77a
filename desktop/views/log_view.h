#pragma once

#include "client/server_stream.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

class QAbstractItemModel;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolButton;

namespace vitrine::desktop {

class LogFilterModel;
class LogLineModel;

// A log (a build's or an application's output) as a table of fixed-height rows, so that it holds a million
// lines: a time column that can be hidden, and the text in its terminal colours, stderr and system lines
// marked. It follows the tail while the view is at the bottom, stops when the user scrolls up and follows
// again once they are back at the bottom (or press End, or Follow). Above it: search (next and previous,
// "3 of 120"), include and exclude filters (regular expressions; an invalid one turns its field red and the
// filter keeps its last valid pattern), the time toggle, copy and export, and the stream's status.
//
// Copy, "Copy all" and export take the lines shown (after the filters), as plain text without colours.
class LogView : public QWidget {
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);

    LogLineModel *lines() const { return m_lines; }

    // The first error among the lines shown, selected and scrolled to; following stops. An error line is one
    // whose text matches \b(error|fatal|failed|failure|exception|traceback|panic)\b, case-insensitively. The
    // program's own output (stdout and stderr) comes first: a system line (e.g. "==> Running: make || echo
    // error", or the platform's "build failed" summary) counts only when no output line matches. False when
    // no line is an error.
    bool revealFirstError();
    // Writes the lines shown to `path` as UTF-8 plain text, one per line. On failure *error says why.
    bool exportTo(const QString &path, QString *error);

    bool isFollowing() const { return m_following; }
    bool isTimeShown() const;

public slots:
    // Appends one batch as one insertion; lines already held (by seq) are ignored.
    void appendLines(const QList<vitrine::desktop::StreamedLogLine> &lines);
    void clear();
    // Shows how the stream that feeds the view stands.
    void setStreamStatus(const vitrine::desktop::StreamStatus &status);
    void setFollowing(bool following);
    void setTimeShown(bool shown);
    // Select the next (previous) line containing the search text, wrapping around, and show "n of m".
    void findNext();
    void findPrevious();
    // Put the plain text of the selected lines (of every line shown) on the clipboard.
    void copySelection();
    void copyAll();
    // Asks where to export without blocking, then calls exportTo().
    void exportWithDialog();

signals:
    void followingChanged(bool following);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applySearch();
    void applyIncludePattern();
    void applyExcludePattern();
    // Validates the field's pattern first, so an invalid one never reaches the filter (which would then
    // filter nothing) and the filter keeps the last valid one.
    void applyPattern(QLineEdit *field, bool (LogFilterModel::*setPattern)(const QString &),
                      const QString &toolTip);
    void rescanSearch();
    void scanSearchRows(int first, int last);
    void dropSearchRows(int first, int last);
    bool lineMatchesSearch(int row) const;
    // Selects the next (previous) matching row after (before) fromRow, wrapping around.
    void find(bool forward, int fromRow);
    void selectRow(int row);
    void showSearchPosition();
    void showMessage(const QString &message);
    QString plainTextOfRows(const std::vector<int> &rows) const;
    void onScrollRangeChanged(int minimum, int maximum);
    void onScrollValueChanged(int value);

    LogLineModel *m_lines;
    LogFilterModel *m_filter;
    QAbstractItemModel *m_columns; // the filter's rows as a time column and a text column
    QTableView *m_table;
    QLineEdit *m_searchField;
    QLineEdit *m_includeField;
    QLineEdit *m_excludeField;
    QLabel *m_searchPosition;
    QLabel *m_streamStatus;
    QLabel *m_message;
    QToolButton *m_followButton;
    QToolButton *m_timeButton;
    QTimer *m_searchDelay;
    QTimer *m_includeDelay;
    QTimer *m_excludeDelay;

    bool m_following = true;
    // The rows shown (filter rows) containing m_searchText, in order, kept as rows come and go.
    QString m_searchText;
    std::vector<int> m_searchRows;
};

} // namespace vitrine::desktop
