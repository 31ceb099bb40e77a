#include "views/application_state_icons.h"

#include "models/application_list_model.h"

namespace vitrine::desktop {

QIcon applicationStateIcon(ApplicationState state)
{
    const auto icon = [](const char *name) {
        return QIcon(QStringLiteral(":/icons/state-%1.svg").arg(QLatin1String(name)));
    };
    switch (state) {
    case ApplicationState::Errored:
        return icon("error");
    case ApplicationState::Restarting:
    case ApplicationState::Exited:
    case ApplicationState::Missing:
        return icon("warning");
    case ApplicationState::Stopped:
        return icon("stopped");
    case ApplicationState::Starting:
        return icon("starting");
    case ApplicationState::Running:
        return icon("running");
    case ApplicationState::Sleeping:
        return icon("sleeping");
    case ApplicationState::Published:
        return icon("published");
    case ApplicationState::NoBuild:
    case ApplicationState::Unknown:
        break;
    }
    return icon("none");
}

QVariant ApplicationStateIconModel::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DecorationRole && index.column() == static_cast<int>(ApplicationListModel::Column::State))
        return applicationStateIcon(
            static_cast<ApplicationState>(index.data(ApplicationListModel::StateRole).toInt()));
    return QIdentityProxyModel::data(index, role);
}

} // namespace vitrine::desktop
