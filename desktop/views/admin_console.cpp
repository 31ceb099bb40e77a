#include "views/admin_console.h"

#include "client/admin_api.h"
#include "client/application_api.h"
#include "models/alert_list_model.h"
#include "models/build_queue_model.h"
#include "models/builder_list_model.h"
#include "models/human_units.h"
#include "models/token_list_model.h"
#include "models/user_list_model.h"

#include <QCheckBox>
#include <QClipboard>
#include <QColor>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPalette>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <memory>
#include <utility>

namespace vitrine::desktop {

namespace {

QTableView *createTable(const QString &objectName, QAbstractItemModel *model, int stretchColumn)
{
    auto *table = new QTableView;
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(stretchColumn, QHeaderView::Stretch);
    return table;
}

QLabel *createErrorLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    label->setPalette(palette);
    label->hide();
    return label;
}

// An empty message hides the label.
void showError(QLabel *label, const QString &message)
{
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

QLabel *createFigure(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

CoalescedReload::CoalescedReload(std::function<void(std::function<void()>)> start)
    : m_start(std::move(start))
{
}

void CoalescedReload::request()
{
    if (m_running) {
        m_pending = true;
        return;
    }
    m_running = true;
    m_start([this] { finish(); });
}

void CoalescedReload::finish()
{
    m_running = false;
    if (m_pending) {
        m_pending = false;
        request();
    }
}

AdminConsole::AdminConsole(ApiClient &api, QAbstractItemModel *allApplications, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_tabs(new QTabWidget)
    , m_reloadButton(new QPushButton(tr("&Reload")))
    , m_builderModel(new BuilderListModel(this))
    , m_queueModel(new BuildQueueModel(this))
    , m_alertModel(new AlertListModel(this))
    , m_userModel(new UserListModel(this))
    , m_tokenModel(new TokenListModel(this))
    , m_fleetReload([this](std::function<void()> finished) { startFleetReload(std::move(finished)); })
    , m_alertsReload([this](std::function<void()> finished) { startAlertsReload(std::move(finished)); })
{
    setObjectName(QStringLiteral("adminConsole"));
    m_tabs->setObjectName(QStringLiteral("adminTabs"));
    m_tabs->addTab(createApplicationsTab(allApplications), tr("Applications"));
    m_tabs->addTab(createBuildersTab(), tr("Builders"));
    m_tabs->addTab(createQueueTab(), tr("Build queue"));
    m_tabs->addTab(createAlertsTab(), tr("Alerts"));
    m_tabs->addTab(createUsersTab(), tr("Users && tokens"));
    m_tabs->addTab(createPlatformTab(), tr("Platform"));

    m_reloadButton->setObjectName(QStringLiteral("reloadAdminButton"));
    m_reloadButton->setToolTip(tr("Fetch builders, queue, alerts, users and figures again"));
    connect(m_reloadButton, &QPushButton::clicked, this, &AdminConsole::reload);
    m_tabs->setCornerWidget(m_reloadButton);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
}

QWidget *AdminConsole::createApplicationsTab(QAbstractItemModel *allApplications)
{
    auto *table = createTable(QStringLiteral("adminApplicationsTable"), allApplications, 0);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setStretchLastSection(true);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(table);
    return tab;
}

QWidget *AdminConsole::createBuildersTab()
{
    m_buildersTable = createTable(QStringLiteral("buildersTable"), m_builderModel,
                                  static_cast<int>(BuilderListModel::Column::Builds));
    m_buildersError = createErrorLabel(QStringLiteral("buildersErrorLabel"));
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_buildersTable);
    layout->addWidget(m_buildersError);
    return tab;
}

QWidget *AdminConsole::createQueueTab()
{
    m_queueTable = createTable(QStringLiteral("buildQueueTable"), m_queueModel,
                               static_cast<int>(BuildQueueModel::Column::Waiting));
    m_queueError = createErrorLabel(QStringLiteral("buildQueueErrorLabel"));
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_queueTable);
    layout->addWidget(m_queueError);
    return tab;
}

QWidget *AdminConsole::createAlertsTab()
{
    m_alertsTable = createTable(QStringLiteral("alertsTable"), m_alertModel,
                                static_cast<int>(AlertListModel::Column::Message));
    m_showAcknowledgedAlerts = new QCheckBox(tr("Show &acknowledged"));
    m_showAcknowledgedAlerts->setObjectName(QStringLiteral("showAcknowledgedAlertsCheck"));
    m_acknowledgeButton = new QPushButton(tr("Ac&knowledge"));
    m_acknowledgeButton->setObjectName(QStringLiteral("acknowledgeAlertButton"));
    m_acknowledgeButton->setToolTip(tr("Mark the alert as seen; the same trouble may then open a new one"));
    m_stopApplicationButton = new QPushButton(tr("&Stop app"));
    m_stopApplicationButton->setObjectName(QStringLiteral("stopAlertApplicationButton"));
    m_stopApplicationButton->setToolTip(tr("Stop the application the alert is about"));
    m_alertsError = createErrorLabel(QStringLiteral("alertsErrorLabel"));

    connect(m_showAcknowledgedAlerts, &QCheckBox::toggled, this, [this] { m_alertsReload.request(); });
    connect(m_acknowledgeButton, &QPushButton::clicked, this, &AdminConsole::acknowledgeSelectedAlert);
    connect(m_stopApplicationButton, &QPushButton::clicked, this,
            &AdminConsole::stopSelectedAlertApplication);
    connect(m_alertsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AdminConsole::updateAlertButtons);
    connect(m_alertModel, &QAbstractItemModel::modelReset, this, &AdminConsole::updateAlertButtons);
    updateAlertButtons();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_acknowledgeButton);
    buttons->addWidget(m_stopApplicationButton);
    buttons->addStretch();
    buttons->addWidget(m_showAcknowledgedAlerts);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(buttons);
    layout->addWidget(m_alertsTable);
    layout->addWidget(m_alertsError);
    return tab;
}

QWidget *AdminConsole::createUsersTab()
{
    m_usersTable =
        createTable(QStringLiteral("usersTable"), m_userModel, static_cast<int>(UserListModel::Column::Name));
    m_newUserName = new QLineEdit;
    m_newUserName->setObjectName(QStringLiteral("newUserNameField"));
    m_newUserName->setPlaceholderText(tr("New user's name"));
    m_newUserAdmin = new QCheckBox(tr("A&dmin"));
    m_newUserAdmin->setObjectName(QStringLiteral("newUserAdminCheck"));
    m_createUserButton = new QPushButton(tr("&Create user"));
    m_createUserButton->setObjectName(QStringLiteral("createUserButton"));
    m_deleteUserButton = new QPushButton(tr("De&lete user"));
    m_deleteUserButton->setObjectName(QStringLiteral("deleteUserButton"));
    m_deleteUserButton->setToolTip(tr("The server refuses while the user is the only owner of something"));
    m_usersError = createErrorLabel(QStringLiteral("usersErrorLabel"));

    connect(m_newUserName, &QLineEdit::textChanged, this, &AdminConsole::updateUserButtons);
    connect(m_newUserName, &QLineEdit::returnPressed, this, &AdminConsole::createUserFromForm);
    connect(m_createUserButton, &QPushButton::clicked, this, &AdminConsole::createUserFromForm);
    connect(m_deleteUserButton, &QPushButton::clicked, this, &AdminConsole::confirmDeleteSelectedUser);
    connect(m_usersTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateUserButtons();
        m_tokenSecret->clear();
        reloadTokens();
    });
    connect(m_userModel, &QAbstractItemModel::modelReset, this, &AdminConsole::updateUserButtons);

