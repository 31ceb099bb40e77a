#include "client/connection_profiles.h"
#include "client/connection_settings.h"
#include "views/main_window.h"
#include "views/screenshot_tour.h"
#include "views/user_interface_language.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QProcessEnvironment>

#include <cstdio>

using vitrine::desktop::ConnectionProfile;
using vitrine::desktop::ConnectionProfileStore;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::MainWindow;
using vitrine::desktop::ScreenshotTour;

namespace {

// On the first start with a server given (./dev.sh run passes VITRINE_SERVER and VITRINE_TOKEN), that
// server becomes the first profile, so that the next start finds it without the environment. Returns the
// profile's id.
QString rememberFirstServer(ConnectionProfileStore &profiles, const ConnectionSettings &settings)
{
    if (!profiles.profiles().isEmpty())
        return {};
    ConnectionProfile profile;
    profile.name = settings.serverAddress;
    profile.serverAddress = settings.serverAddress;
    if (!profiles.save(profile).isEmpty())
        return {}; // an address the profiles refuse: it is still used for this session
    profiles.tokens().writeToken(profile.id, settings.token);
    return profile.id;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("vitrine"));
    QApplication::setApplicationName(QStringLiteral("vitrine"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vitrine"));
    QApplication::setApplicationVersion(QStringLiteral(VITRINE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/vitrine.svg")));

    // Before the first translated string, the command line's help included.
    vitrine::desktop::installTranslations(app, vitrine::desktop::userInterfaceLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Vitrine desktop: your applications on a Vitrine server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QApplication::translate(
            "main",
            "The server's gRPC address (default: $VITRINE_SERVER, else the current connection profile)."),
        QApplication::translate("main", "host:port"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token"), QApplication::translate("main", "Your API token (default: $VITRINE_TOKEN)."),
        QApplication::translate("main", "token"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main",
                                "Render each main view against the server into PNG files in DIR, then exit."),
        QApplication::translate("main", "DIR"));
    parser.addOptions({serverOption, tokenOption, screenshotOption});
    parser.process(app);

    ConnectionProfileStore profiles;
    // A server named on the command line or in the environment wins over the saved profiles.
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const bool serverGiven = parser.isSet(serverOption) || parser.isSet(tokenOption) ||
                             !environment.value(QStringLiteral("VITRINE_TOKEN")).trimmed().isEmpty();
    ConnectionSettings settings = ConnectionSettings::fromEnvironment();
    QString profileId;
    if (serverGiven) {
        // Trimmed like the environment's values: a token pasted from a file often ends in a newline.
        if (parser.isSet(serverOption))
            settings.serverAddress = parser.value(serverOption).trimmed();
        if (parser.isSet(tokenOption))
            settings.token = parser.value(tokenOption).trimmed();
        // Before the window listens to the profiles: the first profile becoming current must not make it
        // connect a second time, before the token is stored.
        profileId = rememberFirstServer(profiles, settings);
    }

    MainWindow window(profiles);
    if (serverGiven)
        window.connectTo(settings, profileId);
    else if (const auto current = profiles.current())
        window.connectToProfile(current->id);

    window.show();
    if (!serverGiven && !profiles.current())
        window.openConnectionDialog();

    if (parser.isSet(screenshotOption)) {
        auto *tour = new ScreenshotTour(window, parser.value(screenshotOption), &app);
        QObject::connect(tour, &ScreenshotTour::finished, &app, [](int exitCode, const QString &report) {
            std::fputs(qPrintable(report), exitCode == 0 ? stdout : stderr);
            QCoreApplication::exit(exitCode);
        });
        tour->start();
    }
    return QApplication::exec();
}
