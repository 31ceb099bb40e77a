#include "views/application_settings_page.h"

#include "client/api_client.h"
#include "views/application_form.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <utility>

namespace vitrine::desktop {

ApplicationSettingsPage::ApplicationSettingsPage(ApiClient &api, QString application, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_application(std::move(application))
    , m_form(new ApplicationForm)
    , m_repository(new QLabel)
    , m_status(new QLabel)
    , m_save(new QPushButton(tr("&Save")))
    , m_revert(new QPushButton(tr("Re&vert")))
{
    auto *layout = new QVBoxLayout(this);
    m_repository->setObjectName(QStringLiteral("repositoryLabel"));
    layout->addWidget(m_repository);
    auto *notice = new QLabel(tr("A change of the build rebuilds the application; websites and runtime "
                                 "options apply without a build."));
    notice->setWordWrap(true);
    layout->addWidget(notice);

    m_form->setObjectName(QStringLiteral("applicationForm"));
    m_form->setNameEditable(false);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_form);
    layout->addWidget(scroll, 1);

    auto *buttons = new QHBoxLayout;
    m_status->setObjectName(QStringLiteral("settingsStatusLabel"));
    m_status->setWordWrap(true);
    m_save->setObjectName(QStringLiteral("saveSettingsButton"));
    m_revert->setObjectName(QStringLiteral("revertSettingsButton"));
    m_revert->setToolTip(tr("Load the saved settings again, dropping your changes"));
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);

    connect(m_save, &QPushButton::clicked, this, &ApplicationSettingsPage::save);
    connect(m_revert, &QPushButton::clicked, this, &ApplicationSettingsPage::revert);
    revert();
}

void ApplicationSettingsPage::revert()
{
    setBusy(true, tr("Loading…"));
    fetchApplicationConfig(m_api, this, m_application, [this](const CallResult<ApplicationConfig> &result) {
        if (!result.ok()) {
            showFailure(tr("Could not load the settings: %1").arg(result.error));
            // Saving what was never loaded would overwrite the stored settings with blanks.
            m_save->setEnabled(m_loaded);
            return;
        }
        m_loaded = true;
        m_form->setConfig(*result.value);
        m_repository->setText(tr("Repository: %1").arg(result.value->repository));
        setBusy(false, {});
    });
}

void ApplicationSettingsPage::save()
{
    m_form->clearFieldErrors();
    setBusy(true, tr("Saving…"));
    updateApplicationConfig(
        m_api, this, m_application, m_form->config(), [this](const CallResult<ApplicationConfig> &result) {
            if (!result.ok()) {
                if (!result.errorField.isEmpty() && m_form->showFieldError(result.errorField, result.error))
                    showFailure(tr("Not saved: see the marked field."));
                else
                    showFailure(tr("Not saved: %1").arg(result.error));
                return;
            }
            m_form->setConfig(*result.value);
            setBusy(false, tr("Saved."));
        });
}

void ApplicationSettingsPage::setBusy(bool busy, const QString &status)
{
    m_save->setEnabled(!busy);
    m_revert->setEnabled(!busy);
    m_status->setStyleSheet({});
    m_status->setText(status);
}

void ApplicationSettingsPage::showFailure(const QString &message)
{
    setBusy(false, message);
    m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
}

} // namespace vitrine::desktop
