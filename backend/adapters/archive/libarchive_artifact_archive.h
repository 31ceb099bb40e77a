#pragma once

#include "domain/ports/artifact_archive.h"

namespace vitrine::adapters::archive {

// domain::ArtifactArchive on libarchive: gzip-compressed pax tar files.
//
// pack writes the tree in sorted order with normalized modes (0755 for folders and executables, 0644
// otherwise), no owners, and symbolic links only when they resolve inside the tree, so the same files give
// the same entries on any builder.
//
// unpack reads only tar.gz and checks every entry before it touches the disk: its path, its type, where a
// link leads (through the links already extracted, and once more for all links at the end, since a later
// link can change where an earlier one leads), and the limits. It extracts into a hidden sibling folder that
// is renamed to the target only when everything passed, so a refused archive leaves nothing behind.
class LibarchiveArtifactArchive final : public domain::ArtifactArchive {
public:
    qint64 pack(const QString &directory, const QString &archivePath) override;
    void unpack(const QString &archivePath, const QString &directory,
                const domain::ExtractLimits &limits) override;
};

} // namespace vitrine::adapters::archive