    auto *createRow = new QHBoxLayout;
    createRow->addWidget(m_newUserName, 1);
    createRow->addWidget(m_newUserAdmin);
    createRow->addWidget(m_createUserButton);
    auto *users = new QWidget;
    auto *usersLayout = new QVBoxLayout(users);
    usersLayout->addLayout(createRow);
    usersLayout->addWidget(m_usersTable);
    usersLayout->addWidget(m_deleteUserButton, 0, Qt::AlignLeft);
    usersLayout->addWidget(m_usersError);

    m_tokensTable = createTable(QStringLiteral("tokensTable"), m_tokenModel,
                                static_cast<int>(TokenListModel::Column::Description));
    m_showInactiveTokens = new QCheckBox(tr("Show revoked and e&xpired"));
    m_showInactiveTokens->setObjectName(QStringLiteral("showInactiveTokensCheck"));
    m_tokenDescription = new QLineEdit;
    m_tokenDescription->setObjectName(QStringLiteral("tokenDescriptionField"));
    m_tokenDescription->setPlaceholderText(tr("What the token is for"));
    m_tokenExpires = new QCheckBox(tr("Expires"));
    m_tokenExpires->setObjectName(QStringLiteral("tokenExpiresCheck"));
    m_tokenExpiry = new QDateTimeEdit(QDateTime::currentDateTime().addDays(90));
    m_tokenExpiry->setObjectName(QStringLiteral("tokenExpiryEdit"));
    m_tokenExpiry->setCalendarPopup(true);
    m_tokenExpiry->setEnabled(false);
    m_createTokenButton = new QPushButton(tr("Create &token"));
    m_createTokenButton->setObjectName(QStringLiteral("createTokenButton"));
    m_revokeTokenButton = new QPushButton(tr("&Revoke token"));
    m_revokeTokenButton->setObjectName(QStringLiteral("revokeTokenButton"));
    m_tokenSecret = new QLineEdit;
    m_tokenSecret->setObjectName(QStringLiteral("tokenSecretField"));
    m_tokenSecret->setReadOnly(true);
    m_tokenSecret->setPlaceholderText(tr("A new token's secret shows here, once"));
    m_copyTokenSecretButton = new QPushButton(tr("Cop&y"));
    m_copyTokenSecretButton->setObjectName(QStringLiteral("copyTokenSecretButton"));
    m_tokensError = createErrorLabel(QStringLiteral("tokensErrorLabel"));

