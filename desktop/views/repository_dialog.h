#pragma once

#include "client/repository_api.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace vitrine::desktop {

class ApiClient;

// Creates a repository, or edits one (URL, webhook secret, owners): the server validates, and a refused
// field's message shows next to that field. After a create it shows the webhook URLs to paste into the
// forge (from ServerInfo::webhookBaseUrl) and the secret once.
class RepositoryDialog : public QDialog {
    Q_OBJECT

public:
    // To create a repository.
    RepositoryDialog(ApiClient &api, QString webhookBaseUrl, QWidget *parent = nullptr);
    // To edit `repository`.
    RepositoryDialog(ApiClient &api, QString webhookBaseUrl, const RepositorySummary &repository,
                     QWidget *parent = nullptr);

signals:
    // The server accepted the create or the change.
    void saved(const vitrine::desktop::RepositorySummary &repository);

private:
    RepositoryDialog(ApiClient &api, QString webhookBaseUrl, std::optional<RepositorySummary> editing,
                     QWidget *parent);
    QWidget *createFormPage();
    QWidget *createWebhookPage();
    void generateSecret();
    void save();
    RepositoryChange changeToSend() const;
    void finishSave(const CallResult<RepositorySummary> &result);
    void clearErrors();
    void showError(const QString &field, const QString &message);
    void showWebhookSetup(const QString &secret);

    ApiClient &m_api;
    const QString m_webhookBaseUrl;
    const std::optional<RepositorySummary> m_editing;
    QStackedWidget *m_pages = nullptr;
    QLineEdit *m_nameField = nullptr; // only when creating
    QLineEdit *m_urlField = nullptr;
    QLineEdit *m_secretField = nullptr;
    QCheckBox *m_removeSecretCheck = nullptr; // when editing a repository that has a secret
    QLineEdit *m_ownersField = nullptr;
    QLabel *m_nameError = nullptr; // only when creating
    QLabel *m_urlError = nullptr;
    QLabel *m_secretError = nullptr;
    QLabel *m_ownersError = nullptr;
    QLabel *m_formError = nullptr; // what no single field is to blame for
    QPushButton *m_saveButton = nullptr;
    QLabel *m_githubUrlLabel = nullptr;
    QLabel *m_giteaUrlLabel = nullptr;
    QLabel *m_secretLabel = nullptr;
};

} // namespace vitrine::desktop
