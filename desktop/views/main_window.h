#pragma once

#include "client/connection_settings.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace vitrine::desktop {

class ApplicationFilterModel;
class ApplicationListModel;
class EventStream;
class ServerClient;
struct ServerInfo;
struct StreamedEvent;
struct StreamStatus;

// The member's window: which server and as whom (the connection bar), and their applications, kept live by
// the platform's events once the first refresh succeeded.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const ConnectionSettings &settings, QWidget *parent = nullptr);

public slots:
    // Reloads the server's info and the applications in the background; the window stays usable.
    void refresh();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showConnected(const ServerInfo &info);
    void showError(const QString &message);
    void showApplicationCount();
    void showStreamStatus(const StreamStatus &status);
    void applyEvents(const QList<StreamedEvent> &events);
    // Asks for one more refresh without touching the connection bar; requests made while one is pending or
    // running are served by a single refresh.
    void requestReload();
    void startReload();
    void startClientRefresh();
    void finishClientRefresh();

    ServerClient *m_client;
    EventStream *m_events;
    ApplicationListModel *m_applications;
    ApplicationFilterModel *m_filteredApplications;
    QLabel *m_serverLabel;
    QLabel *m_stateLabel;
    QLabel *m_countLabel;
    QLabel *m_streamLabel;
    QLineEdit *m_searchField;
    QTableView *m_table;
    QAction *m_refreshAction;
    // Defers a reload to the end of the current event batch, so that one batch costs one refresh.
    QTimer *m_reloadTimer;
    int m_refreshesInFlight = 0;
    bool m_reloadPending = false; // a reload was asked while a refresh ran: it may not have seen the change
    bool m_streamHasBeenLive = false;
};

} // namespace vitrine::desktop
