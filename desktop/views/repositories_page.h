#pragma once

#include "client/repository_api.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace vitrine::desktop {

class ApiClient;
class RepositoryListModel;

// The repositories a member may see, to create, edit and delete them and to find their webhook URLs.
class RepositoriesPage : public QWidget {
    Q_OBJECT

public:
    explicit RepositoriesPage(ApiClient &api, QWidget *parent = nullptr);

    // Where the server receives webhooks (ServerInfo::webhookBaseUrl, ending in "/webhooks/").
    void setWebhookBaseUrl(const QString &webhookBaseUrl);

public slots:
    // Fetches the list again in the background; the page stays usable.
    void reload();

private:
    std::optional<RepositorySummary> selectedRepository() const;
    void updateButtons();
    void showError(const QString &message);
    void openNewDialog();
    void openEditDialog();
    void confirmDelete();
    void deleteSelected(const RepositorySummary &repository);
    void showWebhookUrls();

    ApiClient &m_api;
    QString m_webhookBaseUrl;
    RepositoryListModel *m_model;
    QTableView *m_table;
    QPushButton *m_newButton;
    QPushButton *m_editButton;
    QPushButton *m_deleteButton;
    QPushButton *m_webhookButton;
    QPushButton *m_reloadButton;
    QLabel *m_errorLabel;
    int m_reloadsInFlight = 0;
    QString m_deletingId; // the repository whose delete is in flight, if any
};

} // namespace vitrine::desktop
