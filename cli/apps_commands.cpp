#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/applications.grpc.pb.h"

#include <QStringView>

#include <cmath>
#include <limits>
#include <utility>

namespace vitrine::cli {

namespace {

using Stub = v1::ApplicationService::Stub;

const QString kRepoFlag = QStringLiteral("repo");
const QString kRefFlag = QStringLiteral("ref");
const QString kTypeFlag = QStringLiteral("type");
const QString kBuildCmdFlag = QStringLiteral("build-cmd");
const QString kStartCmdFlag = QStringLiteral("start-cmd");
const QString kArtifactFlag = QStringLiteral("artifact");
const QString kDockerfileFlag = QStringLiteral("dockerfile");
const QString kContextFlag = QStringLiteral("context");
const QString kPortFlag = QStringLiteral("port");
const QString kWebsiteFlag = QStringLiteral("website");
const QString kStripPrefixFlag = QStringLiteral("strip-prefix");
const QString kEnvFlag = QStringLiteral("env");
const QString kOwnerFlag = QStringLiteral("owner");
const QString kDeployFlag = QStringLiteral("deploy");
const QString kAutoSleepFlag = QStringLiteral("auto-sleep");
const QString kSpaFlag = QStringLiteral("spa");
const QString kNoSpaFlag = QStringLiteral("no-spa");
const QString kHealthPathFlag = QStringLiteral("health-path");
const QString kMemoryFlag = QStringLiteral("memory");
const QString kCpusFlag = QStringLiteral("cpus");

const Argument kApplicationArgument{.name = QStringLiteral("APP"),
                                    .description = QStringLiteral("The application's name or id")};

constexpr std::pair<v1::BuildType, QStringView> kBuildTypes[] = {
    {v1::BUILD_TYPE_STATIC, u"static"},
    {v1::BUILD_TYPE_STATIC_CMD, u"static-cmd"},
    {v1::BUILD_TYPE_STATIC_DOCKERFILE, u"static-dockerfile"},
    {v1::BUILD_TYPE_RUNTIME_CMD, u"runtime-cmd"},
    {v1::BUILD_TYPE_RUNTIME_DOCKERFILE, u"runtime-dockerfile"},
    {v1::BUILD_TYPE_AUTO, u"auto"},
};

constexpr std::pair<v1::DeployType, QStringView> kDeployTypes[] = {
    {v1::DEPLOY_TYPE_STATIC, u"static"},
    {v1::DEPLOY_TYPE_RUNTIME, u"runtime"},
};

// The enum value a user typed for a flag, e.g. "static-cmd" for --type.
template<typename Enum, size_t N>
Enum parseChoice(const std::pair<Enum, QStringView> (&choices)[N], const QString &flag, const QString &text)
{
    QStringList names;
    for (const auto &[value, name] : choices) {
        if (name == text)
            return value;
        names.append(name.toString());
    }
    throw UsageError(
        QStringLiteral("--%1: unknown value '%2'; use one of %3").arg(flag, text, names.join(u", ")));
}

template<typename Enum, size_t N>
QString choiceName(const std::pair<Enum, QStringView> (&choices)[N], Enum value)
{
    for (const auto &[choice, name] : choices) {
        if (choice == value)
            return name.toString();
    }
    return QStringLiteral("-");
}

quint32 parseNumber(const Invocation &invocation, const QString &flag)
{
    bool ok = false;
    const quint32 number = invocation.value(flag).toUInt(&ok);
    if (!ok)
        throw UsageError(
            QStringLiteral("--%1: '%2' is not a whole number").arg(flag, invocation.value(flag)));
    return number;
}

// --cpus in cores, as a decimal ("0.5"), in the API's millicores (500).
quint32 parseCpus(const Invocation &invocation)
{
    const QString text = invocation.value(kCpusFlag);
    bool ok = false;
    const double cores = text.toDouble(&ok);
    if (!ok || !std::isfinite(cores) || cores < 0)
        throw UsageError(
            QStringLiteral("--%1: '%2' is not a number of cores, e.g. 0.5 or 2").arg(kCpusFlag, text));
    const double millicores = std::round(cores * 1000);
    if (std::abs(cores * 1000 - millicores) > 1e-6)
        throw UsageError(
            QStringLiteral("--%1: '%2' is finer than a thousandth of a core").arg(kCpusFlag, text));
    if (millicores > std::numeric_limits<quint32>::max())
        throw UsageError(QStringLiteral("--%1: '%2' is too many cores").arg(kCpusFlag, text));
    return quint32(millicores);
}

// "0.5 cores" for 500 millicores.
QString coresText(quint32 millicores)
{
    const double cores = millicores / 1000.0;
    return QStringLiteral("%1 %2").arg(cores).arg(millicores == 1000 ? QStringLiteral("core")
                                                                     : QStringLiteral("cores"));
}

// --health-path, --memory and --cpus, where given, on a create or an update request (same fields in both).
template<typename Request>
void applyRuntimeFlags(const Invocation &invocation, Request &request)
{
    if (invocation.has(kHealthPathFlag))
        request.set_health_check_path(invocation.value(kHealthPathFlag).toStdString());
    if (invocation.has(kMemoryFlag))
        request.set_memory_limit_mb(parseNumber(invocation, kMemoryFlag));
    if (invocation.has(kCpusFlag))
        request.set_cpu_millicores(parseCpus(invocation));
}

bool hasBuildFlags(const Invocation &invocation)
{
    for (const QString &flag :
         {kTypeFlag, kBuildCmdFlag, kStartCmdFlag, kArtifactFlag, kDockerfileFlag, kContextFlag, kPortFlag}) {
        if (invocation.has(flag))
            return true;
    }
    return false;
}

void applyBuildFlags(const Invocation &invocation, v1::BuildConfig *build)
{
    if (invocation.has(kTypeFlag))
        build->set_type(parseChoice(kBuildTypes, kTypeFlag, invocation.value(kTypeFlag)));
    if (invocation.has(kBuildCmdFlag))
        build->set_build_command(invocation.value(kBuildCmdFlag).toStdString());
    if (invocation.has(kStartCmdFlag))
        build->set_start_command(invocation.value(kStartCmdFlag).toStdString());
    if (invocation.has(kArtifactFlag))
        build->set_artifact_dir(invocation.value(kArtifactFlag).toStdString());
    if (invocation.has(kDockerfileFlag))
        build->set_dockerfile(invocation.value(kDockerfileFlag).toStdString());
    if (invocation.has(kContextFlag))
        build->set_context_dir(invocation.value(kContextFlag).toStdString());
    if (invocation.has(kPortFlag))
        build->set_port(parseNumber(invocation, kPortFlag));
}

// Each --website FQDN[/PATH]. --strip-prefix applies to those with a PATH below the root.
void addWebsites(const Invocation &invocation, google::protobuf::RepeatedPtrField<v1::Website> *websites)
{
    const bool stripPrefix = invocation.has(kStripPrefixFlag);
    bool anyPathBelowRoot = false;
    for (const QString &text : invocation.values(kWebsiteFlag)) {
        const qsizetype slash = text.indexOf(u'/');
        const bool pathBelowRoot = slash >= 0 && slash + 1 < text.size();
        anyPathBelowRoot = anyPathBelowRoot || pathBelowRoot;
        v1::Website *website = websites->Add();
        website->set_fqdn(text.left(slash).toStdString());
        if (slash >= 0)
            website->set_path_prefix(text.mid(slash).toStdString());
        website->set_strip_prefix(stripPrefix && pathBelowRoot);
    }
    if (stripPrefix && !anyPathBelowRoot)
        throw UsageError(QStringLiteral("--%1 needs a --%2 FQDN/PATH to strip the PATH of")
                             .arg(kStripPrefixFlag, kWebsiteFlag));
}

// KEY=VALUE assignments; the value may be empty or hold further '='.
void addEnvVars(const QStringList &assignments, google::protobuf::RepeatedPtrField<v1::EnvVar> *env)
{
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals < 0)
            throw UsageError(QStringLiteral("'%1' is not KEY=VALUE").arg(assignment));
        v1::EnvVar *variable = env->Add();
        variable->set_key(assignment.left(equals).toStdString());
        variable->set_value(assignment.mid(equals + 1).toStdString());
    }
}

