#pragma once

// Conversions between the server's protobuf messages and the desktop's Qt types, shared by the client's calls
// and streams. Only desktop/client .cpp files include this; views and models never meet protobuf.

#include "client/server_stream.h"
#include "models/application_summary.h"
#include "models/metrics_sample.h"
#include "vitrine/v1/applications.pb.h"
#include "vitrine/v1/builds.pb.h"
#include "vitrine/v1/metrics.pb.h"

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <QDateTime>
#include <QString>

namespace vitrine::desktop {

// In UTC.
QDateTime toDateTime(const google::protobuf::Timestamp &timestamp);
// Invalid when the message leaves the field unset (`isSet`): "not started yet" must not read as 1970.
QDateTime toDateTime(bool isSet, const google::protobuf::Timestamp &timestamp);
google::protobuf::Timestamp toTimestamp(const QDateTime &time);

qint64 toMilliseconds(const google::protobuf::Duration &duration);

BuildState toBuildState(v1::BuildState state);
DeployType toDeployType(v1::DeployType type);

// Spelled as vitrinectl's --type: "static", "static-cmd", …, "auto"; empty for UNSPECIFIED.
QString buildTypeName(v1::BuildType type);
// An unknown name becomes UNSPECIFIED, which the server refuses as "build.type: required".
v1::BuildType toBuildType(const QString &name);

// "blog.localhost", or "club.localhost/blog" under a path prefix.
QString websiteText(const v1::Website &website);

MetricsSample toMetricsSample(const v1::MetricsSample &sample);
StreamedLogLine toStreamedLogLine(const v1::LogLine &line);

} // namespace vitrine::desktop
