#pragma once

#include "domain/ports/command_runner.h"

#include <QString>

#include <atomic>

namespace vitrine::adapters::sandbox {

struct BubblewrapOptions {
    QString bwrapPath = QStringLiteral("/usr/bin/bwrap");
    // Off: the sandbox has a network namespace of its own with nothing but loopback, so a build reaches
    // neither the internet nor the host's services (127.0.0.1 included). On: it shares the host's network,
    // for builds that download their dependencies.
    bool allowNetwork = false;
    // A delegated cgroup v2 directory to create the builds' groups in (it must hold no processes itself).
    // Empty: the server's own group. cgroup v1 hosts always use the server's own memory group.
    QString cgroupV2Parent;
};

// domain::CommandRunner on bubblewrap. The command runs as `sh -c COMMAND` in a sandbox as SandboxCommand
// (sandbox_process.h) describes, with a network namespace of its own unless allowNetwork.
//
// Every process the command starts is confined to the sandbox's pid namespace, which the kernel empties when
// bwrap goes (--die-with-parent); cancel and the time limit kill bwrap, and run() returns once the
// namespace's pid 1 (known from bwrap's --info-fd) has exited, which the kernel allows only after all the
// others. Where a cgroup can be created (v2, or the v1 memory hierarchy) the build also gets one: it caps the
// build's memory and reports OOM kills (Outcome::OutOfMemory). Without a cgroup the memory limit falls back
// to RLIMIT_AS on each process (an approximation: it limits address space, not memory use), with one warning
// in the log per server run.
//
// Safe to call run() from several threads at once.
class BubblewrapCommandRunner final : public domain::CommandRunner {
public:
    explicit BubblewrapCommandRunner(BubblewrapOptions options = {});

    domain::CommandResult run(const QString &shellCommand, const QString &workspace,
                              const domain::EnvVars &env, const domain::CommandLimits &limits,
                              const std::function<void(domain::LogStream, QString)> &onLine,
                              const std::atomic<bool> &canceled) override;

private:
    const BubblewrapOptions m_options;
};

} // namespace vitrine::adapters::sandbox
