// ConnectionDialog: profiles added through its widgets, a connection check against a real server, the
// warning of a token store without keychain.

#include "client/connection_profiles.h"
#include "server_process.h"
#include "views/connection_dialog.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vitrine::desktop::ConnectionDialog;
using vitrine::desktop::ConnectionProfile;
using vitrine::desktop::ConnectionProfileStore;
using vitrine::desktop::TokenStore;
using vitrine::tests::ServerProcess;

namespace {

template<typename Widget>
Widget *part(const ConnectionDialog &dialog, const char *name)
{
    return dialog.findChild<Widget *>(QString::fromLatin1(name));
}

// Fills the form and clicks Save.
void addThroughForm(const ConnectionDialog &dialog, const QString &name, const QString &address,
                    const QString &token)
{
    QTest::mouseClick(part<QPushButton>(dialog, "newProfileButton"), Qt::LeftButton);
    part<QLineEdit>(dialog, "profileNameField")->setText(name);
    part<QLineEdit>(dialog, "serverAddressField")->setText(address);
    QTest::keyClicks(part<QLineEdit>(dialog, "tokenField"), token);
    QTest::mouseClick(part<QPushButton>(dialog, "saveProfileButton"), Qt::LeftButton);
}

} // namespace

class ConnectionDialogTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void addsAProfileWithItsToken();
    void showsWhyAProfileIsRefused();
    void usesTheSelectedServer();
    void checksTheConnection_data();
    void checksTheConnection();

private:
    QString tokenDirectory() const { return m_dir.filePath(QStringLiteral("config")); }

    QTemporaryDir m_dir;
    ServerProcess m_server;
};

void ConnectionDialogTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // No keychain service, on every machine: the session bus is unreachable, as on a headless one.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vitrine-test-bus");
    QCoreApplication::setOrganizationName(QStringLiteral("vitrine-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_connection_dialog"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    QString error;
    QVERIFY2(m_server.start(&error), qUtf8Printable(error));
}

void ConnectionDialogTest::init()
{
    QSettings().clear();
    QSettings().sync();
    QFile::remove(TokenStore(tokenDirectory()).fallbackFile());
}

void ConnectionDialogTest::addsAProfileWithItsToken()
{
    ConnectionProfileStore store(tokenDirectory());
    ConnectionDialog dialog(store);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *warning = part<QLabel>(dialog, "tokenWarningLabel");
    QVERIFY(warning && !warning->isVisible());

    QSignalSpy written(&store.tokens(), &TokenStore::tokenWritten);
    addThroughForm(dialog, QStringLiteral("Home"), m_server.grpcAddress(), QStringLiteral("vtr_secret"));
    QCOMPARE(part<QLabel>(dialog, "profileErrorLabel")->text(), QString());
    QCOMPARE(store.profiles().size(), 1);
    const ConnectionProfile saved = store.profiles().first();
    QCOMPARE(saved.name, QStringLiteral("Home"));
    QCOMPARE(saved.serverAddress, m_server.grpcAddress());
    QVERIFY(!saved.useTls);
    QCOMPARE(part<QListWidget>(dialog, "profileList")->count(), 1);
    QVERIFY(part<QListWidget>(dialog, "profileList")->item(0)->text().startsWith(QStringLiteral("Home")));

    QVERIFY(written.wait(30'000));
    QCOMPARE(part<QLabel>(dialog, "profileStatusLabel")->text(), QStringLiteral("Saved."));
    // Without a keychain the user is told where the token went.
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(store.tokens().fallbackFile()), qUtf8Printable(warning->text()));

    // Opened again, the dialog shows the profile with its token.
    ConnectionDialog reopened(store);
    QCOMPARE(part<QLineEdit>(reopened, "profileNameField")->text(), QStringLiteral("Home"));
    QTRY_COMPARE_WITH_TIMEOUT(part<QLineEdit>(reopened, "tokenField")->text(), QStringLiteral("vtr_secret"),
                              30'000);
    QCOMPARE(part<QLineEdit>(reopened, "tokenField")->echoMode(), QLineEdit::Password);
}

void ConnectionDialogTest::showsWhyAProfileIsRefused()
{
    ConnectionProfileStore store(tokenDirectory());
    ConnectionDialog dialog(store);
    addThroughForm(dialog, QStringLiteral("Home"), QStringLiteral("no-port"), QString());
    QVERIFY(part<QLabel>(dialog, "profileErrorLabel")->text().startsWith(QStringLiteral("Server address:")));
    QVERIFY(store.profiles().isEmpty());
}

void ConnectionDialogTest::usesTheSelectedServer()
{
    ConnectionProfileStore store(tokenDirectory());
    ConnectionDialog dialog(store);
    addThroughForm(dialog, QStringLiteral("Home"), QStringLiteral("127.0.0.1:50051"), QString());
    addThroughForm(dialog, QStringLiteral("Club"), QStringLiteral("vitrine.example.org:443"), QString());
    QCOMPARE(store.profiles().size(), 2);
    QCOMPARE(store.current()->name, QStringLiteral("Home"));

    auto *use = part<QPushButton>(dialog, "useProfileButton");
    QVERIFY(use->isEnabled());
    QTest::mouseClick(use, Qt::LeftButton);
    QCOMPARE(store.current()->name, QStringLiteral("Club"));
    QVERIFY(!use->isEnabled());
    auto *list = part<QListWidget>(dialog, "profileList");
    QCOMPARE(list->item(1)->text(), QStringLiteral("Club (in use)"));
    QCOMPARE(list->item(0)->text(), QStringLiteral("Home"));
}

void ConnectionDialogTest::checksTheConnection_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("expected");

    QTest::newRow("admin token") << m_server.adminToken() << QStringLiteral("as admin (admin).");
    QTest::newRow("wrong token") << QStringLiteral("vtr_wrong")
                                 << QStringLiteral("The server refused the token");
}

void ConnectionDialogTest::checksTheConnection()
{
    QFETCH(QString, token);
    QFETCH(QString, expected);

    ConnectionProfileStore store(tokenDirectory());
    ConnectionDialog dialog(store);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    addThroughForm(dialog, QStringLiteral("Home"), m_server.grpcAddress(), token);

    auto *check = part<QPushButton>(dialog, "checkConnectionButton");
    auto *result = part<QLabel>(dialog, "checkResultLabel");
    QTest::mouseClick(check, Qt::LeftButton);
    // The dialog goes on while the server answers.
    QVERIFY(!check->isEnabled());
    QCOMPARE(result->text(), QStringLiteral("Checking…"));
    QTRY_VERIFY_WITH_TIMEOUT(check->isEnabled(), 30'000);
    QVERIFY2(result->text().contains(expected), qUtf8Printable(result->text()));
}

QTEST_MAIN(ConnectionDialogTest)
#include "tst_connection_dialog.moc"
