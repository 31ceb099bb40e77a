#include "app/logging.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <cstdio>

namespace vitrine::app {

Q_LOGGING_CATEGORY(lcServer, "vitrine.server")

namespace {

// Written once by installLogHandler, before the handler can run.
LogFormat g_format = LogFormat::Text;

struct Field {
    QString key;
    QString value;
};

// A message split into its free text and the key=value pairs that end it.
struct StructuredMessage {
    QString text;
    QList<Field> fields;
};

bool isKeyStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

bool isKeyChar(QChar c)
{
    return isKeyStart(c) || (c >= u'0' && c <= u'9') || c == u'.' || c == u'-';
}

bool isControl(QChar c)
{
    return c.unicode() < 0x20 || c.unicode() == 0x7f;
}

// The JSON record's own members; a message field of the same name stays in the text instead.
bool isReservedKey(const QString &key)
{
    return key == u"time" || key == u"level" || key == u"logger" || key == u"msg";
}

QString escapeLogfmt(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size() + 2);
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\') {
            escaped += u'\\';
            escaped += c;
        } else if (c == u'\n') {
            escaped += QStringLiteral("\\n");
        } else if (c == u'\r') {
            escaped += QStringLiteral("\\r");
        } else if (c == u'\t') {
            escaped += QStringLiteral("\\t");
        } else if (isControl(c)) {
            escaped += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        } else {
            escaped += c;
        }
    }
    return escaped;
}

// Reads a quoted logfmt value starting at the opening quote. Returns the position after the closing
// quote, or -1 when the quote never closes.
qsizetype readQuotedValue(const QString &message, qsizetype openingQuote, QString *value)
{
    const qsizetype size = message.size();
    qsizetype i = openingQuote + 1;
    while (i < size) {
        const QChar c = message.at(i);
        if (c == u'"')
            return i + 1;
        if (c == u'\\' && i + 1 < size) {
            const QChar escaped = message.at(i + 1);
            if (escaped == u'n') {
                *value += u'\n';
            } else if (escaped == u'r') {
                *value += u'\r';
            } else if (escaped == u't') {
                *value += u'\t';
            } else if (escaped == u'u' && i + 5 < size) {
                bool ok = false;
                const ushort code = message.mid(i + 2, 4).toUShort(&ok, 16);
                if (!ok)
                    return -1;
                *value += QChar(code);
                i += 6;
                continue;
            } else {
                *value += escaped;
            }
            i += 2;
            continue;
        }
        *value += c;
        ++i;
    }
    return -1;
}

StructuredMessage splitTrailingFields(const QString &message)
{
    struct Token {
        qsizetype start = 0;
        bool isField = false;
        Field field;
    };
    QList<Token> tokens;
    const qsizetype size = message.size();
    qsizetype i = 0;
    while (i < size) {
        if (message.at(i) == u' ') {
            ++i;
            continue;
        }
        Token token{i, false, {}};
        qsizetype keyEnd = i;
        if (isKeyStart(message.at(i))) {
            while (keyEnd < size && isKeyChar(message.at(keyEnd)))
                ++keyEnd;
        }
        if (keyEnd > i && keyEnd < size && message.at(keyEnd) == u'=') {
            token.field.key = message.mid(i, keyEnd - i);
            const qsizetype valueStart = keyEnd + 1;
            if (valueStart < size && message.at(valueStart) == u'"') {
                const qsizetype end = readQuotedValue(message, valueStart, &token.field.value);
                if (end >= 0 && (end == size || message.at(end) == u' ')) {
                    token.isField = true;
                    tokens.append(token);
                    i = end;
                    continue;
                }
                token.field = {};
            } else {
                qsizetype end = valueStart;
                while (end < size && message.at(end) != u' ')
                    ++end;
                token.field.value = message.mid(valueStart, end - valueStart);
                token.isField = true;
                tokens.append(token);
                i = end;
                continue;
            }
        }
        while (i < size && message.at(i) != u' ')
            ++i;
        tokens.append(token);
    }

    qsizetype firstField = tokens.size();
    QList<QString> keys;
    while (firstField > 0) {
        const Token &token = tokens.at(firstField - 1);
        if (!token.isField || isReservedKey(token.field.key) || keys.contains(token.field.key))
            break;
        keys.append(token.field.key);
        --firstField;
    }

    StructuredMessage structured;
    const qsizetype textEnd = firstField < tokens.size() ? tokens.at(firstField).start : size;
    structured.text = message.left(textEnd).trimmed();
    for (qsizetype t = firstField; t < tokens.size(); ++t)
        structured.fields.append(tokens.at(t).field);
    return structured;
}

