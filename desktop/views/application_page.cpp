#include "views/application_page.h"

#include "client/build_api.h"
#include "models/application_list_model.h"
#include "models/build_list_model.h"

#include <QDesktopServices>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <utility>

namespace vitrine::desktop {

namespace {

QLabel *selectableLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QPushButton *button(const QString &text, const QString &objectName, const QString &toolTip)
{
    auto *pushButton = new QPushButton(text);
    pushButton->setObjectName(objectName);
    pushButton->setToolTip(toolTip);
    return pushButton;
}

QUrl websiteUrl(const ApplicationWebsite &website, const QString &scheme, int port)
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(website.fqdn);
    if (port > 0)
        url.setPort(port);
    url.setPath(website.pathPrefix);
    return url;
}

} // namespace

ApplicationPage::ApplicationPage(ApiClient &api, QString application, QString siteScheme, int sitePort,
                                 QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_application(std::move(application))
    , m_siteScheme(std::move(siteScheme))
    , m_sitePort(sitePort)
    , m_builds(new BuildListModel(this))
    , m_nameLabel(selectableLabel(QStringLiteral("applicationNameLabel")))
    , m_stateLabel(selectableLabel(QStringLiteral("applicationStateLabel")))
    , m_stoppedReasonLabel(selectableLabel(QStringLiteral("stoppedReasonLabel")))
    , m_websitesLabel(new QLabel)
    , m_sourceLabel(selectableLabel(QStringLiteral("sourceLabel")))
    , m_commitLabel(selectableLabel(QStringLiteral("commitLabel")))
    , m_servingBuildLabel(selectableLabel(QStringLiteral("servingBuildLabel")))
    , m_buildTypeLabel(selectableLabel(QStringLiteral("buildTypeLabel")))
    , m_ownersLabel(selectableLabel(QStringLiteral("ownersLabel")))
    , m_resourcesLabel(selectableLabel(QStringLiteral("resourcesLabel")))
    , m_errorLabel(selectableLabel(QStringLiteral("applicationErrorLabel")))
    , m_startButton(button(tr("Start"), QStringLiteral("startButton"), tr("Run the application")))
    , m_stopButton(button(tr("Stop"), QStringLiteral("stopButton"), tr("Stop the running application")))
    , m_restartButton(button(tr("Restart"), QStringLiteral("restartButton"),
                             tr("Replace the running instance with a new one, without downtime")))
    , m_deleteButton(button(tr("Delete…"), QStringLiteral("deleteButton"),
                            tr("Delete the application with its builds and logs")))
    , m_buildsTable(new QTableView)
    , m_cancelBuildButton(button(tr("Cancel build"), QStringLiteral("cancelBuildButton"),
                                 tr("Stop the selected queued or running build")))
    , m_retryBuildButton(button(tr("Retry"), QStringLiteral("retryBuildButton"),
                                tr("Build the current commit again with the current settings")))
    , m_rollbackButton(button(tr("Roll back to this build"), QStringLiteral("rollbackButton"),
                              tr("Serve the selected build until the next commit or settings change")))
    , m_showLogButton(
          button(tr("Show log"), QStringLiteral("showLogButton"), tr("Open the selected build's log")))
    , m_durationTimer(new QTimer(this))
{
    QFont nameFont = m_nameLabel->font();
    nameFont.setBold(true);
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.4);
    m_nameLabel->setFont(nameFont);
    m_nameLabel->setText(m_application);
    m_nameLabel->setWordWrap(false);

    m_websitesLabel->setObjectName(QStringLiteral("websitesLabel"));
    m_websitesLabel->setTextFormat(Qt::RichText);
    m_websitesLabel->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_websitesLabel->setOpenExternalLinks(false);
    connect(m_websitesLabel, &QLabel::linkActivated, this,
            [](const QString &link) { QDesktopServices::openUrl(QUrl(link)); });

    QPalette errorPalette = m_errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_errorLabel->setPalette(errorPalette);
    m_errorLabel->hide();
    m_stoppedReasonLabel->hide();

    auto *header = new QHBoxLayout;
    header->addWidget(m_nameLabel);
    header->addWidget(m_stateLabel);
    header->addStretch();
    for (QPushButton *action : {m_startButton, m_stopButton, m_restartButton, m_deleteButton})
        header->addWidget(action);

    auto *facts = new QFormLayout;
    facts->addRow(tr("Websites:"), m_websitesLabel);
    facts->addRow(tr("Source:"), m_sourceLabel);
    facts->addRow(tr("Commit:"), m_commitLabel);
    facts->addRow(tr("Serving:"), m_servingBuildLabel);
    facts->addRow(tr("Build type:"), m_buildTypeLabel);
    facts->addRow(tr("Owners:"), m_ownersLabel);
    facts->addRow(tr("Resources:"), m_resourcesLabel);

    auto *buildActions = new QHBoxLayout;
    buildActions->addWidget(new QLabel(tr("Builds")));
    buildActions->addStretch();
    for (QPushButton *action : {m_showLogButton, m_rollbackButton, m_cancelBuildButton, m_retryBuildButton})
        buildActions->addWidget(action);

    m_buildsTable->setObjectName(QStringLiteral("buildsTable"));
    m_buildsTable->setModel(m_builds);
    m_buildsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_buildsTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_buildsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_buildsTable->verticalHeader()->hide();
    m_buildsTable->horizontalHeader()->setStretchLastSection(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_stoppedReasonLabel);
    layout->addWidget(m_errorLabel);
    layout->addLayout(facts);
    layout->addLayout(buildActions);
    layout->addWidget(m_buildsTable, 1);

    connect(m_startButton, &QPushButton::clicked, this, [this] { runApplicationAction(&startApplication); });
    connect(m_stopButton, &QPushButton::clicked, this, [this] { runApplicationAction(&stopApplication); });
    connect(m_restartButton, &QPushButton::clicked, this,
            [this] { runApplicationAction(&restartApplication); });
    connect(m_deleteButton, &QPushButton::clicked, this, &ApplicationPage::confirmDelete);
    connect(m_cancelBuildButton, &QPushButton::clicked, this, &ApplicationPage::cancelSelectedBuild);
    connect(m_retryBuildButton, &QPushButton::clicked, this, &ApplicationPage::retryCurrentCommit);
    connect(m_rollbackButton, &QPushButton::clicked, this, &ApplicationPage::rollbackToSelectedBuild);
    connect(m_showLogButton, &QPushButton::clicked, this, &ApplicationPage::requestSelectedBuildLog);
    connect(m_buildsTable, &QTableView::doubleClicked, this, &ApplicationPage::requestSelectedBuildLog);
    connect(m_buildsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ApplicationPage::updateButtons);
    // A reload changes states in place: what the selected build allows may change with it.
    connect(m_builds, &QAbstractItemModel::dataChanged, this, &ApplicationPage::updateButtons);
    connect(m_builds, &QAbstractItemModel::rowsInserted, this, &ApplicationPage::updateButtons);
    connect(m_builds, &QAbstractItemModel::rowsRemoved, this, &ApplicationPage::updateButtons);

    m_durationTimer->setInterval(1000);
    connect(m_durationTimer, &QTimer::timeout, m_builds, &BuildListModel::refreshRunningDurations);
    m_durationTimer->start();

    updateButtons();
    reload();
}

