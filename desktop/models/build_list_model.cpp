#include "models/build_list_model.h"

#include "models/human_units.h"

#include <utility>

namespace vitrine::desktop {

namespace {

constexpr qsizetype kShortCommitLength = 7;

bool isRunning(const BuildSummary &build)
{
    return build.startedAt.isValid() && !build.finishedAt.isValid();
}

} // namespace

BuildListModel::BuildListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BuildListModel::setBuilds(const QList<BuildSummary> &builds)
{
    QHash<QString, const BuildSummary *> incoming;
    incoming.reserve(builds.size());
    for (const BuildSummary &build : builds)
        incoming.insert(build.id, &build);

    // Gone from the server's list: removed, one removal per run of neighbouring rows.
    for (int last = static_cast<int>(m_builds.size()) - 1; last >= 0;) {
        if (incoming.contains(m_builds.at(last).id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !incoming.contains(m_builds.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, last);
        m_builds.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }
    reindex();

    for (int row = 0; row < m_builds.size(); ++row) {
        const BuildSummary &update = *incoming.value(m_builds.at(row).id);
        if (m_builds.at(row) != update) {
            m_builds[row] = update;
            emitRowChanged(row);
        }
    }

    QList<BuildSummary> added;
    for (const BuildSummary &build : builds)
        if (!m_rowById.contains(build.id))
            added.append(build);
    if (!added.isEmpty()) {
        beginInsertRows({}, 0, static_cast<int>(added.size()) - 1);
        m_builds = added + m_builds;
        reindex();
        endInsertRows();
    }
}

const BuildSummary *BuildListModel::build(const QString &id) const
{
    const auto found = m_rowById.constFind(id);
    return found == m_rowById.cend() ? nullptr : &m_builds.at(*found);
}

void BuildListModel::setServingBuildId(const QString &buildId)
{
    if (buildId == m_servingBuildId)
        return;
    const QString previous = std::exchange(m_servingBuildId, buildId);
    for (const QString &id : {previous, buildId}) {
        const auto found = m_rowById.constFind(id);
        if (found != m_rowById.cend())
            emitRowChanged(*found);
    }
}

void BuildListModel::refreshRunningDurations()
{
    const int column = static_cast<int>(Column::Duration);
    for (int row = 0; row < m_builds.size(); ++row) {
        if (isRunning(m_builds.at(row))) {
            const QModelIndex cell = index(row, column);
            emit dataChanged(cell, cell, {Qt::DisplayRole});
        }
    }
}

int BuildListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_builds.size());
}

int BuildListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant BuildListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BuildSummary &build = m_builds.at(index.row());
    const auto column = static_cast<Column>(index.column());
    const bool serving = !m_servingBuildId.isEmpty() && build.id == m_servingBuildId;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Column::State:
            return serving ? tr("%1 (serving)").arg(stateText(build.state)) : stateText(build.state);
        case Column::Commit:
            return shortCommit(build.commit);
        case Column::QueuedAt:
            return build.queuedAt.isValid() ? QVariant(build.queuedAt.toLocalTime()) : QVariant();
        case Column::Duration:
            if (!build.startedAt.isValid())
                return {};
            return humanDuration(build.startedAt.msecsTo(
                build.finishedAt.isValid() ? build.finishedAt : QDateTime::currentDateTimeUtc()));
        case Column::QueuePosition:
            return build.queuePosition > 0 ? tr("#%1 in queue").arg(build.queuePosition) : QString();
        case Column::Reason:
            return build.failureReason;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == Column::Commit)
            return build.commit;
        if (column == Column::Reason && !build.failureReason.isEmpty())
            return build.failureReason;
        if (column == Column::State && serving)
            return tr("The application serves this build");
        return {};
    case IdRole:
        return build.id;
    case StateRole:
        return static_cast<int>(build.state);
    case ServingRole:
        return serving;
    default:
        return {};
    }
}

QVariant BuildListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= kColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case Column::State:
        return tr("State");
    case Column::Commit:
        return tr("Commit");
    case Column::QueuedAt:
        return tr("Queued");
    case Column::Duration:
        return tr("Duration");
    case Column::QueuePosition:
        return tr("Queue");
    case Column::Reason:
        return tr("Reason");
    }
    return {};
}

QString BuildListModel::stateText(BuildState state)
{
    switch (state) {
    case BuildState::Queued:
        return tr("queued");
    case BuildState::Building:
        return tr("building");
    case BuildState::Succeeded:
        return tr("succeeded");
    case BuildState::Failed:
        return tr("failed");
    case BuildState::Canceled:
        return tr("canceled");
    case BuildState::None:
        break;
    }
    return tr("unknown");
}

QString BuildListModel::shortCommit(const QString &commit)
{
    return commit.left(kShortCommitLength);
}

void BuildListModel::emitRowChanged(int row)
{
    emit dataChanged(index(row, 0), index(row, kColumnCount - 1));
}

void BuildListModel::reindex()
{
    m_rowById.clear();
    m_rowById.reserve(m_builds.size());
    for (int row = 0; row < m_builds.size(); ++row)
        m_rowById.insert(m_builds.at(row).id, row);
}

} // namespace vitrine::desktop
