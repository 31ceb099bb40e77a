#include "views/main_window.h"

#include "client/api_client.h"
#include "client/application_api.h"
#include "client/connection_profiles.h"
#include "client/event_stream.h"
#include "models/application_event.h"
#include "models/application_filter_model.h"
#include "models/application_list_model.h"
#include "models/notification_feed.h"
#include "views/admin_console.h"
#include "views/application_state_icons.h"
#include "views/application_view.h"
#include "views/build_log_page.h"
#include "views/connection_dialog.h"
#include "views/new_application_wizard.h"
#include "views/repositories_page.h"
#include "views/tray_notifier.h"
#include "views/user_interface_language.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QColor>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPalette>
#include <QSet>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <chrono>
#include <optional>
#include <utility>

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

// The state filter's choices: the states a member looks for together.
struct StateChoice {
    const char *label;
    QSet<ApplicationState> states;
};

QList<StateChoice> stateChoices()
{
    using S = ApplicationState;
    return {
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "All states"), {}},
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "Needs attention"),
         {S::Errored, S::Restarting, S::Exited, S::Missing}},
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "Running"), {S::Running, S::Starting}},
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "Stopped or asleep"), {S::Stopped, S::Sleeping}},
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "Static sites"), {S::Published}},
        {QT_TRANSLATE_NOOP("vitrine::desktop::MainWindow", "Not deployed yet"), {S::NoBuild, S::Unknown}},
    };
}

// The tab's key: an application's tabs and build logs are found again by it.
const char *const kTabKey = "vitrineTabKey";

QString applicationTabKey(const QString &name)
{
    return QStringLiteral("app:") + name;
}

QString buildLogTabKey(const QString &buildId)
{
    return QStringLiteral("build:") + buildId;
}

} // namespace

MainWindow::MainWindow(ConnectionProfileStore &profiles, QWidget *parent)
    : QMainWindow(parent)
    , m_profiles(profiles)
    , m_applications(new ApplicationListModel(this))
    , m_filteredApplications(new ApplicationFilterModel(this))
    , m_tabs(new QTabWidget)
    , m_serverLabel(new QLabel)
    , m_stateLabel(new QLabel(tr("Not connected")))
    , m_countLabel(new QLabel)
    , m_streamLabel(new QLabel)
    , m_searchField(new QLineEdit)
    , m_stateFilter(new QComboBox)
    , m_ownerFilter(new QComboBox)
    , m_table(new QTableView)
    , m_refreshAction(new QAction(QIcon(QStringLiteral(":/icons/action-refresh.svg")), tr("&Refresh"), this))
    , m_newApplicationAction(
          new QAction(QIcon(QStringLiteral(":/icons/action-new.svg")), tr("&New application…"), this))
    , m_reloadTimer(new QTimer(this))
{
    setWindowTitle(tr("Vitrine"));
    resize(1100, 700);

    m_refreshAction->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setToolTip(tr("Reload the server's information and your applications"));
    m_refreshAction->setEnabled(false);
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refresh);
    m_newApplicationAction->setObjectName(QStringLiteral("newApplicationAction"));
    m_newApplicationAction->setShortcut(QKeySequence::New);
    m_newApplicationAction->setEnabled(false);
    connect(m_newApplicationAction, &QAction::triggered, this, &MainWindow::openNewApplicationWizard);
    createMenus();

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
    auto *connectionsButton = new QToolButton;
    connectionsButton->setObjectName(QStringLiteral("connectionsButton"));
    connectionsButton->setText(tr("Connections…"));
    connect(connectionsButton, &QToolButton::clicked, this, &MainWindow::openConnectionDialog);
    auto *barLayout = new QHBoxLayout(connectionBar);
    barLayout->setContentsMargins(0, 0, 0, 0);
    barLayout->addWidget(m_serverLabel);
    barLayout->addSpacing(12);
    barLayout->addWidget(m_stateLabel, 1);
    barLayout->addWidget(connectionsButton);
    barLayout->addWidget(refreshButton);

    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(false);
    m_tabs->addTab(createApplicationsTab(), QIcon(QStringLiteral(":/icons/view-applications.svg")),
                   tr("Applications"));
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &MainWindow::closeTab);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(connectionBar);
    layout->addWidget(m_tabs, 1);
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
    connect(m_applications, &QAbstractItemModel::modelReset, this, &MainWindow::showOwnerChoices);

    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(0);
    connect(m_reloadTimer, &QTimer::timeout, this, &MainWindow::startReload);
    connect(m_applications, &ApplicationListModel::reloadRequested, this, &MainWindow::requestReload);

    connect(&m_profiles, &ConnectionProfileStore::currentChanged, this, &MainWindow::connectToProfile);
    connect(&m_profiles.tokens(), &TokenStore::tokenRead, this,
            [this](const QString &profileId, const QString &token) {
                if (profileId != std::exchange(m_profileAwaitingToken, {}))
                    return;
                if (const std::optional<ConnectionProfile> profile = m_profiles.profile(profileId))
                    connectTo(profile->settings(token), profileId);
            });
    connect(&m_profiles.tokens(), &TokenStore::failed, this,
            [this](const QString &profileId, const QString &message) {
                if (profileId == m_profileAwaitingToken) {
                    m_profileAwaitingToken.clear();
                    showError(tr("Cannot read the token: %1").arg(message));
                }
            });
}

