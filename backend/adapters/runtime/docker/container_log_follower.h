#pragma once

#include "domain/log_line.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace vitrine::adapters::docker {
class DockerClient;
}

namespace vitrine::adapters::runtime {

// Follows one run of a container's output on a thread of its own: GET /containers/ID/logs?follow=1 from
// `since` (the moment Vitrine asked for the start, so the lines of earlier runs are not read again), split
// into lines in order. The stream ends by itself when the container stops.
class ContainerLogFollower {
public:
    using LineHandler = std::function<void(domain::LogStream stream, const QString &text)>;

    // onEnded is called on the follower's thread once the stream is over, whatever ended it.
    ContainerLogFollower(docker::DockerClient &client, const QString &containerId, const QString &since,
                         LineHandler onLine, std::function<void()> onEnded);
    // Ends the stream (within about 100 ms) and waits for the thread.
    ~ContainerLogFollower();

    ContainerLogFollower(const ContainerLogFollower &) = delete;
    ContainerLogFollower &operator=(const ContainerLogFollower &) = delete;

    // Lets the stream end by itself for at most `patience` (the engine may still be sending the last lines of
    // a stopped container), then ends it and waits for the thread. Any thread but the follower's own.
    void finish(std::chrono::milliseconds patience);

private:
    std::atomic_bool m_cancel{false};
    std::atomic_bool m_ended{false};
    std::thread m_thread;
};

} // namespace vitrine::adapters::runtime
