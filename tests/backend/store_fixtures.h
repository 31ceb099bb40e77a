#pragma once

#include "domain/ports/store.h"

#include <QString>
#include <QStringList>

// Records written straight to a store, for tests that need an owner, a repository or an application to exist
// without going through the services that would check them.
namespace vitrine::tests {

// A user created now, inserted.
domain::User addUser(domain::Store &store, const QString &name, domain::Role role);

// A token of the user, inserted; returns its secret, for "authorization: Bearer SECRET".
QString addToken(domain::Store &store, const QString &userId);

// A repository owned by ownerIds, inserted.
domain::Repository addRepository(domain::Store &store, const QString &name, const QString &url,
                                 const QStringList &ownerIds);

// An application of repository on "main", owned by the repository's owners. Not inserted yet, so the test can
// give it a build, an environment or websites first.
domain::Application newApplication(const domain::Repository &repository, const QString &name,
                                   const QString &configHash);

// A build of application at commit in that state, owned like the scheduler owns it. Not inserted yet.
domain::Build newBuild(const domain::Application &application, const QString &commit,
                       domain::BuildState state);

} // namespace vitrine::tests
