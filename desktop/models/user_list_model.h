#pragma once

#include "models/admin_records.h"
#include "models/record_table_model.h"

namespace vitrine::desktop {

// Every account on the server, in the server's order.
class UserListModel : public RecordTableModel<UserAccount> {
    Q_OBJECT

public:
    enum class Column { Name, Role, Created };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 3;

    enum Role {
        NameRole = Qt::UserRole + 1,
    };

    using RecordTableModel::RecordTableModel;

    void setUsers(QList<UserAccount> users) { replaceRecords(std::move(users)); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace vitrine::desktop
