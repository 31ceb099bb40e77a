#include "app/builder_command.h"

#include "adapters/archive/libarchive_artifact_archive.h"
#include "adapters/git/libgit2_git_service.h"
#include "adapters/grpc/builder_protocol.h"
#include "adapters/grpc/grpc_logging.h"
#include "adapters/grpc/pb_conversion.h"
#include "adapters/sandbox/bubblewrap_command_runner.h"
#include "app/logging.h"
#include "app/termination_signals.h"
#include "domain/error.h"
#include "usecases/build_steps.h"
#include "usecases/builder_logging.h"
#include "vitrine/v1/builders.grpc.pb.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSysInfo>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace vitrine::app {

using usecases::lcBuilder;

namespace {

constexpr int kExitBadUsage = 2;
constexpr std::chrono::seconds kMaxBackoff{30};

using Stream = ::grpc::ClientReaderWriter<v1::BuilderMessage, v1::ControllerMessage>;

struct BuilderOptions {
    QString controller; // host:port
    QString token;
    QString name;
    int slotCount = 2;
    QString workDir;
    QString tlsCaFile; // empty: plaintext
    bool allowNetwork = false;
    std::chrono::milliseconds heartbeatInterval{10'000};
    LogLevel logLevel = LogLevel::Info;
};

class UsageError : public std::runtime_error {
public:
    explicit UsageError(const QString &message)
        : std::runtime_error(message.toStdString())
    {
    }
};

const char kUsage[] =
    "Usage: vitrine-server builder --controller HOST:PORT --token TOKEN [options]\n"
    "\n"
    "Runs builds for a Vitrine controller on this machine. The token must be an admin's.\n"
    "\n"
    "Options:\n"
    "  --controller HOST:PORT    the controller's gRPC address (required)\n"
    "  --token TOKEN             an admin's API token (required; or VITRINE_TOKEN)\n"
    "  --slots N                 run up to N builds at once, 1 to 256 (default: 2)\n"
    "  --work-dir DIR            build workspaces and artifacts (default: ./vitrine-builder)\n"
    "  --name NAME               how the controller calls this builder (default: the host name)\n"
    "  --tls-ca FILE             use TLS, trusting the PEM certificates in FILE\n"
    "  --allow-network           let build commands reach the network\n"
    "  --heartbeat-seconds N     heartbeat running builds every N seconds (default: 10)\n"
    "  --log-level LEVEL         debug, info, warning or error (default: info)\n";

int parseNumber(const QString &flag, const QString &value, int minimum, int maximum)
{
    bool ok = false;
    const int number = value.toInt(&ok);
    if (!ok || number < minimum || number > maximum)
        throw UsageError(QStringLiteral("%1 must be a whole number from %2 to %3, not '%4'")
                             .arg(flag)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(value));
    return number;
}

BuilderOptions parseOptions(const QStringList &arguments)
{
    BuilderOptions options;
    options.token = qEnvironmentVariable("VITRINE_TOKEN");
    options.name = QSysInfo::machineHostName();
    options.workDir = QStringLiteral("vitrine-builder");
    for (int i = 2; i < arguments.size(); ++i) {
        const QString flag = arguments[i];
        if (flag == QStringLiteral("--allow-network")) {
            options.allowNetwork = true;
            continue;
        }
        if (i + 1 >= arguments.size())
            throw UsageError(QStringLiteral("%1 needs a value").arg(flag));
        const QString value = arguments[++i];
        if (flag == QStringLiteral("--controller"))
            options.controller = value;
        else if (flag == QStringLiteral("--token"))
            options.token = value;
        else if (flag == QStringLiteral("--slots"))
            options.slotCount = parseNumber(flag, value, 1, 256);
        else if (flag == QStringLiteral("--work-dir"))
            options.workDir = value;
        else if (flag == QStringLiteral("--name"))
            options.name = value;
        else if (flag == QStringLiteral("--tls-ca"))
            options.tlsCaFile = value;
        else if (flag == QStringLiteral("--heartbeat-seconds"))
            options.heartbeatInterval = std::chrono::seconds(parseNumber(flag, value, 1, 3600));
        else if (flag == QStringLiteral("--log-level")) {
            const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                     QStringLiteral("warning"), QStringLiteral("error")};
            const qsizetype index = levels.indexOf(value);
            if (index < 0)
                throw UsageError(
                    QStringLiteral("--log-level must be debug, info, warning or error, not '%1'").arg(value));
            options.logLevel = LogLevel(index);
        } else
            throw UsageError(QStringLiteral("unknown option %1").arg(flag));
    }
    if (options.controller.isEmpty())
        throw UsageError(QStringLiteral("--controller HOST:PORT is required"));
    if (options.token.isEmpty())
        throw UsageError(QStringLiteral("--token is required (or VITRINE_TOKEN)"));
    options.workDir = QFileInfo(options.workDir).absoluteFilePath();
    return options;
}

std::shared_ptr<::grpc::ChannelCredentials> channelCredentials(const BuilderOptions &options)
{
    if (options.tlsCaFile.isEmpty())
        return ::grpc::InsecureChannelCredentials();
    QFile file(options.tlsCaFile);
    if (!file.open(QIODevice::ReadOnly))
        throw UsageError(
            QStringLiteral("cannot read --tls-ca %1: %2").arg(options.tlsCaFile, file.errorString()));
    ::grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = file.readAll().toStdString();
    return ::grpc::SslCredentials(ssl);
}

// Dials the controller, runs the jobs it sends and reports back, until stop().
class RemoteBuilder {
public:
    explicit RemoteBuilder(BuilderOptions options)
        : m_options(std::move(options))
        , m_runner([this] {
            adapters::sandbox::BubblewrapOptions sandbox;
            sandbox.allowNetwork = m_options.allowNetwork;
            return sandbox;
        }())
        , m_steps(
              m_git, m_runner, m_archive,
              {nullptr,
               QStringLiteral("Dockerfile builds run on the server's own builder slots ([builder] slots), "
                              "not on remote builders"),
               false,
               {}})
        , m_stub(v1::BuilderService::NewStub(
              ::grpc::CreateChannel(m_options.controller.toStdString(), channelCredentials(m_options))))
    {
    }

