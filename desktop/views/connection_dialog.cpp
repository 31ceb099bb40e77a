#include "views/connection_dialog.h"

#include "client/connection_check.h"
#include "client/connection_profiles.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace vitrine::desktop {

namespace {

constexpr int kProfileIdRole = Qt::UserRole;

QLabel *messageLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ConnectionDialog::ConnectionDialog(ConnectionProfileStore &profiles, QWidget *parent)
    : QDialog(parent)
    , m_profiles(profiles)
    , m_check(new ConnectionCheck(this))
    , m_profileList(new QListWidget(this))
    , m_newButton(new QPushButton(tr("New"), this))
    , m_removeButton(new QPushButton(tr("Remove"), this))
    , m_nameField(new QLineEdit(this))
    , m_addressField(new QLineEdit(this))
    , m_tlsCheck(new QCheckBox(tr("Use TLS"), this))
    , m_caFileField(new QLineEdit(this))
    , m_browseButton(new QPushButton(tr("Browse…"), this))
    , m_tokenField(new QLineEdit(this))
    , m_errorLabel(messageLabel(QStringLiteral("profileErrorLabel"), this))
    , m_statusLabel(messageLabel(QStringLiteral("profileStatusLabel"), this))
    , m_saveButton(new QPushButton(tr("Save"), this))
    , m_checkButton(new QPushButton(tr("Check connection"), this))
    , m_checkResultLabel(messageLabel(QStringLiteral("checkResultLabel"), this))
    , m_useButton(new QPushButton(tr("Use this server"), this))
    , m_tokenWarningLabel(messageLabel(QStringLiteral("tokenWarningLabel"), this))
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Servers"));
    m_profileList->setObjectName(QStringLiteral("profileList"));
    m_newButton->setObjectName(QStringLiteral("newProfileButton"));
    m_removeButton->setObjectName(QStringLiteral("removeProfileButton"));
    m_nameField->setObjectName(QStringLiteral("profileNameField"));
    m_addressField->setObjectName(QStringLiteral("serverAddressField"));
    m_addressField->setPlaceholderText(tr("host:port, for example vitrine.example.org:50051"));
    m_tlsCheck->setObjectName(QStringLiteral("useTlsCheck"));
    m_caFileField->setObjectName(QStringLiteral("caFileField"));
    m_caFileField->setPlaceholderText(tr("The system's certificate authorities"));
    m_browseButton->setObjectName(QStringLiteral("browseCaFileButton"));
    m_tokenField->setObjectName(QStringLiteral("tokenField"));
    m_tokenField->setEchoMode(QLineEdit::Password);
    m_tokenField->setPlaceholderText(tr("Paste your API token"));
    m_saveButton->setObjectName(QStringLiteral("saveProfileButton"));
    m_checkButton->setObjectName(QStringLiteral("checkConnectionButton"));
    m_useButton->setObjectName(QStringLiteral("useProfileButton"));
    m_tokenWarningLabel->setStyleSheet(QStringLiteral("font-weight: bold;"));

    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_newButton);
    listButtons->addWidget(m_removeButton);
    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(m_profileList);
    listColumn->addLayout(listButtons);

    auto *caFileRow = new QHBoxLayout;
    caFileRow->addWidget(m_caFileField);
    caFileRow->addWidget(m_browseButton);
    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_nameField);
    form->addRow(tr("Server address"), m_addressField);
    form->addRow(QString(), m_tlsCheck);
    form->addRow(tr("CA file"), caFileRow);
    form->addRow(tr("Token"), m_tokenField);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_saveButton);
    actions->addWidget(m_checkButton);
    actions->addWidget(m_useButton);
    actions->addStretch();
    auto *formColumn = new QVBoxLayout;
    formColumn->addLayout(form);
    formColumn->addWidget(m_errorLabel);
    formColumn->addLayout(actions);
    formColumn->addWidget(m_statusLabel);
    formColumn->addWidget(m_checkResultLabel);
    formColumn->addStretch();

    auto *columns = new QHBoxLayout;
    columns->addLayout(listColumn, 1);
    columns->addLayout(formColumn, 2);
    auto *closeButtons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tokenWarningLabel);
    layout->addLayout(columns);
    layout->addWidget(closeButtons);

    connect(closeButtons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_profileList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            editProfile(item->data(kProfileIdRole).toString());
    });
    connect(m_newButton, &QPushButton::clicked, this, [this] { selectProfile({}); });
    connect(m_removeButton, &QPushButton::clicked, this, &ConnectionDialog::removeProfile);
    connect(m_tlsCheck, &QCheckBox::toggled, this, &ConnectionDialog::updateButtons);
    connect(m_browseButton, &QPushButton::clicked, this, &ConnectionDialog::chooseCaFile);
    connect(m_saveButton, &QPushButton::clicked, this, &ConnectionDialog::saveProfile);
    connect(m_checkButton, &QPushButton::clicked, this, &ConnectionDialog::checkConnection);
    connect(m_useButton, &QPushButton::clicked, this, &ConnectionDialog::useProfile);
    connect(m_check, &ConnectionCheck::succeeded, this, &ConnectionDialog::showCheckSucceeded);
    connect(m_check, &ConnectionCheck::failed, this, &ConnectionDialog::showCheckFailed);

    connect(&m_profiles, &ConnectionProfileStore::profilesChanged, this, &ConnectionDialog::showProfiles);
    connect(&m_profiles, &ConnectionProfileStore::currentChanged, this, &ConnectionDialog::showProfiles);
    TokenStore &tokens = m_profiles.tokens();
    connect(&tokens, &TokenStore::warningChanged, this, &ConnectionDialog::showTokenWarning);
    connect(&tokens, &TokenStore::tokenRead, this, [this](const QString &profileId, const QString &token) {
        // The user may have typed a new token meanwhile: theirs stands.
        if (profileId == m_editingId && m_tokenField->text().isEmpty())
            m_tokenField->setText(token);
    });
    connect(&tokens, &TokenStore::tokenWritten, this, [this](const QString &profileId) {
        if (profileId == m_editingId)
            showStatus(tr("Saved."));
    });
    connect(&tokens, &TokenStore::failed, this, [this](const QString &profileId, const QString &message) {
        if (profileId == m_editingId)
            m_errorLabel->setText(message);
    });

    showTokenWarning(tokens.warning());
    showProfiles();
    const std::optional<ConnectionProfile> current = m_profiles.current();
    selectProfile(current ? current->id : QString());
}

