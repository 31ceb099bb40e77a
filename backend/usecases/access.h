#pragma once

#include "domain/error.h"
#include "domain/ports/store.h"
#include "usecases/caller.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

// What the services share: looking entities up by id or name, deciding who may see them, turning owner names
// into ids, and retrying an optimistic update that lost a race.
namespace vitrine::usecases::access {

// By id when ref has the shape of an id of that kind, else by name. Missing: std::nullopt.
std::optional<domain::User> findUser(domain::Store &store, const QString &ref);
std::optional<domain::Repository> findRepository(domain::Store &store, const QString &ref);
std::optional<domain::Application> findApplication(domain::Store &store, const QString &ref);

// As above; missing throws NotFound ("application 'blog' not found").
domain::User requireUser(domain::Store &store, const QString &ref);
domain::Repository requireRepository(domain::Store &store, const QString &ref);
domain::Application requireApplication(domain::Store &store, const QString &ref);

// As requireRepository / requireApplication, and throws Forbidden when the caller is neither an admin nor an
// owner. The messages quote ref as the caller gave it, so an id does not reveal a name.
domain::Repository requireVisibleRepository(domain::Store &store, const Caller &caller, const QString &ref);
domain::Application requireVisibleApplication(domain::Store &store, const Caller &caller, const QString &ref);

// Throws Forbidden unless the caller may see the application that `what` ("build 'bld_…'") belongs to; only
// admins see what belongs to a deleted application.
void requireCanSeeApplicationOf(domain::Store &store, const Caller &caller, const QString &applicationId,
                                const QString &what);

// The repository a build checks out, found through its application. Throws FailedPrecondition when either
// was deleted since the build was queued.
domain::Repository requireRepositoryOfBuild(domain::Store &store, const domain::Build &build);

bool canSee(const Caller &caller, const QStringList &ownerIds);

// Whether ref (an id or a name) names this user; needs no store, so a member asking about someone else
// learns nothing about who exists.
bool refersTo(const domain::User &user, const QString &ref);

// The ids of the named owners, without duplicates. Empty names: the caller alone. More than
// domain::kMaxOwners names throw BadRequest on "owners", unknown names on "owners[i]". A member must be among
// the owners (Forbidden otherwise); admins may name anyone.
QStringList resolveOwners(domain::Store &store, const Caller &caller, const QStringList &ownerNames);

// The owners an update asks for, as resolveOwners gives them; std::nullopt when it leaves them alone. An
// empty list is BadRequest: nobody could see the entity any more but admins.
std::optional<QStringList> resolveOwnerChange(domain::Store &store, const Caller &caller,
                                              const std::optional<QStringList> &ownerNames);

// The owner ids of a list query: a member always gets their own; an admin gets ownerName's, or everyone's
// (empty) when it is empty. A member naming another owner is Forbidden.
QString listOwnerId(domain::Store &store, const Caller &caller, const QString &ownerName,
                    const QString &what);

inline constexpr int kUpdateRetries = 3;

// Runs attempt() again, at most kUpdateRetries more times, while it throws FailedPrecondition: the store's
// answer to an update from a stale copy, so attempt() must read fresh state each time and must not throw
// FailedPrecondition for any other reason. When every attempt lost, throws FailedPrecondition telling the
// member to try again.
template<typename Attempt>
auto retryOnConflict(const QString &what, Attempt attempt)
{
    for (int retry = 0;; ++retry) {
        try {
            return attempt();
        } catch (const domain::Error &error) {
            if (error.kind() != domain::ErrorKind::FailedPrecondition)
                throw;
            if (retry == kUpdateRetries)
                throw domain::Error::failedPrecondition(
                    QStringLiteral("%1 kept changing while it was being updated; try again").arg(what));
        }
    }
}

inline QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace vitrine::usecases::access
