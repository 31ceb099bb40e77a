#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <utility>

namespace vitrine::desktop {

// A table of plain records that the server always answers whole: a reload replaces every row. Subclasses
// say what the columns show.
template<typename Record>
class RecordTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    const QList<Record> &records() const { return m_records; }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_records.size());
    }

protected:
    void replaceRecords(QList<Record> records)
    {
        beginResetModel();
        m_records = std::move(records);
        endResetModel();
    }

    // The record behind a valid index of this model.
    const Record &recordAt(const QModelIndex &index) const { return m_records.at(index.row()); }

    bool isShown(const QModelIndex &index) const
    {
        return checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid);
    }

private:
    QList<Record> m_records;
};

} // namespace vitrine::desktop