MainWindow::~MainWindow()
{
    // The tabs hold pages that call through the connection's client: they go first.
    disconnectFromServer();
}

QWidget *MainWindow::createApplicationsTab()
{
    m_searchField->setObjectName(QStringLiteral("applicationSearchField"));
    m_searchField->setPlaceholderText(tr("Search apps"));
    m_searchField->setToolTip(tr("Show only the applications whose name, repository or owners contain this"));
    m_searchField->setClearButtonEnabled(true);
    connect(m_searchField, &QLineEdit::textChanged, m_filteredApplications,
            &ApplicationFilterModel::setSearchText);

    m_stateFilter->setObjectName(QStringLiteral("applicationStateFilter"));
    for (const StateChoice &choice : stateChoices())
        m_stateFilter->addItem(tr(choice.label));
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_filteredApplications->setStates(stateChoices().value(index).states); });

    m_ownerFilter->setObjectName(QStringLiteral("applicationOwnerFilter"));
    m_ownerFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    showOwnerChoices();
    connect(m_ownerFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_filteredApplications->setOwner(m_ownerFilter->currentData().toString()); });

    auto *newButton = new QToolButton;
    newButton->setObjectName(QStringLiteral("newApplicationButton"));
    newButton->setDefaultAction(m_newApplicationAction);
    newButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    m_filteredApplications->setSourceModel(m_applications);
    m_filteredApplications->sort(static_cast<int>(ApplicationListModel::Column::Name));
    auto *withIcons = new ApplicationStateIconModel(this);
    withIcons->setSourceModel(m_filteredApplications);
    m_table->setObjectName(QStringLiteral("applicationsTable"));
    m_table->setModel(withIcons);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(static_cast<int>(ApplicationListModel::Column::Name), Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Double-click an application to open it"));
    connect(m_table, &QTableView::activated, this, &MainWindow::openSelectedApplication);

    auto *tab = new QWidget;
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_searchField, 1);
    filters->addWidget(m_stateFilter);
    filters->addWidget(m_ownerFilter);
    filters->addWidget(newButton);
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    return tab;
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_newApplicationAction);
    QAction *connectionsAction =
        fileMenu->addAction(tr("&Connections…"), this, &MainWindow::openConnectionDialog);
    connectionsAction->setObjectName(QStringLiteral("connectionsAction"));
    fileMenu->addAction(m_refreshAction);
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &MainWindow::quit);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *languageMenu = viewMenu->addMenu(tr("&Language"));
    auto *languages = new QActionGroup(languageMenu);
    const QString chosen = userInterfaceLanguage();
    // Each language is named in itself, so that a user who cannot read the current one finds theirs.
    const QList<std::pair<QString, QString>> choices{
        {QString(), tr("System language")},
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("ja"), QStringLiteral("日本語")},
    };
    for (const auto &[code, name] : choices) {
        QAction *action = languageMenu->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == chosen);
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, code] {
            setUserInterfaceLanguage(code);
            statusBar()->showMessage(tr("The language changes when Vitrine starts again."), 10'000);
        });
    }
}

