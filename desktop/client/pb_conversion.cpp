#include "client/pb_conversion.h"

#include <google/protobuf/util/time_util.h>

namespace vitrine::desktop {

using google::protobuf::util::TimeUtil;

QDateTime toDateTime(const google::protobuf::Timestamp &timestamp)
{
    return QDateTime::fromMSecsSinceEpoch(TimeUtil::TimestampToMilliseconds(timestamp), Qt::UTC);
}

QDateTime toDateTime(bool isSet, const google::protobuf::Timestamp &timestamp)
{
    return isSet ? toDateTime(timestamp) : QDateTime();
}

google::protobuf::Timestamp toTimestamp(const QDateTime &time)
{
    return TimeUtil::MillisecondsToTimestamp(time.toMSecsSinceEpoch());
}

qint64 toMilliseconds(const google::protobuf::Duration &duration)
{
    return TimeUtil::DurationToMilliseconds(duration);
}

BuildState toBuildState(v1::BuildState state)
{
    switch (state) {
    case v1::BUILD_STATE_QUEUED:
        return BuildState::Queued;
    case v1::BUILD_STATE_BUILDING:
        return BuildState::Building;
    case v1::BUILD_STATE_SUCCEEDED:
        return BuildState::Succeeded;
    case v1::BUILD_STATE_FAILED:
        return BuildState::Failed;
    case v1::BUILD_STATE_CANCELED:
        return BuildState::Canceled;
    default:
        return BuildState::None;
    }
}

DeployType toDeployType(v1::DeployType type)
{
    switch (type) {
    case v1::DEPLOY_TYPE_STATIC:
        return DeployType::Static;
    case v1::DEPLOY_TYPE_RUNTIME:
        return DeployType::Runtime;
    default:
        return DeployType::Unspecified;
    }
}

QString buildTypeName(v1::BuildType type)
{
    switch (type) {
    case v1::BUILD_TYPE_STATIC:
        return QStringLiteral("static");
    case v1::BUILD_TYPE_STATIC_CMD:
        return QStringLiteral("static-cmd");
    case v1::BUILD_TYPE_STATIC_DOCKERFILE:
        return QStringLiteral("static-dockerfile");
    case v1::BUILD_TYPE_RUNTIME_CMD:
        return QStringLiteral("runtime-cmd");
    case v1::BUILD_TYPE_RUNTIME_DOCKERFILE:
        return QStringLiteral("runtime-dockerfile");
    case v1::BUILD_TYPE_AUTO:
        return QStringLiteral("auto");
    default:
        return {};
    }
}

v1::BuildType toBuildType(const QString &name)
{
    for (int value = v1::BuildType_MIN; value <= v1::BuildType_MAX; ++value) {
        if (v1::BuildType_IsValid(value) && buildTypeName(static_cast<v1::BuildType>(value)) == name)
            return static_cast<v1::BuildType>(value);
    }
    return v1::BUILD_TYPE_UNSPECIFIED;
}

QString websiteText(const v1::Website &website)
{
    const QString fqdn = QString::fromStdString(website.fqdn());
    const QString prefix = QString::fromStdString(website.path_prefix());
    return prefix.isEmpty() || prefix == QLatin1String("/") ? fqdn : fqdn + prefix;
}

MetricsSample toMetricsSample(const v1::MetricsSample &sample)
{
    return {
        .time = toDateTime(sample.time()),
        .resolutionSeconds = sample.resolution_seconds(),
        .cpuCores = sample.cpu_cores(),
        .memoryBytes = sample.memory_bytes(),
        .restarts = sample.restarts(),
        .requests = sample.requests(),
    };
}

StreamedLogLine toStreamedLogLine(const v1::LogLine &line)
{
    StreamedLogLine streamed;
    streamed.seq = line.seq();
    streamed.time = toDateTime(line.time());
    switch (line.stream()) {
    case v1::LOG_STREAM_STDERR:
        streamed.source = StreamedLogLine::Source::Stderr;
        break;
    case v1::LOG_STREAM_SYSTEM:
        streamed.source = StreamedLogLine::Source::System;
        break;
    default:
        streamed.source = StreamedLogLine::Source::Stdout;
        break;
    }
    streamed.text = QString::fromStdString(line.text());
    return streamed;
}

} // namespace vitrine::desktop
