#pragma once

#include <QString>

#include <chrono>

namespace vitrine::adapters::runtime {

struct ProcessRuntimeOptions {
    QString bwrapPath = QStringLiteral("/usr/bin/bwrap");
    // A delegated cgroup v2 directory to create the instances' groups in (it must hold no processes itself).
    // Empty: the server's own group. cgroup v1 hosts always use the server's own groups.
    QString cgroupV2Parent;
    // How long a stopped instance has between SIGTERM and SIGKILL.
    std::chrono::milliseconds stopGracePeriod{5000};
    // The wait before restarting a crashed instance: the first, doubling with every crash up to the maximum.
    std::chrono::milliseconds initialBackoff{1000};
    std::chrono::milliseconds maximumBackoff{60000};
    // A run that stayed up this long resets the wait to the first.
    std::chrono::milliseconds backoffResetAfter{60000};
    // How often a starting instance is asked whether it is healthy. Often: an app that listens after 90 ms
    // should not wait for a probe at 200 ms (a probe is one loopback connect or GET).
    std::chrono::milliseconds probeInterval{50};
};

} // namespace vitrine::adapters::runtime
