#pragma once

#include "client/application_config_api.h"

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace vitrine::desktop {

class ApiClient;
class EnvVarEditor;

// An application's environment variables: loaded from the server, edited in an EnvVarEditor, saved as the
// difference (changed and new ones set, removed ones unset). Saving rebuilds and redeploys the application,
// and the page says so before and after.
class EnvironmentPage : public QWidget {
    Q_OBJECT

public:
    EnvironmentPage(ApiClient &api, QString application, QWidget *parent = nullptr);

public slots:
    // Loads the variables anew, dropping unsaved edits.
    void reload();
    void save();

private:
    void showLoaded(const QList<EnvVar> &vars);
    void unsetRemoved(const QStringList &keys);
    void finishSave(const QList<EnvVar> &vars);
    void setBusy(bool busy, const QString &status);
    void showFailure(const QString &message);

    ApiClient &m_api;
    const QString m_application;
    QList<EnvVar> m_saved;
    EnvVarEditor *m_editor;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_reload;
};

} // namespace vitrine::desktop
