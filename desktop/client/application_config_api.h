#pragma once

#include "client/api_client.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace vitrine::desktop {

// One address an application is served at.
struct WebsiteConfig {
    QString fqdn;       // lowercase host name, e.g. "blog.localhost"
    QString pathPrefix; // starts with '/'; empty means "/"
    bool stripPrefix = false;

    bool operator==(const WebsiteConfig &) const = default;
};

struct EnvVar {
    QString key; // ^[A-Z_][A-Z0-9_]*$
    QString value;

    bool operator==(const EnvVar &) const = default;
};

// What a member decides about an application: where it builds from, how, where it is served and how it runs.
// Fields a build type does not use stay empty (the server refuses them).
struct ApplicationConfig {
    QString name;       // a DNS label; set on create only
    QString repository; // the repository's id or name (its name when fetched); set on create only
    QString ref;        // a branch or tag name, or a full ref
    // Spelled as vitrinectl's --type: static, static-cmd, static-dockerfile, runtime-cmd, runtime-dockerfile,
    // auto.
    QString buildType;
    QString buildCommand;
    QString startCommand;
    QString artifactDir;             // relative to the repository root
    QString dockerfile;              // relative to contextDir; empty: "Dockerfile"
    QString contextDir;              // relative to the repository root; empty: the root
    int port = 0;                    // runtime apps; 0: 8080
    QList<WebsiteConfig> websites{}; // empty: NAME.localhost at "/"
    QList<EnvVar> env{};             // sent on create only; afterwards see listEnvVars/setEnvVars
    int autoSleepSeconds = 0;        // runtime apps; 0 never sleeps
    bool spaFallback = false;        // static sites: serve index.html for paths with no file
    QString healthCheckPath;         // runtime apps; empty: an open port is enough
    int memoryLimitMb = 0;           // runtime apps; 0: the server's default
    int cpuMillicores = 0;           // runtime apps; 1000 is one core, 0: the server's default

    bool operator==(const ApplicationConfig &) const = default;
};

// The build types in the order a member meets them, spelled as vitrinectl's --type.
QStringList buildTypeNames();
// Whether `buildType` deploys a running process (runtime-*, and auto, which the server runs as runtime).
bool isRuntimeBuildType(const QString &buildType);

// ApplicationService.CreateApplication; hands back the new application's name. Refused fields come back in
// CallResult::errorField as the server names them ("name", "build.start_command", "websites[1].fqdn",
// "env.KEY").
void createApplication(ApiClient &client, QObject *receiver, const ApplicationConfig &config,
                       ResultHandler<QString> done);
// ApplicationService.GetApplication as a config (env left empty). application: its id or name.
void fetchApplicationConfig(ApiClient &client, QObject *receiver, const QString &application,
                            ResultHandler<ApplicationConfig> done);
// Replaces ref, build, websites and runtime options with `config`'s (name, repository and env are not
// changed); hands back the stored config.
void updateApplicationConfig(ApiClient &client, QObject *receiver, const QString &application,
                             const ApplicationConfig &config, ResultHandler<ApplicationConfig> done);
// The application's variables, sorted by key. A change of them rebuilds and redeploys the application.
void listEnvVars(ApiClient &client, QObject *receiver, const QString &application,
                 ResultHandler<QList<EnvVar>> done);
// Adds or replaces `vars`, keeps the others; hands back all variables after the change.
void setEnvVars(ApiClient &client, QObject *receiver, const QString &application, const QList<EnvVar> &vars,
                ResultHandler<QList<EnvVar>> done);
// Removes `keys` (all of them or, when one is not set, none); hands back the variables after the change.
void unsetEnvVars(ApiClient &client, QObject *receiver, const QString &application, const QStringList &keys,
                  ResultHandler<QList<EnvVar>> done);

} // namespace vitrine::desktop

Q_DECLARE_METATYPE(vitrine::desktop::ApplicationConfig)
