#pragma once

#include "command_line.h"
#include "vitrine/v1/users.pb.h"

// The nouns of vitrinectl, one file each, put together in main.cpp.
namespace vitrine::cli {

Command usersCommand();
Command whoamiCommand();
Command tokensCommand();
Command reposCommand();
Command appsCommand();
// "apps metrics APP": for appsCommand()'s list.
Command appsMetricsCommand();
// "apps logs APP": for appsCommand()'s list.
Command appsLogsCommand();
Command buildsCommand();
Command eventsCommand();
Command alertsCommand();
Command systemCommand();

// "member" or "admin", as users type it.
QString roleName(v1::Role role);

} // namespace vitrine::cli