void appendJsonString(QString *out, const QString &value)
{
    *out += u'"';
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\') {
            *out += u'\\';
            *out += c;
        } else if (c == u'\n') {
            *out += QStringLiteral("\\n");
        } else if (c == u'\r') {
            *out += QStringLiteral("\\r");
        } else if (c == u'\t') {
            *out += QStringLiteral("\\t");
        } else if (c.unicode() < 0x20) {
            *out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        } else {
            *out += c;
        }
    }
    *out += u'"';
}

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return QStringLiteral("error");
}

// Five columns wide, so that the text format's categories line up.
QString textLevelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("DEBUG");
    case QtInfoMsg:
        return QStringLiteral("INFO ");
    case QtWarningMsg:
        return QStringLiteral("WARN ");
    case QtCriticalMsg:
        return QStringLiteral("ERROR");
    case QtFatalMsg:
        return QStringLiteral("FATAL");
    }
    return QStringLiteral("ERROR");
}

QString textLine(const QString &time, QtMsgType type, const QString &category, const QString &message)
{
    QString flatMessage = message;
    flatMessage.replace(u'\n', QStringLiteral("\\n"));
    return time + u' ' + textLevelName(type) + u' ' + category + u' ' + flatMessage;
}

QString jsonLine(const QString &time, QtMsgType type, const QString &category, const QString &message)
{
    const StructuredMessage structured = splitTrailingFields(message);
    QString line = QStringLiteral("{\"time\":");
    appendJsonString(&line, time);
    line += QStringLiteral(",\"level\":");
    appendJsonString(&line, levelName(type));
    line += QStringLiteral(",\"logger\":");
    appendJsonString(&line, category);
    line += QStringLiteral(",\"msg\":");
    appendJsonString(&line, structured.text);
    for (const Field &field : structured.fields) {
        line += u',';
        appendJsonString(&line, field.key);
        line += u':';
        appendJsonString(&line, field.value);
    }
    line += u'}';
    return line;
}

void writeRecord(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString category =
        context.category ? QString::fromUtf8(context.category) : QStringLiteral("default");
    const QString line = g_format == LogFormat::Json ? jsonLine(time, type, category, message)
                                                     : textLine(time, type, category, message);
    const QByteArray bytes = line.toUtf8() + '\n';

    // Records from gRPC's threads and the main thread must not interleave within a line.
    static QMutex mutex;
    const QMutexLocker lock(&mutex);
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

QString filterRules(LogLevel level)
{
    // At debug level Qt's defaults already show everything except Qt's own chatty "qt.*" debug output.
    switch (level) {
    case LogLevel::Debug:
        return {};
    case LogLevel::Info:
        return QStringLiteral("*.debug=false");
    case LogLevel::Warning:
        return QStringLiteral("*.debug=false\n*.info=false");
    case LogLevel::Error:
        return QStringLiteral("*.debug=false\n*.info=false\n*.warning=false");
    }
    return {};
}

} // namespace

void installLogHandler(LogLevel level, LogFormat format)
{
    g_format = format;
    QLoggingCategory::setFilterRules(filterRules(level));
    qInstallMessageHandler(writeRecord);
}

QString logField(QStringView key, const QString &value)
{
    const bool needsQuotes = value.isEmpty() || std::any_of(value.cbegin(), value.cend(), [](QChar c) {
                                 return c == u' ' || c == u'"' || c == u'=' || c == u'\\' || isControl(c);
                             });
    if (!needsQuotes)
        return key.toString() + u'=' + value;
    return key.toString() + QStringLiteral("=\"") + escapeLogfmt(value) + u'"';
}

} // namespace vitrine::app