    connect(m_showInactiveTokens, &QCheckBox::toggled, this, &AdminConsole::reloadTokens);
    connect(m_tokenExpires, &QCheckBox::toggled, m_tokenExpiry, &QWidget::setEnabled);
    connect(m_createTokenButton, &QPushButton::clicked, this, &AdminConsole::createTokenFromForm);
    connect(m_revokeTokenButton, &QPushButton::clicked, this, &AdminConsole::revokeSelectedToken);
    connect(m_tokenSecret, &QLineEdit::textChanged, this, &AdminConsole::updateTokenButtons);
    connect(m_copyTokenSecretButton, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_tokenSecret->text()); });
    connect(m_tokensTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AdminConsole::updateTokenButtons);
    connect(m_tokenModel, &QAbstractItemModel::modelReset, this, &AdminConsole::updateTokenButtons);

    auto *tokenForm = new QHBoxLayout;
    tokenForm->addWidget(m_tokenDescription, 1);
    tokenForm->addWidget(m_tokenExpires);
    tokenForm->addWidget(m_tokenExpiry);
    tokenForm->addWidget(m_createTokenButton);
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_tokenSecret, 1);
    secretRow->addWidget(m_copyTokenSecretButton);
    auto *tokenButtons = new QHBoxLayout;
    tokenButtons->addWidget(m_revokeTokenButton);
    tokenButtons->addStretch();
    tokenButtons->addWidget(m_showInactiveTokens);
    auto *tokens = new QWidget;
    auto *tokensLayout = new QVBoxLayout(tokens);
    tokensLayout->addLayout(tokenForm);
    tokensLayout->addLayout(secretRow);
    tokensLayout->addWidget(m_tokensTable);
    tokensLayout->addLayout(tokenButtons);
    tokensLayout->addWidget(m_tokensError);

    updateUserButtons();
    updateTokenButtons();
    auto *splitter = new QSplitter;
    splitter->addWidget(users);
    splitter->addWidget(tokens);
    return splitter;
}

