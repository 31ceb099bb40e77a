#pragma once

#include "client/application_config_api.h"

#include <QString>
#include <QWizard>

class QComboBox;
class QLabel;
class QPushButton;

namespace vitrine::desktop {

class ApiClient;
class ApplicationForm;
class EnvVarEditor;
struct RepositorySummary;

// Creates an application in four steps: the repository (picked from the caller's, or a new one), name and
// ref → the build type and its fields, with the runtime options → the websites → the environment variables.
// Create sends it all in one call, without blocking (the button is disabled meanwhile); when the server
// refuses a field, the wizard goes back to the page holding it and shows the message on that input.
class NewApplicationWizard : public QWizard {
    Q_OBJECT

public:
    enum PageId { RepositoryPageId, BuildPageId, WebsitesPageId, EnvironmentPageId };

    NewApplicationWizard(ApiClient &api, QString webhookBaseUrl, QWidget *parent = nullptr);

    // What the pages say now.
    ApplicationConfig config() const;

signals:
    // The server created the application; the wizard then closes.
    void applicationCreated(const QString &name);

protected:
    bool validateCurrentPage() override;

private:
    QWizardPage *createRepositoryPage();
    QWizardPage *createFormPage(ApplicationForm *form, const QString &title, const QString &subTitle);
    QWizardPage *createEnvironmentPage();
    void loadRepositories(const QString &selected);
    void addRepository(const RepositorySummary &repository);
    void openRepositoryDialog();
    void create();
    void showCreateFailure(const QString &field, const QString &message);
    void setRepositoryError(const QString &message);
    void clearErrors();
    void returnToPage(int id);

    ApiClient &m_api;
    const QString m_webhookBaseUrl;
    QComboBox *m_repository = nullptr;
    QLabel *m_repositoryError = nullptr;
    QLabel *m_repositoryStatus = nullptr;
    ApplicationForm *m_identity = nullptr;
    ApplicationForm *m_build = nullptr;
    ApplicationForm *m_websites = nullptr;
    EnvVarEditor *m_env = nullptr;
    QLabel *m_createStatus = nullptr;
    QWizardPage *m_environmentPage = nullptr;
    bool m_creating = false;
    bool m_created = false;
};

} // namespace vitrine::desktop
