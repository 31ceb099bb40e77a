#include "commands.h"
#include "connection.h"
#include "output.h"
#include "vitrine/v1/builds.grpc.pb.h"
#include "vitrine/v1/events.grpc.pb.h"

#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

namespace vitrine::cli {

namespace {

using Stub = v1::BuildService::Stub;

const QString kAppFlag = QStringLiteral("app");
const QString kStateFlag = QStringLiteral("state");
const QString kFollowFlag = QStringLiteral("follow");
const QString kAfterFlag = QStringLiteral("after");

const Argument kBuildArgument{.name = QStringLiteral("BUILD"),
                              .description = QStringLiteral("The build's id")};

constexpr std::pair<v1::BuildState, QStringView> kBuildStates[] = {
    {v1::BUILD_STATE_QUEUED, u"queued"},       {v1::BUILD_STATE_BUILDING, u"building"},
    {v1::BUILD_STATE_SUCCEEDED, u"succeeded"}, {v1::BUILD_STATE_FAILED, u"failed"},
    {v1::BUILD_STATE_CANCELED, u"canceled"},
};

constexpr std::pair<v1::EventType, QStringView> kEventTypes[] = {
    {v1::EVENT_TYPE_BUILD_STATE_CHANGED, u"build.state_changed"},
    {v1::EVENT_TYPE_APPLICATION_CHANGED, u"application.changed"},
    {v1::EVENT_TYPE_APPLICATION_DELETED, u"application.deleted"},
    {v1::EVENT_TYPE_APPLICATION_DEPLOYED, u"application.deployed"},
    {v1::EVENT_TYPE_ALERT_OPENED, u"alert.opened"},
    {v1::EVENT_TYPE_APPLICATION_STATE_CHANGED, u"application.state_changed"},
};

QString stateName(v1::BuildState state)
{
    for (const auto &[value, name] : kBuildStates) {
        if (value == state)
            return name.toString();
    }
    return QStringLiteral("-");
}

v1::BuildState parseState(const QString &text)
{
    QStringList names;
    for (const auto &[value, name] : kBuildStates) {
        if (name == text)
            return value;
        names.append(name.toString());
    }
    throw UsageError(
        QStringLiteral("--%1: unknown state '%2'; use one of %3").arg(kStateFlag, text, names.join(u", ")));
}

QString typeName(v1::EventType type)
{
    for (const auto &[value, name] : kEventTypes) {
        if (value == type)
            return name.toString();
    }
    return QStringLiteral("-");
}

QString orDash(const std::string &text)
{
    return text.empty() ? QStringLiteral("-") : QString::fromStdString(text);
}

QString queuePosition(const v1::Build &build)
{
    return build.queue_position() > 0 ? QString::number(build.queue_position()) : QStringLiteral("-");
}

void listBuilds(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::ListBuildsRequest request;
    request.set_application(invocation.value(kAppFlag).toStdString());
    for (const QString &state : invocation.values(kStateFlag))
        request.add_states(parseState(state));
    const auto response = Connection(invocation).callAllPages(&Stub::ListBuilds, request);
    if (format == OutputFormat::Json) {
        printJson(response);
        return;
    }
    Table table({QStringLiteral("ID"), QStringLiteral("APP"), QStringLiteral("STATE"),
                 QStringLiteral("QUEUE"), QStringLiteral("COMMIT"), QStringLiteral("QUEUED"),
                 QStringLiteral("FINISHED"), QStringLiteral("REASON")});
    for (const v1::Build &build : response.builds()) {
        table.addRow({QString::fromStdString(build.id()), QString::fromStdString(build.application_name()),
                      stateName(build.state()), queuePosition(build),
                      QString::fromStdString(build.commit()).left(12), formatTime(build.queued_at()),
                      formatTime(build.finished_at()), orDash(build.failure_reason())});
    }
    table.print();
}

void printBuild(const v1::Build &build, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        printJson(build);
        return;
    }
    printFields({
        {QStringLiteral("ID"), QString::fromStdString(build.id())},
        {QStringLiteral("Application"), QString::fromStdString(build.application_name())},
        {QStringLiteral("State"), stateName(build.state())},
        {QStringLiteral("Queue position"), queuePosition(build)},
        {QStringLiteral("Commit"), QString::fromStdString(build.commit())},
        {QStringLiteral("Config hash"), QString::fromStdString(build.config_hash())},
        {QStringLiteral("Queued"), formatTime(build.queued_at())},
        {QStringLiteral("Started"), formatTime(build.started_at())},
        {QStringLiteral("Finished"), formatTime(build.finished_at())},
        {QStringLiteral("Reason"), orDash(build.failure_reason())},
    });
}

void getBuild(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::GetBuildRequest request;
    request.set_build_id(invocation.argument(0).toStdString());
    printBuild(Connection(invocation).call(&Stub::GetBuild, request), format);
}

void cancelBuild(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::CancelBuildRequest request;
    request.set_build_id(invocation.argument(0).toStdString());
    const v1::Build build = Connection(invocation).call(&Stub::CancelBuild, request);
    printResult(build, format,
                build.state() == v1::BUILD_STATE_CANCELED
                    ? QStringLiteral("Canceled build %1.").arg(invocation.argument(0))
                    : QStringLiteral("Stopping build %1.").arg(invocation.argument(0)));
}

void retryBuild(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::RetryBuildRequest request;
    request.set_application(invocation.argument(0).toStdString());
    const v1::Build build = Connection(invocation).call(&Stub::RetryBuild, request);
    printResult(build, format, QString::fromStdString(build.id()));
}

qint64 parseSeq(const Invocation &invocation, const QString &flag)
{
    bool ok = false;
    const qint64 seq = invocation.value(flag).toLongLong(&ok);
    if (!ok || seq < 0)
        throw UsageError(
            QStringLiteral("--%1: expected a sequence number, got '%2'").arg(flag, invocation.value(flag)));
    return seq;
}

void buildLog(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    const Connection connection(invocation);
    v1::StreamBuildLogRequest request;
    request.set_build_id(invocation.argument(0).toStdString());
    request.set_after_seq(invocation.has(kAfterFlag) ? parseSeq(invocation, kAfterFlag) : 0);

    // A watcher that fell behind was dropped by the server: it resumes after the last line it printed.
    std::optional<v1::Build> finished;
    while (!finished) {
        connection.stream(&Stub::StreamBuildLog, request, std::function([&](const v1::BuildLogEvent &event) {
            if (event.has_line()) {
                if (format == OutputFormat::Json)
                    printJsonLine(event.line());
                else
                    printLine(QString::fromStdString(event.line().text()));
                std::fflush(stdout);
                request.set_after_seq(event.line().seq());
            } else if (event.has_final()) {
                finished = event.final();
            }
            return true;
        }));
        // Ending quietly here would pass a cut-off log for the whole one.
        if (!finished && !invocation.has(kFollowFlag))
            throw CommandError(QStringLiteral("the server dropped this reader, which fell behind, after line "
                                              "%1; resume with --%2 %1, or use --%3")
                                   .arg(QString::number(request.after_seq()), kAfterFlag, kFollowFlag));
    }
    writeStderr(QStringLiteral("build %1 %2%3\n")
                    .arg(QString::fromStdString(finished->id()), stateName(finished->state()),
                         finished->failure_reason().empty()
                             ? QString()
                             : QStringLiteral(": ") + QString::fromStdString(finished->failure_reason())));
}

void watchEvents(const Invocation &invocation)
{
    const OutputFormat format = outputFormat(invocation);
    v1::WatchEventsRequest request;
    request.set_application(invocation.value(kAppFlag).toStdString());
    if (invocation.has(kAfterFlag))
        request.set_after_seq(parseSeq(invocation, kAfterFlag));
    Connection(invocation)
        .stream(&v1::EventService::Stub::WatchEvents, request, std::function([&](const v1::Event &event) {
            if (format == OutputFormat::Json) {
                printJsonLine(event);
                return true;
            }
            printLine(QStringList{QString::number(event.seq()), formatTime(event.time()),
                                  typeName(event.type()), orDash(event.application_name()),
                                  orDash(event.build_id()), orDash(event.state()), orDash(event.message())}
                          .join(u' '));
            std::fflush(stdout);
            return true;
        }));
}

Flag followFlag(const QString &description)
{
    return {.name = kFollowFlag, .description = description, .shortName = u'f'};
}

} // namespace

