#include "models/builder_list_model.h"

namespace vitrine::desktop {

int BuilderListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant BuilderListModel::data(const QModelIndex &index, int role) const
{
    if (!isShown(index))
        return {};
    const BuilderStatus &builder = recordAt(index);
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Name:
            return builder.name;
        case Column::Kind:
            return builder.remote ? tr("remote") : tr("local");
        case Column::Slots:
            return tr("%1 / %2 busy").arg(builder.busySlots).arg(builder.slotCount);
        case Column::Builds:
            return builder.buildIds.join(QStringLiteral(", "));
        }
    }
    if (role == Qt::ToolTipRole && column == Column::Builds && !builder.buildIds.isEmpty())
        return builder.buildIds.join(QLatin1Char('\n'));
    return {};
}

QVariant BuilderListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Name:
        return tr("Builder");
    case Column::Kind:
        return tr("Kind");
    case Column::Slots:
        return tr("Slots");
    case Column::Builds:
        return tr("Running builds");
    }
    return {};
}

} // namespace vitrine::desktop
