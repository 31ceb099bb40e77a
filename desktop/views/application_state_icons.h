#pragma once

#include "models/application_summary.h"

#include <QIcon>
#include <QIdentityProxyModel>

namespace vitrine::desktop {

// The badge of an application state: green running, red trouble, grey stopped, …
QIcon applicationStateIcon(ApplicationState state);

// An ApplicationListModel (or a proxy of it) with the state badge as the State column's decoration. The
// icons live here, in the widgets layer, because the models are Qt Core only.
class ApplicationStateIconModel : public QIdentityProxyModel {
    Q_OBJECT

public:
    using QIdentityProxyModel::QIdentityProxyModel;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace vitrine::desktop
