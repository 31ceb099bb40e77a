#pragma once

#include "client/connection_settings.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QTableView;

namespace vitrine::desktop {

class ApplicationListModel;
class ServerClient;
struct ServerInfo;

// The member's window: which server and as whom (the connection bar), and their applications.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const ConnectionSettings &settings, QWidget *parent = nullptr);

public slots:
    // Reloads the server's info and the applications in the background; the window stays usable.
    void refresh();

private:
    void showConnected(const ServerInfo &info);
    void showError(const QString &message);
    void showApplicationCount();

    ServerClient *m_client;
    ApplicationListModel *m_applications;
    QLabel *m_serverLabel;
    QLabel *m_stateLabel;
    QLabel *m_countLabel;
    QTableView *m_table;
    QAction *m_refreshAction;
};

} // namespace vitrine::desktop
