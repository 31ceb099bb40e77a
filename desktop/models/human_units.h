#pragma once

#include <QString>

namespace vitrine::desktop {

// "512 B", "1.5 KiB", "20.0 MiB", "3.2 GiB": binary units, one decimal from KiB on.
QString humanBytes(qint64 bytes);

// "850 ms", "42 s", "3 min 20 s", "2 h 5 min", "3 d 4 h": the two largest units, rounded down.
QString humanDuration(qint64 milliseconds);

} // namespace vitrine::desktop
