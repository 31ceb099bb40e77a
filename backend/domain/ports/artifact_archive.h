#pragma once

#include <QString>

namespace vitrine::domain {

struct ExtractLimits {
    qint64 maxTotalBytes = 1LL << 30; // sum of the extracted files' sizes
    qint64 maxEntries = 100000;
};

// Build artifacts as tar.gz files. Failures throw Error (BadRequest for a refused archive, naming the entry
// and the reason; Internal for I/O).
class ArtifactArchive {
public:
    virtual ~ArtifactArchive() = default;

    // Packs the tree under `directory` into `archivePath` (written atomically: a crash leaves no partial
    // file). Symbolic links are kept as links if they stay inside the tree, and refused otherwise.
    // Returns the archive's size in bytes.
    virtual qint64 pack(const QString &directory, const QString &archivePath) = 0;

    // Unpacks into `directory` (created, must not exist). Refuses, and leaves no directory behind:
    // absolute paths, ".." components, links that point outside the tree, hard links, device files, FIFOs,
    // sockets, and archives over the limits.
    virtual void unpack(const QString &archivePath, const QString &directory,
                        const ExtractLimits &limits) = 0;
};

} // namespace vitrine::domain
