#include "models/application_list_model.h"

#include <utility>

namespace vitrine::desktop {

ApplicationListModel::ApplicationListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ApplicationListModel::setApplications(QList<ApplicationSummary> applications)
{
    beginResetModel();
    m_applications = std::move(applications);
    endResetModel();
}

int ApplicationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_applications.size());
}

int ApplicationListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant ApplicationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApplicationSummary &application = m_applications.at(index.row());
    const auto column = static_cast<Column>(index.column());

    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Name:
            return application.name;
        case Column::Repository:
            return application.repository;
        case Column::Ref:
            return application.ref;
        case Column::Type:
            return application.buildType;
        case Column::Websites:
            return application.websites.join(QStringLiteral(", "));
        case Column::Owners:
            return application.owners.join(QStringLiteral(", "));
        }
    }
    // A narrow column cuts a long list short; the tooltip shows all of it, one per line.
    if (role == Qt::ToolTipRole) {
        if (column == Column::Websites && !application.websites.isEmpty())
            return application.websites.join(QLatin1Char('\n'));
        if (column == Column::Owners && !application.owners.isEmpty())
            return application.owners.join(QLatin1Char('\n'));
    }
    return {};
}

QVariant ApplicationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= kColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Name:
        return tr("Name");
    case Column::Repository:
        return tr("Repository");
    case Column::Ref:
        return tr("Ref");
    case Column::Type:
        return tr("Type");
    case Column::Websites:
        return tr("Websites");
    case Column::Owners:
        return tr("Owners");
    }
    return {};
}

} // namespace vitrine::desktop
