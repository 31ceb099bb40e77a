#include "models/alert_list_model.h"

namespace vitrine::desktop {

int AlertListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant AlertListModel::data(const QModelIndex &index, int role) const
{
    if (!isShown(index))
        return {};
    const Alert &alert = recordAt(index);
    switch (role) {
    case IdRole:
        return alert.id;
    case ApplicationNameRole:
        return alert.applicationName;
    case OpenRole:
        return alert.isOpen();
    case Qt::ToolTipRole:
        return static_cast<Column>(index.column()) == Column::Message ? QVariant(alert.message) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (static_cast<Column>(index.column())) {
    case Column::Application:
        return alert.applicationName;
    case Column::Kind:
        return alert.kind;
    case Column::Message:
        return alert.message;
    case Column::Opened:
        return alert.openedAt.toLocalTime();
    case Column::AcknowledgedBy:
        return alert.isOpen() ? tr("open") : alert.acknowledgedBy;
    }
    return {};
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Application:
        return tr("Application");
    case Column::Kind:
        return tr("Kind");
    case Column::Message:
        return tr("Message");
    case Column::Opened:
        return tr("Opened");
    case Column::AcknowledgedBy:
        return tr("Acknowledged by");
    }
    return {};
}

} // namespace vitrine::desktop
