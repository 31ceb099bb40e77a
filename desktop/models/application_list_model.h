#pragma once

#include "models/application_event.h"
#include "models/application_summary.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace vitrine::desktop {

// The applications a member may see, one row each, in the order the server listed them, kept live by
// WatchEvents: state badges, build badges and deletions apply in place; other changes ask for a reload.
class ApplicationListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column { Name, Repository, Ref, Type, Websites, Owners, State, Build, Restarts, LastChange };
    Q_ENUM(Column)
    static constexpr int kColumnCount = 10;

    enum Role {
        // Case-folded name, repository and owners: what the search box matches against.
        SearchTextRole = Qt::UserRole + 1,
        StateRole,      // ApplicationState, as int
        BuildStateRole, // BuildState, as int
        OwnersRole,     // QStringList
        SortRole,       // the column's value as sorting compares it: text, or a number in badge order
        IdRole,
    };

    explicit ApplicationListModel(QObject *parent = nullptr);

    // Replaces every row: the list is always a complete answer from the server.
    void setApplications(QList<ApplicationSummary> applications);
    const QList<ApplicationSummary> &applications() const { return m_applications; }
    // The row with this id, or null; valid until the model changes.
    const ApplicationSummary *application(const QString &id) const;

    // Updates the row with the same id, or appends one: the answer to reloadRequested.
    void updateApplication(ApplicationSummary application);

    // Applies a batch in order: one dataChanged per run of changed rows, one removal per run of deleted
    // rows. Events of applications not in the list are ignored, except "changed" (a new application).
    void applyEvents(const QList<ApplicationEvent> &events);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString stateText(ApplicationState state);
    static QString buildStateText(BuildState state);

signals:
    // The application changed on the server in a way events do not describe: fetch it and hand it to
    // updateApplication. Emitted once per application per batch.
    void reloadRequested(const QString &applicationId);

private:
    // Applies one event to its row; false when it changed nothing.
    bool applyEvent(ApplicationSummary &application, const ApplicationEvent &event);
    void removeRows(QList<int> rows);
    void reindex();
    QVariant sortValue(int row, Column column) const;

    QList<ApplicationSummary> m_applications;
    QList<QString> m_searchTexts; // one per row, precomputed: filtering runs on every keystroke
    QHash<QString, int> m_rowById;
};

} // namespace vitrine::desktop
