#include "views/log_view.h"

#include "models/log_filter_model.h"
#include "models/log_line_model.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <chrono>
#include <numeric>
#include <tuple>

namespace vitrine::desktop {

namespace {

constexpr int kTimeColumn = 0;
constexpr int kTextColumn = 1;
// Typing in a field waits this long before filtering or searching a million lines again.
constexpr std::chrono::milliseconds kTypingDelay{250};
constexpr int kMarkerWidth = 3;
constexpr int kTextMargin = 4;
constexpr qsizetype kExportChunkBytes = 1 << 20;

LogLineModel::Stream toModelStream(StreamedLogLine::Source source)
{
    switch (source) {
    case StreamedLogLine::Source::Stdout:
        return LogLineModel::Stream::Stdout;
    case StreamedLogLine::Source::Stderr:
        return LogLineModel::Stream::Stderr;
    case StreamedLogLine::Source::System:
        return LogLineModel::Stream::System;
    }
    return LogLineModel::Stream::Stdout;
}

// The filter's rows (one column of text) as two columns: the time, then the text. Rows map one to one, so
// every row signal passes through as QIdentityProxyModel forwards it; the filter never moves rows or changes
// the layout (it resets instead), so no persistent index needs mapping by column.
class LogColumnsModel : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : 2; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override
    {
        return hasIndex(row, column, parent) ? createIndex(row, column) : QModelIndex();
    }

    QModelIndex sibling(int row, int column, const QModelIndex &index) const override
    {
        return this->index(row, column, index.parent());
    }

    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override
    {
        return proxyIndex.isValid() && sourceModel() ? sourceModel()->index(proxyIndex.row(), 0)
                                                     : QModelIndex();
    }

    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override
    {
        return sourceIndex.isValid() ? createIndex(sourceIndex.row(), kTextColumn) : QModelIndex();
    }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override
    {
        if (index.column() == kTimeColumn &&
            (role == Qt::DisplayRole || role == LogLineModel::PlainTextRole)) {
            const QDateTime time = mapToSource(index).data(LogLineModel::TimeRole).toDateTime();
            return time.isValid() ? time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) : QString();
        }
        return QIdentityProxyModel::data(index, role);
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return QIdentityProxyModel::headerData(section, orientation, role);
        return section == kTimeColumn ? LogView::tr("Time") : LogView::tr("Text");
    }
};

// Draws a line's text in its terminal colours, with stderr lines in red and system lines in italics, each
// with a coloured mark at the left edge.
class LogTextDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem item = option;
        initStyleOption(&item, index);
        QString text = item.text;
        item.text.clear();
        const QWidget *widget = item.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &item, painter, widget);

        const bool selected = item.state.testFlag(QStyle::State_Selected);
        const bool dark = item.palette.color(QPalette::Base).lightness() < 128;
        QColor defaultColour = item.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
        QFont font = item.font;
        const auto stream = index.data(LogLineModel::StreamRole).value<LogLineModel::Stream>();
        const QRect rect = item.rect;

        painter->save();
        painter->setClipRect(rect);
        if (stream != LogLineModel::Stream::Stdout) {
            const QColor mark = ansiColour(stream == LogLineModel::Stream::Stderr ? kRed : kBlue, dark);
            painter->fillRect(QRect(rect.left(), rect.top(), kMarkerWidth, rect.height()), mark);
            if (stream == LogLineModel::Stream::Stderr && !selected)
                defaultColour = mark;
            if (stream == LogLineModel::Stream::System)
                font.setItalic(true);
        }
        QFont boldFont = font;
        boldFont.setBold(true);
        const QFontMetricsF metrics(font);
        // Only what fits is drawn: a minified file can make one line megabytes long.
        const qsizetype visibleCharacters =
            qsizetype(rect.width() / std::max(1.0, metrics.horizontalAdvance(QLatin1Char('i')))) + 1;
        text.truncate(visibleCharacters);
        const qreal baseline = rect.top() + (rect.height() - metrics.height()) / 2 + metrics.ascent();
        qreal x = rect.left() + kMarkerWidth + kTextMargin;

        const auto drawRun = [&](qsizetype start, qsizetype length, const QColor &colour, bool bold) {
            if (start >= text.size() || length <= 0 || x > rect.right())
                return;
            const QString run = text.mid(start, length);
            painter->setFont(bold ? boldFont : font);
            painter->setPen(colour);
            painter->drawText(QPointF(x, baseline), run);
            x += QFontMetricsF(painter->font()).horizontalAdvance(run);
        };
        qsizetype position = 0;
        const auto spans = index.data(LogLineModel::ColourSpansRole).value<QList<LogColourSpan>>();
        for (const LogColourSpan &span : spans) {
            drawRun(position, span.start - position, defaultColour, false);
            drawRun(span.start, span.length, span.colour < 0 ? defaultColour : ansiColour(span.colour, dark),
                    span.bold);
            position = span.start + span.length;
        }
        drawRun(position, text.size() - position, defaultColour, false);
        painter->restore();
    }

