#include "adapters/runtime/process/process_tree.h"

#include <unistd.h>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QHash>

#include <optional>

namespace vitrine::adapters::runtime {
namespace {

// The fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses:
// [0] is field 3 (state), [1] the parent pid, [11]..[14] utime, stime, cutime, cstime, [21] rss (pages).
std::optional<QList<QByteArray>> statFields(pid_t pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray stat = file.readAll();
    const qsizetype nameEnd = stat.lastIndexOf(')');
    if (nameEnd < 0)
        return std::nullopt;
    QList<QByteArray> fields = stat.mid(nameEnd + 2).trimmed().split(' ');
    if (fields.size() < 22)
        return std::nullopt;
    return fields;
}

QList<pid_t> allProcesses()
{
    QList<pid_t> pids;
    const QStringList names = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        bool ok = false;
        const int pid = name.toInt(&ok);
        if (ok)
            pids << pid_t(pid);
    }
    return pids;
}

} // namespace

QList<pid_t> descendantProcesses(pid_t root)
{
    QMultiHash<pid_t, pid_t> childrenOf;
    for (const pid_t pid : allProcesses()) {
        if (const auto fields = statFields(pid))
            childrenOf.insert(pid_t(fields->at(1).toInt()), pid);
    }
    QList<pid_t> found;
    QList<pid_t> pending{root};
    while (!pending.isEmpty()) {
        const QList<pid_t> children = childrenOf.values(pending.takeLast());
        found << children;
        pending << children;
    }
    return found;
}

ProcessTreeUsage processTreeUsage(pid_t root)
{
    static const double ticksPerSecond = double(::sysconf(_SC_CLK_TCK));
    static const qint64 pageSize = ::sysconf(_SC_PAGESIZE);
    QList<pid_t> tree = descendantProcesses(root);
    tree << root;
    ProcessTreeUsage usage;
    for (const pid_t pid : std::as_const(tree)) {
        const auto fields = statFields(pid);
        if (!fields)
            continue;
        const qint64 ticks = fields->at(11).toLongLong() + fields->at(12).toLongLong() +
                             fields->at(13).toLongLong() + fields->at(14).toLongLong();
        usage.cpuSeconds += double(ticks) / ticksPerSecond;
        usage.residentBytes += fields->at(21).toLongLong() * pageSize;
    }
    return usage;
}

} // namespace vitrine::adapters::runtime
