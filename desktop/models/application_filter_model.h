#pragma once

#include "models/application_summary.h"

#include <QSet>
#include <QSortFilterProxyModel>

namespace vitrine::desktop {

// The application list as the member narrows it: a search over name, repository and owners, a set of
// states, an owner; sorted by any column (state sorts trouble first). Works over ApplicationListModel's
// roles.
class ApplicationFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit ApplicationFilterModel(QObject *parent = nullptr);

    // Case-insensitive substring; empty shows every application.
    void setSearchText(const QString &text);
    QString searchText() const { return m_searchText; }

    // Empty shows every state.
    void setStates(const QSet<ApplicationState> &states);
    QSet<ApplicationState> states() const { return m_states; }

    // A user name; empty shows every owner's applications.
    void setOwner(const QString &owner);
    QString owner() const { return m_owner; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_searchText;
    QString m_foldedSearchText; // case-folded once per keystroke, not once per row
    QSet<ApplicationState> m_states;
    QString m_owner;
};

} // namespace vitrine::desktop
