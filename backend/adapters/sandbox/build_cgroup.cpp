#include "adapters/sandbox/build_cgroup.h"

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
#include <optional>

namespace vitrine::adapters::sandbox {
namespace {

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

// v2: the cgroup2 mount; v1: the cgroup mount that carries the memory controller.
std::optional<CgroupMount> findMount(bool v2)
{
    const QList<QByteArray> lines = readSmallFile(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.split(' ');
        const qsizetype separator = fields.indexOf("-");
        if (separator < 5 || separator + 3 >= fields.size())
            continue;
        const QByteArray &fsType = fields[separator + 1];
        const bool matches = v2 ? fsType == "cgroup2"
                                : fsType == "cgroup" && fields[separator + 3].split(',').contains("memory");
        if (matches)
            return CgroupMount{QString::fromUtf8(fields[3]), QString::fromUtf8(fields[4])};
    }
    return std::nullopt;
}

// The server's own group in the hierarchy, as /proc/self/cgroup names it ("0::/a/b" for v2).
std::optional<QString> ownGroupPath(bool v2)
{
    const QList<QByteArray> lines = readSmallFile(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype first = line.indexOf(':');
        const qsizetype second = line.indexOf(':', first + 1);
        if (first < 0 || second < 0)
            continue;
        const QByteArray controllers = line.mid(first + 1, second - first - 1);
        const bool matches =
            v2 ? line.left(first) == "0" && controllers.isEmpty() : controllers.split(',').contains("memory");
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

QString uniqueGroupName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("vitrine-build-%1-%2").arg(QCoreApplication::applicationPid()).arg(++counter);
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

// Both versions report OOM kills as an "oom_kill N" line (v2 memory.events, v1 memory.oom_control).
bool oomKillCounted(const QString &path)
{
    const QList<QByteArray> lines = readSmallFile(path).split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("oom_kill "))
            return line.mid(int(std::strlen("oom_kill "))).trimmed().toLongLong() > 0;
    }
    return false;
}

} // namespace

std::unique_ptr<BuildCgroup> BuildCgroup::create(qint64 memoryBytes, const QString &v2Parent, QString *whyNot)
{
    const QByteArray limit = QByteArray::number(memoryBytes);
    QStringList reasons;

    const auto v2Mount = findMount(true);
    const auto v2Own = ownGroupPath(true);
    if (v2Mount && (v2Own || !v2Parent.isEmpty())) {
        const QString parent = v2Parent.isEmpty() ? directoryOf(*v2Mount, *v2Own) : v2Parent;
        const QString dir = parent + QLatin1Char('/') + uniqueGroupName();
        QString error;
        if (!words(readSmallFile(parent + QStringLiteral("/cgroup.controllers")))
                 .contains(QStringLiteral("memory"))) {
            reasons << QStringLiteral("cgroup v2 %1 offers no memory controller").arg(parent);
        } else if (!words(readSmallFile(parent + QStringLiteral("/cgroup.subtree_control")))
                        .contains(QStringLiteral("memory")) &&
                   !writeSmallFile(parent + QStringLiteral("/cgroup.subtree_control"), "+memory", &error)) {
            // Fails while the parent itself holds processes: a delegated, empty parent is needed then.
            reasons << QStringLiteral("cgroup v2: cannot enable the memory controller (%1)").arg(error);
        } else if (!makeDirectory(dir, &error)) {
            reasons << QStringLiteral("cgroup v2: %1").arg(error);
        } else if (memoryBytes > 0 && !writeSmallFile(dir + QStringLiteral("/memory.max"), limit, &error)) {
            removeDirectory(dir);
            reasons << QStringLiteral("cgroup v2: %1").arg(error);
        } else {
            // Without swap the limit is the real one; the file is missing where swap accounting is off.
            if (memoryBytes > 0)
                writeSmallFile(dir + QStringLiteral("/memory.swap.max"), "0", nullptr);
            return std::unique_ptr<BuildCgroup>(new BuildCgroup(Version::V2, dir));
        }
    } else {
        reasons << QStringLiteral("no cgroup v2 hierarchy");
    }

    const auto v1Mount = findMount(false);
    const auto v1Own = ownGroupPath(false);
    if (v1Mount && v1Own) {
        const QString dir = directoryOf(*v1Mount, *v1Own) + QLatin1Char('/') + uniqueGroupName();
        QString error;
        if (!makeDirectory(dir, &error)) {
            reasons << QStringLiteral("cgroup v1: %1").arg(error);
        } else if (memoryBytes > 0 &&
                   !writeSmallFile(dir + QStringLiteral("/memory.limit_in_bytes"), limit, &error)) {
            removeDirectory(dir);
            reasons << QStringLiteral("cgroup v1: %1").arg(error);
        } else {
            // memory+swap at the same figure keeps the build from spilling into swap (absent without swap
            // accounting, where there is nothing to spill into that counts).
            if (memoryBytes > 0)
                writeSmallFile(dir + QStringLiteral("/memory.memsw.limit_in_bytes"), limit, nullptr);
            return std::unique_ptr<BuildCgroup>(new BuildCgroup(Version::V1, dir));
        }
    } else {
        reasons << QStringLiteral("no cgroup v1 memory hierarchy");
    }

    if (whyNot)
        *whyNot = reasons.join(QStringLiteral("; "));
    return nullptr;
}

BuildCgroup::BuildCgroup(Version version, QString dir)
    : m_version(version)
    , m_dir(std::move(dir))
{
}

BuildCgroup::~BuildCgroup()
{
    // A killed process leaves the group only once the kernel has torn it down, so removal is retried.
    QDeadlineTimer deadline(5000);
    for (;;) {
        killAll();
        if (::rmdir(QFile::encodeName(m_dir).constData()) == 0)
            return;
        if (errno != EBUSY || deadline.hasExpired())
            break;
        QThread::msleep(10);
    }
    qCWarning(lcSandbox, "could not remove %s: %s", qUtf8Printable(m_dir), std::strerror(errno));
}

QByteArray BuildCgroup::procsFile() const
{
    return QFile::encodeName(m_dir + QStringLiteral("/cgroup.procs"));
}

QString BuildCgroup::description() const
{
    return QStringLiteral("cgroup %1 %2")
        .arg(m_version == Version::V2 ? QStringLiteral("v2") : QStringLiteral("v1"), m_dir);
}

void BuildCgroup::killAll() const
{
    if (m_version == Version::V2 && writeSmallFile(m_dir + QStringLiteral("/cgroup.kill"), "1", nullptr))
        return;
    // v1 (and v2 before Linux 5.14) have no cgroup.kill. A process forked while this runs escapes the loop,
    // but not the sandbox's pid namespace, which dies with the sandbox.
    for (const QString &pid : processIds())
        ::kill(pid_t(pid.toInt()), SIGKILL);
}

bool BuildCgroup::outOfMemoryKillHappened() const
{
    return oomKillCounted(m_dir + (m_version == Version::V2 ? QStringLiteral("/memory.events")
                                                            : QStringLiteral("/memory.oom_control")));
}

QStringList BuildCgroup::processIds() const
{
    return words(readSmallFile(m_dir + QStringLiteral("/cgroup.procs")));
}

} // namespace vitrine::adapters::sandbox
