#include "views/main_window.h"

#include "client/event_stream.h"
#include "client/server_client.h"
#include "models/application_event.h"
#include "models/application_filter_model.h"
#include "models/application_list_model.h"

#include <QAction>
#include <QCloseEvent>
#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPalette>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <chrono>
#include <optional>

namespace vitrine::desktop {

namespace {

// The events the application list follows; alerts and unknown kinds are not its business.
std::optional<ApplicationEvent::Type> applicationEventType(StreamedEvent::Type type)
{
    switch (type) {
    case StreamedEvent::Type::BuildStateChanged:
        return ApplicationEvent::Type::BuildStateChanged;
    case StreamedEvent::Type::ApplicationChanged:
        return ApplicationEvent::Type::ApplicationChanged;
    case StreamedEvent::Type::ApplicationDeleted:
        return ApplicationEvent::Type::ApplicationDeleted;
    case StreamedEvent::Type::ApplicationDeployed:
        return ApplicationEvent::Type::ApplicationDeployed;
    case StreamedEvent::Type::ApplicationStateChanged:
        return ApplicationEvent::Type::ApplicationStateChanged;
    case StreamedEvent::Type::AlertOpened:
    case StreamedEvent::Type::Unknown:
        break;
    }
    return std::nullopt;
}

} // namespace

MainWindow::MainWindow(const ConnectionSettings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new ServerClient(settings, this))
    , m_events(new EventStream(settings, {}, this))
    , m_applications(new ApplicationListModel(this))
    , m_filteredApplications(new ApplicationFilterModel(this))
    , m_serverLabel(new QLabel(tr("Server: %1").arg(settings.serverAddress)))
    , m_stateLabel(new QLabel)
    , m_countLabel(new QLabel)
    , m_streamLabel(new QLabel)
    , m_searchField(new QLineEdit)
    , m_table(new QTableView)
    , m_refreshAction(new QAction(tr("&Refresh"), this))
    , m_reloadTimer(new QTimer(this))
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

    m_searchField->setObjectName(QStringLiteral("applicationSearchField"));
    m_searchField->setPlaceholderText(tr("Search apps"));
    m_searchField->setToolTip(tr("Show only the applications whose name, repository or owners contain this"));
    m_searchField->setClearButtonEnabled(true);
    connect(m_searchField, &QLineEdit::textChanged, m_filteredApplications,
            &ApplicationFilterModel::setSearchText);

    m_filteredApplications->setSourceModel(m_applications);
    m_table->setObjectName(QStringLiteral("applicationsTable"));
    m_table->setModel(m_filteredApplications);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(connectionBar);
    layout->addWidget(m_searchField);
    layout->addWidget(m_table, 1);
    setCentralWidget(central);

    m_streamLabel->setObjectName(QStringLiteral("streamStatusLabel"));
    statusBar()->addWidget(m_streamLabel, 1);
    m_countLabel->setObjectName(QStringLiteral("applicationCountLabel"));
    statusBar()->addPermanentWidget(m_countLabel);
    showApplicationCount();
    // Events add and remove rows between refreshes.
    connect(m_applications, &QAbstractItemModel::rowsInserted, this, &MainWindow::showApplicationCount);
    connect(m_applications, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showApplicationCount);
    connect(m_applications, &QAbstractItemModel::modelReset, this, &MainWindow::showApplicationCount);