QString websiteText(const v1::Website &website)
{
    const QString path = QString::fromStdString(website.path_prefix());
    return QString::fromStdString(website.fqdn()) + (path == QStringLiteral("/") ? QString() : path);
}

QStringList websiteTexts(const v1::Application &application, bool withStripPrefix)
{
    QStringList texts;
    for (const v1::Website &website : application.websites())
        texts.append(websiteText(website) + (withStripPrefix && website.strip_prefix()
                                                 ? QStringLiteral(" (prefix stripped)")
                                                 : QString()));
    return texts;
}

QString textOrDash(const std::string &text)
{
    return text.empty() ? QStringLiteral("-") : QString::fromStdString(text);
}

// How a runtime application runs: its instance now, why it is stopped, what it serves, its limits.
QList<std::pair<QString, QString>> runtimeFields(const v1::Application &application)
{
    QList<std::pair<QString, QString>> fields = {
        {QStringLiteral("State"), textOrDash(application.runtime_state())},
        {QStringLiteral("Restarts"), QString::number(application.restart_count())},
    };
    if (!application.stopped_reason().empty())
        fields.append(
            {QStringLiteral("Stopped because"), QString::fromStdString(application.stopped_reason())});
    fields += {
        {QStringLiteral("Health check"),
         application.health_check_path().empty()
             ? QStringLiteral("the port accepts connections")
             : QStringLiteral("GET %1 answers 2xx")
                   .arg(QString::fromStdString(application.health_check_path()))},
        {QStringLiteral("Memory limit"), application.memory_limit_mb() == 0
                                             ? QStringLiteral("server default")
                                             : QStringLiteral("%1 MB").arg(application.memory_limit_mb())},
        {QStringLiteral("CPU limit"), application.cpu_millicores() == 0
                                          ? QStringLiteral("server default")
                                          : coresText(application.cpu_millicores())},
    };
    return fields;
}

