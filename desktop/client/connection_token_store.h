#pragma once

#include <QHash>
#include <QObject>
#include <QString>

namespace vitrine::desktop {

// Keeps each profile's API token in the system keychain (qtkeychain), never in QSettings. Where there is no
// keychain service (no D-Bus secret service, as on a headless machine), keeps it in a file only its owner may
// read (0600) and says so in warning(). Every operation returns at once and reports by signal, on this
// object's thread.
class TokenStore : public QObject {
    Q_OBJECT

public:
    // `fallbackDirectory`: where the token file goes when there is no keychain.
    explicit TokenStore(const QString &fallbackDirectory = defaultFallbackDirectory(),
                        QObject *parent = nullptr);

    // The application's config folder (QStandardPaths::AppConfigLocation).
    static QString defaultFallbackDirectory();

    QString fallbackFile() const { return m_fallbackFile; }
    // Empty while the tokens are in the system keychain; else a sentence for the user saying where they are.
    QString warning() const { return m_warning; }

public slots:
    // Ends in tokenWritten or failed.
    void writeToken(const QString &profileId, const QString &token);
    // Ends in tokenRead (with an empty token when none is stored) or failed.
    void readToken(const QString &profileId);
    // Ends in tokenRemoved (also when there was none) or failed.
    void removeToken(const QString &profileId);

signals:
    void tokenWritten(const QString &profileId);
    void tokenRead(const QString &profileId, const QString &token);
    void tokenRemoved(const QString &profileId);
    // A message fit for the user.
    void failed(const QString &profileId, const QString &message);
    void warningChanged(const QString &warning);

private:
    void useFallbackFile();
    // The fallback file's tokens by profile id; empty when the file does not exist.
    QHash<QString, QString> readFallbackFile(QString *error) const;
    bool writeFallbackFile(const QHash<QString, QString> &tokens, QString *error) const;
    // Changes the fallback file's entry for `profileId` (removes it when `token` is null).
    bool updateFallbackFile(const QString &profileId, const QString &token, QString *error) const;

    const QString m_fallbackFile;
    QString m_warning;
};

} // namespace vitrine::desktop
