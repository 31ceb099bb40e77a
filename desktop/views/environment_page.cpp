#include "views/environment_page.h"

#include "client/api_client.h"
#include "views/env_var_editor.h"

#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

#include <utility>

namespace vitrine::desktop {

EnvironmentPage::EnvironmentPage(ApiClient &api, QString application, QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_application(std::move(application))
    , m_editor(new EnvVarEditor)
    , m_status(new QLabel)
    , m_save(new QPushButton(tr("&Save")))
    , m_reload(new QPushButton(tr("Re&vert")))
{
    auto *layout = new QVBoxLayout(this);
    auto *notice = new QLabel(tr("Variables are given to the build and to the running app. Saving a change "
                                 "rebuilds and redeploys %1.")
                                  .arg(m_application));
    notice->setObjectName(QStringLiteral("environmentNoticeLabel"));
    notice->setWordWrap(true);
    layout->addWidget(notice);
    m_editor->setObjectName(QStringLiteral("envVarEditor"));
    layout->addWidget(m_editor);

    auto *buttons = new QHBoxLayout;
    m_status->setObjectName(QStringLiteral("environmentStatusLabel"));
    m_status->setWordWrap(true);
    m_save->setObjectName(QStringLiteral("saveEnvironmentButton"));
    m_reload->setObjectName(QStringLiteral("revertEnvironmentButton"));
    m_reload->setToolTip(tr("Load the saved variables again, dropping your changes"));
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_reload);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);

    connect(m_save, &QPushButton::clicked, this, &EnvironmentPage::save);
    connect(m_reload, &QPushButton::clicked, this, &EnvironmentPage::reload);
    reload();
}

void EnvironmentPage::reload()
{
    setBusy(true, tr("Loading…"));
    listEnvVars(m_api, this, m_application, [this](const CallResult<QList<EnvVar>> &result) {
        if (!result.ok()) {
            showFailure(tr("Could not load the variables: %1").arg(result.error));
            return;
        }
        showLoaded(*result.value);
        setBusy(false, {});
    });
}

void EnvironmentPage::save()
{
    if (!m_editor->validate())
        return;
    QHash<QString, QString> saved;
    for (const EnvVar &var : std::as_const(m_saved))
        saved.insert(var.key, var.value);
    QList<EnvVar> changed;
    QSet<QString> kept;
    for (const EnvVar &var : m_editor->variables()) {
        kept.insert(var.key);
        if (!saved.contains(var.key) || saved.value(var.key) != var.value)
            changed.append(var);
    }
    QStringList removed;
    for (const EnvVar &var : std::as_const(m_saved)) {
        if (!kept.contains(var.key))
            removed.append(var.key);
    }
    if (changed.isEmpty() && removed.isEmpty()) {
        m_status->setText(tr("Nothing to save."));
        return;
    }

    setBusy(true, tr("Saving…"));
    if (changed.isEmpty()) {
        unsetRemoved(removed);
        return;
    }
    setEnvVars(m_api, this, m_application, changed, [this, removed](const CallResult<QList<EnvVar>> &result) {
        if (!result.ok()) {
            m_editor->showServerError(result.errorField, result.error);
            showFailure(tr("Not saved."));
            return;
        }
        if (removed.isEmpty()) {
            finishSave(*result.value);
            return;
        }
        // Already stored: should the unset fail, the next save sends only what is still different.
        m_saved = *result.value;
        unsetRemoved(removed);
    });
}

void EnvironmentPage::showLoaded(const QList<EnvVar> &vars)
{
    m_saved = vars;
    m_editor->setVariables(vars);
}

void EnvironmentPage::unsetRemoved(const QStringList &keys)
{
    unsetEnvVars(m_api, this, m_application, keys, [this, keys](const CallResult<QList<EnvVar>> &result) {
        if (!result.ok()) {
            m_editor->showServerError(result.errorField, result.error, keys);
            showFailure(tr("Not saved."));
            return;
        }
        finishSave(*result.value);
    });
}

void EnvironmentPage::finishSave(const QList<EnvVar> &vars)
{
    showLoaded(vars);
    setBusy(false, tr("Saved. %1 rebuilds and redeploys with these variables.").arg(m_application));
}

void EnvironmentPage::setBusy(bool busy, const QString &status)
{
    m_save->setEnabled(!busy);
    m_reload->setEnabled(!busy);
    m_status->setStyleSheet({});
    m_status->setText(status);
}

void EnvironmentPage::showFailure(const QString &message)
{
    setBusy(false, message);
    m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
}

} // namespace vitrine::desktop