// The newest build as "ID STATE[: REASON], queued TIME"; "-" before the first build.
QString latestBuildText(const v1::Application &application)
{
    if (application.latest_build_id().empty())
        return QStringLiteral("-");
    return QStringLiteral("%1 %2%3, queued %4")
        .arg(QString::fromStdString(application.latest_build_id()),
             QString::fromStdString(application.latest_build_state()),
             application.latest_build_failure_reason().empty()
                 ? QString()
                 : QStringLiteral(": ") + QString::fromStdString(application.latest_build_failure_reason()),
             formatTime(application.latest_build_queued_at()));
}

void printApplication(const v1::Application &application, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        printJson(application);
        return;
    }
    const v1::BuildConfig &build = application.build();
    QList<std::pair<QString, QString>> fields = {
        {QStringLiteral("Name"), QString::fromStdString(application.name())},
        {QStringLiteral("ID"), QString::fromStdString(application.id())},
        {QStringLiteral("Repository"), QString::fromStdString(application.repository_name())},
        {QStringLiteral("Ref"), QString::fromStdString(application.ref())},
        {QStringLiteral("Deploy"), choiceName(kDeployTypes, application.deploy_type())},
        {QStringLiteral("Build type"), choiceName(kBuildTypes, build.type())},
    };
    // Only the build fields this app uses; the others are empty for its build type.
    for (const auto &[label, value] : {std::pair{QStringLiteral("Build command"), build.build_command()},
                                       std::pair{QStringLiteral("Start command"), build.start_command()},
                                       std::pair{QStringLiteral("Artifact dir"), build.artifact_dir()},
                                       std::pair{QStringLiteral("Dockerfile"), build.dockerfile()},
                                       std::pair{QStringLiteral("Context dir"), build.context_dir()}}) {
        if (!value.empty())
            fields.append({label, QString::fromStdString(value)});
    }
    if (build.port() != 0)
        fields.append({QStringLiteral("Port"), QString::number(build.port())});
    if (application.deploy_type() == v1::DEPLOY_TYPE_STATIC)
        fields.append({QStringLiteral("SPA fallback"),
                       application.spa_fallback() ? QStringLiteral("yes (index.html for unknown paths)")
                                                  : QStringLiteral("no")});
    fields += {
        {QStringLiteral("Websites"), joinedOrDash(websiteTexts(application, true))},
        {QStringLiteral("Owners"), joinedOrDash(toQStringList(application.owners()))},
        {QStringLiteral("Running"), application.running() ? QStringLiteral("yes") : QStringLiteral("no")},
    };
    if (application.deploy_type() == v1::DEPLOY_TYPE_RUNTIME)
        fields += runtimeFields(application);
    fields += {
        {QStringLiteral("Auto-sleep"),
         application.auto_sleep_seconds() == 0
             ? QStringLiteral("never")
             : QStringLiteral("after %1 s without requests").arg(application.auto_sleep_seconds())},
        {QStringLiteral("Env vars"), QString::number(application.env_var_count())},
        {QStringLiteral("Config hash"), QString::fromStdString(application.config_hash())},
        {QStringLiteral("Commit"), textOrDash(application.current_commit())},
        {QStringLiteral("Serving build"), textOrDash(application.current_build_id())},
        {QStringLiteral("Latest build"), latestBuildText(application)},
        {QStringLiteral("Pinned build"),
         application.pinned_build_id().empty()
             ? QStringLiteral("-")
             : QStringLiteral("%1 (rolled back; the next commit or config change ends it)")
                   .arg(QString::fromStdString(application.pinned_build_id()))},
        {QStringLiteral("Disk use"), formatBytes(application.disk_bytes())},
        {QStringLiteral("Created"), formatTime(application.created_at())},
        {QStringLiteral("Updated"), formatTime(application.updated_at())},
    };
    printFields(fields);
}

