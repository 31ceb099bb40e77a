#include "client/connection_profiles.h"

#include <QFileInfo>
#include <QSettings>
#include <QUuid>

#include <algorithm>

namespace vitrine::desktop {

namespace {

const QString kProfilesArray = QStringLiteral("connections/profiles");
const QString kCurrentKey = QStringLiteral("connections/current");

// host:port, the host a name, an IPv4 address or a bracketed IPv6 address.
bool isServerAddress(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    const QString host = address.left(colon);
    bool isNumber = false;
    const int port = address.mid(colon + 1).toInt(&isNumber);
    if (!isNumber || port < 1 || port > 65535 || host.contains(QLatin1Char(' ')))
        return false;
    // An unbracketed IPv6 address would make the port ambiguous.
    return host.startsWith(QLatin1Char('[')) ? host.endsWith(QLatin1Char(']'))
                                             : !host.contains(QLatin1Char(':'));
}

} // namespace

ConnectionSettings ConnectionProfile::settings(const QString &token) const
{
    ConnectionSettings settings;
    settings.serverAddress = serverAddress;
    settings.token = token;
    settings.useTls = useTls;
    settings.caFile = caFile;
    return settings;
}

ConnectionProfileStore::ConnectionProfileStore(const QString &tokenFallbackDirectory, QObject *parent)
    : QObject(parent)
    , m_tokens(tokenFallbackDirectory)
{
    load();
}

std::optional<ConnectionProfile> ConnectionProfileStore::profile(const QString &id) const
{
    const auto found = std::ranges::find(m_profiles, id, &ConnectionProfile::id);
    if (found == m_profiles.end())
        return std::nullopt;
    return *found;
}

QString ConnectionProfileStore::validationError(const ConnectionProfile &profile) const
{
    const QString name = profile.name.trimmed();
    if (name.isEmpty())
        return tr("Name: give the connection a name.");
    const bool nameTaken = std::ranges::any_of(m_profiles, [&](const ConnectionProfile &other) {
        return other.id != profile.id && other.name.trimmed().compare(name, Qt::CaseInsensitive) == 0;
    });
    if (nameTaken)
        return tr("Name: another connection is already called \"%1\".").arg(name);
    if (!isServerAddress(profile.serverAddress.trimmed()))
        return tr("Server address: write it as host:port, for example vitrine.example.org:50051.");
    if (profile.useTls && !profile.caFile.isEmpty() && !QFileInfo(profile.caFile).isFile())
        return tr("CA file: %1 does not exist.").arg(profile.caFile);
    return {};
}

QString ConnectionProfileStore::save(ConnectionProfile &profile)
{
    if (const QString error = validationError(profile); !error.isEmpty())
        return error;
    profile.name = profile.name.trimmed();
    profile.serverAddress = profile.serverAddress.trimmed();

    const auto existing = std::ranges::find(m_profiles, profile.id, &ConnectionProfile::id);
    if (profile.id.isEmpty() || existing == m_profiles.end()) {
        profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_profiles.append(profile);
    } else {
        *existing = profile;
    }
    const bool becomesCurrent = m_currentId.isEmpty();
    if (becomesCurrent)
        m_currentId = profile.id;
    store();
    emit profilesChanged();
    if (becomesCurrent)
        emit currentChanged(m_currentId);
    return {};
}

void ConnectionProfileStore::remove(const QString &id)
{
    if (m_profiles.removeIf([&](const ConnectionProfile &profile) { return profile.id == id; }) == 0)
        return;
    const bool wasCurrent = id == m_currentId;
    if (wasCurrent)
        m_currentId = m_profiles.isEmpty() ? QString() : m_profiles.first().id;
    store();
    m_tokens.removeToken(id);
    emit profilesChanged();
    if (wasCurrent)
        emit currentChanged(m_currentId);
}

void ConnectionProfileStore::setCurrent(const QString &id)
{
    if (id == m_currentId || !profile(id))
        return;
    m_currentId = id;
    store();
    emit currentChanged(m_currentId);
}

void ConnectionProfileStore::load()
{
    QSettings settings;
    const int count = settings.beginReadArray(kProfilesArray);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        ConnectionProfile profile;
        profile.id = settings.value(QStringLiteral("id")).toString();
        profile.name = settings.value(QStringLiteral("name")).toString();
        profile.serverAddress = settings.value(QStringLiteral("serverAddress")).toString();
        profile.useTls = settings.value(QStringLiteral("useTls")).toBool();
        profile.caFile = settings.value(QStringLiteral("caFile")).toString();
        // An entry edited by hand without an id could not find its token.
        if (!profile.id.isEmpty())
            m_profiles.append(profile);
    }
    settings.endArray();

    m_currentId = settings.value(kCurrentKey).toString();
    if (!profile(m_currentId))
        m_currentId = m_profiles.isEmpty() ? QString() : m_profiles.first().id;
}

void ConnectionProfileStore::store() const
{
    QSettings settings;
    // Rewritten whole, so that a removed profile leaves no entry behind.
    settings.remove(kProfilesArray);
    settings.beginWriteArray(kProfilesArray, static_cast<int>(m_profiles.size()));
    for (int i = 0; i < m_profiles.size(); ++i) {
        const ConnectionProfile &profile = m_profiles.at(i);
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("id"), profile.id);
        settings.setValue(QStringLiteral("name"), profile.name);
        settings.setValue(QStringLiteral("serverAddress"), profile.serverAddress);
        settings.setValue(QStringLiteral("useTls"), profile.useTls);
        settings.setValue(QStringLiteral("caFile"), profile.caFile);
    }
    settings.endArray();
    settings.setValue(kCurrentKey, m_currentId);
}

} // namespace vitrine::desktop