void ApplicationPage::reload()
{
    if (m_deleted)
        return;
    if (m_reloadPartsInFlight > 0) {
        m_reloadPending = true;
        return;
    }
    startReload();
}

void ApplicationPage::applyEvents(const QList<StreamedEvent> &events)
{
    bool changed = false;
    for (const StreamedEvent &event : events) {
        const bool ours =
            event.applicationName == m_application ||
            (m_details && !event.applicationId.isEmpty() && event.applicationId == m_details->summary.id);
        if (!ours)
            continue;
        switch (event.type) {
        case StreamedEvent::Type::ApplicationDeleted:
            markDeleted();
            return;
        case StreamedEvent::Type::BuildStateChanged:
        case StreamedEvent::Type::ApplicationDeployed:
        case StreamedEvent::Type::ApplicationStateChanged:
        case StreamedEvent::Type::ApplicationChanged:
            changed = true;
            break;
        case StreamedEvent::Type::AlertOpened:
        case StreamedEvent::Type::Unknown:
            break;
        }
    }
    if (changed)
        reload();
}

void ApplicationPage::startReload()
{
    m_reloadPartsInFlight = 2;
    getApplication(m_api, this, m_application, [this](const CallResult<ApplicationDetails> &result) {
        if (result.ok())
            showDetails(*result.value);
        else
            showReloadError(result.error);
        finishReloadPart();
    });
    listBuilds(m_api, this, m_application, [this](const CallResult<QList<BuildSummary>> &result) {
        if (result.ok())
            m_builds->setBuilds(*result.value);
        else
            showReloadError(result.error);
        finishReloadPart();
    });
}

