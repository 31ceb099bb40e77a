#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/users.grpc.pb.h"

namespace vitrine::cli {

namespace {

using Stub = v1::UserService::Stub;

const Argument kUserArgument{.name = QStringLiteral("NAME"),
                             .description = QStringLiteral("The user's name or id")};

v1::Role parseRole(const QString &text)
{
    if (text == QStringLiteral("member"))
        return v1::ROLE_MEMBER;
    if (text == QStringLiteral("admin"))
        return v1::ROLE_ADMIN;
    throw UsageError(QStringLiteral("unknown role '%1': use member or admin").arg(text));
}

void printUser(const v1::User &user, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        printJson(user);
        return;
    }
    printFields({
        {QStringLiteral("Name"), QString::fromStdString(user.name())},
        {QStringLiteral("Role"), roleName(user.role())},
        {QStringLiteral("ID"), QString::fromStdString(user.id())},
        {QStringLiteral("Created"), formatTime(user.created_at())},
    });
}

void createUser(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::CreateUserRequest request;
    request.set_name(invocation.argument(0).toStdString());
    request.set_role(invocation.has(QStringLiteral("admin")) ? v1::ROLE_ADMIN : v1::ROLE_MEMBER);
    const v1::User user = Connection(invocation).call(&Stub::CreateUser, request);
    printResult(user, format, QString::fromStdString(user.id()));
}

void listUsers(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const v1::ListUsersResponse response =
        Connection(invocation).callAllPages(&Stub::ListUsers, v1::ListUsersRequest());
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table(
        {QStringLiteral("NAME"), QStringLiteral("ROLE"), QStringLiteral("CREATED"), QStringLiteral("ID")});
    for (const v1::User &user : response.users())
        table.addRow({QString::fromStdString(user.name()), roleName(user.role()),
                      formatTime(user.created_at()), QString::fromStdString(user.id())});
    table.print();
}

void getUser(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::GetUserRequest request;
    request.set_user(invocation.argument(0).toStdString());
    printUser(Connection(invocation).call(&Stub::GetUser, request), format);
}

void deleteUser(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::DeleteUserRequest request;
    request.set_user(invocation.argument(0).toStdString());
    const v1::DeleteUserResponse response = Connection(invocation).call(&Stub::DeleteUser, request);
    printResult(response, format, QStringLiteral("Deleted user %1.").arg(invocation.argument(0)));
}

void setRole(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::UpdateUserRequest request;
    request.set_user(invocation.argument(0).toStdString());
    request.set_role(parseRole(invocation.argument(1)));
    const v1::User user = Connection(invocation).call(&Stub::UpdateUser, request);
    printResult(
        user, format,
        QStringLiteral("%1 is now %2.").arg(QString::fromStdString(user.name()), roleName(user.role())));
}

void whoAmI(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    printUser(Connection(invocation).call(&Stub::WhoAmI, v1::WhoAmIRequest()), format);
}

} // namespace

QString roleName(v1::Role role)
{
    switch (role) {
    case v1::ROLE_ADMIN:
        return QStringLiteral("admin");
    case v1::ROLE_MEMBER:
        return QStringLiteral("member");
    default:
        return QStringLiteral("unknown");
    }
}

Command usersCommand()
{
    return {
        .name = QStringLiteral("users"),
        .summary = QStringLiteral("Manage user accounts (admins; a member may read themselves)"),
        .subcommands =
            {
                {.name = QStringLiteral("create"),
                 .summary = QStringLiteral("Create a user and print their id"),
                 .arguments = {{.name = QStringLiteral("NAME"),
                                .description =
                                    QStringLiteral("A DNS label: lowercase letters, digits and '-'")}},
                 .flags = {{.name = QStringLiteral("admin"),
                            .description = QStringLiteral("Make the user an admin instead of a member")}},
                 .run = createUser},
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List every user"),
                 .run = listUsers},
                {.name = QStringLiteral("get"),
                 .summary = QStringLiteral("Show one user"),
                 .arguments = {kUserArgument},
                 .run = getUser},
                {.name = QStringLiteral("delete"),
                 .summary =
                     QStringLiteral("Delete a user (refused while they are the only owner of something)"),
                 .arguments = {kUserArgument},
                 .run = deleteUser},
                {.name = QStringLiteral("set-role"),
                 .summary = QStringLiteral("Make a user a member or an admin"),
                 .arguments = {kUserArgument,
                               {.name = QStringLiteral("ROLE"),
                                .description = QStringLiteral("member or admin")}},
                 .run = setRole},
            },
    };
}

Command whoamiCommand()
{
    return {.name = QStringLiteral("whoami"),
            .summary = QStringLiteral("Show the user the token belongs to"),
            .run = whoAmI};
}

} // namespace vitrine::cli
