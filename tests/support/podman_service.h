#pragma once

#include <QByteArray>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace vitrine::adapters::docker {
class DockerClient;
}

namespace vitrine::tests {

// A throwaway Podman service serving the Docker Engine API (`podman system service --time=0 unix://…`) with
// everything of its own in a temporary directory: containers.conf (runc, cgroupfs, file events: what Podman
// needs as root on these machines), storage.conf (vfs driver, graph and run roots), its socket and its log.
// Destroying it removes its containers, stops the service by the PID it started and deletes the directory.
class PodmanService {
public:
    PodmanService();
    ~PodmanService();
    PodmanService(const PodmanService &) = delete;
    PodmanService &operator=(const PodmanService &) = delete;

    // Whether podman, runc and Debian's busybox-static (for test images) are installed; if not, *reason
    // says what to install (a message for QSKIP).
    static bool available(QString *reason);

    // Starts the service and waits until it answers /_ping. On failure returns false and puts the reason
    // (with the service's log) in *error.
    bool start(QString *error);
    // Removes every container (running ones too), stops the service and waits until it is gone, with what
    // it still ran (a build step whose client hung up).
    void stop();

    QString socketPath() const { return m_dir.filePath(QStringLiteral("podman.sock")); }
    // "unix:///…/podman.sock", as --docker-host takes it.
    QString host() const { return QStringLiteral("unix://") + socketPath(); }
    // The service's output so far, for failure messages.
    QString serviceLog() const;

private:
    bool writeConfiguration(QString *error);
    bool waitUntilReady(QString *error);
    void removeAllContainers();
    void unmountLeftovers();

    QTemporaryDir m_dir;
    QProcess m_service;
    QProcessEnvironment m_environment;
};

// A Dockerfile: FROM baseImage, then the given lines.
QByteArray dockerfileFrom(const QString &baseImage, const QStringList &linesAfterFrom);

// A tar build context: a Dockerfile that installs Debian's static busybox into an empty image
//   FROM scratch
//   COPY bin/busybox /bin/busybox
//   RUN ["/bin/busybox", "--install", "-s", "/bin"]      (sh, echo, sleep, httpd… as links in /bin)
// followed by extraDockerfileLines, with bin/busybox and extraFiles (path in the context → content) beside
// it. Returns an empty array and sets *error when the archive cannot be written.
QByteArray busyboxBuildContext(const QStringList &extraDockerfileLines,
                               const QMap<QString, QByteArray> &extraFiles, QString *error);

// Builds busyboxBuildContext(…) as `tag` (POST /build) with `labels` on the image. On failure returns false
// with the engine's output in *error.
bool buildBusyboxImage(adapters::docker::DockerClient &client, const QString &tag,
                       const QStringList &extraDockerfileLines, const QMap<QString, QString> &labels,
                       QString *error, const QMap<QString, QByteArray> &extraFiles = {});

} // namespace vitrine::tests
