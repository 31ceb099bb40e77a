#include "podman_service.h"

#include "adapters/docker/docker_client.h"
#include "domain/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <signal.h>
#include <sys/mount.h>

#include <QBuffer>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <memory>
#include <optional>

namespace vitrine::tests {

namespace {

using adapters::docker::DockerClient;

constexpr auto kBusyboxPath = "/bin/busybox";
constexpr int kReadyTimeoutMs = 60'000;
constexpr int kStopTimeoutMs = 30'000;
constexpr int kCommandTimeoutMs = 60'000;

struct ArchiveWriteDeleter {
    void operator()(archive *handle) const { archive_write_free(handle); }
};
struct ArchiveEntryDeleter {
    void operator()(archive_entry *entry) const { archive_entry_free(entry); }
};

la_ssize_t appendToByteArray(archive *, void *userData, const void *data, size_t size)
{
    static_cast<QByteArray *>(userData)->append(static_cast<const char *>(data),
                                                static_cast<qsizetype>(size));
    return static_cast<la_ssize_t>(size);
}

bool addFile(archive *tar, const QString &path, const QByteArray &content, int mode, QString *error)
{
    const std::unique_ptr<archive_entry, ArchiveEntryDeleter> entry(archive_entry_new());
    archive_entry_copy_pathname(entry.get(), path.toUtf8().constData());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), mode);
    archive_entry_set_size(entry.get(), content.size());
    if (archive_write_header(tar, entry.get()) != ARCHIVE_OK ||
        archive_write_data(tar, content.constData(), static_cast<size_t>(content.size())) != content.size()) {
        *error = QStringLiteral("cannot add %1 to the build context: %2")
                     .arg(path, QString::fromUtf8(archive_error_string(tar)));
        return false;
    }
    return true;
}

// A process as /proc shows it; its start time tells it from a later one that got the same PID.
struct ProcessEntry {
    pid_t pid = 0;
    pid_t parent = 0;
    QByteArray startTime;
};

std::optional<ProcessEntry> readProcess(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = stat.readAll();
    // After "PID (COMMAND) ": state, parent, … and the start time as the 20th field.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return std::nullopt;
    return ProcessEntry{pid, static_cast<pid_t>(fields[1].toInt()), fields[19]};
}

QList<ProcessEntry> descendantsOf(pid_t root)
{
    QList<ProcessEntry> processes;
    for (const QString &name : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const pid_t pid = name.toInt(&isPid);
        if (const std::optional<ProcessEntry> process = isPid ? readProcess(pid) : std::nullopt)
            processes << *process;
    }
    QList<ProcessEntry> descendants;
    QList<pid_t> parents{root};
    while (!parents.isEmpty()) {
        const pid_t parent = parents.takeFirst();
        for (const ProcessEntry &process : std::as_const(processes)) {
            if (process.parent == parent) {
                descendants << process;
                parents << process.pid;
            }
        }
    }
    return descendants;
}

} // namespace

PodmanService::PodmanService()
{
    m_service.setProcessChannelMode(QProcess::MergedChannels);
}

PodmanService::~PodmanService()
{
    stop();
}

bool PodmanService::available(QString *reason)
{
    QStringList missing;
    for (const QString &program : {QStringLiteral("podman"), QStringLiteral("runc")}) {
        if (QStandardPaths::findExecutable(program).isEmpty())
            missing << program;
    }
    if (!QFileInfo(QString::fromLatin1(kBusyboxPath)).isExecutable())
        missing << QStringLiteral("busybox-static (%1)").arg(QLatin1StringView(kBusyboxPath));
    if (missing.isEmpty())
        return true;
    *reason = QStringLiteral("Podman tests need %1: apt-get install podman runc busybox-static")
                  .arg(missing.join(QStringLiteral(", ")));
    return false;
}

