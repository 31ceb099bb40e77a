#pragma once

#include "models/admin_records.h"
#include "models/record_table_model.h"

#include <QDateTime>

namespace vitrine::desktop {

// The global build queue: running builds first, then the queued ones by their place in the fair queue.
class BuildQueueModel : public RecordTableModel<QueuedBuild> {
    Q_OBJECT

public:
    enum class Column { Position, Application, Commit, State, Waiting };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 5;

    enum Role {
        IdRole = Qt::UserRole + 1,
    };

    using RecordTableModel::RecordTableModel;

    // Replaces every row; "queued for …" counts up to `now`.
    void setBuilds(QList<QueuedBuild> builds, const QDateTime &now);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QDateTime m_now;
};

} // namespace vitrine::desktop
