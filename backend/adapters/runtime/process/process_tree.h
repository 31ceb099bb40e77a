#pragma once

#include <sys/types.h>

#include <QList>

namespace vitrine::adapters::runtime {

// The processes below root (not root itself), found through /proc.
QList<pid_t> descendantProcesses(pid_t root);

struct ProcessTreeUsage {
    double cpuSeconds = 0;    // of the live processes, with the children each has waited for
    qint64 residentBytes = 0; // resident set sizes, summed (shared pages counted once per process)
};

// What root and the processes below it use now, from /proc: the measure for hosts without cgroups.
ProcessTreeUsage processTreeUsage(pid_t root);

} // namespace vitrine::adapters::runtime
