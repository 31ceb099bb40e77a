#pragma once

#include "models/repository_summary.h"

#include <QAbstractTableModel>
#include <QList>

#include <optional>

namespace vitrine::desktop {

// The repositories a member may see, one row each, ordered by name.
class RepositoryListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column { Name, Url, Webhook, Owners, Updated };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 5;

    enum Role {
        IdRole = Qt::UserRole + 1,
        OwnersRole, // QStringList
    };

    explicit RepositoryListModel(QObject *parent = nullptr);

    // Replaces every row: the list is always a complete answer from the server.
    void setRepositories(QList<RepositorySummary> repositories);
    const QList<RepositorySummary> &repositories() const { return m_repositories; }

    // Replaces the row with the same id, or inserts one in name order: the server's answer to a create or
    // an update.
    void updateRepository(RepositorySummary repository);
    // Removes the row with this id, if any.
    void removeRepository(const QString &id);

    // The repository on `row`, if there is one.
    std::optional<RepositorySummary> repositoryAt(int row) const;
    // The row of the repository with this id, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<RepositorySummary> m_repositories;
};

} // namespace vitrine::desktop
