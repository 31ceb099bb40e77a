#include "views/repositories_page.h"

#include "models/repository_list_model.h"
#include "views/repository_dialog.h"

#include <QColor>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPalette>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace vitrine::desktop {

RepositoriesPage::RepositoriesPage(ApiClient &api, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_model(new RepositoryListModel(this))
    , m_table(new QTableView)
    , m_newButton(new QPushButton(tr("&New…")))
    , m_editButton(new QPushButton(tr("&Edit…")))
    , m_deleteButton(new QPushButton(tr("&Delete")))
    , m_webhookButton(new QPushButton(tr("&Webhook URLs")))
    , m_reloadButton(new QPushButton(tr("&Reload")))
    , m_errorLabel(new QLabel)
{
    setObjectName(QStringLiteral("repositoriesPage"));

    m_table->setObjectName(QStringLiteral("repositoriesTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(static_cast<int>(RepositoryListModel::Column::Url),
                                                      QHeaderView::Stretch);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RepositoriesPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RepositoriesPage::updateButtons);
    connect(m_table, &QAbstractItemView::doubleClicked, this, &RepositoriesPage::openEditDialog);

    m_newButton->setObjectName(QStringLiteral("newRepositoryButton"));
    m_newButton->setToolTip(tr("Register a git repository that applications can build from"));
    m_editButton->setObjectName(QStringLiteral("editRepositoryButton"));
    m_editButton->setToolTip(tr("Change the URL, the webhook secret or the owners"));
    m_deleteButton->setObjectName(QStringLiteral("deleteRepositoryButton"));
    m_deleteButton->setToolTip(tr("Delete the repository; no application may still build from it"));
    m_webhookButton->setObjectName(QStringLiteral("webhookUrlsButton"));
    m_webhookButton->setToolTip(tr("Where the forge sends push notifications for this repository"));
    m_reloadButton->setObjectName(QStringLiteral("reloadRepositoriesButton"));
    connect(m_newButton, &QPushButton::clicked, this, &RepositoriesPage::openNewDialog);
    connect(m_editButton, &QPushButton::clicked, this, &RepositoriesPage::openEditDialog);
    connect(m_deleteButton, &QPushButton::clicked, this, &RepositoriesPage::confirmDelete);
    connect(m_webhookButton, &QPushButton::clicked, this, &RepositoriesPage::showWebhookUrls);
    connect(m_reloadButton, &QPushButton::clicked, this, &RepositoriesPage::reload);

    m_errorLabel->setObjectName(QStringLiteral("repositoriesErrorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_newButton);
    buttons->addWidget(m_editButton);
    buttons->addWidget(m_deleteButton);
    buttons->addWidget(m_webhookButton);
    buttons->addStretch();
    buttons->addWidget(m_reloadButton);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_table, 1);
    updateButtons();
}

void RepositoriesPage::setWebhookBaseUrl(const QString &webhookBaseUrl)
{
    m_webhookBaseUrl = webhookBaseUrl;
}

void RepositoriesPage::reload()
{
    ++m_reloadsInFlight;
    m_reloadButton->setEnabled(false);
    listRepositories(m_api, this, [this](const CallResult<QList<RepositorySummary>> &result) {
        m_reloadButton->setEnabled(--m_reloadsInFlight == 0);
        if (!result.ok()) {
            showError(result.error);
            return;
        }
        showError({});
        const std::optional<RepositorySummary> selected = selectedRepository();
        m_model->setRepositories(*result.value);
        if (selected && m_model->rowOf(selected->id) >= 0)
            m_table->selectRow(m_model->rowOf(selected->id));
    });
}

std::optional<RepositorySummary> RepositoriesPage::selectedRepository() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->repositoryAt(rows.first().row());
}

void RepositoriesPage::updateButtons()
{
    const bool hasSelection = selectedRepository().has_value();
    m_editButton->setEnabled(hasSelection);
    m_deleteButton->setEnabled(hasSelection && m_deletingId.isEmpty());
    m_webhookButton->setEnabled(hasSelection);
}

void RepositoriesPage::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

void RepositoriesPage::openNewDialog()
{
    auto *dialog = new RepositoryDialog(m_api, m_webhookBaseUrl, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RepositoryDialog::saved, this, [this](const RepositorySummary &repository) {
        m_model->updateRepository(repository);
        m_table->selectRow(m_model->rowOf(repository.id));
    });
    dialog->open();
}

void RepositoriesPage::openEditDialog()
{
    const std::optional<RepositorySummary> repository = selectedRepository();
    if (!repository)
        return;
    auto *dialog = new RepositoryDialog(m_api, m_webhookBaseUrl, *repository, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RepositoryDialog::saved, m_model, &RepositoryListModel::updateRepository);
    dialog->open();
}

void RepositoriesPage::confirmDelete()
{
    const std::optional<RepositorySummary> repository = selectedRepository();
    if (!repository)
        return;
    auto *confirmation = new QMessageBox(QMessageBox::Question, tr("Delete repository"),
                                         tr("Delete repository %1?").arg(repository->name),
                                         QMessageBox::Yes | QMessageBox::Cancel, this);
    confirmation->setObjectName(QStringLiteral("deleteRepositoryConfirmation"));
    confirmation->setInformativeText(tr("The server refuses while applications still build from it."));
    confirmation->setDefaultButton(QMessageBox::Cancel);
    confirmation->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirmation, &QMessageBox::finished, this, [this, repository = *repository](int answer) {
        if (answer == QMessageBox::Yes)
            deleteSelected(repository);
    });
    confirmation->open();
}

void RepositoriesPage::deleteSelected(const RepositorySummary &repository)
{
    m_deletingId = repository.id;
    showError({});
    updateButtons();
    deleteRepository(m_api, this, repository.id, [this, id = repository.id](const CallResult<Done> &result) {
        m_deletingId.clear();
        if (result.ok())
            m_model->removeRepository(id);
        else
            showError(result.error);
        updateButtons();
    });
}

void RepositoriesPage::showWebhookUrls()
{
    const std::optional<RepositorySummary> repository = selectedRepository();
    if (!repository)
        return;
    QString text;
    if (m_webhookBaseUrl.isEmpty()) {
        text =
            tr("The server did not say where it receives webhooks: ask its administrator for the address.");
    } else {
        text =
            tr("GitHub: %1\nGitea, Forgejo: %2")
                .arg(m_webhookBaseUrl + QStringLiteral("github"), m_webhookBaseUrl + QStringLiteral("gitea"));
    }
    auto *box = new QMessageBox(QMessageBox::Information, tr("Webhook URLs of %1").arg(repository->name),
                                text, QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("webhookUrlsBox"));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setInformativeText(
        repository->hasWebhookSecret
            ? tr("Deliveries must be signed with the repository's secret.")
            : tr("The repository has no webhook secret: unsigned deliveries are accepted. "
                 "Set one with Edit…"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace vitrine::desktop
