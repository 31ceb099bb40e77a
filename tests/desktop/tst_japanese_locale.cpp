// With the Japanese locale, the main window speaks Japanese: the translations compiled into the views
// library are found and installed the way the app's main() installs them.

#include "client/connection_profiles.h"
#include "views/main_window.h"
#include "views/user_interface_language.h"

#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using vitrine::desktop::ConnectionProfileStore;
using vitrine::desktop::MainWindow;

class JapaneseLocaleTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void labelsOfTheMainWindowAreJapanese();
};

void JapaneseLocaleTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    vitrine::desktop::installTranslations(*QCoreApplication::instance(),
                                          QLocale(QLocale::Japanese, QLocale::Japan));
}

void JapaneseLocaleTest::labelsOfTheMainWindowAreJapanese()
{
    QTemporaryDir tokens;
    QVERIFY(tokens.isValid());
    ConnectionProfileStore profiles(tokens.path());
    MainWindow window(profiles);

    QCOMPARE(window.windowTitle(), QStringLiteral("Vitrine"));
    QCOMPARE(window.tabs()->tabText(MainWindow::ApplicationsTab), QStringLiteral("アプリケーション"));
    QCOMPARE(window.menuBar()->actions().value(0)->text(), QStringLiteral("ファイル(&F)"));
    QCOMPARE(window.menuBar()->actions().value(1)->text(), QStringLiteral("表示(&V)"));
    QCOMPARE(window.findChild<QLineEdit *>(QStringLiteral("applicationSearchField"))->placeholderText(),
             QStringLiteral("アプリを検索"));
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("connectionStateLabel"))->text(),
             QStringLiteral("未接続"));
}

QTEST_MAIN(JapaneseLocaleTest)
#include "tst_japanese_locale.moc"