Command buildsCommand()
{
    return {
        .name = QStringLiteral("builds"),
        .summary = QStringLiteral("Look at builds, follow their logs, cancel and retry them"),
        .subcommands =
            {
                {.name = QStringLiteral("list"),
                 .summary = QStringLiteral("List the builds you can see, newest first"),
                 .flags = {{.name = kAppFlag,
                            .valueName = QStringLiteral("APP"),
                            .description = QStringLiteral("Only this application's builds")},
                           {.name = kStateFlag,
                            .valueName = QStringLiteral("STATE"),
                            .description =
                                QStringLiteral("Only builds in this state (queued, building, succeeded, "
                                               "failed, canceled)"),
                            .repeatable = true}},
                 .run = listBuilds},
                {.name = QStringLiteral("get"),
                 .summary = QStringLiteral("Show one build, with its place in the queue while it waits"),
                 .arguments = {kBuildArgument},
                 .run = getBuild},
                {.name = QStringLiteral("log"),
                 .summary =
                     QStringLiteral("Print a build's log: the lines so far, then, for a build still running, "
                                    "the new ones until it finishes"),
                 .arguments = {kBuildArgument},
                 .flags = {followFlag(QStringLiteral("Keep following when the server drops a slow reader")),
                           {.name = kAfterFlag,
                            .valueName = QStringLiteral("SEQ"),
                            .description = QStringLiteral("Start after this line number")}},
                 .run = buildLog},
                {.name = QStringLiteral("cancel"),
                 .summary = QStringLiteral("Cancel a queued build, or stop a running one"),
                 .arguments = {kBuildArgument},
                 .run = cancelBuild},
                {.name = QStringLiteral("retry"),
                 .summary =
                     QStringLiteral("Queue a new build of an application's current commit and print its id"),
                 .arguments = {{.name = QStringLiteral("APP"),
                                .description = QStringLiteral("The application's name or id")}},
                 .run = retryBuild},
            },
    };
}

Command eventsCommand()
{
    return {
        .name = QStringLiteral("events"),
        .summary =
            QStringLiteral("Follow what happens to the applications you can see, one line per event, until "
                           "interrupted"),
        .flags = {followFlag(QStringLiteral("Follow (the default: the server keeps no history to list)")),
                  {.name = kAppFlag,
                   .valueName = QStringLiteral("APP"),
                   .description = QStringLiteral("Only this application's events")},
                  {.name = kAfterFlag,
                   .valueName = QStringLiteral("SEQ"),
                   .description =
                       QStringLiteral("First replay the events after this one that the server still "
                                      "holds")}},
        .run = watchEvents,
    };
}

} // namespace vitrine::cli
