#include "views/env_var_editor.h"

#include <QCheckBox>
#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace vitrine::desktop {

namespace {

enum Column { KeyColumn, ValueColumn, ColumnCount };

const QColor kErrorCellColor(0xff, 0xcd, 0xd2);

// Shows values as dots, and edits them unseen, unless the user asked to see them.
class MaskingDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setMasked(bool masked) { m_masked = masked; }

    QString displayText(const QVariant &value, const QLocale &locale) const override
    {
        // A fixed length: the dots do not tell how long a secret is.
        if (m_masked && !value.toString().isEmpty())
            return QString(8, QChar(0x2022));
        return QStyledItemDelegate::displayText(value, locale);
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *edit = qobject_cast<QLineEdit *>(editor))
            edit->setEchoMode(m_masked ? QLineEdit::Password : QLineEdit::Normal);
        return editor;
    }

private:
    bool m_masked = true;
};

// The message without the server's "field: " in front; the row it concerns is marked.
QString problemOf(const QString &field, const QString &message)
{
    const QString prefix = field + QStringLiteral(": ");
    return message.startsWith(prefix) ? message.mid(prefix.size()) : message;
}

} // namespace

EnvVarEditor::EnvVarEditor(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount))
    , m_showValues(new QCheckBox(tr("Show &values")))
    , m_error(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_table->setObjectName(QStringLiteral("envTable"));
    m_table->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setMinimumSectionSize(160);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *delegate = new MaskingDelegate(m_table);
    m_table->setItemDelegateForColumn(ValueColumn, delegate);
    layout->addWidget(m_table);

    m_error->setObjectName(QStringLiteral("envErrorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add variable"));
    add->setObjectName(QStringLiteral("addEnvVarButton"));
    auto *remove = new QPushButton(tr("&Remove variable"));
    remove->setObjectName(QStringLiteral("removeEnvVarButton"));
    m_showValues->setObjectName(QStringLiteral("showValuesCheck"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    buttons->addWidget(m_showValues);
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        addRow({});
        m_table->setCurrentCell(m_table->rowCount() - 1, KeyColumn);
        m_table->editItem(m_table->currentItem());
        emit edited();
    });
    connect(remove, &QPushButton::clicked, this, &EnvVarEditor::removeSelectedRows);
    connect(m_showValues, &QCheckBox::toggled, this, [this, delegate](bool shown) {
        delegate->setMasked(!shown);
        m_table->viewport()->update();
    });
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (item->column() == KeyColumn)
            validate();
        emit edited();
    });
}

void EnvVarEditor::setVariables(const QList<EnvVar> &vars)
{
    {
        const QSignalBlocker blocker(m_table);
        m_table->setRowCount(0);
    }
    for (const EnvVar &var : vars)
        addRow(var);
    clearErrors();
}

QList<EnvVar> EnvVarEditor::variables() const
{
    QList<EnvVar> vars;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const EnvVar var{m_table->item(row, KeyColumn)->text().trimmed(),
                         m_table->item(row, ValueColumn)->text()};
        if (!var.key.isEmpty() || !var.value.isEmpty())
            vars.append(var);
    }
    return vars;
}

bool EnvVarEditor::validate()
{
    static const QRegularExpression keyPattern(QStringLiteral("^[A-Z_][A-Z0-9_]*$"));
    clearErrors();
    QStringList problems;
    QSet<QString> seen;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString key = m_table->item(row, KeyColumn)->text().trimmed();
        const QString value = m_table->item(row, ValueColumn)->text();
        QString problem;
        if (key.isEmpty() && value.isEmpty())
            continue;
        if (key.isEmpty())
            problem = tr("Row %1: a variable needs a key.").arg(row + 1);
        else if (!keyPattern.match(key).hasMatch())
            problem = tr("%1: a key may hold only capital letters, digits and '_', and must not start with "
                         "a digit.")
                          .arg(key);
        else if (seen.contains(key))
            problem = tr("%1 is given more than once.").arg(key);
        seen.insert(key);
        if (!problem.isEmpty()) {
            markRow(row, problem);
            problems.append(problem);
        }
    }
    if (!problems.isEmpty())
        showError(problems.join(u'\n'));
    return problems.isEmpty();
}

void EnvVarEditor::showServerError(const QString &field, const QString &message, const QStringList &keys)
{
    const QString problem = problemOf(field, message);
    QString key;
    static const QRegularExpression keyIndex(QStringLiteral(R"(^keys\[(\d+)\]$)"));
    if (const QRegularExpressionMatch match = keyIndex.match(field); match.hasMatch())
        key = keys.value(match.captured(1).toInt());
    else if (field.startsWith(QStringLiteral("env.")))
        key = field.mid(4);
    const int row = key.isEmpty() ? -1 : rowOfKey(key);
    if (row >= 0) {
        markRow(row, problem);
        showError(QStringLiteral("%1: %2").arg(key, problem));
    } else {
        showError(message);
    }
}

void EnvVarEditor::clearErrors()
{
    const QSignalBlocker blocker(m_table);
    for (int row = 0; row < m_table->rowCount(); ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            m_table->item(row, column)->setData(Qt::BackgroundRole, {});
            m_table->item(row, column)->setToolTip({});
        }
    }
    m_error->clear();
    m_error->hide();
}

void EnvVarEditor::addRow(const EnvVar &var)
{
    const QSignalBlocker blocker(m_table);
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, KeyColumn, new QTableWidgetItem(var.key));
    m_table->setItem(row, ValueColumn, new QTableWidgetItem(var.value));
}

void EnvVarEditor::removeSelectedRows()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty() && m_table->currentRow() >= 0)
        rows.append(m_table->currentRow());
    if (rows.isEmpty())
        return;
    // From the bottom, so the rows still to remove keep their numbers.
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : rows)
        m_table->removeRow(row);
    validate();
    emit edited();
}

void EnvVarEditor::markRow(int row, const QString &message)
{
    const QSignalBlocker blocker(m_table);
    for (int column = 0; column < ColumnCount; ++column) {
        m_table->item(row, column)->setBackground(kErrorCellColor);
        m_table->item(row, column)->setToolTip(message);
    }
}

void EnvVarEditor::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

int EnvVarEditor::rowOfKey(const QString &key) const
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, KeyColumn)->text().trimmed() == key)
            return row;
    }
    return -1;
}

} // namespace vitrine::desktop
