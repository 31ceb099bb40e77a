#pragma once

#include <QChar>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <stdexcept>

namespace vitrine::cli {

// Scripts can tell a refused or failed request (1) from a command line that is wrong (2).
enum class ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
};

// A failure reported as "vitrinectl: <message>" on stderr, ending the process with exitCode().
class CommandError : public std::runtime_error {
public:
    explicit CommandError(const QString &message, ExitCode exitCode = ExitCode::Failure);

    const QString &message() const { return m_message; }
    ExitCode exitCode() const { return m_exitCode; }

private:
    QString m_message;
    ExitCode m_exitCode;
};

// The command line is wrong (unknown command or flag, missing argument, malformed value). Exit code 2, and a
// pointer to the help of the command the user was typing.
class UsageError : public CommandError {
public:
    explicit UsageError(const QString &message);
};

// The structs below give every member an initializer, so a designated initializer may leave any of them out
// without GCC's -Wmissing-field-initializers.
struct Flag {
    QString name = {};        // the long form, without "--"
    QString valueName = {};   // shown in help, e.g. "URL"; empty for a switch that takes no value
    QString description = {}; // one line
    bool repeatable = false;
    bool required = false;
    QChar shortName = {}; // optional one-letter form, e.g. 'o' for -o
};

struct Argument {
    QString name = {}; // shown in help, e.g. "APP"
    QString description = {};
    bool variadic = false; // one or more values; only for the last argument
};

// What the user typed for one command: its positional arguments and the flags given, global ones included.
class Invocation {
public:
    Invocation(QStringList arguments, QMap<QString, QStringList> flags);

    const QStringList &arguments() const { return m_arguments; }
    const QString &argument(qsizetype index) const { return m_arguments.at(index); }
    bool has(const QString &flag) const { return m_flags.contains(flag); }
    // The flag's value, or defaultValue when the flag was not given.
    QString value(const QString &flag, const QString &defaultValue = {}) const;
    // Every value of a repeatable flag, in the order given.
    QStringList values(const QString &flag) const { return m_flags.value(flag); }

private:
    QStringList m_arguments;
    QMap<QString, QStringList> m_flags;
};

// A flag's duration in seconds: "90s", "5m", "1h30m", "30d", "2w", a sum of whole numbers with units s, m, h,
// d, w. Anything else, or zero, is a UsageError naming the flag.
qint64 parseDurationSeconds(const QString &flag, const QString &text);

using Handler = std::function<void(const Invocation &)>;

// A node of the command tree: a group of subcommands (a noun) or a command that runs (a verb).
struct Command {
    QString name = {};
    QString summary = {}; // one line, shown in the parent's list and atop the command's help
    QList<Argument> arguments = {};
    QList<Flag> flags = {};
    Handler run = {}; // empty for a group
    QList<Command> subcommands = {};
};

// Parses the arguments against a command tree, answers --help and --version at every level, runs the chosen
// command and turns its errors into a message on stderr and an exit code.
class CommandLine {
public:
    // root.name is the program name used in help and messages; globalFlags are accepted at every level.
    CommandLine(Command root, QList<Flag> globalFlags, QString version);

    // Returns the process exit code.
    int run(const QStringList &arguments) const;

private:
    struct Parsed;

    void parse(const QStringList &arguments, Parsed &parsed) const;
    const Flag &findFlag(const Parsed &parsed, const QString &typed) const;
    void checkComplete(const Parsed &parsed) const;
    QString helpText(const QList<const Command *> &path) const;
    QString usageLine(const QList<const Command *> &path) const;

    Command m_root;
    QList<Flag> m_globalFlags;
    QString m_version;
};

} // namespace vitrine::cli
