#include "client/connection_settings.h"
#include "views/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::MainWindow;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("vitrine"));
    QApplication::setApplicationName(QStringLiteral("vitrine"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vitrine"));
    QApplication::setApplicationVersion(QStringLiteral(VITRINE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/vitrine.svg")));

    // Before the first translated string, the command line's help included.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    if (appTranslator.load(QLocale(), QStringLiteral("vitrine"), QStringLiteral("_"),
                           QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Vitrine desktop: your applications on a Vitrine server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QApplication::translate(
            "main", "The server's gRPC address (default: $VITRINE_SERVER, else 127.0.0.1:50051)."),
        QApplication::translate("main", "host:port"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token"), QApplication::translate("main", "Your API token (default: $VITRINE_TOKEN)."),
        QApplication::translate("main", "token"));
    parser.addOption(serverOption);
    parser.addOption(tokenOption);
    parser.process(app);

    ConnectionSettings settings = ConnectionSettings::fromEnvironment();
    // Trimmed like the environment's values: a token pasted from a file often ends in a newline.
    if (parser.isSet(serverOption))
        settings.serverAddress = parser.value(serverOption).trimmed();
    if (parser.isSet(tokenOption))
        settings.token = parser.value(tokenOption).trimmed();

    MainWindow window(settings);
    window.show();
    window.refresh();
    return QApplication::exec();
}