void ApplicationPage::finishReloadPart()
{
    if (--m_reloadPartsInFlight > 0)
        return;
    if (std::exchange(m_reloadPending, false))
        reload();
}

void ApplicationPage::showDetails(const ApplicationDetails &details)
{
    if (m_showingReloadError) {
        m_showingReloadError = false;
        m_errorLabel->hide();
    }
    m_details = details;
    const ApplicationSummary &summary = details.summary;
    const bool isRuntime = summary.deployType == DeployType::Runtime;

    QString state = ApplicationListModel::stateText(applicationState(summary));
    if (isRuntime && summary.restartCount > 0)
        state = tr("%1 · %n restart(s)", nullptr, summary.restartCount).arg(state);
    m_stateLabel->setText(state);
    m_stoppedReasonLabel->setText(tr("Stopped by the platform: %1").arg(summary.stoppedReason));
    m_stoppedReasonLabel->setVisible(!summary.stoppedReason.isEmpty());

    QStringList links;
    for (const ApplicationWebsite &website : details.websites) {
        const QString url = websiteUrl(website, m_siteScheme, m_sitePort).toString();
        links.append(QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toHtmlEscaped(), url.toHtmlEscaped()));
    }
    m_websitesLabel->setText(links.isEmpty() ? tr("none") : links.join(QStringLiteral("<br>")));

    m_sourceLabel->setText(QStringLiteral("%1@%2").arg(summary.repository, summary.ref));
    m_commitLabel->setText(details.currentCommit.isEmpty()
                               ? tr("not fetched yet")
                               : BuildListModel::shortCommit(details.currentCommit));
    m_commitLabel->setToolTip(details.currentCommit);

    m_builds->setServingBuildId(summary.currentBuildId);
    if (summary.currentBuildId.isEmpty()) {
        m_servingBuildLabel->setText(tr("nothing yet"));
    } else {
        QString serving = tr("build %1").arg(summary.currentBuildId);
        if (const BuildSummary *build = m_builds->build(summary.currentBuildId))
            serving = tr("build %1 (commit %2)").arg(build->id, BuildListModel::shortCommit(build->commit));
        if (!details.pinnedBuildId.isEmpty())
            serving = tr("%1, pinned by a rollback").arg(serving);
        m_servingBuildLabel->setText(serving);
    }

    m_buildTypeLabel->setText(summary.buildType);
    m_ownersLabel->setText(summary.owners.join(QStringLiteral(", ")));
    const QString memory =
        details.memoryLimitMb > 0 ? tr("%1 MiB").arg(details.memoryLimitMb) : tr("default");
    const QString cpu =
        details.cpuMillicores > 0 ? tr("%1 cores").arg(details.cpuMillicores / 1000.0) : tr("default");
    const QString sleep =
        details.autoSleepSeconds > 0 ? tr("after %n s idle", nullptr, details.autoSleepSeconds) : tr("never");
    m_resourcesLabel->setText(
        tr("memory %1 · CPU %2 · sleeps %3 · %n environment variable(s)", nullptr, details.envVarCount)
            .arg(memory, cpu, sleep));

    for (QPushButton *runtimeAction : {m_startButton, m_stopButton, m_restartButton})
        runtimeAction->setVisible(isRuntime);
    updateButtons();
}

void ApplicationPage::showError(const QString &message)
{
    m_showingReloadError = false;
    m_errorLabel->setText(message);
    m_errorLabel->show();
}

void ApplicationPage::showReloadError(const QString &message)
{
    showError(tr("Could not load the application: %1").arg(message));
    m_showingReloadError = true;
}