void createApplication(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::CreateApplicationRequest request;
    request.set_name(invocation.argument(0).toStdString());
    request.set_repository(invocation.value(kRepoFlag).toStdString());
    request.set_ref(invocation.value(kRefFlag).toStdString());
    if (invocation.has(kDeployFlag))
        request.set_deploy_type(parseChoice(kDeployTypes, kDeployFlag, invocation.value(kDeployFlag)));
    applyBuildFlags(invocation, request.mutable_build());
    addWebsites(invocation, request.mutable_websites());
    addEnvVars(invocation.values(kEnvFlag), request.mutable_env());
    appendAll(invocation.values(kOwnerFlag), request.mutable_owners());
    if (invocation.has(kAutoSleepFlag))
        request.set_auto_sleep_seconds(parseNumber(invocation, kAutoSleepFlag));
    request.set_spa_fallback(invocation.has(kSpaFlag));
    applyRuntimeFlags(invocation, request);
    const v1::Application application = Connection(invocation).call(&Stub::CreateApplication, request);
    printResult(application, format, QString::fromStdString(application.id()));
}

void listApplications(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListApplicationsRequest request;
    request.set_owner(invocation.value(kOwnerFlag).toStdString());
    request.set_repository(invocation.value(kRepoFlag).toStdString());
    const v1::ListApplicationsResponse response =
        Connection(invocation).callAllPages(&Stub::ListApplications, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table({QStringLiteral("NAME"), QStringLiteral("REPO"), QStringLiteral("REF"),
                 QStringLiteral("TYPE"), QStringLiteral("BUILD"), QStringLiteral("WEBSITES"),
                 QStringLiteral("OWNERS")});
    for (const v1::Application &application : response.applications())
        table.addRow(
            {QString::fromStdString(application.name()),
             QString::fromStdString(application.repository_name()), QString::fromStdString(application.ref()),
             choiceName(kBuildTypes, application.build().type()),
             textOrDash(application.latest_build_state()), joinedOrDash(websiteTexts(application, false)),
             joinedOrDash(toQStringList(application.owners()))});
    table.print();
}

void getApplication(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::GetApplicationRequest request;
    request.set_application(invocation.argument(0).toStdString());
    printApplication(Connection(invocation).call(&Stub::GetApplication, request), format);
}

void updateApplication(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::UpdateApplicationRequest request;
    request.set_application(invocation.argument(0).toStdString());
    if (invocation.has(kRefFlag))
        request.set_ref(invocation.value(kRefFlag).toStdString());
    if (invocation.has(kDeployFlag))
        request.set_deploy_type(parseChoice(kDeployTypes, kDeployFlag, invocation.value(kDeployFlag)));
    if (invocation.has(kAutoSleepFlag))
        request.set_auto_sleep_seconds(parseNumber(invocation, kAutoSleepFlag));
    if (invocation.has(kWebsiteFlag) || invocation.has(kStripPrefixFlag))
        addWebsites(invocation, request.mutable_websites()->mutable_items());
    if (invocation.has(kOwnerFlag))
        appendAll(invocation.values(kOwnerFlag), request.mutable_owners()->mutable_names());
    if (invocation.has(kSpaFlag) && invocation.has(kNoSpaFlag))
        throw UsageError(QStringLiteral("--%1 and --%2 contradict each other").arg(kSpaFlag, kNoSpaFlag));
    if (invocation.has(kSpaFlag) || invocation.has(kNoSpaFlag))
        request.set_spa_fallback(invocation.has(kSpaFlag));
    applyRuntimeFlags(invocation, request);
    const bool changesBuild = hasBuildFlags(invocation);
    if (!changesBuild && !request.has_ref() && request.deploy_type() == v1::DEPLOY_TYPE_UNSPECIFIED &&
        !request.has_auto_sleep_seconds() && !request.has_websites() && !request.has_owners() &&
        !request.has_spa_fallback() && !request.has_health_check_path() && !request.has_memory_limit_mb() &&
        !request.has_cpu_millicores())
        throw UsageError(QStringLiteral("nothing to change: give at least one flag"));

    const Connection connection(invocation);
    if (changesBuild) {
        // The server replaces the whole build config. Without --type the flags change the current one; a new
        // type starts afresh, since the fields of one build type are refused by another.
        if (!invocation.has(kTypeFlag)) {
            v1::GetApplicationRequest current;
            current.set_application(request.application());
            *request.mutable_build() = connection.call(&Stub::GetApplication, current).build();
        }
        applyBuildFlags(invocation, request.mutable_build());
    }
    const v1::Application application = connection.call(&Stub::UpdateApplication, request);
    printResult(application, format,
                QStringLiteral("Updated application %1.").arg(QString::fromStdString(application.name())));
}

void deleteApplication(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::DeleteApplicationRequest request;
    request.set_application(invocation.argument(0).toStdString());
    const v1::DeleteApplicationResponse response =
        Connection(invocation).call(&Stub::DeleteApplication, request);
    printResult(response, format, QStringLiteral("Deleted application %1.").arg(invocation.argument(0)));
}

// start, stop and restart: the method and what was done ("Started").
void controlApplication(const Invocation &invocation,
                        ::grpc::Status (Stub::*method)(::grpc::ClientContext *,
                                                       const v1::ApplicationActionRequest &,
                                                       v1::Application *),
                        const QString &done)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ApplicationActionRequest request;
    request.set_application(invocation.argument(0).toStdString());
    const v1::Application application = Connection(invocation).call(method, request);
    printResult(application, format,
                QStringLiteral("%1 application %2.").arg(done, QString::fromStdString(application.name())));
}

