#pragma once

#include <QLoggingCategory>
#include <QString>
#include <QStringView>

namespace vitrine::app {

Q_DECLARE_LOGGING_CATEGORY(lcServer) // "vitrine.server": startup, shutdown, the composition root

enum class LogLevel { Debug, Info, Warning, Error };
enum class LogFormat { Text, Json };

// Routes every Qt log record of the process to stderr, one line per record, and drops records below
// `level`. Text lines read `2026-11-24T10:00:00.123Z INFO  vitrine.server ready grpc=127.0.0.1:50051`;
// JSON lines carry time, level, logger and msg, plus one member per trailing key=value pair of the
// message. Safe to log from any thread once installed.
void installLogHandler(LogLevel level, LogFormat format);

// "key=value" for a log message, quoting and escaping the value when it holds spaces, quotes, "=" or
// control characters (logfmt), so that the JSON format can lift it into a member of its own.
QString logField(QStringView key, const QString &value);

} // namespace vitrine::app
