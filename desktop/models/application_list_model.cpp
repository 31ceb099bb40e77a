#include "models/application_list_model.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace vitrine::desktop {

namespace {

QString searchTextOf(const ApplicationSummary &application)
{
    // '\n' keeps a search from matching across two fields; nobody types it into a search box.
    QString text = application.name + QLatin1Char('\n') + application.repository;
    for (const QString &owner : application.owners)
        text += QLatin1Char('\n') + owner;
    return text.toCaseFolded();
}

// Runs of consecutive rows in ascending order, as (first, last) pairs.
QList<std::pair<int, int>> runsOf(QList<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<std::pair<int, int>> runs;
    for (int row : rows) {
        if (!runs.isEmpty() && runs.last().second + 1 == row)
            runs.last().second = row;
        else
            runs.append({row, row});
    }
    return runs;
}

} // namespace

ApplicationListModel::ApplicationListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ApplicationListModel::setApplications(QList<ApplicationSummary> applications)
{
    beginResetModel();
    m_applications = std::move(applications);
    m_searchTexts.clear();
    m_searchTexts.reserve(m_applications.size());
    for (const ApplicationSummary &application : std::as_const(m_applications))
        m_searchTexts.append(searchTextOf(application));
    reindex();
    endResetModel();
}

const ApplicationSummary *ApplicationListModel::application(const QString &id) const
{
    const auto row = m_rowById.constFind(id);
    return row == m_rowById.cend() ? nullptr : &m_applications.at(*row);
}

void ApplicationListModel::updateApplication(ApplicationSummary application)
{
    const auto existing = m_rowById.constFind(application.id);
    if (existing == m_rowById.cend()) {
        const int row = static_cast<int>(m_applications.size());
        beginInsertRows({}, row, row);
        m_searchTexts.append(searchTextOf(application));
        m_rowById.insert(application.id, row);
        m_applications.append(std::move(application));
        endInsertRows();
        return;
    }
    const int row = *existing;
    ApplicationSummary &current = m_applications[row];
    // The server's application carries no builds: the build badge the events built stays.
    if (application.latestBuildState == BuildState::None) {
        application.latestBuildId = current.latestBuildId;
        application.latestBuildState = current.latestBuildState;
        application.latestBuildMessage = current.latestBuildMessage;
    }
    if (application == current)
        return;
    current = std::move(application);
    m_searchTexts[row] = searchTextOf(current);
    emit dataChanged(index(row, 0), index(row, kColumnCount - 1));
}

void ApplicationListModel::applyEvents(const QList<ApplicationEvent> &events)
{
    QList<int> changedRows;
    QList<int> deletedRows;
    QList<QString> reloads;
    for (const ApplicationEvent &event : events) {
        if (event.type == ApplicationEvent::Type::ApplicationChanged) {
            if (!reloads.contains(event.applicationId))
                reloads.append(event.applicationId);
            continue;
        }
        const auto found = m_rowById.constFind(event.applicationId);
        if (found == m_rowById.cend() || deletedRows.contains(*found))
            continue;
        if (event.type == ApplicationEvent::Type::ApplicationDeleted) {
            deletedRows.append(*found);
            reloads.removeAll(event.applicationId);
        } else if (applyEvent(m_applications[*found], event)) {
            changedRows.append(*found);
        }
    }

    // Row numbers are still those before the removals: announce the changes first.
    changedRows.removeIf([&](int row) { return deletedRows.contains(row); });
    for (const auto &[first, last] : runsOf(changedRows))
        emit dataChanged(index(first, 0), index(last, kColumnCount - 1));
    removeRows(std::move(deletedRows));
    for (const QString &applicationId : std::as_const(reloads))
        emit reloadRequested(applicationId);
}

bool ApplicationListModel::applyEvent(ApplicationSummary &application, const ApplicationEvent &event)
{
    const ApplicationSummary before = application;
    switch (event.type) {
    case ApplicationEvent::Type::BuildStateChanged:
        application.latestBuildId = event.buildId;
        application.latestBuildState = buildStateFromName(event.state);
        application.latestBuildMessage = event.message;
        break;
    case ApplicationEvent::Type::ApplicationStateChanged:
        // A crash restarts the instance: count it as the server does, once per restart.
        if (event.state == QLatin1String("restarting") && application.runtimeState != event.state)
            ++application.restartCount;
        application.runtimeState = event.state;
        application.stateMessage = event.message;
        break;
    case ApplicationEvent::Type::ApplicationDeployed:
        // A new build means a new serving instance, with its own restart count.
        if (application.currentBuildId != event.buildId)
            application.restartCount = 0;
        application.currentBuildId = event.buildId;
        break;
    case ApplicationEvent::Type::ApplicationChanged:
    case ApplicationEvent::Type::ApplicationDeleted:
        return false;
    }
    if (event.time.isValid())
        application.lastChange = event.time;
    return application != before;
}

