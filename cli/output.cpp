#include "output.h"

#include <google/protobuf/util/json_util.h>

#include <QDateTime>

#include <algorithm>
#include <cstdio>

namespace vitrine::cli {

namespace {

const QString kOutputFlag = QStringLiteral("output");

void write(std::FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

// The message in protobuf's JSON mapping; a CommandError when it cannot be mapped.
QString toJson(const google::protobuf::Message &message,
               const google::protobuf::util::JsonPrintOptions &options)
{
    std::string text;
    const auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
    if (!status.ok())
        throw CommandError(QStringLiteral("cannot print the answer as JSON: %1")
                               .arg(QString::fromStdString(status.ToString())));
    return QString::fromStdString(text);
}

} // namespace

Flag outputFlag()
{
    return {.name = kOutputFlag,
            .valueName = QStringLiteral("FORMAT"),
            .description = QStringLiteral("Output format: table (default) or json"),
            .shortName = u'o'};
}

OutputFormat outputFormat(const Invocation &invocation)
{
    const QString format = invocation.value(kOutputFlag, QStringLiteral("table"));
    if (format == QStringLiteral("table"))
        return OutputFormat::Table;
    if (format == QStringLiteral("json"))
        return OutputFormat::Json;
    throw UsageError(QStringLiteral("unknown output format '%1': use table or json").arg(format));
}

void writeStdout(const QString &text)
{
    write(stdout, text);
}

void writeStderr(const QString &text)
{
    write(stderr, text);
}

void printLine(const QString &line)
{
    writeStdout(line + u'\n');
}

void printJson(const google::protobuf::Message &message)
{
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.always_print_primitive_fields = true;
    writeStdout(toJson(message, options));
}

void printJsonLine(const google::protobuf::Message &message)
{
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    printLine(toJson(message, options));
    std::fflush(stdout);
}

void printResult(const google::protobuf::Message &message, OutputFormat format, const QString &text)
{
    if (format == OutputFormat::Json)
        printJson(message);
    else
        printLine(text);
}

void printFields(const QList<std::pair<QString, QString>> &fields)
{
    qsizetype width = 0;
    for (const auto &[label, value] : fields)
        width = std::max(width, label.size() + 1);
    for (const auto &[label, value] : fields)
        printLine((label + u':').leftJustified(width + 2) + value);
}

Table::Table(QStringList header)
{
    m_rows.append(std::move(header));
}

void Table::addRow(QStringList cells)
{
    m_rows.append(std::move(cells));
}

void Table::print() const
{
    QList<qsizetype> widths(m_rows.constFirst().size());
    for (const QStringList &row : m_rows) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row.at(column).size());
    }
    for (const QStringList &row : m_rows) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column) {
            const bool last = column + 1 == row.size();
            line += last ? row.at(column) : row.at(column).leftJustified(widths[column] + 3);
        }
        printLine(line);
    }
}

QString formatTime(const google::protobuf::Timestamp &time)
{
    if (time.seconds() == 0 && time.nanos() == 0)
        return QStringLiteral("-");
    return QDateTime::fromSecsSinceEpoch(time.seconds())
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString formatBytes(qint64 bytes)
{
    static const QStringList units{QStringLiteral("B"), QStringLiteral("KiB"), QStringLiteral("MiB"),
                                   QStringLiteral("GiB"), QStringLiteral("TiB")};
    double value = double(bytes);
    qsizetype unit = 0;
    while (value >= 1024 && unit + 1 < units.size()) {
        value /= 1024;
        ++unit;
    }
    return unit <= 1 ? QStringLiteral("%1 %2").arg(qint64(value)).arg(units[unit])
                     : QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(units[unit]);
}

QString joinedOrDash(const QStringList &items)
{
    return items.isEmpty() ? QStringLiteral("-") : items.join(QStringLiteral(", "));
}

QStringList toQStringList(const google::protobuf::RepeatedPtrField<std::string> &items)
{
    QStringList list;
    for (const std::string &item : items)
        list.append(QString::fromStdString(item));
    return list;
}

void appendAll(const QStringList &items, google::protobuf::RepeatedPtrField<std::string> *field)
{
    for (const QString &item : items)
        field->Add(item.toStdString());
}

} // namespace vitrine::cli
