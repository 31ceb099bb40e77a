#pragma once

#include "grpc_calls.h"
#include "vitrine/v1/events.grpc.pb.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vitrine::tests {

// The admin's WatchEvents on a thread of its own, keeping the alert events.
class AlertEventWatcher {
public:
    AlertEventWatcher(std::shared_ptr<grpc::Channel> channel, const std::string &token)
    {
        authorize(m_context, token);
        m_thread = std::thread([this, channel = std::move(channel)] {
            std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
                v1::EventService::Stub(channel).WatchEvents(&m_context, v1::WatchEventsRequest());
            v1::Event event;
            while (reader->Read(&event)) {
                if (event.type() != v1::EVENT_TYPE_ALERT_OPENED)
                    continue;
                const std::lock_guard lock(m_mutex);
                m_alerts.push_back(event);
            }
            reader->Finish();
        });
    }
    ~AlertEventWatcher()
    {
        m_context.TryCancel();
        m_thread.join();
    }

    bool saw(const std::string &application, const std::string &kind) const
    {
        const std::lock_guard lock(m_mutex);
        return std::any_of(m_alerts.begin(), m_alerts.end(), [&](const v1::Event &event) {
            return event.application_name() == application && event.state() == kind;
        });
    }

private:
    grpc::ClientContext m_context;
    mutable std::mutex m_mutex;
    std::vector<v1::Event> m_alerts;
    std::thread m_thread;
};

} // namespace vitrine::tests
