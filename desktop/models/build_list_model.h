#pragma once

#include "models/build_summary.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

namespace vitrine::desktop {

// The builds of one application, newest first, as its page lists them. Rows stay where they are across
// reloads: a build already shown is updated in place, a new one goes on top, one the server no longer lists
// goes away.
class BuildListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column { State, Commit, QueuedAt, Duration, QueuePosition, Reason };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 6;

    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,   // BuildState, as int
        ServingRole, // bool: the application serves this build
    };

    explicit BuildListModel(QObject *parent = nullptr);

    // Takes the server's list (newest first) without disturbing the rows already shown.
    void setBuilds(const QList<BuildSummary> &builds);
    const QList<BuildSummary> &builds() const { return m_builds; }
    // Null when no row shows that build.
    const BuildSummary *build(const QString &id) const;
    const BuildSummary &buildAt(int row) const { return m_builds.at(row); }

    // Marks the build the application serves (empty: none).
    void setServingBuildId(const QString &buildId);
    const QString &servingBuildId() const { return m_servingBuildId; }

    // The duration of a running build grows: call this every second or so to have the views repaint it.
    void refreshRunningDurations();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(BuildState state);
    // The first characters of a commit, as git shows it in short.
    static QString shortCommit(const QString &commit);

private:
    void emitRowChanged(int row);
    void reindex();

    QList<BuildSummary> m_builds;
    QHash<QString, int> m_rowById;
    QString m_servingBuildId;
};

} // namespace vitrine::desktop