void startApplication(const Invocation &invocation)
{
    controlApplication(invocation, &Stub::StartApplication, QStringLiteral("Started"));
}

void stopApplication(const Invocation &invocation)
{
    controlApplication(invocation, &Stub::StopApplication, QStringLiteral("Stopped"));
}

void restartApplication(const Invocation &invocation)
{
    controlApplication(invocation, &Stub::RestartApplication, QStringLiteral("Restarting"));
}

void rollbackApplication(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::RollbackApplicationRequest request;
    request.set_application(invocation.argument(0).toStdString());
    request.set_build_id(invocation.argument(1).toStdString());
    const v1::Application application = Connection(invocation).call(&Stub::RollbackApplication, request);
    printResult(application, format,
                QStringLiteral("Application %1 now serves build %2, until its next commit or config change.")
                    .arg(QString::fromStdString(application.name()),
                         QString::fromStdString(application.pinned_build_id())));
}

void printEnvVars(const v1::ListEnvVarsResponse &response)
{
    Table table({QStringLiteral("KEY"), QStringLiteral("VALUE")});
    for (const v1::EnvVar &variable : response.env())
        table.addRow({QString::fromStdString(variable.key()), QString::fromStdString(variable.value())});
    table.print();
}

void setEnvVars(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::SetEnvVarsRequest request;
    request.set_application(invocation.argument(0).toStdString());
    addEnvVars(invocation.arguments().mid(1), request.mutable_env());
    QStringList keys;
    for (const v1::EnvVar &variable : request.env())
        keys.append(QString::fromStdString(variable.key()));
    printResult(Connection(invocation).call(&Stub::SetEnvVars, request), format,
                QStringLiteral("Set %1 on %2.").arg(keys.join(QStringLiteral(", ")), invocation.argument(0)));
}