private:
    static constexpr int kRed = 1;
    static constexpr int kBlue = 4;

    // The 16 ANSI colours, readable on a dark or a light background: on a light one, "white" and "bright
    // white" would vanish, so they are greys.
    static QColor ansiColour(int colour, bool darkBackground)
    {
        static const std::array<QRgb, 16> onDark = {
            0x5e5c64, 0xf66151, 0x33d17a, 0xe9ad0c, 0x5e9ef0, 0xc061cb, 0x33c7de, 0xd0cfcc,
            0x9a9996, 0xff7b63, 0x57e389, 0xf8e45c, 0x99c1f1, 0xdc8add, 0x93ddeb, 0xffffff,
        };
        static const std::array<QRgb, 16> onLight = {
            0x000000, 0xc01c28, 0x26a269, 0x986a00, 0x12488b, 0xa347ba, 0x1a7f8e, 0x77767b,
            0x5e5c64, 0xe01b24, 0x2ec27e, 0xb88100, 0x1c71d8, 0xc061cb, 0x2190a0, 0x9a9996,
        };
        return QColor((darkBackground ? onDark : onLight).at(size_t(std::clamp(colour, 0, 15))));
    }
};

// The field's colours while its pattern is invalid: its background tinted red.
QPalette invalidPalette(const QWidget *field)
{
    QPalette palette = field->palette();
    const QColor base = palette.color(QPalette::Base);
    const QColor red(220, 40, 40);
    constexpr double kTint = 0.35;
    palette.setColor(QPalette::Base,
                     QColor::fromRgbF(float(base.redF() * (1 - kTint) + red.redF() * kTint),
                                      float(base.greenF() * (1 - kTint) + red.greenF() * kTint),
                                      float(base.blueF() * (1 - kTint) + red.blueF() * kTint)));
    return palette;
}

QToolButton *makeToolButton(QWidget *parent, const QString &objectName, const QString &text,
                            const QString &toolTip)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(toolTip);
    return button;
}

QLineEdit *makeField(QWidget *parent, const QString &objectName, const QString &placeholder,
                     const QString &toolTip)
{
    auto *field = new QLineEdit(parent);
    field->setObjectName(objectName);
    field->setPlaceholderText(placeholder);
    field->setToolTip(toolTip);
    field->setClearButtonEnabled(true);
    return field;
}

