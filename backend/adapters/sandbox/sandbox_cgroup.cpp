#include "adapters/sandbox/sandbox_cgroup.h"

#include "adapters/sandbox/sandbox_logging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace vitrine::adapters::sandbox {
namespace {

// The CFS period the CPU quota is a share of: 100 ms, the kernel's default.
constexpr qint64 kCpuPeriodMicroseconds = 100000;
// The kernel refuses quotas below 1 ms.
constexpr qint64 kMinimumCpuQuotaMicroseconds = 1000;

struct CgroupMount {
    QString root; // the part of the hierarchy this mount shows
    QString mountPoint;
};

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// cgroupfs reports a refused setting through write()'s errno, which QFile would hide.
bool writeSmallFile(const QString &path, const QByteArray &value, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CLOEXEC);
    bool written = fd >= 0 && ::write(fd, value.constData(), size_t(value.size())) == value.size();
    const int savedErrno = errno;
    if (fd >= 0)
        ::close(fd);
    if (!written && error)
        *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(std::strerror(savedErrno)));
    return written;
}

QStringList words(const QByteArray &text)
{
    return QString::fromUtf8(text).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
}

// The number after `key ` in a flat-keyed file such as memory.events or cpu.stat.
std::optional<qint64> keyedValue(const QString &path, const QByteArray &key)
{
    const QList<QByteArray> lines = readSmallFile(path).split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(key + ' '))
            return line.mid(key.size() + 1).trimmed().toLongLong();
    }
    return std::nullopt;
}

std::optional<qint64> numberIn(const QString &path)
{
    bool ok = false;
    const qint64 value = readSmallFile(path).trimmed().toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

// controller empty: the cgroup2 mount; otherwise the cgroup v1 mount that carries that controller.
std::optional<CgroupMount> findMount(const QByteArray &controller)
{
    const QList<QByteArray> lines = readSmallFile(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split(' ');
        const qsizetype separator = fields.indexOf("-");
        if (separator < 5 || separator + 3 >= fields.size())
            continue;
        const QByteArray &fsType = fields[separator + 1];
        const bool matches = controller.isEmpty() ? fsType == "cgroup2"
                                                  : fsType == "cgroup" &&
                                                        fields[separator + 3].split(',').contains(controller);
        if (matches)
            return CgroupMount{QString::fromUtf8(fields[3]), QString::fromUtf8(fields[4])};
    }
    return std::nullopt;
}

// The server's own group in a hierarchy, as /proc/self/cgroup names it ("0::/a/b" for v2).
std::optional<QString> ownGroupPath(const QByteArray &controller)
{
    const QList<QByteArray> lines = readSmallFile(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype first = line.indexOf(':');
        const qsizetype second = line.indexOf(':', first + 1);
        if (first < 0 || second < 0)
            continue;
        const QByteArray controllers = line.mid(first + 1, second - first - 1);
        const bool matches = controller.isEmpty() ? line.left(first) == "0" && controllers.isEmpty()
                                                  : controllers.split(',').contains(controller);
        if (matches)
            return QString::fromUtf8(line.mid(second + 1));
    }
    return std::nullopt;
}

QString directoryOf(const CgroupMount &mount, QString groupPath)
{
    if (mount.root != QStringLiteral("/") && groupPath.startsWith(mount.root))
        groupPath = groupPath.mid(mount.root.size());
    return QDir::cleanPath(mount.mountPoint + QLatin1Char('/') + groupPath);
}

// The server's own group in the v1 hierarchy of a controller; nothing when the host has no such hierarchy.
std::optional<QString> ownV1Directory(const QByteArray &controller)
{
    const auto mount = findMount(controller);
    const auto own = ownGroupPath(controller);
    if (!mount || !own)
        return std::nullopt;
    return directoryOf(*mount, *own);
}

QString uniqueGroupName(const QString &prefix)
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("%1-%2-%3").arg(prefix).arg(QCoreApplication::applicationPid()).arg(++counter);
}

bool makeDirectory(const QString &path, QString *error)
{
    if (::mkdir(QFile::encodeName(path).constData(), 0755) == 0)
        return true;
    *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

void removeDirectory(const QString &path)
{
    ::rmdir(QFile::encodeName(path).constData());
}

qint64 cpuQuotaMicroseconds(int cpuMillicores)
{
    return qMax(kMinimumCpuQuotaMicroseconds, qint64(cpuMillicores) * kCpuPeriodMicroseconds / 1000);
}

bool controllerEnabled(const QString &parent, const QString &controller, QString *error)
{
    const QString subtreeControl = parent + QStringLiteral("/cgroup.subtree_control");
    if (words(readSmallFile(subtreeControl)).contains(controller))
        return true;
    // Fails while the parent itself holds processes: a delegated, empty parent is needed then.
    return writeSmallFile(subtreeControl, QByteArray("+") + controller.toLatin1(), error);
}

} // namespace

