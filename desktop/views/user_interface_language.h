#pragma once

#include <QLocale>
#include <QString>

class QCoreApplication;

namespace vitrine::desktop {

// The language the user chose in the settings ("ja", "en"), or the system's when they chose none.
QLocale userInterfaceLocale();
// Saves the choice; an empty code goes back to the system's language. Takes effect at the next start.
void setUserInterfaceLanguage(const QString &code);
// The saved choice: a language code, or empty for the system's language.
QString userInterfaceLanguage();

// Installs Qt's and Vitrine's translations for `locale` into the application; the translators are children
// of `application`. Before the first translated string is made.
void installTranslations(QCoreApplication &application, const QLocale &locale);

} // namespace vitrine::desktop