    // The connection loop; returns after stop().
    void run()
    {
        std::chrono::seconds backoff{1};
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                if (m_stopping)
                    return;
            }
            const bool heardFromController = connectOnce();
            std::unique_lock lock(m_mutex);
            if (m_stopping)
                return;
            backoff = heardFromController ? std::chrono::seconds(1) : std::min(backoff * 2, kMaxBackoff);
            qCInfo(lcBuilder).noquote()
                << "reconnecting" << logField(u"in_seconds", QString::number(backoff.count()));
            m_changed.wait_for(lock, backoff, [this] { return m_stopping.load(); });
        }
    }

    // Cancels the running builds (they report CANCELED) and then ends the stream; run() returns.
    void stop()
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (const std::shared_ptr<Job> &job : std::as_const(m_jobs))
            job->stop = true;
        if (m_jobs.isEmpty() && m_context)
            m_context->TryCancel();
        m_changed.notify_all();
    }

private:
    struct Job {
        usecases::RemoteJob remote;
        std::atomic<bool> stop{false};
        std::atomic<bool> done{false}; // its thread has nothing left to do but end
    };

    using JobThread = std::pair<std::shared_ptr<Job>, std::thread>;

    class StreamReport final : public usecases::BuildReport {
    public:
        StreamReport(RemoteBuilder &builder, QString buildId)
            : m_builder(builder)
            , m_buildId(std::move(buildId))
        {
        }
        void announce(const QString &text) override { commandLine(domain::LogStream::System, text); }
        void commandLine(domain::LogStream stream, const QString &text) override
        {
            v1::BuilderMessage message;
            message.mutable_log_line()->set_build_id(m_buildId.toStdString());
            message.mutable_log_line()->set_stream(adapters::grpc::toPb(stream));
            message.mutable_log_line()->set_text(text.toStdString());
            m_builder.write(message); // a broken stream cancels the build through the disconnect
        }

    private:
        RemoteBuilder &m_builder;
        const QString m_buildId;
    };

    // One stream from hello to its end. Returns whether the controller sent anything.
    bool connectOnce()
    {
        ::grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + m_options.token.toStdString());
        {
            const std::lock_guard lock(m_mutex);
            m_context = &context;
            if (m_stopping)
                context.TryCancel();
        }
        std::unique_ptr<Stream> stream = m_stub->Connect(&context);
        {
            const std::lock_guard lock(m_writeMutex);
            m_stream = stream.get();
        }
        v1::BuilderMessage hello;
        hello.mutable_hello()->set_name(m_options.name.toStdString());
        hello.mutable_hello()->set_slot_count(m_options.slotCount);
        bool heard = false;
        std::vector<JobThread> threads;
        if (write(hello)) {
            qCInfo(lcBuilder).noquote() << "connected" << logField(u"controller", m_options.controller)
                                        << logField(u"slots", QString::number(m_options.slotCount));
            std::thread heartbeats([this] { sendHeartbeats(); });
            v1::ControllerMessage message;
            while (stream->Read(&message)) {
                heard = true;
                if (message.has_job())
                    startJob(message.job(), threads);
                else if (message.has_cancel())
                    cancelJob(QString::fromStdString(message.cancel().build_id()));
            }
            {
                // The controller forgot this stream's builds: nobody would take their results.
                const std::lock_guard lock(m_mutex);
                for (const std::shared_ptr<Job> &job : std::as_const(m_jobs))
                    job->stop = true;
                m_connected = false;
                m_changed.notify_all();
            }
            heartbeats.join();
        }
        for (JobThread &thread : threads)
            thread.second.join();
        {
            const std::lock_guard lock(m_writeMutex);
            m_stream = nullptr;
        }
        {
            const std::lock_guard lock(m_mutex);
            m_context = nullptr;
            m_connected = true;
        }
        const ::grpc::Status status = stream->Finish();
        qCWarning(lcBuilder).noquote()
            << "disconnected" << logField(u"controller", m_options.controller)
            << logField(u"status",
                        QString::fromStdString(status.error_message().empty() ? "stream ended"
                                                                              : status.error_message()));
        return heard;
    }

    bool write(const v1::BuilderMessage &message)
    {
        const std::lock_guard lock(m_writeMutex);
        return m_stream && m_stream->Write(message);
    }

    void sendHeartbeats()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (m_changed.wait_for(lock, m_options.heartbeatInterval, [this] { return !m_connected; }))
                return;
            v1::BuilderMessage message;
            for (auto job = m_jobs.cbegin(); job != m_jobs.cend(); ++job)
                message.mutable_heartbeat()->add_build_ids(job.key().toStdString());
            lock.unlock();
            if (message.heartbeat().build_ids_size() > 0)
                write(message);
            lock.lock();
        }
    }

    void startJob(const v1::BuilderJob &message, std::vector<JobThread> &threads)
    {
        // Threads of builds that ended are joined here, so that a long connection does not collect them.
        std::erase_if(threads, [](JobThread &thread) {
            if (!thread.first->done)
                return false;
            thread.second.join();
            return true;
        });
        auto job = std::make_shared<Job>();
        try {
            job->remote = adapters::grpc::fromPb(message);
        } catch (const domain::Error &error) {
            sendResult(QString::fromStdString(message.build_id()),
                       usecases::BuildOutcome::failed(error.message()), {});
            return;
        }
        {
            const std::lock_guard lock(m_mutex);
            m_jobs.insert(job->remote.build.id, job);
            if (m_stopping)
                job->stop = true;
        }
        qCInfo(lcBuilder).noquote() << "building" << logField(u"build", job->remote.build.id)
                                    << logField(u"app", job->remote.build.applicationName);
        threads.emplace_back(job, std::thread([this, job] {
                                 runJob(*job);
                                 job->done = true;
                             }));
    }

    void cancelJob(const QString &buildId)
    {
        const std::lock_guard lock(m_mutex);
        if (const std::shared_ptr<Job> job = m_jobs.value(buildId))
            job->stop = true;
    }

    void runJob(Job &job)
    {
        const domain::Build &build = job.remote.build;
        const QString workspace = QDir(m_options.workDir).filePath(QStringLiteral("work/%1").arg(build.id));
        const QString archiveFile =
            QDir(m_options.workDir).filePath(QStringLiteral("artifacts/%1.tar.gz").arg(build.id));
        StreamReport report(*this, build.id);
        usecases::BuildOutcome outcome;
        try {
            const std::optional<usecases::BuildOutcome> result = m_steps.run(
                build, job.remote.repositoryUrl, job.remote.limits, workspace, archiveFile, report, job.stop);
            outcome = result ? *result
                             : usecases::BuildOutcome::canceled(
                                   m_stopping ? QStringLiteral("canceled: the builder shut down")
                                              : QStringLiteral("canceled"));
        } catch (const domain::Error &error) {
            outcome = usecases::BuildOutcome::failed(usecases::buildErrorMessage(error, build.id));
        } catch (const std::exception &error) {
            qCWarning(lcBuilder, "build %s: %s", qPrintable(build.id), error.what());
            outcome = usecases::BuildOutcome::failed(QStringLiteral("internal error"));
        }
        usecases::removeWorkspace(workspace);
        sendResult(build.id, outcome,
                   outcome.state == domain::BuildState::Succeeded ? archiveFile : QString());
        QFile::remove(archiveFile);
        qCInfo(lcBuilder).noquote() << "built" << logField(u"build", build.id)
                                    << logField(u"state", domain::buildStateName(outcome.state));

        const std::lock_guard lock(m_mutex);
        m_jobs.remove(build.id);
        if (m_stopping && m_jobs.isEmpty() && m_context)
            m_context->TryCancel();
    }

    // The artifact in chunks, then the result; a failure to read the artifact fails the build.
    void sendResult(const QString &buildId, const usecases::BuildOutcome &outcome, const QString &archiveFile)
    {
        domain::BuildState state = outcome.state;
        QString reason = outcome.reason;
        if (!archiveFile.isEmpty()) {
            QFile archive(archiveFile);
            if (!archive.open(QIODevice::ReadOnly)) {
                qCWarning(lcBuilder, "build %s: cannot read the artifact: %s", qPrintable(buildId),
                          qPrintable(archive.errorString()));
                state = domain::BuildState::Failed;
                reason = QStringLiteral("internal error");
            }
            while (state == domain::BuildState::Succeeded && !archive.atEnd()) {
                v1::BuilderMessage chunk;
                chunk.mutable_artifact_chunk()->set_build_id(buildId.toStdString());
                chunk.mutable_artifact_chunk()->set_data(
                    archive.read(adapters::grpc::kArtifactChunkBytes).toStdString());
                if (!write(chunk))
                    return;
            }
        }
        v1::BuilderMessage result;
        result.mutable_result()->set_build_id(buildId.toStdString());
        result.mutable_result()->set_state(adapters::grpc::toPb(state));
        result.mutable_result()->set_failure_reason(reason.toStdString());
        if (state == domain::BuildState::Succeeded && outcome.plan)
            *result.mutable_result()->mutable_plan() = adapters::grpc::toPb(*outcome.plan);
        write(result);
    }

    const BuilderOptions m_options;
    adapters::git::Libgit2GitService m_git;
    adapters::sandbox::BubblewrapCommandRunner m_runner;
    adapters::archive::LibarchiveArtifactArchive m_archive;
    usecases::BuildSteps m_steps;
    std::unique_ptr<v1::BuilderService::Stub> m_stub;

    std::mutex m_mutex;                // guards the members below
    std::condition_variable m_changed; // stopping, or the stream ended
    std::atomic<bool> m_stopping{false};
    bool m_connected = true; // false from the end of a stream's reads until the next stream
    ::grpc::ClientContext *m_context = nullptr;
    QHash<QString, std::shared_ptr<Job>> m_jobs;

    std::mutex m_writeMutex; // one write at a time on the stream
    Stream *m_stream = nullptr;
};

} // namespace

