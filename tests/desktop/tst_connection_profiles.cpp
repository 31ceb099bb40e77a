#include "client/connection_check.h"
#include "client/connection_profiles.h"
#include "self_signed_certificate.h"
#include "server_process.h"

#include <sys/stat.h>

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vitrine::desktop::ConnectionCheck;
using vitrine::desktop::ConnectionProfile;
using vitrine::desktop::ConnectionProfileStore;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::ServerInfo;
using vitrine::desktop::TokenStore;
using vitrine::tests::ServerProcess;

namespace {

// Nothing listens on port 1 of the loopback: connecting is refused at once.
const QString kRefusingServer = QStringLiteral("127.0.0.1:1");

ConnectionProfile profileNamed(const QString &name,
                               const QString &address = QStringLiteral("127.0.0.1:50051"))
{
    ConnectionProfile profile;
    profile.name = name;
    profile.serverAddress = address;
    return profile;
}

QStringList namesOf(const QList<ConnectionProfile> &profiles)
{
    QStringList names;
    for (const ConnectionProfile &profile : profiles)
        names.append(profile.name);
    return names;
}

} // namespace

class ConnectionProfilesTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void profilesPersistAcrossReloads();
    void rejectsAnInvalidProfile_data();
    void rejectsAnInvalidProfile();
    void tokenGoesToAnOwnerOnlyFileWithoutKeychain();
    void checksAConnection_data();
    void checksAConnection();

private:
    QString tokenDirectory() const { return m_dir.filePath(QStringLiteral("config")); }

    QTemporaryDir m_dir;
    ServerProcess m_server;
    std::unique_ptr<ServerProcess> m_tlsServer;
    QString m_caFile;
};

void ConnectionProfilesTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // No keychain service, on every machine: the session bus is unreachable, as on a headless one.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vitrine-test-bus");
    QCoreApplication::setOrganizationName(QStringLiteral("vitrine-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connection_profiles"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());

    QString error;
    QVERIFY2(m_server.start(&error), qUtf8Printable(error));

    vitrine::tests::SelfSignedCertificate certificate(m_dir.path());
    QVERIFY2(certificate.create(&error), qUtf8Printable(error));
    m_caFile = certificate.certificateFile();
    QFile config(m_dir.filePath(QStringLiteral("vitrine.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("[grpc]\ntls_cert = \"%1\"\ntls_key = \"%2\"\n")
                     .arg(certificate.certificateFile(), certificate.keyFile())
                     .toUtf8());
    config.close();
    m_tlsServer = std::make_unique<ServerProcess>(
        ServerProcess::Options{{}, {QStringLiteral("--config"), config.fileName()}});
    QVERIFY2(m_tlsServer->start(&error), qUtf8Printable(error));
}

void ConnectionProfilesTest::init()
{
    QSettings().clear();
    QSettings().sync();
    QFile::remove(TokenStore(tokenDirectory()).fallbackFile());
}

void ConnectionProfilesTest::profilesPersistAcrossReloads()
{
    ConnectionProfileStore store(tokenDirectory());
    QVERIFY(store.profiles().isEmpty());
    QVERIFY(!store.current());

    ConnectionProfile home = profileNamed(QStringLiteral("Home"));
    QCOMPARE(store.save(home), QString());
    ConnectionProfile club = profileNamed(QStringLiteral("Club"), QStringLiteral("vitrine.example.org:443"));
    club.useTls = true;
    QCOMPARE(store.save(club), QString());
    QVERIFY(!home.id.isEmpty());
    QVERIFY(home.id != club.id);
    // The first profile became current.
    QCOMPARE(ConnectionProfileStore(tokenDirectory()).current(), home);
    QCOMPARE(ConnectionProfileStore(tokenDirectory()).profiles(), (QList<ConnectionProfile>{home, club}));

    QSignalSpy currentChanged(&store, &ConnectionProfileStore::currentChanged);
    store.setCurrent(club.id);
    QCOMPARE(currentChanged.count(), 1);
    QCOMPARE(ConnectionProfileStore(tokenDirectory()).current(), club);

    club.name = QStringLiteral("Creators' club");
    QCOMPARE(store.save(club), QString());
    {
        const ConnectionProfileStore reloaded(tokenDirectory());
        QCOMPARE(namesOf(reloaded.profiles()),
                 (QStringList{QStringLiteral("Home"), QStringLiteral("Creators' club")}));
        QCOMPARE(reloaded.current()->id, club.id);
    }

    store.remove(club.id);
    {
        const ConnectionProfileStore reloaded(tokenDirectory());
        QCOMPARE(reloaded.profiles(), QList<ConnectionProfile>{home});
        // The current profile went: the one left took its place.
        QCOMPARE(reloaded.current(), home);
    }

    store.remove(home.id);
    const ConnectionProfileStore emptied(tokenDirectory());
    QVERIFY(emptied.profiles().isEmpty());
    QVERIFY(!emptied.current());
}

void ConnectionProfilesTest::rejectsAnInvalidProfile_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("field");

    const QString address = QStringLiteral("127.0.0.1:50051");
    QTest::newRow("no name") << QStringLiteral("  ") << address << QString() << QStringLiteral("Name");
    QTest::newRow("a name taken") << QStringLiteral("home") << address << QString() << QStringLiteral("Name");
    QTest::newRow("no port") << QStringLiteral("Other") << QStringLiteral("example.org") << QString()
                             << QStringLiteral("Server address");
    QTest::newRow("port out of range") << QStringLiteral("Other") << QStringLiteral("example.org:70000")
                                       << QString() << QStringLiteral("Server address");
    QTest::newRow("bare IPv6") << QStringLiteral("Other") << QStringLiteral("::1:50051") << QString()
                               << QStringLiteral("Server address");
    QTest::newRow("missing CA file") << QStringLiteral("Other") << address
                                     << QStringLiteral("/nonexistent/ca.pem") << QStringLiteral("CA file");
}

