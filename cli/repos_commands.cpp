#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/repositories.grpc.pb.h"

namespace vitrine::cli {

namespace {

using Stub = v1::RepositoryService::Stub;

const QString kUrlFlag = QStringLiteral("url");
const QString kWebhookSecretFlag = QStringLiteral("webhook-secret");
const QString kOwnerFlag = QStringLiteral("owner");

const Argument kRepositoryArgument{.name = QStringLiteral("REPO"),
                                   .description = QStringLiteral("The repository's name or id")};

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

void printRepository(const v1::Repository &repository, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        printJson(repository);
        return;
    }
    printFields({
        {QStringLiteral("Name"), QString::fromStdString(repository.name())},
        {QStringLiteral("ID"), QString::fromStdString(repository.id())},
        {QStringLiteral("URL"), QString::fromStdString(repository.url())},
        {QStringLiteral("Webhook secret"), yesNo(repository.has_webhook_secret())},
        {QStringLiteral("Owners"), joinedOrDash(toQStringList(repository.owners()))},
        {QStringLiteral("Created"), formatTime(repository.created_at())},
        {QStringLiteral("Updated"), formatTime(repository.updated_at())},
    });
}

void createRepository(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::CreateRepositoryRequest request;
    request.set_name(invocation.argument(0).toStdString());
    request.set_url(invocation.value(kUrlFlag).toStdString());
    request.set_webhook_secret(invocation.value(kWebhookSecretFlag).toStdString());
    appendAll(invocation.values(kOwnerFlag), request.mutable_owners());
    const v1::Repository repository = Connection(invocation).call(&Stub::CreateRepository, request);
    printResult(repository, format, QString::fromStdString(repository.id()));
}

void listRepositories(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListRepositoriesRequest request;
    request.set_owner(invocation.value(kOwnerFlag).toStdString());
    const v1::ListRepositoriesResponse response =
        Connection(invocation).callAllPages(&Stub::ListRepositories, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table({QStringLiteral("NAME"), QStringLiteral("URL"), QStringLiteral("OWNERS"),
                 QStringLiteral("WEBHOOK SECRET")});
    for (const v1::Repository &repository : response.repositories())
        table.addRow({QString::fromStdString(repository.name()), QString::fromStdString(repository.url()),
                      joinedOrDash(toQStringList(repository.owners())),
                      yesNo(repository.has_webhook_secret())});
    table.print();
}

void getRepository(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::GetRepositoryRequest request;
    request.set_repository(invocation.argument(0).toStdString());
    printRepository(Connection(invocation).call(&Stub::GetRepository, request), format);
}

void updateRepository(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::UpdateRepositoryRequest request;
    request.set_repository(invocation.argument(0).toStdString());
    if (invocation.has(kUrlFlag))
        request.set_url(invocation.value(kUrlFlag).toStdString());
    if (invocation.has(kWebhookSecretFlag))
        request.set_webhook_secret(invocation.value(kWebhookSecretFlag).toStdString());
    if (invocation.has(kOwnerFlag))
        appendAll(invocation.values(kOwnerFlag), request.mutable_owners()->mutable_names());
    if (!request.has_url() && !request.has_webhook_secret() && !request.has_owners())
        throw UsageError(QStringLiteral("nothing to change: give --%1, --%2 or --%3")
                             .arg(kUrlFlag, kWebhookSecretFlag, kOwnerFlag));
    const v1::Repository repository = Connection(invocation).call(&Stub::UpdateRepository, request);
    printResult(repository, format,
                QStringLiteral("Updated repository %1.").arg(QString::fromStdString(repository.name())));
}

void deleteRepository(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::DeleteRepositoryRequest request;
    request.set_repository(invocation.argument(0).toStdString());
    const v1::DeleteRepositoryResponse response =
        Connection(invocation).call(&Stub::DeleteRepository, request);
    printResult(response, format, QStringLiteral("Deleted repository %1.").arg(invocation.argument(0)));
}

Flag ownerFlag(const QString &description)
{
    return {.name = kOwnerFlag,
            .valueName = QStringLiteral("NAME"),
            .description = description,
            .repeatable = true};
}

} // namespace

Command reposCommand()
{
    return {
        .name = QStringLiteral("repos"),
        .summary = QStringLiteral("Register the Git repositories applications build from"),
        .subcommands =
            {
                {.name = QStringLiteral("create"),
                 .summary = QStringLiteral("Register a repository and print its id"),
                 .arguments = {{.name = QStringLiteral("NAME"),
                                .description =
                                    QStringLiteral("A DNS label: lowercase letters, digits and '-'")}},
                 .flags = {{.name = kUrlFlag,
                            .valueName = QStringLiteral("URL"),
                            .description =
                                QStringLiteral("Where to clone from: https://, ssh:// or git@host:path"),
                            .required = true},
                           {.name = kWebhookSecretFlag,
                            .valueName = QStringLiteral("SECRET"),
                            .description = QStringLiteral("Webhook deliveries must be signed with SECRET")},
                           ownerFlag(QStringLiteral("An owner's user name (default: you)"))},
                 .run = createRepository},
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List the repositories you can see"),
                 .flags = {{.name = kOwnerFlag,
                            .valueName = QStringLiteral("NAME"),
                            .description = QStringLiteral("Only those this user owns")}},
                 .run = listRepositories},
                {.name = QStringLiteral("get"),
                 .summary = QStringLiteral("Show one repository"),
                 .arguments = {kRepositoryArgument},
                 .run = getRepository},
                {.name = QStringLiteral("update"),
                 .summary = QStringLiteral("Change a repository's URL, webhook secret or owners"),
                 .arguments = {kRepositoryArgument},
                 .flags = {{.name = kUrlFlag,
                            .valueName = QStringLiteral("URL"),
                            .description = QStringLiteral("The new clone URL")},
                           {.name = kWebhookSecretFlag,
                            .valueName = QStringLiteral("SECRET"),
                            .description = QStringLiteral("The new webhook secret; \"\" removes it")},
                           ownerFlag(QStringLiteral("Replaces the owners with those given"))},
                 .run = updateRepository},
                {.name = QStringLiteral("delete"),
                 .summary = QStringLiteral("Delete a repository (refused while applications build from it)"),
                 .arguments = {kRepositoryArgument},
                 .run = deleteRepository},
            },
    };
}

} // namespace vitrine::cli
