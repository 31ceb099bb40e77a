#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QStringList>

namespace vitrine::tests {

// Whether a process on this machine has `argument` as one of its command-line arguments (read from /proc).
inline bool processWithArgumentRuns(const QByteArray &argument)
{
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().split('\0').contains(argument))
            return true;
    }
    return false;
}

} // namespace vitrine::tests
