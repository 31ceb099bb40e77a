#pragma once

#include "client/connection_settings.h"
#include "client/connection_token_store.h"

#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace vitrine::desktop {

// One server the user connects to. Its token lives in the TokenStore under the profile's id.
struct ConnectionProfile {
    QString id; // assigned by the store; kept across renames
    QString name;
    QString serverAddress = QStringLiteral("127.0.0.1:50051"); // host:port of the gRPC API
    bool useTls = false;
    QString caFile; // PEM file of the CA to trust over TLS; empty: the system's roots

    bool operator==(const ConnectionProfile &) const = default;

    // What a client needs to call this server as the owner of `token`.
    ConnectionSettings settings(const QString &token) const;
};

// The user's connection profiles and which one is current, kept with QSettings (the application's
// organization and name); their tokens in tokens(), never in QSettings. Changes are saved at once.
class ConnectionProfileStore : public QObject {
    Q_OBJECT

public:
    // Loads the saved profiles. `tokenFallbackDirectory`: see TokenStore.
    explicit ConnectionProfileStore(
        const QString &tokenFallbackDirectory = TokenStore::defaultFallbackDirectory(),
        QObject *parent = nullptr);

    // In the order they were added.
    QList<ConnectionProfile> profiles() const { return m_profiles; }
    std::optional<ConnectionProfile> profile(const QString &id) const;
    // The profile in use; none only while there are no profiles.
    std::optional<ConnectionProfile> current() const { return profile(m_currentId); }

    // A message fit for the user naming the first invalid field of `profile`, or an empty string.
    QString validationError(const ConnectionProfile &profile) const;
    // Adds `profile`, assigning its id, or replaces the profile with its id, then saves. A profile added to
    // an empty store becomes current. Returns validationError() and changes nothing when it is not empty.
    QString save(ConnectionProfile &profile);
    // Removes the profile and, asynchronously, its token. When it was current, the first one left is.
    void remove(const QString &id);
    // Ignored for an unknown id.
    void setCurrent(const QString &id);

    TokenStore &tokens() { return m_tokens; }

signals:
    void profilesChanged();
    void currentChanged(const QString &id);

private:
    void load();
    void store() const;

    TokenStore m_tokens;
    QList<ConnectionProfile> m_profiles;
    QString m_currentId;
};

} // namespace vitrine::desktop