std::unique_ptr<SandboxCgroup> SandboxCgroup::create(const QString &namePrefix, const CgroupLimits &limits,
                                                     const QString &v2Parent, QString *whyNot)
{
    const QByteArray memoryLimit = QByteArray::number(limits.memoryBytes);
    const QString name = uniqueGroupName(namePrefix);
    QStringList reasons;

    const auto v2Mount = findMount({});
    const auto v2Own = ownGroupPath({});
    if (v2Mount && (v2Own || !v2Parent.isEmpty())) {
        const QString parent = v2Parent.isEmpty() ? directoryOf(*v2Mount, *v2Own) : v2Parent;
        const QString dir = parent + QLatin1Char('/') + name;
        const QStringList available = words(readSmallFile(parent + QStringLiteral("/cgroup.controllers")));
        QString error;
        if (!available.contains(QStringLiteral("memory"))) {
            reasons << QStringLiteral("cgroup v2 %1 offers no memory controller").arg(parent);
        } else if (!controllerEnabled(parent, QStringLiteral("memory"), &error)) {
            reasons << QStringLiteral("cgroup v2: cannot enable the memory controller (%1)").arg(error);
        } else if (!makeDirectory(dir, &error)) {
            reasons << QStringLiteral("cgroup v2: %1").arg(error);
        } else if (limits.memoryBytes > 0 &&
                   !writeSmallFile(dir + QStringLiteral("/memory.max"), memoryLimit, &error)) {
            removeDirectory(dir);
            reasons << QStringLiteral("cgroup v2: %1").arg(error);
        } else {
            // Without swap the limit is the real one; the file is missing where swap accounting is off.
            if (limits.memoryBytes > 0)
                writeSmallFile(dir + QStringLiteral("/memory.swap.max"), "0", nullptr);
            std::unique_ptr<SandboxCgroup> group(new SandboxCgroup(Version::V2, {dir}));
            if (limits.cpuMillicores > 0) {
                const QByteArray cpuMax = QByteArray::number(cpuQuotaMicroseconds(limits.cpuMillicores)) +
                                          ' ' + QByteArray::number(kCpuPeriodMicroseconds);
                if (!available.contains(QStringLiteral("cpu")))
                    group->m_unenforced =
                        QStringLiteral("CPU: cgroup v2 %1 offers no cpu controller").arg(parent);
                else if (!controllerEnabled(parent, QStringLiteral("cpu"), &error) ||
                         !writeSmallFile(dir + QStringLiteral("/cpu.max"), cpuMax, &error))
                    group->m_unenforced = QStringLiteral("CPU: cgroup v2: %1").arg(error);
            }
            return group;
        }
    } else {
        reasons << QStringLiteral("no cgroup v2 hierarchy");
    }

    const auto memoryParent = ownV1Directory("memory");
    if (!memoryParent) {
        reasons << QStringLiteral("no cgroup v1 memory hierarchy");
        if (whyNot)
            *whyNot = reasons.join(QStringLiteral("; "));
        return nullptr;
    }
    const QString memoryDir = *memoryParent + QLatin1Char('/') + name;
    QString error;
    if (!makeDirectory(memoryDir, &error)) {
        reasons << QStringLiteral("cgroup v1: %1").arg(error);
    } else if (limits.memoryBytes > 0 &&
               !writeSmallFile(memoryDir + QStringLiteral("/memory.limit_in_bytes"), memoryLimit, &error)) {
        removeDirectory(memoryDir);
        reasons << QStringLiteral("cgroup v1: %1").arg(error);
    } else {
        // memory+swap at the same figure keeps the sandbox from spilling into swap (absent without swap
        // accounting, where there is nothing to spill into that counts).
        if (limits.memoryBytes > 0)
            writeSmallFile(memoryDir + QStringLiteral("/memory.memsw.limit_in_bytes"), memoryLimit, nullptr);
        std::unique_ptr<SandboxCgroup> group(new SandboxCgroup(Version::V1, {memoryDir}));
        // The cpu and cpuacct controllers may share a mount with each other or with memory: one directory
        // then serves several of them.
        const auto joinHierarchy = [&group, &name](const QByteArray &controller,
                                                   QString *problem) -> QString {
            const auto parent = ownV1Directory(controller);
            if (!parent) {
                *problem = QStringLiteral("no cgroup v1 %1 hierarchy").arg(QString::fromLatin1(controller));
                return {};
            }
            const QString dir = *parent + QLatin1Char('/') + name;
            if (group->m_directories.contains(dir))
                return dir;
            QString mkdirError;
            if (!makeDirectory(dir, &mkdirError)) {
                *problem = QStringLiteral("cgroup v1: %1").arg(mkdirError);
                return {};
            }
            group->m_directories << dir;
            return dir;
        };
        QString cpuProblem;
        if (limits.cpuMillicores > 0) {
            group->m_cpuDirectory = joinHierarchy("cpu", &cpuProblem);
            if (!group->m_cpuDirectory.isEmpty() &&
                (!writeSmallFile(group->m_cpuDirectory + QStringLiteral("/cpu.cfs_period_us"),
                                 QByteArray::number(kCpuPeriodMicroseconds), &cpuProblem) ||
                 !writeSmallFile(group->m_cpuDirectory + QStringLiteral("/cpu.cfs_quota_us"),
                                 QByteArray::number(cpuQuotaMicroseconds(limits.cpuMillicores)),
                                 &cpuProblem)))
                group->m_cpuDirectory.clear();
            if (group->m_cpuDirectory.isEmpty())
                group->m_unenforced = QStringLiteral("CPU: %1").arg(cpuProblem);
        }
        QString cpuacctProblem;
        group->m_cpuacctDirectory = joinHierarchy("cpuacct", &cpuacctProblem);
        return group;
    }

    if (whyNot)
        *whyNot = reasons.join(QStringLiteral("; "));
    return nullptr;
}

