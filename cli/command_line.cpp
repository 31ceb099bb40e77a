#include "command_line.h"

#include "output.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>
#include <utility>

namespace vitrine::cli {

namespace {

const QString kHelpFlag = QStringLiteral("help");
const QString kVersionFlag = QStringLiteral("version");

QList<Flag> builtInFlags()
{
    return {
        {.name = kHelpFlag, .description = QStringLiteral("Show help for the command"), .shortName = u'h'},
        {.name = kVersionFlag, .description = QStringLiteral("Show the version of vitrinectl")},
    };
}

int editDistance(QStringView from, QStringView to)
{
    QList<int> previous(to.size() + 1);
    for (qsizetype j = 0; j <= to.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= from.size(); ++i) {
        QList<int> current(to.size() + 1);
        current[0] = int(i);
        for (qsizetype j = 1; j <= to.size(); ++j) {
            const int substitution = previous[j - 1] + (from[i - 1] == to[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        previous = std::move(current);
    }
    return previous[to.size()];
}

// " (did you mean 'x'?)" for the candidate closest to a mistyped word, or nothing when none is close.
QString suggestion(const QString &typed, const QStringList &candidates)
{
    constexpr int kMaxTypos = 2;
    QString best;
    int bestDistance = kMaxTypos + 1;
    for (const QString &candidate : candidates) {
        const int distance = editDistance(typed, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best.isEmpty() ? QString() : QStringLiteral(" (did you mean '%1'?)").arg(best);
}

QString commandPath(const QList<const Command *> &path)
{
    QStringList names;
    for (const Command *command : path)
        names.append(command->name);
    return names.join(u' ');
}

// "-o, --output FORMAT"; flags without a short form are indented to line up when others in the list have one.
QString flagLabel(const Flag &flag, bool alignWithShortForms)
{
    QString label;
    if (!flag.shortName.isNull())
        label = QStringLiteral("-%1, ").arg(flag.shortName);
    else if (alignWithShortForms)
        label = QStringLiteral("    ");
    label += QStringLiteral("--") + flag.name;
    if (!flag.valueName.isEmpty())
        label += u' ' + flag.valueName;
    return label;
}

QString flagDescription(const Flag &flag)
{
    QString description = flag.description;
    if (flag.required)
        description += QStringLiteral(" (required)");
    if (flag.repeatable)
        description += QStringLiteral(" (repeatable)");
    return description;
}

// Indented rows of "left  right", the right column aligned.
QString twoColumns(const QList<std::pair<QString, QString>> &rows)
{
    qsizetype width = 0;
    for (const auto &[left, right] : rows)
        width = std::max(width, left.size());
    QString text;
    for (const auto &[left, right] : rows)
        text += QStringLiteral("  ") + left.leftJustified(width + 3) + right + u'\n';
    return text;
}

QString flagSection(const QString &title, const QList<Flag> &flags)
{
    const bool anyShortForm =
        std::any_of(flags.cbegin(), flags.cend(), [](const Flag &flag) { return !flag.shortName.isNull(); });
    QList<std::pair<QString, QString>> rows;
    for (const Flag &flag : flags)
        rows.append({flagLabel(flag, anyShortForm), flagDescription(flag)});
    return u'\n' + title + QStringLiteral(":\n") + twoColumns(rows);
}

} // namespace

CommandError::CommandError(const QString &message, ExitCode exitCode)
    : std::runtime_error(message.toStdString())
    , m_message(message)
    , m_exitCode(exitCode)
{
}

UsageError::UsageError(const QString &message)
    : CommandError(message, ExitCode::Usage)
{
}

Invocation::Invocation(QStringList arguments, QMap<QString, QStringList> flags)
    : m_arguments(std::move(arguments))
    , m_flags(std::move(flags))
{
}

QString Invocation::value(const QString &flag, const QString &defaultValue) const
{
    const QStringList given = m_flags.value(flag);
    return given.isEmpty() ? defaultValue : given.constLast();
}

qint64 parseDurationSeconds(const QString &flag, const QString &text)
{
    static const QRegularExpression part(QStringLiteral("(\\d{1,9})([smhdw])"));
    const QString units = QStringLiteral("smhdw");
    constexpr qint64 kUnitSeconds[] = {1, 60, 3600, 86400, 7 * 86400};
    qint64 seconds = 0;
    qsizetype parsedUpTo = 0;
    for (auto matches = part.globalMatch(text); matches.hasNext();) {
        const QRegularExpressionMatch match = matches.next();
        if (match.capturedStart() != parsedUpTo)
            break;
        parsedUpTo = match.capturedEnd();
        seconds += match.captured(1).toLongLong() * kUnitSeconds[units.indexOf(match.captured(2))];
    }
    if (text.isEmpty() || parsedUpTo != text.size() || seconds == 0)
        throw UsageError(
            QStringLiteral("--%1: '%2' is not a duration like 90s, 5m, 1h30m or 3d (units s, m, h, d, w)")
                .arg(flag, text));
    return seconds;
}

struct CommandLine::Parsed {
    QList<const Command *> path; // from the root to the command being typed
    QStringList arguments;
    QMap<QString, QStringList> flags; // a switch maps to an empty list
};

CommandLine::CommandLine(Command root, QList<Flag> globalFlags, QString version)
    : m_root(std::move(root))
    , m_globalFlags(std::move(globalFlags) + builtInFlags())
    , m_version(std::move(version))
{
}

int CommandLine::run(const QStringList &arguments) const
{
    Parsed parsed;
    parsed.path.append(&m_root);
    try {
        if (arguments.isEmpty()) {
            writeStderr(helpText(parsed.path));
            return int(ExitCode::Usage);
        }
        parse(arguments, parsed);
        if (parsed.flags.contains(kVersionFlag)) {
            writeStdout(QStringLiteral("%1 %2\n").arg(m_root.name, m_version));
            return int(ExitCode::Success);
        }
        if (parsed.flags.contains(kHelpFlag)) {
            writeStdout(helpText(parsed.path));
            return int(ExitCode::Success);
        }
        checkComplete(parsed);
        parsed.path.constLast()->run(Invocation(parsed.arguments, parsed.flags));
        return int(ExitCode::Success);
    } catch (const UsageError &error) {
        writeStderr(QStringLiteral("%1: %2\nRun '%3 --help' for usage.\n")
                        .arg(m_root.name, error.message(), commandPath(parsed.path)));
        return int(error.exitCode());
    } catch (const CommandError &error) {
        writeStderr(QStringLiteral("%1: %2\n").arg(m_root.name, error.message()));
        return int(error.exitCode());
    }
}

void CommandLine::parse(const QStringList &arguments, Parsed &parsed) const
{
    bool flagsEnded = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (!flagsEnded && argument == QStringLiteral("--")) {
            flagsEnded = true;
            continue;
        }
        if (!flagsEnded && argument.size() > 1 && argument.startsWith(u'-')) {
            // Accepted forms: --name, --name=value, --name value, -n, -nvalue, -n value.
            QString typed;
            std::optional<QString> inlineValue;
            if (argument.startsWith(QStringLiteral("--"))) {
                const qsizetype equals = argument.indexOf(u'=');
                typed = argument.left(equals);
                if (equals >= 0)
                    inlineValue = argument.mid(equals + 1);
            } else {
                typed = argument.left(2);
                if (argument.size() > 2)
                    inlineValue = argument.mid(argument.at(2) == u'=' ? 3 : 2);
            }
            const Flag &flag = findFlag(parsed, typed);
            if (flag.valueName.isEmpty()) {
                if (inlineValue)
                    throw UsageError(QStringLiteral("flag --%1 takes no value").arg(flag.name));
                parsed.flags.insert(flag.name, {});
                continue;
            }
            if (!inlineValue) {
                if (i + 1 == arguments.size())
                    throw UsageError(
                        QStringLiteral("flag --%1 needs a value (%2)").arg(flag.name, flag.valueName));
                inlineValue = arguments.at(++i);
            }
            if (!flag.repeatable && parsed.flags.contains(flag.name))
                throw UsageError(QStringLiteral("flag --%1 is given more than once").arg(flag.name));
            parsed.flags[flag.name].append(*inlineValue);
            continue;
        }

        const Command *current = parsed.path.constLast();
        if (current->run) {
            parsed.arguments.append(argument);
            continue;
        }
        const auto subcommand =
            std::find_if(current->subcommands.cbegin(), current->subcommands.cend(),
                         [&](const Command &command) { return command.name == argument; });
        if (subcommand == current->subcommands.cend()) {
            QStringList names;
            for (const Command &command : current->subcommands)
                names.append(command.name);
            throw UsageError(QStringLiteral("unknown command '%1' for '%2'%3")
                                 .arg(argument, commandPath(parsed.path), suggestion(argument, names)));
        }
        parsed.path.append(&*subcommand);
    }
}

const Flag &CommandLine::findFlag(const Parsed &parsed, const QString &typed) const
{
    const auto matches = [&](const Flag &flag) {
        return typed == QStringLiteral("--") + flag.name ||
               (!flag.shortName.isNull() && typed == QStringLiteral("-%1").arg(flag.shortName));
    };
    const QList<Flag> &commandFlags = parsed.path.constLast()->flags;
    for (const QList<Flag> *flags : {&commandFlags, &m_globalFlags}) {
        const auto found = std::find_if(flags->cbegin(), flags->cend(), matches);
        if (found != flags->cend())
            return *found;
    }
    QStringList names;
    for (const QList<Flag> *flags : {&commandFlags, &m_globalFlags}) {
        for (const Flag &flag : *flags)
            names.append(QStringLiteral("--") + flag.name);
    }
    throw UsageError(QStringLiteral("unknown flag '%1' for '%2'%3")
                         .arg(typed, commandPath(parsed.path), suggestion(typed, names)));
}

void CommandLine::checkComplete(const Parsed &parsed) const
{
    const Command &command = *parsed.path.constLast();
    if (!command.run) {
        QStringList names;
        for (const Command &subcommand : command.subcommands)
            names.append(subcommand.name);
        throw UsageError(
            QStringLiteral("'%1' needs a command: %2").arg(commandPath(parsed.path), names.join(u", ")));
    }

    const bool variadic = !command.arguments.isEmpty() && command.arguments.constLast().variadic;
    if (parsed.arguments.size() < command.arguments.size())
        throw UsageError(
            QStringLiteral("missing %1").arg(command.arguments.at(parsed.arguments.size()).name));
    if (!variadic && parsed.arguments.size() > command.arguments.size())
        throw UsageError(
            QStringLiteral("unexpected argument '%1'").arg(parsed.arguments.at(command.arguments.size())));

    for (const Flag &flag : command.flags) {
        if (flag.required && !parsed.flags.contains(flag.name))
            throw UsageError(QStringLiteral("missing flag --%1 %2").arg(flag.name, flag.valueName));
    }
}

QString CommandLine::usageLine(const QList<const Command *> &path) const
{
    const Command &command = *path.constLast();
    QString line = commandPath(path);
    if (!command.run)
        return line + QStringLiteral(" COMMAND [flags]");
    for (const Argument &argument : command.arguments)
        line += u' ' + argument.name + (argument.variadic ? QStringLiteral("...") : QString());
    bool hasOptionalFlags = false;
    for (const Flag &flag : command.flags) {
        if (flag.required)
            line += QStringLiteral(" --%1 %2").arg(flag.name, flag.valueName);
        else
            hasOptionalFlags = true;
    }
    return line + (hasOptionalFlags ? QStringLiteral(" [flags]") : QString());
}

QString CommandLine::helpText(const QList<const Command *> &path) const
{
    const Command &command = *path.constLast();
    QString text = command.summary + QStringLiteral("\n\nUsage:\n  ") + usageLine(path) + u'\n';

    if (!command.subcommands.isEmpty()) {
        QList<std::pair<QString, QString>> rows;
        for (const Command &subcommand : command.subcommands)
            rows.append({subcommand.name, subcommand.summary});
        text += QStringLiteral("\nCommands:\n") + twoColumns(rows);
    }
    if (!command.arguments.isEmpty()) {
        QList<std::pair<QString, QString>> rows;
        for (const Argument &argument : command.arguments)
            rows.append({argument.name + (argument.variadic ? QStringLiteral("...") : QString()),
                         argument.description});
        text += QStringLiteral("\nArguments:\n") + twoColumns(rows);
    }
    if (!command.flags.isEmpty())
        text += flagSection(QStringLiteral("Flags"), command.flags);
    text += flagSection(QStringLiteral("Global flags"), m_globalFlags);
    if (!command.run)
        text +=
            QStringLiteral("\nRun '%1 COMMAND --help' for more about a command.\n").arg(commandPath(path));
    return text;
}

} // namespace vitrine::cli
