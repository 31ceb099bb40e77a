#pragma once

#include "client/application_config_api.h"

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace vitrine::desktop {

class ApiClient;
class ApplicationForm;

// An application's settings (ref, build type and fields, websites, runtime options) in an ApplicationForm
// loaded from the server. Save sends them; a refused field's message shows on its input. Revert loads the
// stored settings again.
class ApplicationSettingsPage : public QWidget {
    Q_OBJECT

public:
    ApplicationSettingsPage(ApiClient &api, QString application, QWidget *parent = nullptr);

public slots:
    void revert();
    void save();

private:
    void setBusy(bool busy, const QString &status);
    void showFailure(const QString &message);

    ApiClient &m_api;
    const QString m_application;
    ApplicationForm *m_form;
    QLabel *m_repository;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_revert;
    bool m_loaded = false;
};

} // namespace vitrine::desktop