void MainWindow::connectToProfile(const QString &profileId)
{
    if (!m_profiles.profile(profileId))
        return;
    m_profileAwaitingToken = profileId;
    m_profiles.tokens().readToken(profileId);
}

void MainWindow::connectTo(const ConnectionSettings &settings, const QString &profileId)
{
    disconnectFromServer();
    m_settings = settings;
    m_profileId = profileId;
    m_serverLabel->setText(tr("Server: %1").arg(settings.serverAddress));

    m_api = new ApiClient(settings, this);
    m_events = new EventStream(settings, {}, this);
    // Mutes belong to a profile; without one, to the server's address.
    m_notifications = new NotificationFeed(
        profileId.isEmpty() ? settings.serverAddress : profileId,
        [this](const QString &applicationId) { return isMine(applicationId); }, this);
    m_tray = new TrayNotifier(m_notifications, this);
    // With a tray the app lives on when the window closes (closeEvent); without one, closing it quits.
    QApplication::setQuitOnLastWindowClosed(!m_tray->available());
    connect(m_tray, &TrayNotifier::showWindowRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_tray, &TrayNotifier::buildLogRequested, this, &MainWindow::openBuildLog);
    connect(m_tray, &TrayNotifier::applicationRequested, this, &MainWindow::openApplication);

    m_repositories = new RepositoriesPage(*m_api);
    m_tabs->insertTab(RepositoriesTab, m_repositories, QIcon(QStringLiteral(":/icons/view-repositories.svg")),
                      tr("Repositories"));
    // The fixed tabs cannot be closed.
    m_tabs->tabBar()->setTabButton(ApplicationsTab, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(RepositoriesTab, QTabBar::RightSide, nullptr);

    connect(m_events, &EventStream::eventsReceived, this, &MainWindow::applyEvents);
    connect(m_events, &EventStream::reloadNeeded, this, &MainWindow::requestReload);
    connect(m_events, &EventStream::statusChanged, this, &MainWindow::showStreamStatus);
    refresh();
}

void MainWindow::disconnectFromServer()
{
    if (!m_api)
        return;
    // Every tab but the applications list belongs to the connection.
    while (m_tabs->count() > 1) {
        QWidget *page = m_tabs->widget(m_tabs->count() - 1);
        m_tabs->removeTab(m_tabs->count() - 1);
        delete page;
    }
    m_repositories = nullptr;
    m_adminConsole = nullptr;
    delete m_wizard;
    delete m_tray;
    m_tray = nullptr;
    delete m_notifications;
    m_notifications = nullptr;
    delete m_events;
    m_events = nullptr;
    delete m_api;
    m_api = nullptr;
    m_serverInfo.reset();
    m_streamHasBeenLive = false;
    m_refreshesInFlight = 0;
    m_reloadPending = false;
    m_applications->setApplications({});
    m_streamLabel->clear();
}

void MainWindow::refresh()
{
    if (!m_api)
        return;
    m_refreshAction->setEnabled(false);
    m_reloadEveryPage = true;
    m_stateLabel->setText(tr("Connecting…"));
    m_stateLabel->setToolTip({});
    m_stateLabel->setPalette({});
    startClientRefresh();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_tray && m_tray->available() && !m_quitting) {
        // Keeps running in the tray, where notifications still arrive.
        hide();
        event->ignore();
        if (!std::exchange(m_toldAboutTray, true))
            statusBar()->showMessage(tr("Vitrine keeps running in the tray; quit it from the tray's menu."));
        return;
    }
    if (m_events)
        m_events->stop();
    QMainWindow::closeEvent(event);
}

void MainWindow::quit()
{
    m_quitting = true;
    close();
    QApplication::quit();
}

