#include "views/main_window.h"

#include "client/server_client.h"
#include "models/application_list_model.h"

#include <QAction>
#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPalette>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace vitrine::desktop {

MainWindow::MainWindow(const ConnectionSettings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new ServerClient(settings, this))
    , m_applications(new ApplicationListModel(this))
    , m_serverLabel(new QLabel(tr("Server: %1").arg(settings.serverAddress)))
    , m_stateLabel(new QLabel)
    , m_countLabel(new QLabel)
    , m_table(new QTableView)
    , m_refreshAction(new QAction(tr("&Refresh"), this))
{
    setWindowTitle(tr("Vitrine"));
    resize(960, 600);

    m_refreshAction->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setToolTip(tr("Reload the server's information and your applications"));
    m_refreshAction->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refresh);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_refreshAction);
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    auto *connectionBar = new QWidget;
    connectionBar->setObjectName(QStringLiteral("connectionBar"));
    m_serverLabel->setObjectName(QStringLiteral("serverLabel"));
    m_stateLabel->setObjectName(QStringLiteral("connectionStateLabel"));
    m_stateLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long error wraps instead of widening the window past the screen.
    m_stateLabel->setWordWrap(true);
    auto *refreshButton = new QToolButton;
    refreshButton->setDefaultAction(m_refreshAction);
    refreshButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *barLayout = new QHBoxLayout(connectionBar);
    barLayout->setContentsMargins(0, 0, 0, 0);
    barLayout->addWidget(m_serverLabel);
    barLayout->addSpacing(12);
    barLayout->addWidget(m_stateLabel, 1);
    barLayout->addWidget(refreshButton);

    m_table->setObjectName(QStringLiteral("applicationsTable"));
    m_table->setModel(m_applications);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(connectionBar);
    layout->addWidget(m_table, 1);
    setCentralWidget(central);

    m_countLabel->setObjectName(QStringLiteral("applicationCountLabel"));
    statusBar()->addPermanentWidget(m_countLabel);
    showApplicationCount();

    connect(m_client, &ServerClient::serverInfoReceived, this, &MainWindow::showConnected);
    connect(m_client, &ServerClient::applicationsReceived, this,
            [this](const QList<ApplicationSummary> &applications) {
                m_applications->setApplications(applications);
                m_table->resizeColumnsToContents();
                showApplicationCount();
            });
    connect(m_client, &ServerClient::refreshFailed, this, &MainWindow::showError);
    connect(m_client, &ServerClient::refreshFinished, this, [this] { m_refreshAction->setEnabled(true); });
}

void MainWindow::refresh()
{
    m_refreshAction->setEnabled(false);
    m_stateLabel->setText(tr("Connecting…"));
    m_stateLabel->setToolTip({});
    m_stateLabel->setPalette({});
    m_client->refresh();
}

void MainWindow::showConnected(const ServerInfo &info)
{
    m_stateLabel->setText(info.userIsAdmin ? tr("Connected as %1 (admin)").arg(info.userName)
                                           : tr("Connected as %1").arg(info.userName));
    m_stateLabel->setToolTip(tr("Vitrine %1 on %2").arg(info.version, info.database));
}

void MainWindow::showError(const QString &message)
{
    m_stateLabel->setText(tr("Not connected: %1").arg(message));
    m_stateLabel->setToolTip(message);
    QPalette palette = m_stateLabel->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_stateLabel->setPalette(palette);
}

void MainWindow::showApplicationCount()
{
    m_countLabel->setText(tr("Applications: %1").arg(m_applications->rowCount()));
}

} // namespace vitrine::desktop
