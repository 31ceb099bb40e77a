#include "client/connection_token_store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <qt6keychain/keychain.h>

namespace vitrine::desktop {

namespace {

// Entries are filed under the application's name, one per profile id.
QString keychainService()
{
    return QCoreApplication::applicationName();
}

// Errors that mean there is no keychain to talk to (as opposed to one that refused).
bool keychainMissing(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

} // namespace

TokenStore::TokenStore(const QString &fallbackDirectory, QObject *parent)
    : QObject(parent)
    , m_fallbackFile(QDir(fallbackDirectory).filePath(QStringLiteral("tokens.json")))
{
}

QString TokenStore::defaultFallbackDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
}

void TokenStore::writeToken(const QString &profileId, const QString &token)
{
    auto *job = new QKeychain::WritePasswordJob(keychainService(), this);
    job->setKey(profileId);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, profileId, token](QKeychain::Job *finished) {
        QString error;
        if (finished->error() == QKeychain::NoError) {
            // A copy left in the file from a time without keychain would outlive the keychain's.
            if (updateFallbackFile(profileId, QString(), &error))
                emit tokenWritten(profileId);
            else
                emit failed(profileId, error);
        } else if (keychainMissing(finished->error())) {
            useFallbackFile();
            if (updateFallbackFile(profileId, token, &error))
                emit tokenWritten(profileId);
            else
                emit failed(profileId, error);
        } else {
            emit failed(profileId,
                        tr("The system keychain did not store the token: %1").arg(finished->errorString()));
        }
    });
    job->start();
}

void TokenStore::readToken(const QString &profileId)
{
    auto *job = new QKeychain::ReadPasswordJob(keychainService(), this);
    job->setKey(profileId);
    connect(job, &QKeychain::Job::finished, this, [this, profileId](QKeychain::Job *finished) {
        const QKeychain::Error keychainError = finished->error();
        if (keychainError == QKeychain::NoError) {
            emit tokenRead(profileId, static_cast<QKeychain::ReadPasswordJob *>(finished)->textData());
            return;
        }
        if (keychainError != QKeychain::EntryNotFound && !keychainMissing(keychainError)) {
            emit failed(profileId,
                        tr("The system keychain did not give the token: %1").arg(finished->errorString()));
            return;
        }
        if (keychainMissing(keychainError))
            useFallbackFile();
        // Also when the keychain has no entry: the token may have been saved while there was no keychain.
        QString error;
        const QHash<QString, QString> tokens = readFallbackFile(&error);
        if (!error.isEmpty())
            emit failed(profileId, error);
        else
            emit tokenRead(profileId, tokens.value(profileId));
    });
    job->start();
}

void TokenStore::removeToken(const QString &profileId)
{
    auto *job = new QKeychain::DeletePasswordJob(keychainService(), this);
    job->setKey(profileId);
    connect(job, &QKeychain::Job::finished, this, [this, profileId](QKeychain::Job *finished) {
        const QKeychain::Error keychainError = finished->error();
        if (keychainError != QKeychain::NoError && keychainError != QKeychain::EntryNotFound &&
            !keychainMissing(keychainError)) {
            emit failed(profileId,
                        tr("The system keychain did not delete the token: %1").arg(finished->errorString()));
            return;
        }
        QString error;
        if (updateFallbackFile(profileId, QString(), &error))
            emit tokenRemoved(profileId);
        else
            emit failed(profileId, error);
    });
    job->start();
}

void TokenStore::useFallbackFile()
{
    const QString warning =
        tr("No system keychain: the token is stored in %1, readable only by you.").arg(m_fallbackFile);
    if (warning == m_warning)
        return;
    m_warning = warning;
    emit warningChanged(m_warning);
}

QHash<QString, QString> TokenStore::readFallbackFile(QString *error) const
{
    QFile file(m_fallbackFile);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the token file %1: %2").arg(m_fallbackFile, file.errorString());
        return {};
    }
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    if (!document.isObject()) {
        *error =
            tr("The token file %1 is damaged: delete it and enter the tokens again.").arg(m_fallbackFile);
        return {};
    }
    QHash<QString, QString> tokens;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it)
        tokens.insert(it.key(), it.value().toString());
    return tokens;
}

bool TokenStore::writeFallbackFile(const QHash<QString, QString> &tokens, QString *error) const
{
    if (!QDir().mkpath(QFileInfo(m_fallbackFile).absolutePath())) {
        *error = tr("Cannot create the folder of the token file %1.").arg(m_fallbackFile);
        return false;
    }
    QJsonObject object;
    for (auto it = tokens.begin(); it != tokens.end(); ++it)
        object.insert(it.key(), it.value());

    QSaveFile file(m_fallbackFile);
    // Owner-only before the first byte of a token is written.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(QJsonDocument(object).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        *error = tr("Cannot write the token file %1: %2").arg(m_fallbackFile, file.errorString());
        return false;
    }
    return true;
}

bool TokenStore::updateFallbackFile(const QString &profileId, const QString &token, QString *error) const
{
    QHash<QString, QString> tokens = readFallbackFile(error);
    if (!error->isEmpty())
        return false;
    if (token.isNull()) {
        // Nothing to change: do not create the file just to say there is no token in it.
        if (!tokens.remove(profileId))
            return true;
    } else {
        tokens.insert(profileId, token);
    }
    return writeFallbackFile(tokens, error);
}

} // namespace vitrine::desktop
