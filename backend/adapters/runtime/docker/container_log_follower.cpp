#include "adapters/runtime/docker/container_log_follower.h"

#include "adapters/docker/docker_client.h"
#include "adapters/runtime/process/runtime_logging.h"
#include "domain/error.h"

namespace vitrine::adapters::runtime {

ContainerLogFollower::ContainerLogFollower(docker::DockerClient &client, const QString &containerId,
                                           const QString &since, LineHandler onLine,
                                           std::function<void()> onEnded)
{
    m_thread = std::thread([this, &client, containerId, since, onLine = std::move(onLine),
                            onEnded = std::move(onEnded)] {
        docker::MultiplexedStreamDecoder decoder(
            [&onLine](docker::MultiplexedStreamDecoder::Stream stream, const QString &line) {
                onLine(stream == docker::MultiplexedStreamDecoder::Stream::Stdout ? domain::LogStream::Stdout
                                                                                  : domain::LogStream::Stderr,
                       line);
            });
        bool firstChunk = true;
        try {
            client.stream(
                "GET",
                QStringLiteral("/containers/%1/logs?follow=1&stdout=1&stderr=1&since=%2")
                    .arg(containerId, since),
                nullptr, {},
                [&](QByteArrayView chunk) {
                    // A frame starts with its stream's number (0 to 2); the engine's {"message": …}
                    // of a failed call does not.
                    if (firstChunk && !chunk.isEmpty() && chunk.front() > 2) {
                        qCWarning(lcRuntime, "cannot follow the output of container %s: %s",
                                  qUtf8Printable(containerId), chunk.toByteArray().constData());
                        return false;
                    }
                    firstChunk = false;
                    decoder.feed(chunk);
                    return true;
                },
                &m_cancel);
        } catch (const domain::Error &error) {
            qCWarning(lcRuntime, "cannot follow the output of container %s: %s", qUtf8Printable(containerId),
                      qUtf8Printable(error.message()));
        }
        decoder.finish();
        m_ended = true;
        onEnded();
    });
}

ContainerLogFollower::~ContainerLogFollower()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ContainerLogFollower::finish(std::chrono::milliseconds patience)
{
    constexpr std::chrono::milliseconds kPollInterval{20};
    for (std::chrono::milliseconds waited{0}; !m_ended && waited < patience; waited += kPollInterval)
        std::this_thread::sleep_for(kPollInterval);
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace vitrine::adapters::runtime
