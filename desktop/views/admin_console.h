#pragma once

#include "client/event_stream.h"
#include "models/admin_records.h"

#include <QList>
#include <QWidget>

#include <functional>
#include <optional>

class QAbstractItemModel;
class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;

namespace vitrine::desktop {

class AlertListModel;
class ApiClient;
class BuildQueueModel;
class BuilderListModel;
class TokenListModel;
class UserListModel;

// Runs one reload at a time: asks that come while one runs merge into a single run after it, so a burst of
// events costs at most two round trips.
class CoalescedReload {
public:
    // `start(finished)` begins a reload and calls `finished` once it has its answer.
    explicit CoalescedReload(std::function<void(std::function<void()> finished)> start);

    void request();
    bool isRunning() const { return m_running; }

private:
    void finish();

    std::function<void(std::function<void()>)> m_start;
    bool m_running = false;
    bool m_pending = false;
};

// The admins' monitoring console over the whole fleet, in tabs: every application with its live state, the
// builders, the global build queue, the alerts inbox, users and their tokens, and the platform's figures.
// Every call runs in the background; a failure shows in the tab's error label.
class AdminConsole : public QWidget {
    Q_OBJECT

public:
    // allApplications: every application with its live state (the main window's live model), shown as is.
    AdminConsole(ApiClient &api, QAbstractItemModel *allApplications, QWidget *parent = nullptr);

public slots:
    // Fetches everything again in the background.
    void reload();
    // Build state changes reload the queue and the figures; opened alerts reload the inbox.
    void applyEvents(const QList<vitrine::desktop::StreamedEvent> &events);

private:
    QWidget *createApplicationsTab(QAbstractItemModel *allApplications);
    QWidget *createBuildersTab();
    QWidget *createQueueTab();
    QWidget *createAlertsTab();
    QWidget *createUsersTab();
    QWidget *createPlatformTab();

    void startFleetReload(std::function<void()> finished);
    void startAlertsReload(std::function<void()> finished);
    void reloadUsers();
    void reloadTokens();
    void showPlatformStatus(const PlatformStatus &status);

    std::optional<Alert> selectedAlert() const;
    std::optional<UserAccount> selectedUser() const;
    QString selectedTokenId() const;
    void updateAlertButtons();
    void updateUserButtons();
    void updateTokenButtons();

    void acknowledgeSelectedAlert();
    void stopSelectedAlertApplication();
    void createUserFromForm();
    void confirmDeleteSelectedUser();
    void deleteUserNamed(const QString &name);
    void createTokenFromForm();
    void revokeSelectedToken();

    ApiClient &m_api;
    QTabWidget *m_tabs;
    QPushButton *m_reloadButton;

    BuilderListModel *m_builderModel;
    QTableView *m_buildersTable;
    QLabel *m_buildersError;

    BuildQueueModel *m_queueModel;
    QTableView *m_queueTable;
    QLabel *m_queueError;

    AlertListModel *m_alertModel;
    QTableView *m_alertsTable;
    QCheckBox *m_showAcknowledgedAlerts;
    QPushButton *m_acknowledgeButton;
    QPushButton *m_stopApplicationButton;
    QLabel *m_alertsError;
    bool m_alertActionRunning = false;

    UserListModel *m_userModel;
    QTableView *m_usersTable;
    QLineEdit *m_newUserName;
    QCheckBox *m_newUserAdmin;
    QPushButton *m_createUserButton;
    QPushButton *m_deleteUserButton;
    QLabel *m_usersError;
    bool m_userActionRunning = false;

    TokenListModel *m_tokenModel;
    QTableView *m_tokensTable;
    QCheckBox *m_showInactiveTokens;
    QLineEdit *m_tokenDescription;
    QCheckBox *m_tokenExpires;
    QDateTimeEdit *m_tokenExpiry;
    QPushButton *m_createTokenButton;
    QPushButton *m_revokeTokenButton;
    QLineEdit *m_tokenSecret;
    QPushButton *m_copyTokenSecretButton;
    QLabel *m_tokensError;
    bool m_tokenActionRunning = false;
    QString m_tokensUser; // whose tokens the table shows

    QLabel *m_platformError;
    QLabel *m_queueFigures;
    QLabel *m_buildFigures;
    QLabel *m_durationFigures;
    QLabel *m_applicationFigures;
    QLabel *m_instanceFigures;
    QLabel *m_alertFigures;
    QLabel *m_diskFigures;
    QLabel *m_freeDisk;

    CoalescedReload m_fleetReload;
    CoalescedReload m_alertsReload;
};

} // namespace vitrine::desktop
