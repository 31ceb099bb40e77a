#include "views/user_interface_language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace vitrine::desktop {

namespace {

const QString kLanguageKey = QStringLiteral("interface/language");

void installTranslator(QCoreApplication &application, const QLocale &locale, const QString &name,
                       const QString &directory)
{
    auto *translator = new QTranslator(&application);
    if (translator->load(locale, name, QStringLiteral("_"), directory))
        QCoreApplication::installTranslator(translator);
    else
        delete translator; // English, or a language nobody translated Vitrine into: the source strings
}

} // namespace

QLocale userInterfaceLocale()
{
    const QString code = userInterfaceLanguage();
    return code.isEmpty() ? QLocale::system() : QLocale(code);
}

void setUserInterfaceLanguage(const QString &code)
{
    QSettings settings;
    if (code.isEmpty())
        settings.remove(kLanguageKey);
    else
        settings.setValue(kLanguageKey, code);
}

QString userInterfaceLanguage()
{
    return QSettings().value(kLanguageKey).toString();
}

void installTranslations(QCoreApplication &application, const QLocale &locale)
{
    installTranslator(application, locale, QStringLiteral("qtbase"),
                      QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    installTranslator(application, locale, QStringLiteral("vitrine"), QStringLiteral(":/i18n"));
}

} // namespace vitrine::desktop