void unsetEnvVars(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::UnsetEnvVarsRequest request;
    request.set_application(invocation.argument(0).toStdString());
    const QStringList keys = invocation.arguments().mid(1);
    appendAll(keys, request.mutable_keys());
    const v1::ListEnvVarsResponse response = Connection(invocation).call(&Stub::UnsetEnvVars, request);
    printResult(
        response, format,
        QStringLiteral("Removed %1 from %2.").arg(keys.join(QStringLiteral(", ")), invocation.argument(0)));
}

void listEnvVars(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListEnvVarsRequest request;
    request.set_application(invocation.argument(0).toStdString());
    const v1::ListEnvVarsResponse response = Connection(invocation).call(&Stub::ListEnvVars, request);
    if (format == OutputFormat::Json)
        printJson(response);
    else
        printEnvVars(response);
}

// The flags shared by create and update; `creating` marks the ones create requires.
// A command whose one argument is the application.
Command applicationCommand(const QString &name, const QString &summary, const Handler &run)
{
    return {.name = name, .summary = summary, .arguments = {kApplicationArgument}, .run = run};
}

QList<Flag> applicationFlags(bool creating)
{
    const QString typeNames = QStringLiteral("static, static-cmd, static-dockerfile, runtime-cmd, "
                                             "runtime-dockerfile or auto");
    QList<Flag> flags = {
        {.name = kRefFlag,
         .valueName = QStringLiteral("REF"),
         .description = QStringLiteral("Branch, tag or full ref to build, e.g. main"),
         .required = creating},
        {.name = kTypeFlag,
         .valueName = QStringLiteral("TYPE"),
         .description = creating
                            ? QStringLiteral("Build type: %1").arg(typeNames)
                            : QStringLiteral("New build type (%1); the build config starts afresh from the "
                                             "flags given")
                                  .arg(typeNames),
         .required = creating},
        {.name = kBuildCmdFlag,
         .valueName = QStringLiteral("COMMAND"),
         .description = QStringLiteral("Build command (static-cmd, runtime-cmd)")},
        {.name = kStartCmdFlag,
         .valueName = QStringLiteral("COMMAND"),
         .description = QStringLiteral("Start command (runtime-cmd)")},
        {.name = kArtifactFlag,
         .valueName = QStringLiteral("DIR"),
         .description = QStringLiteral("Directory to publish, relative to the repository (static types)")},
        {.name = kDockerfileFlag,
         .valueName = QStringLiteral("FILE"),
         .description = QStringLiteral("Dockerfile, relative to the context (default: Dockerfile)")},
        {.name = kContextFlag,
         .valueName = QStringLiteral("DIR"),
         .description =
             QStringLiteral("Docker build context, relative to the repository (default: its root)")},
        {.name = kPortFlag,
         .valueName = QStringLiteral("N"),
         .description = QStringLiteral("Port a runtime app listens on, also given as $PORT (default: 8080)")},
        {.name = kWebsiteFlag,
         .valueName = QStringLiteral("FQDN[/PATH]"),
         .description = creating ? QStringLiteral("Where to publish (default: NAME.localhost)")
                                 : QStringLiteral("Replaces the websites with those given"),
         .repeatable = true},
        {.name = kStripPrefixFlag,
         .description = QStringLiteral("Remove the websites' /PATH before a request reaches the app")},
        {.name = kOwnerFlag,
         .valueName = QStringLiteral("NAME"),
         .description = creating ? QStringLiteral("An owner's user name (default: you)")
                                 : QStringLiteral("Replaces the owners with those given"),
         .repeatable = true},
        {.name = kDeployFlag,
         .valueName = QStringLiteral("KIND"),
         .description = QStringLiteral("static or runtime (default: implied by the build type)")},
        {.name = kAutoSleepFlag,
         .valueName = QStringLiteral("SECONDS"),
         .description = QStringLiteral("Stop after this long without requests; 0 never sleeps")},
        {.name = kSpaFlag,
         .description = QStringLiteral("Static sites: serve index.html for paths with no file (single-page "
                                       "apps)")},
        {.name = kHealthPathFlag,
         .valueName = QStringLiteral("PATH"),
         .description = creating
                            ? QStringLiteral("Runtime apps: a new version is ready once GET PATH answers 2xx "
                                             "(default: once its port accepts connections)")
                            : QStringLiteral("Runtime apps: ready once GET PATH answers 2xx; '' goes back to "
                                             "the port check")},
        {.name = kMemoryFlag,
         .valueName = QStringLiteral("MB"),
         .description = QStringLiteral("Runtime apps: memory limit in MB; 0 is the server's default")},
        {.name = kCpusFlag,
         .valueName = QStringLiteral("N"),
         .description =
             QStringLiteral("Runtime apps: CPU limit in cores, e.g. 0.5; 0 is the server's default")},
    };
    if (!creating)
        flags.append({.name = kNoSpaFlag, .description = QStringLiteral("Turn the SPA fallback off")});
    if (creating) {
        flags.prepend({.name = kRepoFlag,
                       .valueName = QStringLiteral("REPO"),
                       .description = QStringLiteral("The repository to build from (name or id)"),
                       .required = true});
        flags.append({.name = kEnvFlag,
                      .valueName = QStringLiteral("KEY=VALUE"),
                      .description = QStringLiteral("An environment variable for the build and the app"),
                      .repeatable = true});
    }
    return flags;
}