int runBuilderCommand(const QStringList &arguments)
{
    if (arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"))) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    BuilderOptions options;
    try {
        options = parseOptions(arguments);
    } catch (const UsageError &error) {
        std::fprintf(stderr, "vitrine-server builder: %s\n%s", error.what(), kUsage);
        return kExitBadUsage;
    }
    installLogHandler(options.logLevel, LogFormat::Text);
    adapters::grpc::forwardCoreLogsToQt();

    TerminationSignals terminationSignals;
    std::unique_ptr<RemoteBuilder> builder;
    try {
        builder = std::make_unique<RemoteBuilder>(options);
    } catch (const UsageError &error) {
        std::fprintf(stderr, "vitrine-server builder: %s\n", error.what());
        return kExitBadUsage;
    }
    if (!QDir().mkpath(options.workDir)) {
        qCCritical(lcBuilder).noquote() << "cannot create the work directory" << options.workDir;
        return 1;
    }
    qCInfo(lcBuilder).noquote() << "starting" << logField(u"controller", options.controller)
                                << logField(u"name", options.name) << logField(u"work_dir", options.workDir);
    QObject::connect(&terminationSignals, &TerminationSignals::received, [&builder](int) {
        qCInfo(lcBuilder) << "stopping";
        builder->stop();
    });
    std::thread connection([&builder] {
        builder->run();
        QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit,
                                  Qt::QueuedConnection);
    });
    QCoreApplication::exec();
    connection.join();
    qCInfo(lcBuilder) << "stopped";
    return 0;
}

} // namespace vitrine::app
