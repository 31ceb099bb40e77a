#include "command_line.h"
#include "commands.h"
#include "connection.h"
#include "output.h"

#include <grpc/support/log.h>

#include <QString>
#include <QStringList>

int main(int argc, char *argv[])
{
    using namespace vitrine::cli;

    // gRPC's own log lines repeat, less readably, the failures vitrinectl reports itself. GRPC_VERBOSITY or
    // GRPC_TRACE in the environment ask for them, e.g. to debug a connection.
    if (qEnvironmentVariableIsEmpty("GRPC_VERBOSITY") && qEnvironmentVariableIsEmpty("GRPC_TRACE"))
        gpr_set_log_function([](gpr_log_func_args *) {});

    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    const Command root{
        .name = QStringLiteral("vitrinectl"),
        .summary = QStringLiteral(
            "vitrinectl manages users, tokens, repositories, applications and builds on a Vitrine "
            "server.\nExit status: 0 done, 1 the server refused or could not be reached, "
            "2 the command line is wrong."),
        .subcommands = {usersCommand(), whoamiCommand(), tokensCommand(), reposCommand(), appsCommand(),
                        buildsCommand(), eventsCommand(), alertsCommand(), systemCommand()},
    };
    const CommandLine commandLine(root, connectionFlags() + QList<Flag>{outputFlag()},
                                  QStringLiteral(VITRINE_VERSION));
    return commandLine.run(arguments);
}