void MainWindow::showConnected(const ServerInfo &info)
{
    m_serverInfo = info;
    m_stateLabel->setText(info.userIsAdmin ? tr("Connected as %1 (admin)").arg(info.userName)
                                           : tr("Connected as %1").arg(info.userName));
    m_stateLabel->setToolTip(tr("Vitrine %1 on %2").arg(info.version, info.database));
    // A background reload may succeed after a failed one, without refresh() clearing the error's colour.
    m_stateLabel->setPalette({});
    m_newApplicationAction->setEnabled(true);
    m_repositories->setWebhookBaseUrl(info.webhookBaseUrl);

    // Admin views exist only for admins: the server refuses their calls to members anyway.
    if (info.userIsAdmin && !m_adminConsole) {
        auto *withIcons = new ApplicationStateIconModel(this);
        withIcons->setSourceModel(m_applications);
        m_adminConsole = new AdminConsole(*m_api, withIcons);
        withIcons->setParent(m_adminConsole);
        m_tabs->insertTab(RepositoriesTab + 1, m_adminConsole,
                          QIcon(QStringLiteral(":/icons/view-admin.svg")), tr("Admin"));
        m_tabs->tabBar()->setTabButton(RepositoriesTab + 1, QTabBar::RightSide, nullptr);
    } else if (!info.userIsAdmin && m_adminConsole) {
        m_tabs->removeTab(m_tabs->indexOf(m_adminConsole));
        delete std::exchange(m_adminConsole, nullptr);
    }
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

void MainWindow::showOwnerChoices()
{
    QSet<QString> owners;
    for (const ApplicationSummary &application : m_applications->applications())
        for (const QString &owner : application.owners)
            owners.insert(owner);
    QStringList sorted(owners.cbegin(), owners.cend());
    sorted.sort(Qt::CaseInsensitive);

    const QString current = m_ownerFilter->currentData().toString();
    const QSignalBlocker blocker(m_ownerFilter);
    m_ownerFilter->clear();
    m_ownerFilter->addItem(tr("All owners"), QString());
    for (const QString &owner : sorted)
        m_ownerFilter->addItem(owner, owner);
    m_ownerFilter->setCurrentIndex(std::max(0, m_ownerFilter->findData(current)));
    // A member owning alone has nothing to choose.
    m_ownerFilter->setVisible(sorted.size() > 1);
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
    // Notifications first: they ask the list whether the application is mine, and a deletion would take
    // the application out of it.
    m_tray->applyEvents(events);
    if (!applicationEvents.isEmpty()) {
        m_applications->applyEvents(applicationEvents);
        showApplicationTabStates();
    }
    for (int index = 0; index < m_tabs->count(); ++index)
        if (auto *view = qobject_cast<ApplicationView *>(m_tabs->widget(index)))
            view->applyEvents(events);
    if (m_adminConsole)
        m_adminConsole->applyEvents(events);
}

void MainWindow::showApplicationTabStates()
{
    QHash<QString, ApplicationState> states;
    for (const ApplicationSummary &application : m_applications->applications())
        states.insert(application.name, applicationState(application));
    for (int index = 0; index < m_tabs->count(); ++index)
        if (auto *view = qobject_cast<ApplicationView *>(m_tabs->widget(index)))
            m_tabs->setTabIcon(index, applicationStateIcon(
                                          states.value(view->applicationName(), ApplicationState::Unknown)));
}

bool MainWindow::isMine(const QString &applicationId) const
{
    const ApplicationSummary *application = m_applications->application(applicationId);
    return application && m_serverInfo && application->owners.contains(m_serverInfo->userName);
}

void MainWindow::openSelectedApplication()
{
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid())
        openApplication(
            current.siblingAtColumn(static_cast<int>(ApplicationListModel::Column::Name)).data().toString());
}

ApplicationView *MainWindow::openApplication(const QString &name)
{
    if (!m_api || !m_serverInfo)
        return nullptr;
    const QString key = applicationTabKey(name);
    for (int index = 0; index < m_tabs->count(); ++index) {
        if (m_tabs->widget(index)->property(kTabKey).toString() == key) {
            m_tabs->setCurrentIndex(index);
            return qobject_cast<ApplicationView *>(m_tabs->widget(index));
        }
    }
    auto *view =
        new ApplicationView(*m_api, m_settings, name, m_serverInfo->siteScheme, m_serverInfo->sitePort);
    view->setProperty(kTabKey, key);
    connect(view, &ApplicationView::buildLogRequested, this,
            [this](const QString &buildId, const QString &applicationName) {
                openBuildLog(buildId, applicationName, false);
            });
    connect(view, &ApplicationView::deleted, this, &MainWindow::closeApplication);
    m_tabs->setCurrentIndex(m_tabs->addTab(view, name));
    showApplicationTabStates();
    return view;
}

