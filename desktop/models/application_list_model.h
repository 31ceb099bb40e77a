#pragma once

#include "models/application_summary.h"

#include <QAbstractTableModel>
#include <QList>

namespace vitrine::desktop {

// The applications a member may see, one row each, in the order the server listed them.
class ApplicationListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column { Name, Repository, Ref, Type, Websites, Owners };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 6;

    explicit ApplicationListModel(QObject *parent = nullptr);

    // Replaces every row: the list is always a complete answer from the server.
    void setApplications(QList<ApplicationSummary> applications);
    const QList<ApplicationSummary> &applications() const { return m_applications; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<ApplicationSummary> m_applications;
};

} // namespace vitrine::desktop