QWidget *AdminConsole::createPlatformTab()
{
    m_platformError = createErrorLabel(QStringLiteral("platformErrorLabel"));
    m_queueFigures = createFigure(QStringLiteral("platformQueueLabel"));
    m_buildFigures = createFigure(QStringLiteral("platformBuildsLabel"));
    m_durationFigures = createFigure(QStringLiteral("platformDurationLabel"));
    m_applicationFigures = createFigure(QStringLiteral("platformApplicationsLabel"));
    m_instanceFigures = createFigure(QStringLiteral("platformInstancesLabel"));
    m_alertFigures = createFigure(QStringLiteral("platformAlertsLabel"));
    m_diskFigures = createFigure(QStringLiteral("platformDiskLabel"));
    m_diskFigures->setWordWrap(true);
    m_freeDisk = createFigure(QStringLiteral("platformFreeDiskLabel"));

    auto *tab = new QWidget;
    auto *form = new QFormLayout;
    form->addRow(tr("Build queue:"), m_queueFigures);
    form->addRow(tr("Finished builds:"), m_buildFigures);
    form->addRow(tr("Build duration:"), m_durationFigures);
    form->addRow(tr("Applications:"), m_applicationFigures);
    form->addRow(tr("Instances:"), m_instanceFigures);
    form->addRow(tr("Open alerts:"), m_alertFigures);
    form->addRow(tr("Disk use:"), m_diskFigures);
    form->addRow(tr("Free disk:"), m_freeDisk);
    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(form);
    layout->addWidget(m_platformError);
    layout->addStretch();
    return tab;
}

void AdminConsole::reload()
{
    m_fleetReload.request();
    m_alertsReload.request();
    reloadUsers();
}

void AdminConsole::applyEvents(const QList<StreamedEvent> &events)
{
    for (const StreamedEvent &event : events) {
        if (event.type == StreamedEvent::Type::BuildStateChanged)
            m_fleetReload.request();
        else if (event.type == StreamedEvent::Type::AlertOpened)
            m_alertsReload.request();
    }
}

void AdminConsole::startFleetReload(std::function<void()> finished)
{
    // Both answers come back in the order asked (one worker per client); the reload ends with the second.
    auto outstanding = std::make_shared<int>(2);
    const auto answered = [outstanding, finished = std::move(finished)] {
        if (--*outstanding == 0)
            finished();
    };
    fetchPlatformStatus(m_api, this, [this, answered](const CallResult<PlatformStatus> &result) {
        const QString error =
            result.ok() ? QString() : tr("Cannot load the platform status: %1").arg(result.error);
        showError(m_platformError, error);
        showError(m_buildersError, error);
        if (result.ok()) {
            m_builderModel->setBuilders(result.value->builders);
            showPlatformStatus(*result.value);
        }
        answered();
    });
    listQueuedBuilds(m_api, this, [this, answered](const CallResult<QList<QueuedBuild>> &result) {
        showError(m_queueError,
                  result.ok() ? QString() : tr("Cannot load the build queue: %1").arg(result.error));
        if (result.ok())
            m_queueModel->setBuilds(*result.value, QDateTime::currentDateTimeUtc());
        answered();
    });
}

void AdminConsole::startAlertsReload(std::function<void()> finished)
{
    listAlerts(m_api, this, m_showAcknowledgedAlerts->isChecked(),
               [this, finished = std::move(finished)](const CallResult<QList<Alert>> &result) {
                   showError(m_alertsError,
                             result.ok() ? QString() : tr("Cannot load the alerts: %1").arg(result.error));
                   if (result.ok())
                       m_alertModel->setAlerts(*result.value);
                   finished();
               });
}

void AdminConsole::reloadUsers()
{
    listUsers(m_api, this, [this](const CallResult<QList<UserAccount>> &result) {
        showError(m_usersError, result.ok() ? QString() : tr("Cannot load the users: %1").arg(result.error));
        if (!result.ok())
            return;
        const std::optional<UserAccount> selected = selectedUser();
        m_userModel->setUsers(*result.value);
        if (selected) {
            for (int row = 0; row < m_userModel->rowCount(); ++row) {
                if (m_userModel->records().at(row).id == selected->id)
                    m_usersTable->selectRow(row);
            }
        }
        // The selection may be gone with the reset: the token list follows it.
        if (!selectedUser())
            reloadTokens();
    });
}

void AdminConsole::reloadTokens()
{
    const std::optional<UserAccount> user = selectedUser();
    if (!user) {
        m_tokensUser.clear();
        m_tokenModel->setTokens({}, QDateTime::currentDateTimeUtc());
        showError(m_tokensError, {});
        updateTokenButtons();
        return;
    }
    m_tokensUser = user->name;
    listTokens(m_api, this, user->name, m_showInactiveTokens->isChecked(),
               [this, userName = user->name](const CallResult<QList<ApiToken>> &result) {
                   // An answer for a user no longer selected is stale.
                   if (userName != m_tokensUser)
                       return;
                   showError(m_tokensError,
                             result.ok() ? QString() : tr("Cannot load the tokens: %1").arg(result.error));
                   if (result.ok())
                       m_tokenModel->setTokens(*result.value, QDateTime::currentDateTimeUtc());
               });
    updateTokenButtons();
}

