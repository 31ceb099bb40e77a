#pragma once

#include "models/admin_records.h"
#include "models/record_table_model.h"

#include <QDateTime>

namespace vitrine::desktop {

// One user's API tokens, in the server's order.
class TokenListModel : public RecordTableModel<ApiToken> {
    Q_OBJECT

public:
    enum class Column { Description, Created, Expires, LastUsed, Status };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 5;

    enum Role {
        IdRole = Qt::UserRole + 1,
        ActiveRole, // bool: neither revoked nor expired
    };

    using RecordTableModel::RecordTableModel;

    // Replaces every row; a token whose expiry is before `now` shows as expired.
    void setTokens(QList<ApiToken> tokens, const QDateTime &now);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool isExpired(const ApiToken &token) const;

    QDateTime m_now;
};

} // namespace vitrine::desktop