Command envCommand()
{
    return {
        .name = QStringLiteral("env"),
        .summary = QStringLiteral("Manage an application's environment variables (a change means a rebuild)"),
        .subcommands =
            {
                {.name = QStringLiteral("set"),
                 .summary = QStringLiteral("Add or replace variables; the others are kept"),
                 .arguments = {kApplicationArgument,
                               {.name = QStringLiteral("KEY=VALUE"),
                                .description = QStringLiteral("A variable; KEY matches [A-Z_][A-Z0-9_]*"),
                                .variadic = true}},
                 .run = setEnvVars},
                {.name = QStringLiteral("unset"),
                 .summary = QStringLiteral("Remove variables (an unknown key removes nothing)"),
                 .arguments = {kApplicationArgument,
                               {.name = QStringLiteral("KEY"),
                                .description = QStringLiteral("A variable to remove"),
                                .variadic = true}},
                 .run = unsetEnvVars},
                applicationCommand(QStringLiteral("list"),
                                   QStringLiteral("List the variables with their values"), listEnvVars),
            },
    };
}

} // namespace

Command appsCommand()
{
    return {
        .name = QStringLiteral("apps"),
        .summary = QStringLiteral(
            "Manage applications: what to build from which repository, and where to publish it"),
        .subcommands =
            {
                {.name = QStringLiteral("create"),
                 .summary = QStringLiteral("Create an application and print its id"),
                 .arguments = {{.name = QStringLiteral("NAME"),
                                .description =
                                    QStringLiteral("A DNS label: lowercase letters, digits and '-'")}},
                 .flags = applicationFlags(true),
                 .run = createApplication},
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List the applications you can see"),
                 .flags = {{.name = kOwnerFlag,
                            .valueName = QStringLiteral("NAME"),
                            .description = QStringLiteral("Only those this user owns")},
                           {.name = kRepoFlag,
                            .valueName = QStringLiteral("REPO"),
                            .description = QStringLiteral("Only those building from this repository")}},
                 .run = listApplications},
                applicationCommand(QStringLiteral("get"), QStringLiteral("Show one application"),
                                   getApplication),
                {.name = QStringLiteral("update"),
                 .summary = QStringLiteral("Change an application; flags not given are left as they are "
                                           "(env vars: see 'apps env')"),
                 .arguments = {kApplicationArgument},
                 .flags = applicationFlags(false),
                 .run = updateApplication},
                applicationCommand(QStringLiteral("delete"),
                                   QStringLiteral("Delete an application with its builds and logs"),
                                   deleteApplication),
                applicationCommand(
                    QStringLiteral("start"),
                    QStringLiteral("Run a runtime application again (also after the platform stopped it)"),
                    startApplication),
                applicationCommand(QStringLiteral("stop"),
                                   QStringLiteral("Stop a runtime application until it is started again"),
                                   stopApplication),
                applicationCommand(
                    QStringLiteral("restart"),
                    QStringLiteral("Replace a running application's instance with a new one, without "
                                   "downtime"),
                    restartApplication),
                {.name = QStringLiteral("rollback"),
                 .summary =
                     QStringLiteral("Serve an earlier successful build until the next commit or config "
                                    "change"),
                 .arguments = {kApplicationArgument,
                               {.name = QStringLiteral("BUILD"),
                                .description =
                                    QStringLiteral("The build's id (see 'builds list --app APP')")}},
                 .run = rollbackApplication},
                appsLogsCommand(),
                appsMetricsCommand(),
                envCommand(),
            },
    };
}

} // namespace vitrine::cli