void AdminConsole::showPlatformStatus(const PlatformStatus &status)
{
    m_queueFigures->setText(tr("%1 queued, %2 running").arg(status.queuedBuilds).arg(status.runningBuilds));
    const BuildFigures &recent = status.recentBuilds;
    m_buildFigures->setText(tr("%1 succeeded, %2 failed, %3 canceled in the last %4 h")
                                .arg(recent.succeeded)
                                .arg(recent.failed)
                                .arg(recent.canceled)
                                .arg(recent.windowSeconds / 3600));
    if (recent.durationP50Ms && recent.durationP90Ms)
        m_durationFigures->setText(tr("median %1, 90th percentile %2")
                                       .arg(humanDuration(*recent.durationP50Ms))
                                       .arg(humanDuration(*recent.durationP90Ms)));
    else
        m_durationFigures->setText(tr("no finished builds"));
    m_applicationFigures->setText(
        tr("%1 static, %2 runtime").arg(status.staticApplications).arg(status.runtimeApplications));
    QStringList instances;
    for (auto it = status.instancesByState.cbegin(); it != status.instancesByState.cend(); ++it)
        instances.append(tr("%1 %2").arg(it.value()).arg(it.key()));
    m_instanceFigures->setText(instances.isEmpty() ? tr("none") : instances.join(QStringLiteral(", ")));
    m_alertFigures->setText(QString::number(status.openAlerts));
    const DiskUse &disk = status.disk;
    m_diskFigures->setText(tr("%1 in all: artifacts %2, sites %3, build logs %4, runtime logs %5")
                               .arg(humanBytes(disk.totalBytes), humanBytes(disk.artifactsBytes),
                                    humanBytes(disk.sitesBytes), humanBytes(disk.buildLogsBytes),
                                    humanBytes(disk.runtimeLogsBytes)));
    m_freeDisk->setText(humanBytes(disk.freeBytes));
}

std::optional<Alert> AdminConsole::selectedAlert() const
{
    const QModelIndexList rows = m_alertsTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_alertModel->records().at(rows.first().row());
}

std::optional<UserAccount> AdminConsole::selectedUser() const
{
    const QModelIndexList rows = m_usersTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_userModel->records().at(rows.first().row());
}

QString AdminConsole::selectedTokenId() const
{
    const QModelIndexList rows = m_tokensTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_tokenModel->records().at(rows.first().row()).id;
}

void AdminConsole::updateAlertButtons()
{
    const std::optional<Alert> alert = selectedAlert();
    m_acknowledgeButton->setEnabled(!m_alertActionRunning && alert && alert->isOpen());
    m_stopApplicationButton->setEnabled(!m_alertActionRunning && alert.has_value());
}

void AdminConsole::updateUserButtons()
{
    m_createUserButton->setEnabled(!m_userActionRunning && !m_newUserName->text().trimmed().isEmpty());
    m_deleteUserButton->setEnabled(!m_userActionRunning && selectedUser().has_value());
}

void AdminConsole::updateTokenButtons()
{
    const bool userSelected = !m_tokensUser.isEmpty();
    m_createTokenButton->setEnabled(!m_tokenActionRunning && userSelected);
    const QModelIndexList rows = m_tokensTable->selectionModel()->selectedRows();
    const bool activeSelected = !rows.isEmpty() && rows.first().data(TokenListModel::ActiveRole).toBool();
    m_revokeTokenButton->setEnabled(!m_tokenActionRunning && activeSelected);
    m_copyTokenSecretButton->setEnabled(!m_tokenSecret->text().isEmpty());
}

void AdminConsole::acknowledgeSelectedAlert()
{
    const std::optional<Alert> alert = selectedAlert();
    if (!alert)
        return;
    m_alertActionRunning = true;
    updateAlertButtons();
    acknowledgeAlert(m_api, this, alert->id, [this](const CallResult<Alert> &result) {
        m_alertActionRunning = false;
        showError(m_alertsError,
                  result.ok() ? QString() : tr("Cannot acknowledge the alert: %1").arg(result.error));
        updateAlertButtons();
        m_alertsReload.request();
    });
}

