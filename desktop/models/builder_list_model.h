#pragma once

#include "models/admin_records.h"
#include "models/record_table_model.h"

namespace vitrine::desktop {

// The places builds run, one row each: the server's own slots first, as the server lists them.
class BuilderListModel : public RecordTableModel<BuilderStatus> {
    Q_OBJECT

public:
    enum class Column { Name, Kind, Slots, Builds };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 4;

    using RecordTableModel::RecordTableModel;

    void setBuilders(QList<BuilderStatus> builders) { replaceRecords(std::move(builders)); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace vitrine::desktop
