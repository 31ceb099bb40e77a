#include "models/repository_list_model.h"

#include <algorithm>
#include <utility>

namespace vitrine::desktop {

namespace {

bool namedBefore(const RepositorySummary &left, const RepositorySummary &right)
{
    return left.name < right.name;
}

} // namespace

RepositoryListModel::RepositoryListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RepositoryListModel::setRepositories(QList<RepositorySummary> repositories)
{
    std::stable_sort(repositories.begin(), repositories.end(), namedBefore);
    beginResetModel();
    m_repositories = std::move(repositories);
    endResetModel();
}

void RepositoryListModel::updateRepository(RepositorySummary repository)
{
    // Names never change on the server, so an existing row keeps its place.
    if (const int existing = rowOf(repository.id); existing >= 0) {
        if (m_repositories.at(existing) == repository)
            return;
        m_repositories[existing] = std::move(repository);
        emit dataChanged(index(existing, 0), index(existing, kColumnCount - 1));
        return;
    }
    const auto position =
        std::upper_bound(m_repositories.cbegin(), m_repositories.cend(), repository, namedBefore);
    const int row = static_cast<int>(position - m_repositories.cbegin());
    beginInsertRows({}, row, row);
    m_repositories.insert(row, std::move(repository));
    endInsertRows();
}

void RepositoryListModel::removeRepository(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_repositories.removeAt(row);
    endRemoveRows();
}

std::optional<RepositorySummary> RepositoryListModel::repositoryAt(int row) const
{
    if (row < 0 || row >= m_repositories.size())
        return std::nullopt;
    return m_repositories.at(row);
}

int RepositoryListModel::rowOf(const QString &id) const
{
    const auto found = std::find_if(m_repositories.cbegin(), m_repositories.cend(),
                                    [&](const RepositorySummary &repository) { return repository.id == id; });
    return found == m_repositories.cend() ? -1 : static_cast<int>(found - m_repositories.cbegin());
}

int RepositoryListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_repositories.size());
}

int RepositoryListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant RepositoryListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RepositorySummary &repository = m_repositories.at(index.row());
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Column::Name:
            return repository.name;
        case Column::Url:
            return repository.url;
        case Column::Webhook:
            return repository.hasWebhookSecret ? tr("yes") : tr("no");
        case Column::Owners:
            return repository.owners.join(QStringLiteral(", "));
        case Column::Updated:
            return repository.updatedAt.isValid() ? QVariant(repository.updatedAt.toLocalTime()) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (column == Column::Webhook)
            return repository.hasWebhookSecret ? tr("Webhook deliveries must be signed with the secret")
                                               : tr("No webhook secret: deliveries are not checked");
        if (column == Column::Url)
            return repository.url;
        if (column == Column::Owners && !repository.owners.isEmpty())
            return repository.owners.join(QLatin1Char('\n'));
        return {};
    case IdRole:
        return repository.id;
    case OwnersRole:
        return repository.owners;
    }
    return {};
}

QVariant RepositoryListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= kColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Name:
        return tr("Name");
    case Column::Url:
        return tr("URL");
    case Column::Webhook:
        return tr("Webhook");
    case Column::Owners:
        return tr("Owners");
    case Column::Updated:
        return tr("Updated");
    }
    return {};
}

QHash<int, QByteArray> RepositoryListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "repositoryId");
    names.insert(OwnersRole, "owners");
    return names;
}

} // namespace vitrine::desktop