QTimer *makeTypingDelay(QObject *parent)
{
    auto *timer = new QTimer(parent);
    timer->setSingleShot(true);
    timer->setInterval(kTypingDelay);
    return timer;
}

} // namespace

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_lines(new LogLineModel(this))
    , m_filter(new LogFilterModel(this))
    , m_columns(new LogColumnsModel(this))
    , m_table(new QTableView(this))
    , m_searchField(makeField(this, QStringLiteral("logSearchField"), tr("Search"),
                              tr("Find lines containing this text (Enter: next, Shift+Enter: previous)")))
    , m_includeField(makeField(this, QStringLiteral("logIncludeField"), tr("Include (regex)"),
                               tr("Show only the lines matching this regular expression")))
    , m_excludeField(makeField(this, QStringLiteral("logExcludeField"), tr("Exclude (regex)"),
                               tr("Hide the lines matching this regular expression")))
    , m_searchPosition(new QLabel(this))
    , m_streamStatus(new QLabel(this))
    , m_message(new QLabel(this))
    , m_followButton(makeToolButton(this, QStringLiteral("logFollowButton"), tr("Follow"),
                                    tr("Keep the newest line in view")))
    , m_timeButton(
          makeToolButton(this, QStringLiteral("logTimeButton"), tr("Time"), tr("Show the time column")))
    , m_searchDelay(makeTypingDelay(this))
    , m_includeDelay(makeTypingDelay(this))
    , m_excludeDelay(makeTypingDelay(this))
{
    m_filter->setSourceModel(m_lines);
    static_cast<LogColumnsModel *>(m_columns)->setSourceModel(m_filter);

    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_columns);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setItemDelegateForColumn(kTextColumn, new LogTextDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setCornerButtonEnabled(false);
    // Fixed, uniform row heights let the table count rows instead of measuring them: a million stay smooth.
    QHeaderView *rows = m_table->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_table->fontMetrics().height() + 2);
    QHeaderView *columns = m_table->horizontalHeader();
    columns->hide();
    columns->setStretchLastSection(true);
    columns->setSectionResizeMode(kTimeColumn, QHeaderView::Fixed);
    columns->resizeSection(kTimeColumn,
                           m_table->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000")) + 12);
    m_table->installEventFilter(this);

    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copyAction = new QAction(tr("Copy"), m_table);
    connect(copyAction, &QAction::triggered, this, &LogView::copySelection);
    auto *copyAllAction = new QAction(tr("Copy all"), m_table);
    connect(copyAllAction, &QAction::triggered, this, &LogView::copyAll);
    auto *exportAction = new QAction(tr("Export…"), m_table);
    connect(exportAction, &QAction::triggered, this, &LogView::exportWithDialog);
    m_table->addActions({copyAction, copyAllAction, exportAction});

    auto *previousButton = makeToolButton(this, QStringLiteral("logFindPreviousButton"), tr("Previous"),
                                          tr("Find the previous line containing the search text"));
    previousButton->setArrowType(Qt::UpArrow);
    auto *nextButton = makeToolButton(this, QStringLiteral("logFindNextButton"), tr("Next"),
                                      tr("Find the next line containing the search text"));
    nextButton->setArrowType(Qt::DownArrow);
    auto *copyAllButton = makeToolButton(this, QStringLiteral("logCopyAllButton"), tr("Copy all"),
                                         tr("Copy every line shown to the clipboard"));
    auto *exportButton = makeToolButton(this, QStringLiteral("logExportButton"), tr("Export…"),
                                        tr("Save the lines shown to a text file"));
    m_searchPosition->setObjectName(QStringLiteral("logSearchPosition"));
    m_streamStatus->setObjectName(QStringLiteral("logStreamStatus"));
    m_message->setObjectName(QStringLiteral("logMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_followButton->setCheckable(true);
    m_followButton->setChecked(m_following);
    m_timeButton->setCheckable(true);
    m_timeButton->setChecked(true);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_searchField, 2);
    toolbar->addWidget(previousButton);
    toolbar->addWidget(nextButton);
    toolbar->addWidget(m_searchPosition);
    toolbar->addSpacing(12);
    toolbar->addWidget(m_includeField, 2);
    toolbar->addWidget(m_excludeField, 2);
    toolbar->addWidget(m_timeButton);
    toolbar->addWidget(m_followButton);
    toolbar->addWidget(copyAllButton);
    toolbar->addWidget(exportButton);
    auto *statusBar = new QHBoxLayout;
    statusBar->addWidget(m_streamStatus);
    statusBar->addStretch();
    statusBar->addWidget(m_message);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(toolbar);
    layout->addWidget(m_table, 1);
    layout->addLayout(statusBar);

    connect(m_searchField, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &LogView::applySearch);
    connect(m_searchField, &QLineEdit::returnPressed, this, [this] {
        if (m_searchDelay->isActive()) {
            m_searchDelay->stop();
            applySearch();
        } else if (QApplication::keyboardModifiers().testFlag(Qt::ShiftModifier)) {
            findPrevious();
        } else {
            findNext();
        }
    });
    connect(previousButton, &QToolButton::clicked, this, &LogView::findPrevious);
    connect(nextButton, &QToolButton::clicked, this, &LogView::findNext);
    connect(m_includeField, &QLineEdit::textChanged, m_includeDelay, qOverload<>(&QTimer::start));
    connect(m_includeDelay, &QTimer::timeout, this, &LogView::applyIncludePattern);
    connect(m_excludeField, &QLineEdit::textChanged, m_excludeDelay, qOverload<>(&QTimer::start));
    connect(m_excludeDelay, &QTimer::timeout, this, &LogView::applyExcludePattern);
    for (auto [field, delay, apply] :
         {std::tuple(m_includeField, m_includeDelay, &LogView::applyIncludePattern),
          std::tuple(m_excludeField, m_excludeDelay, &LogView::applyExcludePattern)}) {
        connect(field, &QLineEdit::returnPressed, this, [this, delay, apply] {
            delay->stop();
            (this->*apply)();
        });
    }
    connect(m_followButton, &QToolButton::clicked, this, &LogView::setFollowing);
    connect(m_timeButton, &QToolButton::clicked, this, &LogView::setTimeShown);
    connect(copyAllButton, &QToolButton::clicked, this, &LogView::copyAll);
    connect(exportButton, &QToolButton::clicked, this, &LogView::exportWithDialog);

    QScrollBar *scrollBar = m_table->verticalScrollBar();
    connect(scrollBar, &QScrollBar::rangeChanged, this, &LogView::onScrollRangeChanged);
    connect(scrollBar, &QScrollBar::valueChanged, this, &LogView::onScrollValueChanged);

    connect(m_filter, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { scanSearchRows(first, last); });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this,
            [this](const QModelIndex &, int first, int last) { dropSearchRows(first, last); });
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LogView::rescanSearch);
}

