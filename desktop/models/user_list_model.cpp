#include "models/user_list_model.h"

namespace vitrine::desktop {

int UserListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant UserListModel::data(const QModelIndex &index, int role) const
{
    if (!isShown(index))
        return {};
    const UserAccount &user = recordAt(index);
    if (role == NameRole)
        return user.name;
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(index.column())) {
    case Column::Name:
        return user.name;
    case Column::Role:
        return user.admin ? tr("admin") : tr("member");
    case Column::Created:
        return user.createdAt.isValid() ? QVariant(user.createdAt.toLocalTime()) : QVariant();
    }
    return {};
}

QVariant UserListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Name:
        return tr("User");
    case Column::Role:
        return tr("Role");
    case Column::Created:
        return tr("Created");
    }
    return {};
}

} // namespace vitrine::desktop
