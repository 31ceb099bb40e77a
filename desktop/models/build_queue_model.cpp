#include "models/build_queue_model.h"

#include "models/application_list_model.h"
#include "models/human_units.h"

#include <algorithm>

namespace vitrine::desktop {

namespace {

constexpr int kShortCommitLength = 12;

} // namespace

void BuildQueueModel::setBuilds(QList<QueuedBuild> builds, const QDateTime &now)
{
    std::stable_sort(builds.begin(), builds.end(), [](const QueuedBuild &left, const QueuedBuild &right) {
        const bool leftRuns = left.state != BuildState::Queued;
        const bool rightRuns = right.state != BuildState::Queued;
        if (leftRuns != rightRuns)
            return leftRuns;
        return left.queuePosition < right.queuePosition;
    });
    m_now = now;
    replaceRecords(std::move(builds));
}

int BuildQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant BuildQueueModel::data(const QModelIndex &index, int role) const
{
    if (!isShown(index))
        return {};
    const QueuedBuild &build = recordAt(index);
    if (role == IdRole)
        return build.id;
    if (role == Qt::ToolTipRole && static_cast<Column>(index.column()) == Column::Commit)
        return build.commit;
    if (role != Qt::DisplayRole)
        return {};
    const bool queued = build.state == BuildState::Queued;
    switch (static_cast<Column>(index.column())) {
    case Column::Position:
        return queued && build.queuePosition > 0 ? QVariant(build.queuePosition) : QVariant();
    case Column::Application:
        return build.applicationName;
    case Column::Commit:
        return build.commit.left(kShortCommitLength);
    case Column::State:
        return ApplicationListModel::buildStateText(build.state);
    case Column::Waiting: {
        const QDateTime since = queued ? build.queuedAt : build.startedAt;
        if (!since.isValid() || !m_now.isValid())
            return {};
        const QString duration = humanDuration(since.msecsTo(m_now));
        return queued ? tr("queued for %1").arg(duration) : tr("building for %1").arg(duration);
    }
    }
    return {};
}

QVariant BuildQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::Position:
        return tr("Position");
    case Column::Application:
        return tr("Application");
    case Column::Commit:
        return tr("Commit");
    case Column::State:
        return tr("State");
    case Column::Waiting:
        return tr("Waiting");
    }
    return {};
}

} // namespace vitrine::desktop