bool LogView::isTimeShown() const
{
    return !m_table->isColumnHidden(kTimeColumn);
}

void LogView::appendLines(const QList<StreamedLogLine> &lines)
{
    QList<LogLineModel::Line> batch;
    batch.reserve(lines.size());
    for (const StreamedLogLine &line : lines)
        batch.append({line.seq, line.time, toModelStream(line.source), line.text});
    m_lines->appendBatch(std::move(batch));
}

void LogView::clear()
{
    m_lines->clear();
    m_message->clear();
}

void LogView::setStreamStatus(const StreamStatus &status)
{
    m_streamStatus->setToolTip(status.reason);
    switch (status.state) {
    case StreamStatus::State::Stopped:
        m_streamStatus->clear();
        return;
    case StreamStatus::State::Connecting:
        m_streamStatus->setText(tr("Connecting…"));
        return;
    case StreamStatus::State::Live:
        m_streamStatus->setText(tr("Live"));
        return;
    case StreamStatus::State::Reconnecting: {
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(status.retryIn).count();
        m_streamStatus->setText(tr("Reconnecting in %n s", nullptr, static_cast<int>(seconds)));
        return;
    }
    case StreamStatus::State::Finished:
        m_streamStatus->setText(tr("Finished"));
        return;
    case StreamStatus::State::Failed:
        m_streamStatus->setText(tr("Failed: %1").arg(status.reason));
        return;
    }
}

void LogView::setFollowing(bool following)
{
    if (following != m_following) {
        m_following = following;
        emit followingChanged(following);
    }
    m_followButton->setChecked(following);
    if (following)
        m_table->scrollToBottom();
}

void LogView::setTimeShown(bool shown)
{
    m_table->setColumnHidden(kTimeColumn, !shown);
    m_timeButton->setChecked(shown);
}

