#include "views/new_application_wizard.h"

#include "client/api_client.h"
#include "client/repository_api.h"
#include "views/application_form.h"
#include "views/env_var_editor.h"
#include "views/repository_dialog.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWizardPage>

#include <functional>
#include <utility>

namespace vitrine::desktop {

namespace {

// A page whose Next or Create button follows a condition the wizard decides.
class ConditionalPage : public QWizardPage {
public:
    void setCompleteWhen(std::function<bool()> condition) { m_condition = std::move(condition); }
    bool isComplete() const override { return m_condition ? m_condition() : true; }

private:
    std::function<bool()> m_condition;
};

QLabel *errorLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #c62828;"));
    label->hide();
    return label;
}

} // namespace

NewApplicationWizard::NewApplicationWizard(ApiClient &api, QString webhookBaseUrl, QWidget *parent)
    : QWizard(parent)
    , m_api(api)
    , m_webhookBaseUrl(std::move(webhookBaseUrl))
{
    setWindowTitle(tr("New application"));
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::FinishButton, tr("&Create"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("createButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));

    m_identity = new ApplicationForm(ApplicationForm::Part::Identity);
    m_build = new ApplicationForm(ApplicationForm::Part::Build | ApplicationForm::Part::Runtime);
    m_websites = new ApplicationForm(ApplicationForm::Part::Websites);
    m_identity->setObjectName(QStringLiteral("identityForm"));
    m_build->setObjectName(QStringLiteral("buildForm"));
    m_websites->setObjectName(QStringLiteral("websitesForm"));

    setPage(RepositoryPageId, createRepositoryPage());
    setPage(BuildPageId, createFormPage(m_build, tr("Build"),
                                        tr("How the platform builds each commit, and how the result runs.")));
    setPage(WebsitesPageId,
            createFormPage(m_websites, tr("Websites"), tr("The addresses the application is served at.")));
    setPage(EnvironmentPageId, createEnvironmentPage());

    ApplicationConfig defaults;
    defaults.ref = QStringLiteral("main");
    defaults.buildType = QStringLiteral("static");
    m_identity->setConfig(defaults);
    loadRepositories({});
}

ApplicationConfig NewApplicationWizard::config() const
{
    ApplicationConfig config;
    config.repository = m_repository->currentData().toString();
    m_identity->writeTo(config);
    m_build->writeTo(config);
    m_websites->writeTo(config);
    config.env = m_env->variables();
    return config;
}

bool NewApplicationWizard::validateCurrentPage()
{
    if (currentId() != EnvironmentPageId || m_created)
        return QWizard::validateCurrentPage();
    if (!m_creating && m_env->validate())
        create();
    // The wizard closes when the server has created the application.
    return false;
}

QWizardPage *NewApplicationWizard::createRepositoryPage()
{
    auto *page = new ConditionalPage;
    page->setTitle(tr("Repository"));
    page->setSubTitle(tr("The Git repository the application builds from, and what to call it."));
    auto *layout = new QVBoxLayout(page);

    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("&Repository:"));
    m_repository = new QComboBox;
    m_repository->setObjectName(QStringLiteral("repositoryCombo"));
    m_repository->setMinimumContentsLength(24);
    label->setBuddy(m_repository);
    auto *newRepository = new QPushButton(tr("&New repository…"));
    newRepository->setObjectName(QStringLiteral("newRepositoryButton"));
    row->addWidget(label);
    row->addWidget(m_repository, 1);
    row->addWidget(newRepository);
    layout->addLayout(row);
    m_repositoryError = errorLabel(QStringLiteral("repositoryComboError"));
    layout->addWidget(m_repositoryError);
    m_repositoryStatus = new QLabel;
    m_repositoryStatus->setObjectName(QStringLiteral("repositoryStatusLabel"));
    m_repositoryStatus->setWordWrap(true);
    layout->addWidget(m_repositoryStatus);
    layout->addWidget(m_identity);

    page->setCompleteWhen([this] { return m_repository->currentIndex() >= 0; });
    connect(m_repository, &QComboBox::currentIndexChanged, page, [this, page] {
        setRepositoryError({});
        emit page->completeChanged();
    });
    connect(newRepository, &QPushButton::clicked, this, &NewApplicationWizard::openRepositoryDialog);
    return page;
}

QWizardPage *NewApplicationWizard::createFormPage(ApplicationForm *form, const QString &title,
                                                  const QString &subTitle)
{
    auto *page = new QWizardPage;
    page->setTitle(title);
    page->setSubTitle(subTitle);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(form);
    return page;
}

QWizardPage *NewApplicationWizard::createEnvironmentPage()
{
    auto *page = new ConditionalPage;
    m_environmentPage = page;
    page->setTitle(tr("Environment variables"));
    page->setSubTitle(tr("Given to the build and to the running app. Optional."));
    auto *layout = new QVBoxLayout(page);
    m_env = new EnvVarEditor;
    m_env->setObjectName(QStringLiteral("envVarEditor"));
    layout->addWidget(m_env);
    m_createStatus = new QLabel;
    m_createStatus->setObjectName(QStringLiteral("createStatusLabel"));
    m_createStatus->setWordWrap(true);
    layout->addWidget(m_createStatus);
    page->setCompleteWhen([this] { return !m_creating; });
    return page;
}

void NewApplicationWizard::loadRepositories(const QString &selected)
{
    m_repositoryStatus->setText(tr("Loading repositories…"));
    listRepositories(m_api, this, [this, selected](const CallResult<QList<RepositorySummary>> &result) {
        if (!result.ok()) {
            m_repositoryStatus->setText(tr("Could not load the repositories: %1").arg(result.error));
            return;
        }
        m_repository->clear();
        for (const RepositorySummary &repository : *result.value)
            addRepository(repository);
        if (!selected.isEmpty())
            m_repository->setCurrentIndex(m_repository->findData(selected));
        m_repositoryStatus->setText(result.value->isEmpty()
                                        ? tr("You have no repository yet: create one with New repository.")
                                        : QString());
    });
}

void NewApplicationWizard::addRepository(const RepositorySummary &repository)
{
    m_repository->addItem(repository.name, repository.name);
    m_repository->setItemData(m_repository->count() - 1, repository.url, Qt::ToolTipRole);
}

void NewApplicationWizard::openRepositoryDialog()
{
    auto *dialog = new RepositoryDialog(m_api, m_webhookBaseUrl, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RepositoryDialog::saved, this, [this](const RepositorySummary &repository) {
        if (m_repository->findData(repository.name) < 0)
            addRepository(repository);
        m_repository->setCurrentIndex(m_repository->findData(repository.name));
        m_repositoryStatus->clear();
    });
    dialog->open();
}

void NewApplicationWizard::create()
{
    clearErrors();
    m_creating = true;
    emit m_environmentPage->completeChanged();
    button(QWizard::BackButton)->setEnabled(false);
    m_createStatus->setStyleSheet({});
    m_createStatus->setText(tr("Creating…"));
    createApplication(m_api, this, config(), [this](const CallResult<QString> &result) {
        m_creating = false;
        emit m_environmentPage->completeChanged();
        button(QWizard::BackButton)->setEnabled(true);
        if (!result.ok()) {
            showCreateFailure(result.errorField, result.error);
            return;
        }
        m_created = true;
        m_createStatus->setText(tr("Created %1.").arg(*result.value));
        emit applicationCreated(*result.value);
        accept();
    });
}

void NewApplicationWizard::showCreateFailure(const QString &field, const QString &message)
{
    m_createStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
    if (field.isEmpty()) {
        m_createStatus->setText(tr("Not created: %1").arg(message));
        return;
    }
    m_createStatus->setText(tr("Not created: see the marked field."));
    if (field == u"repository") {
        setRepositoryError(message);
        returnToPage(RepositoryPageId);
    } else if (m_identity->showFieldError(field, message)) {
        returnToPage(RepositoryPageId);
    } else if (m_build->showFieldError(field, message)) {
        returnToPage(BuildPageId);
    } else if (m_websites->showFieldError(field, message)) {
        returnToPage(WebsitesPageId);
    } else if (field == u"env" || field.startsWith(QStringLiteral("env."))) {
        m_env->showServerError(field, message);
    } else {
        m_createStatus->setText(tr("Not created: %1").arg(message));
    }
}

void NewApplicationWizard::setRepositoryError(const QString &message)
{
    const QString prefix = QStringLiteral("repository: ");
    m_repositoryError->setText(message.startsWith(prefix) ? message.mid(prefix.size()) : message);
    m_repositoryError->setVisible(!message.isEmpty());
}

void NewApplicationWizard::clearErrors()
{
    setRepositoryError({});
    m_identity->clearFieldErrors();
    m_build->clearFieldErrors();
    m_websites->clearFieldErrors();
    m_env->clearErrors();
}

void NewApplicationWizard::returnToPage(int id)
{
    while (currentId() > id)
        back();
}

} // namespace vitrine::desktop