BuildLogPage *MainWindow::openBuildLog(const QString &buildId, const QString &applicationName,
                                       bool revealFirstError)
{
    if (!m_api)
        return nullptr;
    BuildLogPage *page = nullptr;
    const QString key = buildLogTabKey(buildId);
    for (int index = 0; index < m_tabs->count() && !page; ++index) {
        if (m_tabs->widget(index)->property(kTabKey).toString() == key) {
            page = qobject_cast<BuildLogPage *>(m_tabs->widget(index));
            m_tabs->setCurrentIndex(index);
        }
    }
    if (!page) {
        page = new BuildLogPage(m_settings, buildId, applicationName);
        page->setProperty(kTabKey, key);
        m_tabs->setCurrentIndex(m_tabs->addTab(page, QIcon(QStringLiteral(":/icons/view-logs.svg")),
                                               tr("Build log: %1").arg(applicationName)));
    }
    if (revealFirstError)
        page->revealFirstErrorWhenComplete();
    showNormal();
    raise();
    return page;
}

NewApplicationWizard *MainWindow::openNewApplicationWizard()
{
    if (!m_api || !m_serverInfo)
        return nullptr;
    if (!m_wizard) {
        m_wizard = new NewApplicationWizard(*m_api, m_serverInfo->webhookBaseUrl, this);
        m_wizard->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_wizard, &NewApplicationWizard::applicationCreated, this, [this](const QString &name) {
            requestReload();
            openApplication(name);
        });
    }
    m_wizard->show();
    m_wizard->raise();
    return m_wizard;
}

ConnectionDialog *MainWindow::openConnectionDialog()
{
    if (!m_connectionDialog) {
        m_connectionDialog = new ConnectionDialog(m_profiles, this);
        m_connectionDialog->setAttribute(Qt::WA_DeleteOnClose);
        if (!m_profileId.isEmpty())
            m_connectionDialog->selectProfile(m_profileId);
    }
    m_connectionDialog->show();
    m_connectionDialog->raise();
    return m_connectionDialog;
}

void MainWindow::closeTab(int index)
{
    QWidget *page = m_tabs->widget(index);
    // The fixed tabs have no close button; this guards against a shortcut all the same.
    if (!page || page->property(kTabKey).toString().isEmpty())
        return;
    m_tabs->removeTab(index);
    page->deleteLater();
}

void MainWindow::closeApplication(const QString &name)
{
    const QString key = applicationTabKey(name);
    for (int index = 0; index < m_tabs->count(); ++index)
        if (m_tabs->widget(index)->property(kTabKey).toString() == key)
            closeTab(index);
    statusBar()->showMessage(tr("Deleted %1.").arg(name), 10'000);
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
    if (!m_api)
        return;
    ++m_refreshesInFlight;
    fetchServerInfo(*m_api, this, [this](const CallResult<ServerInfo> &info) {
        if (!info.ok()) {
            showError(info.error);
            finishClientRefresh();
            return;
        }
        showConnected(*info.value);
        listApplications(*m_api, this, [this](const CallResult<QList<ApplicationSummary>> &applications) {
            if (applications.ok()) {
                m_applications->setApplications(*applications.value);
                m_table->resizeColumnsToContents();
                showApplicationTabStates();
                // Reloads that events ask for concern the applications; the other pages follow the user's.
                if (std::exchange(m_reloadEveryPage, false)) {
                    m_repositories->reload();
                    if (m_adminConsole)
                        m_adminConsole->reload();
                }
                // Starts the stream unless it runs: after the first successful refresh, or again after it
                // failed.
                m_events->start();
                emit refreshed();
            } else {
                showError(applications.error);
            }
            finishClientRefresh();
        });
    });
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