void AdminConsole::stopSelectedAlertApplication()
{
    const std::optional<Alert> alert = selectedAlert();
    if (!alert)
        return;
    m_alertActionRunning = true;
    updateAlertButtons();
    stopApplication(m_api, this, alert->applicationName,
                    [this, name = alert->applicationName](const CallResult<ApplicationDetails> &result) {
                        m_alertActionRunning = false;
                        showError(m_alertsError,
                                  result.ok() ? QString() : tr("Cannot stop %1: %2").arg(name, result.error));
                        updateAlertButtons();
                    });
}

void AdminConsole::createUserFromForm()
{
    const QString name = m_newUserName->text().trimmed();
    if (name.isEmpty() || m_userActionRunning)
        return;
    m_userActionRunning = true;
    updateUserButtons();
    createUser(m_api, this, name, m_newUserAdmin->isChecked(), [this](const CallResult<UserAccount> &result) {
        m_userActionRunning = false;
        showError(m_usersError, result.ok() ? QString() : tr("Cannot create the user: %1").arg(result.error));
        if (result.ok()) {
            m_newUserName->clear();
            m_newUserAdmin->setChecked(false);
            reloadUsers();
        }
        updateUserButtons();
    });
}

void AdminConsole::confirmDeleteSelectedUser()
{
    const std::optional<UserAccount> user = selectedUser();
    if (!user)
        return;
    auto *confirmation =
        new QMessageBox(QMessageBox::Question, tr("Delete user"), tr("Delete user %1?").arg(user->name),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
    confirmation->setObjectName(QStringLiteral("deleteUserConfirmation"));
    confirmation->setInformativeText(
        tr("Their tokens stop working. The server refuses while they are the only "
           "owner of a repository or an application."));
    confirmation->setDefaultButton(QMessageBox::Cancel);
    confirmation->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirmation, &QMessageBox::finished, this, [this, name = user->name](int answer) {
        if (answer == QMessageBox::Yes)
            deleteUserNamed(name);
    });
    confirmation->open();
}

void AdminConsole::deleteUserNamed(const QString &name)
{
    m_userActionRunning = true;
    updateUserButtons();
    deleteUser(m_api, this, name, [this, name](const CallResult<Done> &result) {
        m_userActionRunning = false;
        showError(m_usersError, result.ok() ? QString() : tr("Cannot delete %1: %2").arg(name, result.error));
        if (result.ok())
            reloadUsers();
        updateUserButtons();
    });
}

void AdminConsole::createTokenFromForm()
{
    if (m_tokensUser.isEmpty() || m_tokenActionRunning)
        return;
    std::optional<QDateTime> expiresAt;
    if (m_tokenExpires->isChecked())
        expiresAt = m_tokenExpiry->dateTime();
    m_tokenActionRunning = true;
    m_tokenSecret->clear();
    updateTokenButtons();
    createToken(m_api, this, m_tokensUser, m_tokenDescription->text().trimmed(), expiresAt,
                [this](const CallResult<CreatedToken> &result) {
                    m_tokenActionRunning = false;
                    showError(m_tokensError,
                              result.ok() ? QString() : tr("Cannot create the token: %1").arg(result.error));
                    if (result.ok()) {
                        m_tokenDescription->clear();
                        m_tokenSecret->setText(result.value->secret);
                        m_tokenSecret->selectAll();
                        reloadTokens();
                    }
                    updateTokenButtons();
                });
}

void AdminConsole::revokeSelectedToken()
{
    const QString tokenId = selectedTokenId();
    if (tokenId.isEmpty() || m_tokenActionRunning)
        return;
    m_tokenActionRunning = true;
    updateTokenButtons();
    revokeToken(m_api, this, tokenId, [this](const CallResult<ApiToken> &result) {
        m_tokenActionRunning = false;
        showError(m_tokensError,
                  result.ok() ? QString() : tr("Cannot revoke the token: %1").arg(result.error));
        reloadTokens();
    });
}

} // namespace vitrine::desktop
