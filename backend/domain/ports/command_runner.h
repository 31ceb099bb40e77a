#pragma once

#include "domain/application.h"
#include "domain/log_line.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace vitrine::domain {

struct CommandLimits {
    int timeoutSeconds = 1800;
    qint64 memoryBytes = 2LL << 30; // 0: no limit
};

struct CommandResult {
    enum class Outcome { Exited, TimedOut, Canceled, OutOfMemory, FailedToStart };
    Outcome outcome = Outcome::Exited;
    int exitCode = -1;
    QString detail; // for people: "killed after 1800 s", "bwrap: …"
};

// Runs build commands in a sandbox that sees only its workspace (read-write, at /workspace) and the
// system's read-only tools; no network unless allowed. Blocks until the command and every process it
// started are gone. Output arrives line by line, in order, through onLine (from the calling thread or
// another, never concurrently).
class CommandRunner {
public:
    virtual ~CommandRunner() = default;

    virtual CommandResult run(const QString &shellCommand, const QString &workspace, const EnvVars &env,
                              const CommandLimits &limits,
                              const std::function<void(LogStream, QString)> &onLine,
                              const std::atomic<bool> &canceled) = 0;
};

} // namespace vitrine::domain
