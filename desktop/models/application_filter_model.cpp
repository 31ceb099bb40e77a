#include "models/application_filter_model.h"

#include "models/application_list_model.h"

namespace vitrine::desktop {

ApplicationFilterModel::ApplicationFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ApplicationListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void ApplicationFilterModel::setSearchText(const QString &text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    m_foldedSearchText = text.toCaseFolded();
    invalidateRowsFilter();
}

void ApplicationFilterModel::setStates(const QSet<ApplicationState> &states)
{
    if (states == m_states)
        return;
    m_states = states;
    invalidateRowsFilter();
}

void ApplicationFilterModel::setOwner(const QString &owner)
{
    if (owner == m_owner)
        return;
    m_owner = owner;
    invalidateRowsFilter();
}

bool ApplicationFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_states.isEmpty() &&
        !m_states.contains(static_cast<ApplicationState>(row.data(ApplicationListModel::StateRole).toInt())))
        return false;
    if (!m_owner.isEmpty() && !row.data(ApplicationListModel::OwnersRole).toStringList().contains(m_owner))
        return false;
    return m_foldedSearchText.isEmpty() ||
           row.data(ApplicationListModel::SearchTextRole).toString().contains(m_foldedSearchText);
}

bool ApplicationFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant leftValue = left.data(sortRole());
    const QVariant rightValue = right.data(sortRole());
    int order = 0;
    if (leftValue.userType() == QMetaType::QString)
        order = leftValue.toString().compare(rightValue.toString(), sortCaseSensitivity());
    else
        order = leftValue.toLongLong() < rightValue.toLongLong()   ? -1
                : rightValue.toLongLong() < leftValue.toLongLong() ? 1
                                                                   : 0;
    if (order != 0)
        return order < 0;
    // Equal keys (two running apps, say) fall back to the name, so the order never looks random.
    const auto name = [](const QModelIndex &index) {
        return index.siblingAtColumn(static_cast<int>(ApplicationListModel::Column::Name)).data().toString();
    };
    return name(left).compare(name(right), Qt::CaseInsensitive) < 0;
}

} // namespace vitrine::desktop
