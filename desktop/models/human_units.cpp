#include "models/human_units.h"

#include <QCoreApplication>

#include <array>

namespace vitrine::desktop {

namespace {

QString translated(const char *text)
{
    return QCoreApplication::translate("HumanUnits", text);
}

} // namespace

QString humanBytes(qint64 bytes)
{
    if (bytes < 1024)
        return translated("%1 B").arg(bytes);
    static const std::array<const char *, 5> units{
        QT_TRANSLATE_NOOP("HumanUnits", "%1 KiB"), QT_TRANSLATE_NOOP("HumanUnits", "%1 MiB"),
        QT_TRANSLATE_NOOP("HumanUnits", "%1 GiB"), QT_TRANSLATE_NOOP("HumanUnits", "%1 TiB"),
        QT_TRANSLATE_NOOP("HumanUnits", "%1 PiB")};
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < units.size()) {
        value /= 1024;
        ++unit;
    }
    return translated(units[unit]).arg(value, 0, 'f', 1);
}

QString humanDuration(qint64 milliseconds)
{
    if (milliseconds < 1000)
        return translated("%1 ms").arg(qMax<qint64>(milliseconds, 0));
    const qint64 seconds = milliseconds / 1000;
    if (seconds < 60)
        return translated("%1 s").arg(seconds);
    if (seconds < 3600)
        return translated("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return translated("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
    return translated("%1 d %2 h").arg(seconds / 86400).arg(seconds % 86400 / 3600);
}

} // namespace vitrine::desktop
