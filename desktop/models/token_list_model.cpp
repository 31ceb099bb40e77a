#include "models/token_list_model.h"

namespace vitrine::desktop {

void TokenListModel::setTokens(QList<ApiToken> tokens, const QDateTime &now)
{
    m_now = now;
    replaceRecords(std::move(tokens));
}

int TokenListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

bool TokenListModel::isExpired(const ApiToken &token) const
{
    return token.expiresAt.isValid() && token.expiresAt <= m_now;
}

QVariant TokenListModel::data(const QModelIndex &index, int role) const
{
    if (!isShown(index))
        return {};
    const ApiToken &token = recordAt(index);
    const bool revoked = token.revokedAt.isValid();
    if (role == IdRole)
        return token.id;
    if (role == ActiveRole)
        return !revoked && !isExpired(token);
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(index.column())) {
    case Column::Description:
        return token.description;
    case Column::Created:
        return token.createdAt.isValid() ? QVariant(token.createdAt.toLocalTime()) : QVariant();
    case Column::Expires:
        return token.expiresAt.isValid() ? QVariant(token.expiresAt.toLocalTime()) : QVariant(tr("never"));
    case Column::LastUsed:
        return token.lastUsedAt.isValid() ? QVariant(token.lastUsedAt.toLocalTime()) : QVariant(tr("never"));
    case Column::Status:
        if (revoked)
            return tr("revoked");
        return isExpired(token) ? tr("expired") : tr("active");
    }
    return {};
}

QVariant TokenListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Description:
        return tr("Description");
    case Column::Created:
        return tr("Created");
    case Column::Expires:
        return tr("Expires");
    case Column::LastUsed:
        return tr("Last used");
    case Column::Status:
        return tr("Status");
    }
    return {};
}

} // namespace vitrine::desktop