void ConnectionProfilesTest::rejectsAnInvalidProfile()
{
    QFETCH(QString, name);
    QFETCH(QString, address);
    QFETCH(QString, caFile);
    QFETCH(QString, field);

    ConnectionProfileStore store(tokenDirectory());
    ConnectionProfile home = profileNamed(QStringLiteral("Home"));
    QCOMPARE(store.save(home), QString());

    ConnectionProfile profile = profileNamed(name, address);
    profile.useTls = !caFile.isEmpty();
    profile.caFile = caFile;
    const QString error = store.save(profile);
    QVERIFY2(error.startsWith(field + QLatin1Char(':')), qUtf8Printable(error));
    QVERIFY(profile.id.isEmpty());
    QCOMPARE(ConnectionProfileStore(tokenDirectory()).profiles(), QList<ConnectionProfile>{home});
}

void ConnectionProfilesTest::tokenGoesToAnOwnerOnlyFileWithoutKeychain()
{
    ConnectionProfileStore store(tokenDirectory());
    ConnectionProfile home = profileNamed(QStringLiteral("Home"));
    QCOMPARE(store.save(home), QString());
    TokenStore &tokens = store.tokens();
    QVERIFY(tokens.warning().isEmpty());

    const QString token = QStringLiteral("vtr_secret_0123456789");
    QSignalSpy written(&tokens, &TokenStore::tokenWritten);
    QSignalSpy warningChanged(&tokens, &TokenStore::warningChanged);
    QSignalSpy failed(&tokens, &TokenStore::failed);
    tokens.writeToken(home.id, token);
    QVERIFY2(written.wait(30'000),
             qUtf8Printable(failed.isEmpty() ? QString() : failed.first().at(1).toString()));
    QCOMPARE(written.first().first().toString(), home.id);

    QCOMPARE(warningChanged.count(), 1);
    QVERIFY2(tokens.warning().contains(tokens.fallbackFile()), qUtf8Printable(tokens.warning()));
    QVERIFY(tokens.warning().contains(QStringLiteral("readable only by you")));
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(tokens.fallbackFile()).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0600u);

    QSettings settings;
    settings.sync();
    QFile settingsFile(settings.fileName());
    QVERIFY2(settingsFile.open(QIODevice::ReadOnly), qUtf8Printable(settings.fileName()));
    const QByteArray settingsText = settingsFile.readAll();
    QVERIFY(settingsText.contains("Home"));
    QVERIFY(!settingsText.contains(token.toUtf8()));

    // Another run of the app reads it back.
    TokenStore reopened(tokenDirectory());
    QSignalSpy read(&reopened, &TokenStore::tokenRead);
    reopened.readToken(home.id);
    QVERIFY(read.wait(30'000));
    QCOMPARE(read.first().at(1).toString(), token);

    // Removing the profile removes its token.
    QSignalSpy removed(&tokens, &TokenStore::tokenRemoved);
    store.remove(home.id);
    QVERIFY(removed.wait(30'000));
    read.clear();
    reopened.readToken(home.id);
    QVERIFY(read.wait(30'000));
    QCOMPARE(read.first().at(1).toString(), QString());
}

void ConnectionProfilesTest::checksAConnection_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("useTls");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("expectedError"); // empty: the check succeeds

    const QString admin = m_server.adminToken();
    QTest::newRow("admin token") << m_server.grpcAddress() << admin << false << QString() << QString();
    QTest::newRow("TLS with its CA file")
        << m_tlsServer->grpcAddress() << m_tlsServer->adminToken() << true << m_caFile << QString();
    QTest::newRow("wrong token") << m_server.grpcAddress() << QStringLiteral("vtr_wrong") << false
                                 << QString() << QStringLiteral("The server refused the token");
    QTest::newRow("no token") << m_server.grpcAddress() << QString() << false << QString()
                              << QStringLiteral("No token");
    QTest::newRow("dead port") << kRefusingServer << admin << false << QString()
                               << QStringLiteral("Cannot reach 127.0.0.1:1");
    QTest::newRow("TLS to a plaintext server")
        << m_server.grpcAddress() << admin << true << m_caFile << QStringLiteral("over TLS");
    QTest::newRow("unreadable CA file")
        << m_tlsServer->grpcAddress() << admin << true << m_dir.filePath(QStringLiteral("missing.pem"))
        << QStringLiteral("Cannot read the CA file");
}

void ConnectionProfilesTest::checksAConnection()
{
    QFETCH(QString, address);
    QFETCH(QString, token);
    QFETCH(bool, useTls);
    QFETCH(QString, caFile);
    QFETCH(QString, expectedError);

    ConnectionProfile profile = profileNamed(QStringLiteral("Checked"), address);
    profile.useTls = useTls;
    profile.caFile = caFile;

    ConnectionCheck check;
    QSignalSpy succeeded(&check, &ConnectionCheck::succeeded);
    QSignalSpy failed(&check, &ConnectionCheck::failed);
    check.start(profile.settings(token));
    // start() returned before the answer: the caller's thread was not held.
    QCOMPARE(succeeded.count() + failed.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(succeeded.count() + failed.count(), 1, 30'000);

    if (expectedError.isEmpty()) {
        QVERIFY2(failed.isEmpty(),
                 qUtf8Printable(failed.isEmpty() ? QString() : failed.first().first().toString()));
        const auto info = succeeded.first().first().value<ServerInfo>();
        QCOMPARE(info.version, QStringLiteral(VITRINE_VERSION));
        QVERIFY(!info.userName.isEmpty());
        QVERIFY(info.userIsAdmin);
    } else {
        QCOMPARE(succeeded.count(), 0);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(expectedError), qUtf8Printable(message));
    }
}

QTEST_GUILESS_MAIN(ConnectionProfilesTest)
#include "tst_connection_profiles.moc"
