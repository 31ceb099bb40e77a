#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <QMutex>

namespace vitrine::desktop {

// The call a worker is making, so that its owner's destructor can cancel it instead of waiting for its
// deadline.
class InFlightCall {
public:
    // Makes the call with `context`, unless cancel() came first: then CANCELLED without calling.
    template<typename Call>
    grpc::Status run(grpc::ClientContext &context, Call &&call)
    {
        if (!begin(context))
            return grpc::Status(grpc::StatusCode::CANCELLED, "the call's owner is closing");
        grpc::Status status = call();
        end();
        return status;
    }

    // Cancels the call in flight, if any, and every call after it.
    void cancel();

private:
    // False when cancel() came first.
    bool begin(grpc::ClientContext &context);
    void end();

    QMutex m_mutex;
    grpc::ClientContext *m_context = nullptr;
    bool m_cancelled = false;
};

} // namespace vitrine::desktop