bool PodmanService::writeConfiguration(QString *error)
{
    const QString containersConf =
        QStringLiteral("[containers]\n"
                       "default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]\n"
                       "[engine]\n"
                       "runtime = \"runc\"\n"
                       "cgroup_manager = \"cgroupfs\"\n"
                       "events_logger = \"file\"\n"
                       "events_logfile_path = \"%1\"\n"
                       "tmp_dir = \"%2\"\n")
            .arg(m_dir.filePath(QStringLiteral("events.log")), m_dir.filePath(QStringLiteral("tmp")));
    const QString storageConf =
        QStringLiteral("[storage]\n"
                       "driver = \"vfs\"\n"
                       "runroot = \"%1\"\n"
                       "graphroot = \"%2\"\n")
            .arg(m_dir.filePath(QStringLiteral("run")), m_dir.filePath(QStringLiteral("graph")));
    for (const auto &[name, text] : {std::pair{QStringLiteral("containers.conf"), containersConf},
                                     std::pair{QStringLiteral("storage.conf"), storageConf}}) {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0) {
            *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
            return false;
        }
    }
    // Build contexts and build steps' run directories go to TMPDIR (else /var/tmp): here they go with the
    // rest.
    const QString scratch = m_dir.filePath(QStringLiteral("scratch"));
    if (!QDir().mkpath(scratch)) {
        *error = QStringLiteral("cannot create %1").arg(scratch);
        return false;
    }
    m_environment = QProcessEnvironment::systemEnvironment();
    m_environment.insert(QStringLiteral("TMPDIR"), scratch);
    m_environment.insert(QStringLiteral("CONTAINERS_CONF"),
                         m_dir.filePath(QStringLiteral("containers.conf")));
    m_environment.insert(QStringLiteral("CONTAINERS_STORAGE_CONF"),
                         m_dir.filePath(QStringLiteral("storage.conf")));
    return true;
}

bool PodmanService::start(QString *error)
{
    if (QString reason; !available(&reason)) {
        *error = reason;
        return false;
    }
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory: %1").arg(m_dir.errorString());
        return false;
    }
    if (!writeConfiguration(error))
        return false;
    m_service.setProcessEnvironment(m_environment);
    m_service.setStandardOutputFile(m_dir.filePath(QStringLiteral("service.log")));
    m_service.start(QStringLiteral("podman"), {QStringLiteral("system"), QStringLiteral("service"),
                                               QStringLiteral("--time=0"), host()});
    if (!m_service.waitForStarted()) {
        *error = QStringLiteral("cannot start 'podman system service': %1").arg(m_service.errorString());
        return false;
    }
    return waitUntilReady(error);
}

bool PodmanService::waitUntilReady(QString *error)
{
    DockerClient client(host());
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    QString lastProblem;
    while (!deadline.hasExpired()) {
        if (m_service.state() == QProcess::NotRunning) {
            *error = QStringLiteral("podman system service exited during start-up:\n%1").arg(serviceLog());
            return false;
        }
        if (QFileInfo::exists(socketPath())) {
            try {
                const adapters::docker::DockerResponse ping = client.request("GET", QStringLiteral("/_ping"));
                if (ping.ok())
                    return true;
                lastProblem = ping.errorMessage();
            } catch (const domain::Error &failure) {
                lastProblem = failure.message();
            }
        }
        QThread::msleep(100);
    }
    *error = QStringLiteral("podman system service did not answer /_ping within %1 s (%2):\n%3")
                 .arg(kReadyTimeoutMs / 1000)
                 .arg(lastProblem, serviceLog());
    stop();
    return false;
}

void PodmanService::stop()
{
    if (m_service.state() == QProcess::NotRunning)
        return;
    // Containers outlive the service (each has its own conmon), so they go first.
    removeAllContainers();
    // A build step the client gave up on goes on under the service, and outlives it: it goes too.
    const QList<ProcessEntry> children = descendantsOf(static_cast<pid_t>(m_service.processId()));
    m_service.terminate();
    if (!m_service.waitForFinished(kStopTimeoutMs)) {
        m_service.kill();
        m_service.waitForFinished();
    }
    for (const ProcessEntry &child : children) {
        const std::optional<ProcessEntry> now = readProcess(child.pid);
        if (now && now->startTime == child.startTime)
            kill(child.pid, SIGKILL);
    }
    unmountLeftovers();
}

void PodmanService::removeAllContainers()
{
    QProcess remove;
    remove.setProcessEnvironment(m_environment);
    remove.setProcessChannelMode(QProcess::MergedChannels);
    remove.start(QStringLiteral("podman"), {QStringLiteral("rm"), QStringLiteral("--all"),
                                            QStringLiteral("--force"), QStringLiteral("--time=0")});
    if (!remove.waitForFinished(kCommandTimeoutMs))
        remove.kill();
    remove.waitForFinished();
}