    connect(m_client, &ServerClient::serverInfoReceived, this, &MainWindow::showConnected);
    connect(m_client, &ServerClient::applicationsReceived, this,
            [this](const QList<ApplicationSummary> &applications) {
                m_applications->setApplications(applications);
                m_table->resizeColumnsToContents();
                // Starts the stream unless it runs: after the first successful refresh, or again after it
                // failed.
                m_events->start();
            });
    connect(m_client, &ServerClient::refreshFailed, this, &MainWindow::showError);
    connect(m_client, &ServerClient::refreshFinished, this, &MainWindow::finishClientRefresh);

    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(0);
    connect(m_reloadTimer, &QTimer::timeout, this, &MainWindow::startReload);
    connect(m_applications, &ApplicationListModel::reloadRequested, this, &MainWindow::requestReload);
    connect(m_events, &EventStream::eventsReceived, this, &MainWindow::applyEvents);
    connect(m_events, &EventStream::reloadNeeded, this, &MainWindow::requestReload);
    connect(m_events, &EventStream::statusChanged, this, &MainWindow::showStreamStatus);
}

void MainWindow::refresh()
{
    m_refreshAction->setEnabled(false);
    m_stateLabel->setText(tr("Connecting…"));
    m_stateLabel->setToolTip({});
    m_stateLabel->setPalette({});
    startClientRefresh();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_events->stop();
    QMainWindow::closeEvent(event);
}

void MainWindow::showConnected(const ServerInfo &info)
{
    m_stateLabel->setText(info.userIsAdmin ? tr("Connected as %1 (admin)").arg(info.userName)
                                           : tr("Connected as %1").arg(info.userName));
    m_stateLabel->setToolTip(tr("Vitrine %1 on %2").arg(info.version, info.database));
    // A background reload may succeed after a failed one, without refresh() clearing the error's colour.
    m_stateLabel->setPalette({});
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

void MainWindow::showStreamStatus(const StreamStatus &status)
{
    m_streamLabel->setToolTip(status.reason);
    switch (status.state) {
    case StreamStatus::State::Stopped:
        m_streamLabel->clear();
        return;
    case StreamStatus::State::Connecting:
        m_streamLabel->setText(tr("Live updates: connecting…"));
        return;
    case StreamStatus::State::Live:
        m_streamLabel->setText(tr("Live updates: on"));
        // The list was loaded before the stream opened: what changed in between comes only from a reload.
        if (!m_streamHasBeenLive) {
            m_streamHasBeenLive = true;
            requestReload();
        }
        return;
    case StreamStatus::State::Reconnecting: {
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(status.retryIn).count();
        m_streamLabel->setText(tr("Live updates: reconnecting in %n s", nullptr, static_cast<int>(seconds)));
        return;
    }
    case StreamStatus::State::Finished:
        m_streamLabel->setText(tr("Live updates: ended"));
        return;
    case StreamStatus::State::Failed:
        m_streamLabel->setText(tr("Live updates: failed: %1").arg(status.reason));
        return;
    }
}

void MainWindow::applyEvents(const QList<StreamedEvent> &events)
{
    QList<ApplicationEvent> applicationEvents;
    applicationEvents.reserve(events.size());
    for (const StreamedEvent &event : events) {
        const std::optional<ApplicationEvent::Type> type = applicationEventType(event.type);
        if (!type)
            continue;
        applicationEvents.append({.type = *type,
                                  .applicationId = event.applicationId,
                                  .applicationName = event.applicationName,
                                  .buildId = event.buildId,
                                  .state = event.state,
                                  .message = event.message,
                                  .time = event.time});
    }
    if (!applicationEvents.isEmpty())
        m_applications->applyEvents(applicationEvents);
}

void MainWindow::requestReload()
{
    m_reloadTimer->start();
}

void MainWindow::startReload()
{
    // A refresh already running may have read the list before the change: one more follows it.
    if (m_refreshesInFlight > 0)
        m_reloadPending = true;
    else
        startClientRefresh();
}

void MainWindow::startClientRefresh()
{
    ++m_refreshesInFlight;
    m_client->refresh();
}

void MainWindow::finishClientRefresh()
{
    --m_refreshesInFlight;
    if (m_refreshesInFlight > 0)
        return;
    m_refreshAction->setEnabled(true);
    if (m_reloadPending) {
        m_reloadPending = false;
        startClientRefresh();
    }
}

} // namespace vitrine::desktop