void LogView::onScrollRangeChanged(int, int maximum)
{
    // New rows grew the range: stay at the bottom while following.
    if (m_following)
        m_table->verticalScrollBar()->setValue(maximum);
}

void LogView::onScrollValueChanged(int value)
{
    setFollowing(value >= m_table->verticalScrollBar()->maximum());
}

bool LogView::eventFilter(QObject *watched, QEvent *event)
{
    // The table copies only its current cell by itself; a window-wide Copy shortcut must not take the keys.
    if (watched == m_table &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) &&
        static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
        if (event->type() == QEvent::KeyPress)
            copySelection();
        event->accept();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void LogView::applySearch()
{
    m_searchText = m_searchField->text();
    rescanSearch();
    // From the current line itself, so that typing on keeps the line found while it still matches.
    if (!m_searchText.isEmpty())
        find(true, m_table->currentIndex().row() - 1);
}

void LogView::applyIncludePattern()
{
    applyPattern(m_includeField, &LogFilterModel::setIncludePattern,
                 tr("Show only the lines matching this regular expression"));
}

void LogView::applyExcludePattern()
{
    applyPattern(m_excludeField, &LogFilterModel::setExcludePattern,
                 tr("Hide the lines matching this regular expression"));
}

void LogView::applyPattern(QLineEdit *field, bool (LogFilterModel::*setPattern)(const QString &),
                           const QString &toolTip)
{
    const QString pattern = field->text();
    const QRegularExpression expression(pattern);
    if (!expression.isValid()) {
        field->setProperty("invalid", true);
        field->setPalette(invalidPalette(field));
        field->setToolTip(tr("Invalid pattern: %1 (at character %2)")
                              .arg(expression.errorString())
                              .arg(expression.patternErrorOffset() + 1));
        return;
    }
    field->setProperty("invalid", false);
    field->setPalette({});
    field->setToolTip(toolTip);
    (m_filter->*setPattern)(pattern);
}

bool LogView::lineMatchesSearch(int row) const
{
    return m_filter->index(row, 0).data().toString().contains(m_searchText, Qt::CaseInsensitive);
}

void LogView::rescanSearch()
{
    m_searchRows.clear();
    if (!m_searchText.isEmpty())
        scanSearchRows(0, m_filter->rowCount() - 1);
    else
        showSearchPosition();
}

void LogView::scanSearchRows(int first, int last)
{
    if (m_searchText.isEmpty())
        return;
    // The filter inserts only at the end; rows in the middle would need a fresh scan.
    if (!m_searchRows.empty() && first <= m_searchRows.back()) {
        m_searchRows.clear();
        first = 0;
        last = m_filter->rowCount() - 1;
    }
    for (int row = first; row <= last; ++row) {
        if (lineMatchesSearch(row))
            m_searchRows.push_back(row);
    }
    showSearchPosition();
}

void LogView::dropSearchRows(int first, int last)
{
    if (m_searchText.isEmpty())
        return;
    const int count = last - first + 1;
    const auto begin = std::lower_bound(m_searchRows.begin(), m_searchRows.end(), first);
    const auto end = std::upper_bound(begin, m_searchRows.end(), last);
    for (auto later = end; later != m_searchRows.end(); ++later)
        *later -= count;
    m_searchRows.erase(begin, end);
    showSearchPosition();
}

void LogView::findNext()
{
    find(true, m_table->currentIndex().row());
}

void LogView::findPrevious()
{
    find(false, m_table->currentIndex().row());
}

void LogView::find(bool forward, int fromRow)
{
    if (m_searchDelay->isActive()) {
        m_searchDelay->stop();
        m_searchText = m_searchField->text();
        rescanSearch();
    }
    if (m_searchRows.empty()) {
        showSearchPosition();
        return;
    }
    int row = 0;
    if (forward) {
        const auto next = std::upper_bound(m_searchRows.begin(), m_searchRows.end(), fromRow);
        row = next == m_searchRows.end() ? m_searchRows.front() : *next;
    } else {
        const auto next = std::lower_bound(m_searchRows.begin(), m_searchRows.end(), fromRow);
        row = next == m_searchRows.begin() ? m_searchRows.back() : *std::prev(next);
    }
    selectRow(row);
    showSearchPosition();
}

void LogView::selectRow(int row)
{
    setFollowing(false);
    const QModelIndex index = m_columns->index(row, kTextColumn);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void LogView::showSearchPosition()
{
    if (m_searchText.isEmpty()) {
        m_searchPosition->clear();
        return;
    }
    if (m_searchRows.empty()) {
        m_searchPosition->setText(tr("No matches"));
        return;
    }
    const int current = m_table->currentIndex().row();
    const auto found = std::lower_bound(m_searchRows.begin(), m_searchRows.end(), current);
    const int total = int(m_searchRows.size());
    if (found != m_searchRows.end() && *found == current)
        m_searchPosition->setText(tr("%1 of %2").arg(int(found - m_searchRows.begin()) + 1).arg(total));
    else
        m_searchPosition->setText(total == 1 ? tr("1 match") : tr("%1 matches").arg(total));
}

bool LogView::revealFirstError()
{
    static const QRegularExpression errorPattern(
        QStringLiteral("\\b(error|fatal|failed|failure|exception|traceback|panic)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    int firstSystemError = -1;
    const int count = m_filter->rowCount();
    for (int row = 0; row < count; ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        const bool system = index.data(LogLineModel::StreamRole).value<LogLineModel::Stream>() ==
                            LogLineModel::Stream::System;
        if (system && firstSystemError >= 0)
            continue;
        if (!errorPattern.match(index.data().toString()).hasMatch())
            continue;
        if (!system) {
            selectRow(row);
            return true;
        }
        firstSystemError = row;
    }
    if (firstSystemError < 0)
        return false;
    selectRow(firstSystemError);
    return true;
}

QString LogView::plainTextOfRows(const std::vector<int> &rows) const
{
    QStringList texts;
    texts.reserve(qsizetype(rows.size()));
    for (const int row : rows)
        texts.append(m_filter->index(row, 0).data().toString());
    return texts.join(QLatin1Char('\n'));
}

void LogView::copySelection()
{
    std::vector<int> rows;
    for (const QItemSelectionRange &range : m_table->selectionModel()->selection()) {
        for (int row = range.top(); row <= range.bottom(); ++row)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (rows.empty())
        return;
    QApplication::clipboard()->setText(plainTextOfRows(rows));
    showMessage(tr("Lines copied: %1").arg(rows.size()));
}

void LogView::copyAll()
{
    std::vector<int> rows(size_t(m_filter->rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    QApplication::clipboard()->setText(plainTextOfRows(rows));
    showMessage(tr("Lines copied: %1").arg(rows.size()));
}

bool LogView::exportTo(const QString &path, QString *error)
{
    QSaveFile file(path);
    const auto failure = [&] {
        if (error)
            *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return failure();
    QByteArray chunk;
    const int count = m_filter->rowCount();
    for (int row = 0; row < count; ++row) {
        chunk += m_filter->index(row, 0).data().toString().toUtf8();
        chunk += '\n';
        if (chunk.size() >= kExportChunkBytes || row == count - 1) {
            if (file.write(chunk) != chunk.size())
                return failure();
            chunk.clear();
        }
    }
    if (!file.commit())
        return failure();
    return true;
}

void LogView::exportWithDialog()
{
    auto *dialog = new QFileDialog(this, tr("Export log"), QDir::homePath(), tr("Text files (*.txt *.log)"));
    dialog->setObjectName(QStringLiteral("logExportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("log"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QString error;
        if (exportTo(path, &error))
            showMessage(
                tr("Lines exported to %1: %2").arg(QDir::toNativeSeparators(path)).arg(m_filter->rowCount()));
        else
            showMessage(error);
    });
    dialog->open();
}

void LogView::showMessage(const QString &message)
{
    m_message->setText(message);
}

} // namespace vitrine::desktop