void PodmanService::unmountLeftovers()
{
    // A container's /dev/shm is a tmpfs mounted in the graph root; one that `podman rm` missed would keep
    // the temporary directory from being deleted.
    QFile mountInfo(QStringLiteral("/proc/self/mountinfo"));
    if (!mountInfo.open(QIODevice::ReadOnly))
        return;
    const QByteArray prefix = QFile::encodeName(m_dir.path()) + '/';
    QList<QByteArray> mountPoints;
    for (const QByteArray &line : mountInfo.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() > 4 && fields[4].startsWith(prefix))
            mountPoints << fields[4];
    }
    // Deepest first, so a mount inside another comes off before it.
    std::sort(mountPoints.begin(), mountPoints.end(),
              [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    for (const QByteArray &mountPoint : mountPoints)
        umount2(mountPoint.constData(), MNT_DETACH);
}

QString PodmanService::serviceLog() const
{
    QFile log(m_dir.filePath(QStringLiteral("service.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString();
}

QByteArray dockerfileFrom(const QString &baseImage, const QStringList &linesAfterFrom)
{
    return (QStringList{QStringLiteral("FROM ") + baseImage} + linesAfterFrom).join(u'\n').toUtf8() + '\n';
}

QByteArray busyboxBuildContext(const QStringList &extraDockerfileLines,
                               const QMap<QString, QByteArray> &extraFiles, QString *error)
{
    QFile busybox(QString::fromLatin1(kBusyboxPath));
    if (!busybox.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1 (Debian's busybox-static): %2")
                     .arg(busybox.fileName(), busybox.errorString());
        return {};
    }
    const QStringList dockerfile =
        QStringList{QStringLiteral("FROM scratch"), QStringLiteral("COPY bin/busybox /bin/busybox"),
                    QStringLiteral(R"(RUN ["/bin/busybox", "--install", "-s", "/bin"])")} +
        extraDockerfileLines;

    QByteArray context;
    const std::unique_ptr<archive, ArchiveWriteDeleter> tar(archive_write_new());
    archive_write_set_format_pax_restricted(tar.get());
    // A tar of a few bytes is padded to full blocks either way; no need for libarchive's 10 KiB default.
    archive_write_set_bytes_in_last_block(tar.get(), 1);
    if (archive_write_open(tar.get(), &context, nullptr, appendToByteArray, nullptr) != ARCHIVE_OK) {
        *error = QStringLiteral("cannot write a build context: %1")
                     .arg(QString::fromUtf8(archive_error_string(tar.get())));
        return {};
    }
    if (!addFile(tar.get(), QStringLiteral("Dockerfile"), (dockerfile.join(u'\n') + u'\n').toUtf8(), 0644,
                 error) ||
        !addFile(tar.get(), QStringLiteral("bin/busybox"), busybox.readAll(), 0755, error)) {
        return {};
    }
    for (auto file = extraFiles.cbegin(); file != extraFiles.cend(); ++file) {
        if (!addFile(tar.get(), file.key(), file.value(), 0644, error))
            return {};
    }
    if (archive_write_close(tar.get()) != ARCHIVE_OK) {
        *error = QStringLiteral("cannot finish the build context: %1")
                     .arg(QString::fromUtf8(archive_error_string(tar.get())));
        return {};
    }
    return context;
}

bool buildBusyboxImage(DockerClient &client, const QString &tag, const QStringList &extraDockerfileLines,
                       const QMap<QString, QString> &labels, QString *error,
                       const QMap<QString, QByteArray> &extraFiles)
{
    QByteArray context = busyboxBuildContext(extraDockerfileLines, extraFiles, error);
    if (context.isEmpty())
        return false;
    QJsonObject labelObject;
    for (auto label = labels.cbegin(); label != labels.cend(); ++label)
        labelObject.insert(label.key(), label.value());
    const QString query = QStringLiteral("/build?t=%1&rm=1&labels=%2")
                              .arg(QString::fromLatin1(QUrl::toPercentEncoding(tag)),
                                   QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(
                                       QJsonDocument(labelObject).toJson(QJsonDocument::Compact)))));

    QString output;
    QString engineError;
    adapters::docker::JsonLinesDecoder decoder([&](const QJsonDocument &document) {
        const QJsonObject line = document.object();
        output += line.value(QStringLiteral("stream")).toString();
        if (line.contains(QStringLiteral("error")))
            engineError = line.value(QStringLiteral("error")).toString();
    });
    QBuffer upload(&context);
    upload.open(QIODevice::ReadOnly);
    int status = 0;
    try {
        status = client.stream("POST", query, &upload, "application/x-tar", [&](QByteArrayView chunk) {
            decoder.feed(chunk);
            return true;
        });
    } catch (const domain::Error &failure) {
        *error = QStringLiteral("building %1: %2").arg(tag, failure.message());
        return false;
    }
    decoder.finish();
    if (status == 200 && engineError.isEmpty())
        return true;
    *error = QStringLiteral("building %1 failed (HTTP %2): %3\n%4")
                 .arg(tag, QString::number(status), engineError, output);
    return false;
}

} // namespace vitrine::tests