void ApplicationListModel::removeRows(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    const QList<std::pair<int, int>> runs = runsOf(std::move(rows));
    // From the bottom up, so the rows of the runs still to remove keep their numbers.
    for (auto run = runs.crbegin(); run != runs.crend(); ++run) {
        beginRemoveRows({}, run->first, run->second);
        m_applications.remove(run->first, run->second - run->first + 1);
        m_searchTexts.remove(run->first, run->second - run->first + 1);
        endRemoveRows();
    }
    reindex();
}

void ApplicationListModel::reindex()
{
    m_rowById.clear();
    m_rowById.reserve(m_applications.size());
    for (int row = 0; row < m_applications.size(); ++row)
        m_rowById.insert(m_applications.at(row).id, row);
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
    const bool isRuntime = application.deployType == DeployType::Runtime;

    switch (role) {
    case Qt::DisplayRole:
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
        case Column::State:
            return stateText(applicationState(application));
        case Column::Build:
            return buildStateText(application.latestBuildState);
        case Column::Restarts:
            return isRuntime ? QVariant(application.restartCount) : QVariant();
        case Column::LastChange:
            return application.lastChange.isValid() ? QVariant(application.lastChange.toLocalTime())
                                                    : QVariant();
        }
        return {};
    // A narrow column cuts a long list short; the tooltip shows all of it, one per line.
    case Qt::ToolTipRole:
        if (column == Column::Websites && !application.websites.isEmpty())
            return application.websites.join(QLatin1Char('\n'));
        if (column == Column::Owners && !application.owners.isEmpty())
            return application.owners.join(QLatin1Char('\n'));
        if (column == Column::Type && application.deployType != DeployType::Unspecified)
            return isRuntime ? tr("Runs as a process behind the router")
                             : tr("Served as files by the router");
        if (column == Column::State) {
            const QString why = !application.stoppedReason.isEmpty() && !application.running
                                    ? application.stoppedReason
                                    : application.stateMessage;
            if (!why.isEmpty())
                return why;
        }
        if (column == Column::Build && !application.latestBuildMessage.isEmpty())
            return application.latestBuildMessage;
        return {};
    case SearchTextRole:
        return m_searchTexts.at(index.row());
    case StateRole:
        return static_cast<int>(applicationState(application));
    case BuildStateRole:
        return static_cast<int>(application.latestBuildState);
    case OwnersRole:
        return application.owners;
    case SortRole:
        return sortValue(index.row(), column);
    case IdRole:
        return application.id;
    }
    return {};
}

QVariant ApplicationListModel::sortValue(int row, Column column) const
{
    const ApplicationSummary &application = m_applications.at(row);
    switch (column) {
    case Column::State:
        return static_cast<int>(applicationState(application));
    case Column::Build:
        return static_cast<int>(application.latestBuildState);
    case Column::Restarts:
        return application.restartCount;
    case Column::LastChange:
        // Never changed sorts as the oldest.
        return application.lastChange.isValid() ? application.lastChange.toMSecsSinceEpoch()
                                                : std::numeric_limits<qint64>::min();
    case Column::Name:
    case Column::Repository:
    case Column::Ref:
    case Column::Type:
    case Column::Websites:
    case Column::Owners:
        break;
    }
    return data(index(row, static_cast<int>(column)));
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
    case Column::State:
        return tr("State");
    case Column::Build:
        return tr("Build");
    case Column::Restarts:
        return tr("Restarts");
    case Column::LastChange:
        return tr("Last change");
    }
    return {};
}

QHash<int, QByteArray> ApplicationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SearchTextRole, "searchText");
    names.insert(StateRole, "state");
    names.insert(BuildStateRole, "buildState");
    names.insert(OwnersRole, "owners");
    names.insert(SortRole, "sortValue");
    names.insert(IdRole, "applicationId");
    return names;
}

QString ApplicationListModel::stateText(ApplicationState state)
{
    switch (state) {
    case ApplicationState::Errored:
        return tr("errored");
    case ApplicationState::Restarting:
        return tr("restarting");
    case ApplicationState::Exited:
        return tr("exited");
    case ApplicationState::Missing:
        return tr("missing");
    case ApplicationState::Stopped:
        return tr("stopped");
    case ApplicationState::Starting:
        return tr("starting");
    case ApplicationState::Running:
        return tr("running");
    case ApplicationState::Sleeping:
        return tr("sleeping");
    case ApplicationState::Published:
        return tr("published");
    case ApplicationState::NoBuild:
        return tr("no build");
    case ApplicationState::Unknown:
        break;
    }
    return tr("unknown");
}

QString ApplicationListModel::buildStateText(BuildState state)
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
    return {};
}

} // namespace vitrine::desktop
