#pragma once

#include "command_line.h"

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace vitrine::cli {

enum class OutputFormat {
    Table, // aligned columns or "Label: value" lines, for people
    Json,  // the API's messages in protobuf's JSON mapping, one document per command, for scripts
};

// The global -o/--output flag.
Flag outputFlag();
// From -o; a value other than table or json is a UsageError.
OutputFormat outputFormat(const Invocation &invocation);

void writeStdout(const QString &text);
void writeStderr(const QString &text);
// One line on stdout.
void printLine(const QString &line);
// The message as one JSON document on stdout; every field is shown, also those at their default value.
void printJson(const google::protobuf::Message &message);
// The message as one line of JSON, flushed at once: what a script reading a followed stream wants.
void printJsonLine(const google::protobuf::Message &message);
// The answer as JSON for scripts, or else `text` as one line for people: the new id of a create, or what
// was done ("Deleted user bob.").
void printResult(const google::protobuf::Message &message, OutputFormat format, const QString &text);
// "Label:  value" lines with the values aligned.
void printFields(const QList<std::pair<QString, QString>> &fields);

// Columns aligned to their widest cell, under a header row.
class Table {
public:
    explicit Table(QStringList header);

    void addRow(QStringList cells);
    void print() const;

private:
    QList<QStringList> m_rows; // the header first
};

// Local time, "2024-05-01 13:45:07"; "-" for an unset timestamp.
QString formatTime(const google::protobuf::Timestamp &time);
// "812 KiB", "64.0 MiB", "1.2 GiB".
QString formatBytes(qint64 bytes);
// "a, b, c", or "-" for none.
QString joinedOrDash(const QStringList &items);
QStringList toQStringList(const google::protobuf::RepeatedPtrField<std::string> &items);
// Adds each item to a repeated string field of a request, in order.
void appendAll(const QStringList &items, google::protobuf::RepeatedPtrField<std::string> *field);

} // namespace vitrine::cli