SandboxCgroup::SandboxCgroup(Version version, QStringList directories)
    : m_version(version)
    , m_directories(std::move(directories))
{
}

SandboxCgroup::~SandboxCgroup()
{
    // A killed process leaves the group only once the kernel has torn it down, so removal is retried.
    QDeadlineTimer deadline(5000);
    for (const QString &dir : std::as_const(m_directories)) {
        for (;;) {
            killAll();
            if (::rmdir(QFile::encodeName(dir).constData()) == 0)
                break;
            if (errno != EBUSY || deadline.hasExpired()) {
                qCWarning(lcSandbox, "could not remove %s: %s", qUtf8Printable(dir), std::strerror(errno));
                break;
            }
            QThread::msleep(10);
        }
    }
}

QByteArrayList SandboxCgroup::procsFiles() const
{
    QByteArrayList files;
    for (const QString &dir : m_directories)
        files << QFile::encodeName(dir + QStringLiteral("/cgroup.procs"));
    return files;
}

QString SandboxCgroup::description() const
{
    return QStringLiteral("cgroup %1 %2")
        .arg(m_version == Version::V2 ? QStringLiteral("v2") : QStringLiteral("v1"),
             m_directories.join(QStringLiteral(", ")));
}

void SandboxCgroup::killAll() const
{
    if (m_version == Version::V2 &&
        writeSmallFile(m_directories.first() + QStringLiteral("/cgroup.kill"), "1", nullptr))
        return;
    // v1 (and v2 before Linux 5.14) have no cgroup.kill. A process forked while this runs escapes the loop,
    // but not the sandbox's pid namespace, which dies with the sandbox.
    for (const QString &pid : processIds())
        ::kill(pid_t(pid.toInt()), SIGKILL);
}

qint64 SandboxCgroup::outOfMemoryKills() const
{
    // Both versions count OOM kills on an "oom_kill N" line.
    return keyedValue(m_directories.first() + (m_version == Version::V2
                                                   ? QStringLiteral("/memory.events")
                                                   : QStringLiteral("/memory.oom_control")),
                      "oom_kill")
        .value_or(0);
}

std::optional<double> SandboxCgroup::cpuSeconds() const
{
    if (m_version == Version::V2) {
        const auto micros = keyedValue(m_directories.first() + QStringLiteral("/cpu.stat"), "usage_usec");
        return micros ? std::optional<double>(double(*micros) / 1e6) : std::nullopt;
    }
    if (m_cpuacctDirectory.isEmpty())
        return std::nullopt;
    const auto nanos = numberIn(m_cpuacctDirectory + QStringLiteral("/cpuacct.usage"));
    return nanos ? std::optional<double>(double(*nanos) / 1e9) : std::nullopt;
}

std::optional<qint64> SandboxCgroup::memoryBytes() const
{
    return numberIn(m_directories.first() + (m_version == Version::V2
                                                 ? QStringLiteral("/memory.current")
                                                 : QStringLiteral("/memory.usage_in_bytes")));
}

QStringList SandboxCgroup::processIds() const
{
    return words(readSmallFile(m_directories.first() + QStringLiteral("/cgroup.procs")));
}

} // namespace vitrine::adapters::sandbox
