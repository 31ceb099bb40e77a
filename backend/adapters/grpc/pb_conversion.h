#pragma once

#include "domain/application.h"
#include "domain/build.h"
#include "domain/event.h"
#include "domain/log_line.h"
#include "domain/repository.h"
#include "domain/token.h"
#include "domain/user.h"
#include "usecases/paging.h"
#include "vitrine/v1/applications.pb.h"
#include "vitrine/v1/builds.pb.h"
#include "vitrine/v1/common.pb.h"
#include "vitrine/v1/events.pb.h"
#include "vitrine/v1/repositories.pb.h"
#include "vitrine/v1/tokens.pb.h"
#include "vitrine/v1/users.pb.h"

#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>

// Between domain types and vitrine.v1 messages. Conversions from requests check only what the wire allows
// and the domain cannot express (unknown enum values, out-of-range numbers and times) and throw BadRequest
// naming the field; the use cases validate the rest.
namespace vitrine::adapters::grpc {

template<typename T>
using Repeated = google::protobuf::RepeatedPtrField<T>;

inline QString toQString(const std::string &text)
{
    return QString::fromStdString(text);
}

inline std::string toStd(const QString &text)
{
    return text.toStdString();
}

QStringList toQStringList(const Repeated<std::string> &texts);

// A null time gives the zero timestamp; callers leave optional timestamp fields unset instead.
google::protobuf::Timestamp toTimestamp(const QDateTime &time);
// A UTC QDateTime; BadRequest on a timestamp outside 0001-01-01 … 9999-12-31.
QDateTime fromTimestamp(const QString &field, const google::protobuf::Timestamp &timestamp);

// Enums from the wire: the UNSPECIFIED value gives nullopt (each request says what it means there), and a
// value this server does not know is BadRequest.
v1::Role toPb(domain::Role role);
std::optional<domain::Role> fromPb(const QString &field, v1::Role role);
v1::DeployType toPb(domain::DeployType type);
std::optional<domain::DeployType> fromPb(const QString &field, v1::DeployType type);
v1::BuildType toPb(domain::BuildType type);
std::optional<domain::BuildType> fromPb(const QString &field, v1::BuildType type);
v1::BuildState toPb(domain::BuildState state);
std::optional<domain::BuildState> fromPb(const QString &field, v1::BuildState state);
v1::LogStream toPb(domain::LogStream stream);
std::optional<domain::LogStream> fromPb(const QString &field, v1::LogStream stream);
v1::EventType toPb(domain::EventType type);
std::optional<domain::EventType> fromPb(const QString &field, v1::EventType type);

// field: where the config sits in the request ("build"). Its type is required.
domain::BuildConfig fromPb(const QString &field, const v1::BuildConfig &build);
// field: "websites". An empty path prefix means "/". More than domain::kMaxWebsites is BadRequest.
QList<domain::Website> fromPb(const QString &field, const Repeated<v1::Website> &websites);
// field: "env". A key given twice, or more than domain::kMaxEnvVars keys, is BadRequest.
domain::EnvVars fromPb(const QString &field, const Repeated<v1::EnvVar> &env);
usecases::PageRequest fromPb(const v1::PageRequest &page);

void toPb(const domain::User &user, v1::User *out);
void toPb(const domain::Token &token, v1::Token *out);
void toPb(const domain::Repository &repository, v1::Repository *out);
void toPb(const domain::Application &application, v1::Application *out);
void toPb(const domain::EnvVars &env, Repeated<v1::EnvVar> *out);
void toPb(const domain::BuildConfig &build, v1::BuildConfig *out);
// Leaves queue_position 0: the queue, not the build, knows it. Env vars are not sent.
void toPb(const domain::Build &build, v1::Build *out);
void toPb(const domain::LogLine &line, v1::LogLine *out);
// ownerIds stay on the server: they decide who gets the event.
void toPb(const domain::Event &event, v1::Event *out);

// What a message carries, back into the domain (remote builders and clients send them). An unspecified
// state, stream or type is BadRequest naming the field, like an unknown one; field: where the message sits.
domain::Build fromPb(const QString &field, const v1::Build &build);
domain::LogLine fromPb(const QString &field, const v1::LogLine &line);
domain::Event fromPb(const QString &field, const v1::Event &event);

} // namespace vitrine::adapters::grpc
