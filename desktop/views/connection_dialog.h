#pragma once

#include <QDialog>
#include <QString>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace vitrine::desktop {

class ConnectionCheck;
class ConnectionProfileStore;
struct ConnectionProfile;
struct ServerInfo;

// The user's servers: a list of connection profiles to add, edit and remove (name, address, TLS with its CA
// file, token), a connection check of what the form says, and "Use this server", which makes the selected
// profile current. Tokens go to the profile store's TokenStore; where it has no keychain, its warning shows.
// Nothing here blocks: the check and the token store report by signal.
class ConnectionDialog : public QDialog {
    Q_OBJECT

public:
    // `profiles` must outlive the dialog.
    explicit ConnectionDialog(ConnectionProfileStore &profiles, QWidget *parent = nullptr);

    // Selects the profile to edit, or clears the form for a new one when `profileId` is empty or unknown.
    void selectProfile(const QString &profileId);

private:
    void showProfiles();
    void editProfile(const QString &profileId);
    void chooseCaFile();
    void saveProfile();
    void removeProfile();
    void checkConnection();
    void useProfile();
    void showCheckSucceeded(const ServerInfo &info);
    void showCheckFailed(const QString &message);
    void showTokenWarning(const QString &warning);
    void showStatus(const QString &message);
    void updateButtons();
    ConnectionProfile profileInForm() const;

    ConnectionProfileStore &m_profiles;
    ConnectionCheck *m_check;
    QString m_editingId; // empty while the form holds a new profile
    QListWidget *m_profileList;
    QPushButton *m_newButton;
    QPushButton *m_removeButton;
    QLineEdit *m_nameField;
    QLineEdit *m_addressField;
    QCheckBox *m_tlsCheck;
    QLineEdit *m_caFileField;
    QPushButton *m_browseButton;
    QLineEdit *m_tokenField;
    QLabel *m_errorLabel;
    QLabel *m_statusLabel;
    QPushButton *m_saveButton;
    QPushButton *m_checkButton;
    QLabel *m_checkResultLabel;
    QPushButton *m_useButton;
    QLabel *m_tokenWarningLabel;
};

} // namespace vitrine::desktop
