#pragma once

#include "client/connection_settings.h"
#include "client/system_api.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QTimer;

namespace vitrine::desktop {

class AdminConsole;
class ApiClient;
class ApplicationFilterModel;
class ApplicationListModel;
class ApplicationView;
class BuildLogPage;
class ConnectionDialog;
class ConnectionProfileStore;
class EventStream;
class NewApplicationWizard;
class NotificationFeed;
class RepositoriesPage;
class TrayNotifier;
struct StreamedEvent;
struct StreamStatus;

// The member's window: which server and as whom (the connection bar), their applications kept live by the
// platform's events, their repositories, and for admins the console over the fleet. An application or a
// build log opens in a tab of its own. With a system tray the app keeps running there when the window is
// closed, and tells about failed builds and crashing apps.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum FixedTab { ApplicationsTab, RepositoriesTab };

    explicit MainWindow(ConnectionProfileStore &profiles, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Connects to the server of `settings`, closing the tabs of the previous connection. profileId: the
    // profile the settings come from (it keeps the notification mutes apart), empty for none.
    void connectTo(const ConnectionSettings &settings, const QString &profileId);
    // Reads the profile's token from the keychain, then connects to it.
    void connectToProfile(const QString &profileId);

    // What the server said about itself and the caller on the last successful refresh.
    const std::optional<ServerInfo> &serverInfo() const { return m_serverInfo; }
    ApplicationListModel *applications() const { return m_applications; }
    QTabWidget *tabs() const { return m_tabs; }
    // Null for members.
    AdminConsole *adminConsole() const { return m_adminConsole; }

    // Shows the application's tab, opening it first if needed. Null before the first refresh.
    ApplicationView *openApplication(const QString &name);
    // Shows the build's log in a tab; revealFirstError: scroll to the first error once the log is complete.
    BuildLogPage *openBuildLog(const QString &buildId, const QString &applicationName, bool revealFirstError);
    // The wizard for a new application (non-modal). Null before the first refresh.
    NewApplicationWizard *openNewApplicationWizard();
    ConnectionDialog *openConnectionDialog();

public slots:
    // Reloads the server's info and the applications in the background; the window stays usable.
    void refresh();

signals:
    // A refresh succeeded: the server's info and the applications are shown.
    void refreshed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createApplicationsTab();
    void createMenus();
    void disconnectFromServer();
    void showConnected(const ServerInfo &info);
    void showError(const QString &message);
    void showApplicationCount();
    void showStreamStatus(const StreamStatus &status);
    void applyEvents(const QList<StreamedEvent> &events);
    void showOwnerChoices();
    void openSelectedApplication();
    void closeTab(int index);
    void closeApplication(const QString &name);
    // The application tabs' icons show the applications' states.
    void showApplicationTabStates();
    // Asks for one more refresh without touching the connection bar; requests made while one is pending or
    // running are served by a single refresh.
    void requestReload();
    void startReload();
    void startClientRefresh();
    void finishClientRefresh();
    // Whether the current user owns the application: notifications are only about one's own applications.
    bool isMine(const QString &applicationId) const;
    void quit();

    ConnectionProfileStore &m_profiles;
    ConnectionSettings m_settings;
    QString m_profileId;
    QString m_profileAwaitingToken; // connectToProfile() waits for this profile's token
    std::optional<ServerInfo> m_serverInfo;

    // Per connection: made by connectTo(), gone with disconnectFromServer().
    ApiClient *m_api = nullptr;
    EventStream *m_events = nullptr;
    NotificationFeed *m_notifications = nullptr;
    TrayNotifier *m_tray = nullptr;
    RepositoriesPage *m_repositories = nullptr;
    AdminConsole *m_adminConsole = nullptr;
    QPointer<NewApplicationWizard> m_wizard;
    QPointer<ConnectionDialog> m_connectionDialog;

    ApplicationListModel *m_applications;
    ApplicationFilterModel *m_filteredApplications;
    QTabWidget *m_tabs;
    QLabel *m_serverLabel;
    QLabel *m_stateLabel;
    QLabel *m_countLabel;
    QLabel *m_streamLabel;
    QLineEdit *m_searchField;
    QComboBox *m_stateFilter;
    QComboBox *m_ownerFilter;
    QTableView *m_table;
    QAction *m_refreshAction;
    QAction *m_newApplicationAction;
    // Defers a reload to the end of the current event batch, so that one batch costs one refresh.
    QTimer *m_reloadTimer;
    int m_refreshesInFlight = 0;
    bool m_reloadPending = false; // a reload was asked while a refresh ran: it may not have seen the change
    bool m_reloadEveryPage =
        false; // the next successful refresh reloads the repositories and admin pages too
    bool m_streamHasBeenLive = false;
    bool m_quitting = false;
    bool m_toldAboutTray = false;
};

} // namespace vitrine::desktop