void ConnectionDialog::selectProfile(const QString &profileId)
{
    for (int row = 0; row < m_profileList->count(); ++row) {
        QListWidgetItem *item = m_profileList->item(row);
        if (item->data(kProfileIdRole).toString() == profileId) {
            m_profileList->setCurrentItem(item);
            editProfile(profileId);
            return;
        }
    }
    m_profileList->setCurrentItem(nullptr);
    editProfile({});
}

void ConnectionDialog::showProfiles()
{
    const QSignalBlocker blocker(m_profileList);
    m_profileList->clear();
    const std::optional<ConnectionProfile> current = m_profiles.current();
    for (const ConnectionProfile &profile : m_profiles.profiles()) {
        const bool inUse = current && current->id == profile.id;
        auto *item = new QListWidgetItem(inUse ? tr("%1 (in use)").arg(profile.name) : profile.name);
        item->setData(kProfileIdRole, profile.id);
        item->setToolTip(profile.serverAddress);
        m_profileList->addItem(item);
        if (profile.id == m_editingId)
            m_profileList->setCurrentItem(item);
    }
    updateButtons();
}

void ConnectionDialog::editProfile(const QString &profileId)
{
    const ConnectionProfile profile = m_profiles.profile(profileId).value_or(ConnectionProfile{});
    m_editingId = profile.id;
    m_nameField->setText(profile.name);
    m_addressField->setText(profile.serverAddress);
    m_tlsCheck->setChecked(profile.useTls);
    m_caFileField->setText(profile.caFile);
    m_tokenField->clear();
    m_errorLabel->clear();
    m_statusLabel->clear();
    m_checkResultLabel->clear();
    if (!m_editingId.isEmpty())
        m_profiles.tokens().readToken(m_editingId);
    updateButtons();
}

void ConnectionDialog::chooseCaFile()
{
    auto *dialog = new QFileDialog(this, tr("CA certificate"), QFileInfo(m_caFileField->text()).path(),
                                   tr("PEM certificates (*.pem *.crt);;All files (*)"));
    dialog->setObjectName(QStringLiteral("caFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) {
        m_caFileField->setText(file);
        m_tlsCheck->setChecked(true);
    });
    dialog->open();
}

ConnectionProfile ConnectionDialog::profileInForm() const
{
    ConnectionProfile profile;
    profile.id = m_editingId;
    profile.name = m_nameField->text();
    profile.serverAddress = m_addressField->text().trimmed();
    profile.useTls = m_tlsCheck->isChecked();
    profile.caFile = m_caFileField->text().trimmed();
    return profile;
}

void ConnectionDialog::saveProfile()
{
    ConnectionProfile profile = profileInForm();
    const QString error = m_profiles.save(profile);
    m_errorLabel->setText(error);
    if (!error.isEmpty())
        return;
    m_editingId = profile.id;
    showProfiles();
    // An empty field leaves the stored token alone: it may still be on its way into the field.
    const QString token = m_tokenField->text().trimmed();
    if (token.isEmpty()) {
        showStatus(tr("Saved."));
        return;
    }
    showStatus(tr("Saving the token…"));
    m_profiles.tokens().writeToken(profile.id, token);
}

void ConnectionDialog::removeProfile()
{
    if (m_editingId.isEmpty())
        return;
    m_profiles.remove(m_editingId);
    const std::optional<ConnectionProfile> current = m_profiles.current();
    selectProfile(current ? current->id : QString());
}

void ConnectionDialog::checkConnection()
{
    m_checkButton->setEnabled(false);
    m_checkResultLabel->setText(tr("Checking…"));
    m_check->start(profileInForm().settings(m_tokenField->text().trimmed()));
}

void ConnectionDialog::useProfile()
{
    m_profiles.setCurrent(m_editingId);
}

void ConnectionDialog::showCheckSucceeded(const ServerInfo &info)
{
    m_checkButton->setEnabled(true);
    m_checkResultLabel->setText(
        info.userIsAdmin ? tr("Connected to Vitrine %1 as %2 (admin).").arg(info.version, info.userName)
                         : tr("Connected to Vitrine %1 as %2.").arg(info.version, info.userName));
}

void ConnectionDialog::showCheckFailed(const QString &message)
{
    m_checkButton->setEnabled(true);
    m_checkResultLabel->setText(message);
}

void ConnectionDialog::showTokenWarning(const QString &warning)
{
    m_tokenWarningLabel->setText(warning);
    m_tokenWarningLabel->setVisible(!warning.isEmpty());
}

void ConnectionDialog::showStatus(const QString &message)
{
    m_statusLabel->setText(message);
}

void ConnectionDialog::updateButtons()
{
    const bool saved = !m_editingId.isEmpty();
    m_removeButton->setEnabled(saved);
    const std::optional<ConnectionProfile> current = m_profiles.current();
    m_useButton->setEnabled(saved && !(current && current->id == m_editingId));
    m_caFileField->setEnabled(m_tlsCheck->isChecked());
    m_browseButton->setEnabled(m_tlsCheck->isChecked());
}

} // namespace vitrine::desktop
