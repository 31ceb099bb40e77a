#include "usecases/user_service.h"

#include "domain/error.h"
#include "domain/ids.h"
#include "domain/validation.h"
#include "usecases/access.h"

namespace vitrine::usecases {

using domain::Error;

namespace {

constexpr qsizetype kMaxNamesListed = 10;

// "'a', 'b' and 'c'"; past kMaxNamesListed, "'a', …, 'j' and 5 more".
QString quotedList(const QStringList &names)
{
    QStringList quotedNames;
    for (const QString &name : names.first(std::min(names.size(), kMaxNamesListed)))
        quotedNames.append(QStringLiteral("'%1'").arg(name));
    if (names.size() > kMaxNamesListed)
        return QStringLiteral("%1 and %2 more")
            .arg(quotedNames.join(QStringLiteral(", ")))
            .arg(names.size() - kMaxNamesListed);
    if (quotedNames.size() == 1)
        return quotedNames.first();
    const QString last = quotedNames.takeLast();
    return QStringLiteral("%1 and %2").arg(quotedNames.join(QStringLiteral(", ")), last);
}

void requireAdmin(const Caller &caller, const QString &action)
{
    if (!caller.isAdmin())
        throw Error::forbidden(QStringLiteral("only admins can %1").arg(action));
}

} // namespace

UserService::UserService(domain::Store &store)
    : m_store(store)
{
}

domain::User UserService::create(const Caller &caller, const QString &name, domain::Role role)
{
    requireAdmin(caller, QStringLiteral("create users"));
    domain::validateName(QStringLiteral("name"), name);
    if (m_store.findUserByName(name))
        throw Error::alreadyExists(QStringLiteral("user '%1' already exists").arg(name));

    domain::User user;
    user.id = domain::newId(domain::idprefix::kUser);
    user.name = name;
    user.role = role;
    user.createdAt = access::nowUtc();
    m_store.insertUser(user);
    return access::requireUser(m_store, user.id);
}

domain::User UserService::get(const Caller &caller, const QString &userRef)
{
    if (!caller.isAdmin() && !access::refersTo(caller.user, userRef))
        throw Error::forbidden(QStringLiteral("only admins can read other users"));
    return access::requireUser(m_store, userRef);
}

Page<domain::User> UserService::list(const Caller &caller, const PageRequest &page)
{
    const domain::PageQuery query = toPageQuery(page);
    if (caller.isAdmin())
        return toPage(m_store.listUsers(query), query);

    QList<domain::User> onlyCaller;
    if (caller.user.name > query.afterName)
        onlyCaller.append(caller.user);
    return toPage(onlyCaller, query);
}

domain::User UserService::update(const Caller &caller, const QString &userRef,
                                 std::optional<domain::Role> role)
{
    requireAdmin(caller, QStringLiteral("change users"));
    domain::User user = access::requireUser(m_store, userRef);
    if (!role || *role == user.role)
        return user;
    if (user.isAdmin() && m_store.countAdmins() <= 1)
        throw Error::failedPrecondition(
            QStringLiteral("'%1' is the last admin; make another user admin first").arg(user.name));
    user.role = *role;
    m_store.updateUser(user);
    return access::requireUser(m_store, user.id);
}

void UserService::remove(const Caller &caller, const QString &userRef)
{
    requireAdmin(caller, QStringLiteral("delete users"));
    const domain::User user = access::requireUser(m_store, userRef);
    if (user.id == caller.user.id)
        throw Error::failedPrecondition(QStringLiteral("you cannot delete yourself; ask another admin"));
    if (user.isAdmin() && m_store.countAdmins() <= 1)
        throw Error::failedPrecondition(
            QStringLiteral("'%1' is the last admin; make another user admin first").arg(user.name));

    const QStringList repositories = m_store.repositoriesOwnedOnlyBy(user.id);
    const QStringList applications = m_store.applicationsOwnedOnlyBy(user.id);
    if (!repositories.isEmpty() || !applications.isEmpty()) {
        QStringList owned;
        if (!repositories.isEmpty())
            owned.append(QStringLiteral("repositories %1").arg(quotedList(repositories)));
        if (!applications.isEmpty())
            owned.append(QStringLiteral("applications %1").arg(quotedList(applications)));
        throw Error::failedPrecondition(
            QStringLiteral("'%1' is the only owner of %2; give them other owners or delete them first")
                .arg(user.name, owned.join(QStringLiteral(" and "))));
    }
    m_store.deleteUser(user.id);
}

} // namespace vitrine::usecases
