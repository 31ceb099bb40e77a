#pragma once

#include "domain/ports/store.h"
#include "usecases/caller.h"
#include "usecases/paging.h"

#include <QStringList>

#include <optional>

namespace vitrine::usecases {

struct RepositoryPolicy {
    bool allowLocalRepos = false; // local paths and file:// URLs (--allow-local-repos)
};

struct NewRepository {
    QString name;
    QString url;
    QString webhookSecret;
    QStringList ownerNames; // empty: the caller
};

struct RepositoryChanges {
    std::optional<QString> url;
    std::optional<QString> webhookSecret; // empty string removes it
    std::optional<QStringList> ownerNames;
};

// Git repositories. Owners see and change theirs, admins all. A member may only create repositories they
// own themselves (possibly with others).
class RepositoryService {
public:
    RepositoryService(domain::Store &store, RepositoryPolicy policy);

    domain::Repository create(const Caller &caller, const NewRepository &request);
    // repositoryRef: an id or a name. Not visible to the caller: Forbidden.
    domain::Repository get(const Caller &caller, const QString &repositoryRef);
    // ownerName: only that user's; members always get only their own.
    Page<domain::Repository> list(const Caller &caller, const QString &ownerName, const PageRequest &page);
    domain::Repository update(const Caller &caller, const QString &repositoryRef,
                              const RepositoryChanges &changes);
    // Refused while applications build from it.
    void remove(const Caller &caller, const QString &repositoryRef);

private:
    domain::Store &m_store;
    RepositoryPolicy m_policy;
};

} // namespace vitrine::usecases
