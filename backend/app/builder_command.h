#pragma once

#include <QStringList>

namespace vitrine::app {

// `vitrine-server builder --controller ADDR --token TOKEN [--slots N] [--work-dir DIR] …`: runs builds for
// the controller at ADDR on this machine. It dials the controller's BuilderService over one gRPC stream
// (again, with backoff, when it breaks), runs each job it gets with the same steps as the server's own
// builder slots (git export, the bubblewrap sandbox, a tar.gz artifact) in DIR, streams the log lines,
// heartbeats every running build, and sends the result with the artifact. Stops cleanly on SIGTERM and
// SIGINT: running builds are canceled and reported as such. `arguments` starts with the program name,
// then "builder". Returns the process exit code.
int runBuilderCommand(const QStringList &arguments);

} // namespace vitrine::app
