#pragma once

#include "models/admin_records.h"
#include "models/record_table_model.h"

namespace vitrine::desktop {

// The alerts inbox, newest first as the server lists them.
class AlertListModel : public RecordTableModel<Alert> {
    Q_OBJECT

public:
    enum class Column { Application, Kind, Message, Opened, AcknowledgedBy };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 5;

    enum Role {
        IdRole = Qt::UserRole + 1,
        ApplicationNameRole,
        OpenRole, // bool: nobody acknowledged it yet
    };

    using RecordTableModel::RecordTableModel;

    void setAlerts(QList<Alert> alerts) { replaceRecords(std::move(alerts)); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace vitrine::desktop