void ApplicationPage::updateButtons()
{
    const bool usable = m_details.has_value() && !m_actionInFlight && !m_deleted;
    const bool running = m_details && m_details->summary.running;
    m_startButton->setEnabled(usable && !running);
    m_stopButton->setEnabled(usable && running);
    m_restartButton->setEnabled(usable && running);
    m_deleteButton->setEnabled(usable);
    m_retryBuildButton->setEnabled(usable);

    const BuildSummary *build = selectedBuild();
    const bool buildUsable = usable && build;
    m_showLogButton->setEnabled(build && !m_deleted);
    m_cancelBuildButton->setEnabled(
        buildUsable && (build->state == BuildState::Queued || build->state == BuildState::Building));
    m_rollbackButton->setEnabled(buildUsable && build->state == BuildState::Succeeded &&
                                 build->id != m_details->summary.currentBuildId);
}

const BuildSummary *ApplicationPage::selectedBuild() const
{
    const QModelIndex current = m_buildsTable->selectionModel()->currentIndex();
    return current.isValid() ? &m_builds->buildAt(current.row()) : nullptr;
}

void ApplicationPage::confirmDelete()
{
    auto *confirmation =
        new QMessageBox(QMessageBox::Warning, tr("Delete %1?").arg(m_application),
                        tr("Delete the application %1? It stops, and its builds, artifacts and "
                           "logs are removed. This cannot be undone.")
                            .arg(m_application),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
    confirmation->setObjectName(QStringLiteral("deleteConfirmation"));
    confirmation->setAttribute(Qt::WA_DeleteOnClose);
    confirmation->button(QMessageBox::Yes)->setText(tr("Delete"));
    confirmation->setDefaultButton(QMessageBox::Cancel);
    connect(confirmation, &QMessageBox::buttonClicked, this, [this, confirmation](QAbstractButton *clicked) {
        if (confirmation->standardButton(clicked) != QMessageBox::Yes || m_deleted)
            return;
        beginAction();
        deleteApplication(m_api, this, m_application, [this](const CallResult<Done> &result) {
            if (result.ok())
                markDeleted();
            finishAction(result.error);
        });
    });
    confirmation->open();
}

void ApplicationPage::markDeleted()
{
    if (std::exchange(m_deleted, true))
        return;
    m_durationTimer->stop();
    m_stateLabel->setText(tr("deleted"));
    updateButtons();
    emit deleted(m_application);
}

void ApplicationPage::requestSelectedBuildLog()
{
    if (const BuildSummary *build = selectedBuild())
        emit buildLogRequested(build->id, m_application);
}

void ApplicationPage::runApplicationAction(ApplicationAction action)
{
    beginAction();
    action(m_api, this, m_application, [this](const CallResult<ApplicationDetails> &result) {
        if (result.ok())
            showDetails(*result.value);
        finishAction(result.error);
    });
}

void ApplicationPage::rollbackToSelectedBuild()
{
    const BuildSummary *build = selectedBuild();
    if (!build)
        return;
    beginAction();
    rollbackApplication(m_api, this, m_application, build->id,
                        [this](const CallResult<ApplicationDetails> &result) {
                            if (result.ok())
                                showDetails(*result.value);
                            finishAction(result.error);
                        });
}

void ApplicationPage::cancelSelectedBuild()
{
    const BuildSummary *build = selectedBuild();
    if (!build)
        return;
    beginAction();
    cancelBuild(m_api, this, build->id, [this](const CallResult<BuildSummary> &result) {
        finishAction(result.error);
        reload();
    });
}

void ApplicationPage::retryCurrentCommit()
{
    beginAction();
    retryBuild(m_api, this, m_application, [this](const CallResult<BuildSummary> &result) {
        finishAction(result.error);
        reload();
    });
}

void ApplicationPage::beginAction()
{
    m_actionInFlight = true;
    m_errorLabel->hide();
    updateButtons();
}

void ApplicationPage::finishAction(const QString &error)
{
    m_actionInFlight = false;
    if (!error.isEmpty())
        showError(error);
    updateButtons();
}

} // namespace vitrine::desktop
