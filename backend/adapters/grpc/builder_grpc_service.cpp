#include "adapters/grpc/builder_grpc_service.h"

#include "adapters/grpc/builder_protocol.h"
#include "adapters/grpc/call_handling.h"
#include "adapters/grpc/pb_conversion.h"
#include "domain/error.h"

#include <deque>
#include <exception>
#include <mutex>

namespace vitrine::adapters::grpc {

namespace {

constexpr std::string_view kWhere = "BuilderService.Connect";
constexpr int kMaxSlots = 256;

QString str(const std::string &text)
{
    return QString::fromStdString(text);
}

// One builder's stream: reads its messages one after the other and hands them to the pool; writes the
// jobs and cancels the pool sends, one write in flight and the rest queued. The pool never holds this
// reactor's lock while the reactor calls the pool.
class BuilderReactor final : public ::grpc::ServerBidiReactor<v1::BuilderMessage, v1::ControllerMessage>,
                             public usecases::RemoteBuilderLink {
public:
    BuilderReactor(::grpc::CallbackServerContext *context, usecases::AuthService &auth,
                   usecases::RemoteBuilderPool &pool)
        : m_pool(pool)
    {
        try {
            if (!authenticateCall(*context, auth).isAdmin())
                throw domain::Error::forbidden(QStringLiteral("only admins can connect builders"));
        } catch (...) {
            finish(statusOf(std::current_exception()));
            return;
        }
        StartRead(&m_incoming);
    }

    void sendJob(const usecases::RemoteJob &job) override
    {
        v1::ControllerMessage message;
        *message.mutable_job() = toPb(job);
        send(std::move(message));
    }

    void sendCancel(const QString &buildId) override
    {
        v1::ControllerMessage message;
        message.mutable_cancel()->set_build_id(buildId.toStdString());
        send(std::move(message));
    }

    void OnReadDone(bool ok) override
    {
        if (!ok) {
            finish(::grpc::Status::OK); // the builder closed its side
            return;
        }
        {
            const std::lock_guard lock(m_mutex);
            if (m_finished)
                return;
        }
        try {
            handle(m_incoming);
        } catch (...) {
            finish(statusOf(std::current_exception()));
            return;
        }
        StartRead(&m_incoming);
    }

    void OnWriteDone(bool ok) override
    {
        std::unique_lock lock(m_mutex);
        m_writing = false;
        if (!ok) {
            lock.unlock();
            finish(::grpc::Status::CANCELLED);
            return;
        }
        writeNextLocked(lock);
    }

    void OnCancel() override { finish(::grpc::Status::CANCELLED); }

    void OnDone() override
    {
        detach();
        delete this;
    }

private:
    void handle(const v1::BuilderMessage &message)
    {
        if (message.has_hello()) {
            if (!m_builderId.isEmpty())
                throw domain::Error::badRequest(QStringLiteral("hello"), QStringLiteral("was sent twice"));
            const int slotCount = message.hello().slot_count();
            if (slotCount < 1 || slotCount > kMaxSlots)
                throw domain::Error::badRequest(QStringLiteral("hello.slots"),
                                                QStringLiteral("must be 1 to %1").arg(kMaxSlots));
            const QString name = str(message.hello().name()).trimmed();
            const QString id =
                m_pool.attach(*this, name.isEmpty() ? QStringLiteral("builder") : name, slotCount);
            {
                const std::lock_guard lock(m_mutex);
                if (!m_finished) {
                    m_builderId = id;
                    return;
                }
            }
            m_pool.detach(id); // the stream ended meanwhile
            return;
        }
        if (m_builderId.isEmpty())
            throw domain::Error::badRequest(QStringLiteral("hello"), QStringLiteral("must come first"));
        switch (message.kind_case()) {
        case v1::BuilderMessage::kLogLine: {
            const std::optional<domain::LogStream> stream =
                fromPb(QStringLiteral("log_line.stream"), message.log_line().stream());
            m_pool.logLine(m_builderId, str(message.log_line().build_id()),
                           stream.value_or(domain::LogStream::System), str(message.log_line().text()));
            break;
        }
        case v1::BuilderMessage::kHeartbeat: {
            QStringList buildIds;
            for (const std::string &buildId : message.heartbeat().build_ids())
                buildIds.append(str(buildId));
            m_pool.heartbeat(m_builderId, buildIds);
            break;
        }
        case v1::BuilderMessage::kArtifactChunk: {
            const std::string &data = message.artifact_chunk().data();
            m_pool.artifactChunk(m_builderId, str(message.artifact_chunk().build_id()),
                                 QByteArray(data.data(), qsizetype(data.size())));
            break;
        }
        case v1::BuilderMessage::kResult: {
            const std::optional<domain::BuildState> state =
                fromPb(QStringLiteral("result.state"), message.result().state());
            m_pool.result(m_builderId, str(message.result().build_id()),
                          state.value_or(domain::BuildState::Failed), str(message.result().failure_reason()),
                          planFromPb(message.result()));
            break;
        }
        case v1::BuilderMessage::kHello:
        case v1::BuilderMessage::KIND_NOT_SET:
            throw domain::Error::badRequest(QStringLiteral("kind"), QStringLiteral("is missing"));
        }
    }

    void send(v1::ControllerMessage message)
    {
        std::unique_lock lock(m_mutex);
        if (m_finished)
            return;
        m_outgoing.push_back(std::move(message));
        if (!m_writing)
            writeNextLocked(lock);
    }

    void writeNextLocked(std::unique_lock<std::mutex> &lock)
    {
        if (m_finished || m_outgoing.empty())
            return;
        m_current = std::move(m_outgoing.front());
        m_outgoing.pop_front();
        m_writing = true;
        lock.unlock();
        StartWrite(&m_current);
    }

    // Leaves the pool at once (no job goes to a stream that is ending), then ends the call.
    void finish(::grpc::Status status)
    {
        {
            const std::lock_guard lock(m_mutex);
            if (m_finished)
                return;
            m_finished = true;
        }
        detach();
        Finish(std::move(status));
    }

    void detach()
    {
        QString builderId;
        {
            const std::lock_guard lock(m_mutex);
            builderId = std::exchange(m_builderId, QString());
        }
        if (!builderId.isEmpty())
            m_pool.detach(builderId);
    }

    static ::grpc::Status statusOf(std::exception_ptr error)
    {
        try {
            std::rethrow_exception(error);
        } catch (const domain::Error &domainError) {
            return toStatus(domainError, kWhere);
        } catch (const std::exception &otherError) {
            return internalStatus(otherError.what(), kWhere);
        }
    }

    usecases::RemoteBuilderPool &m_pool;
    v1::BuilderMessage m_incoming; // read by one read at a time

    std::mutex m_mutex;  // guards the members below
    QString m_builderId; // empty until the hello, and after leaving the pool
    std::deque<v1::ControllerMessage> m_outgoing;
    v1::ControllerMessage m_current; // the write in flight
    bool m_writing = false;
    bool m_finished = false;
};

} // namespace

BuilderGrpcService::BuilderGrpcService(usecases::AuthService &auth, usecases::RemoteBuilderPool &pool)
    : m_auth(auth)
    , m_pool(pool)
{
}

::grpc::ServerBidiReactor<v1::BuilderMessage, v1::ControllerMessage> *
BuilderGrpcService::Connect(::grpc::CallbackServerContext *context)
{
    return new BuilderReactor(context, m_auth, m_pool);
}

} // namespace vitrine::adapters::grpc
