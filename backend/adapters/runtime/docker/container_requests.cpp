#include "adapters/runtime/docker/container_requests.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace vitrine::adapters::runtime {
namespace {

const QString kManagedLabel = QStringLiteral("vitrine.managed");
const QString kServerLabel = QString::fromLatin1(kServerIdLabel);

QString portKey(quint16 port)
{
    return QStringLiteral("%1/tcp").arg(port);
}

} // namespace

QString containerName(const QString &instanceId)
{
    QString name = QStringLiteral("vitrine-") + instanceId;
    for (QChar &character : name) {
        const bool allowed = (character >= QLatin1Char('a') && character <= QLatin1Char('z')) ||
                             (character >= QLatin1Char('A') && character <= QLatin1Char('Z')) ||
                             (character >= QLatin1Char('0') && character <= QLatin1Char('9')) ||
                             character == QLatin1Char('_') || character == QLatin1Char('.') ||
                             character == QLatin1Char('-');
        if (!allowed)
            character = QLatin1Char('-');
    }
    return name;
}

QByteArray createContainerBody(const domain::InstanceSpec &spec, const QString &serverId)
{
    QJsonArray env;
    for (auto it = spec.env.cbegin(); it != spec.env.cend(); ++it) {
        if (it.key() != QLatin1String("PORT"))
            env.append(it.key() + QLatin1Char('=') + it.value());
    }
    env.append(QStringLiteral("PORT=%1").arg(spec.port));

    const QJsonObject labels{
        {kManagedLabel, QStringLiteral("true")},
        {kServerLabel, serverId},
        {QStringLiteral("vitrine.application-id"), spec.applicationId},
        {QStringLiteral("vitrine.application-name"), spec.applicationName},
        {QStringLiteral("vitrine.build-id"), spec.buildId},
        {QStringLiteral("vitrine.instance-id"), spec.instanceId},
    };

    const QJsonObject loopback{{QStringLiteral("HostIp"), QStringLiteral("127.0.0.1")},
                               {QStringLiteral("HostPort"), QString()}};
    QJsonObject hostConfig{
        {QStringLiteral("PortBindings"), QJsonObject{{portKey(spec.port), QJsonArray{loopback}}}},
        {QStringLiteral("RestartPolicy"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("no")}}},
    };
    if (spec.limits.memoryBytes > 0) {
        hostConfig.insert(QStringLiteral("Memory"), spec.limits.memoryBytes);
        // Swap would let an app over its limit crawl instead of being stopped and reported.
        hostConfig.insert(QStringLiteral("MemorySwap"), spec.limits.memoryBytes);
    }
    if (spec.limits.cpuMillicores > 0)
        hostConfig.insert(QStringLiteral("NanoCpus"), qint64(spec.limits.cpuMillicores) * 1000000);

    QJsonObject body{
        {QStringLiteral("Image"), spec.image},
        {QStringLiteral("Env"), env},
        {QStringLiteral("Labels"), labels},
        {QStringLiteral("ExposedPorts"), QJsonObject{{portKey(spec.port), QJsonObject()}}},
        {QStringLiteral("HostConfig"), hostConfig},
    };
    if (!spec.startCommand.isEmpty()) {
        body.insert(QStringLiteral("Cmd"),
                    QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), spec.startCommand});
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QString managedContainersFilter(const QString &serverId, bool forEvents)
{
    QJsonObject filters{{QStringLiteral("label"), QJsonArray{kManagedLabel + QStringLiteral("=true"),
                                                             kServerLabel + QLatin1Char('=') + serverId}}};
    if (forEvents)
        filters.insert(QStringLiteral("type"), QJsonArray{QStringLiteral("container")});
    return QString::fromLatin1(
        QUrl::toPercentEncoding(QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact))));
}

ContainerState parseContainerState(const QJsonObject &inspect, quint16 containerPort)
{
    const QJsonObject state = inspect.value(QStringLiteral("State")).toObject();
    ContainerState result;
    result.running = state.value(QStringLiteral("Running")).toBool();
    result.exitCode = state.value(QStringLiteral("ExitCode")).toInt();
    result.outOfMemory = state.value(QStringLiteral("OOMKilled")).toBool();
    const QJsonArray bindings = inspect.value(QStringLiteral("NetworkSettings"))
                                    .toObject()
                                    .value(QStringLiteral("Ports"))
                                    .toObject()
                                    .value(portKey(containerPort))
                                    .toArray();
    for (const QJsonValue &binding : bindings) {
        const quint16 port = binding.toObject().value(QStringLiteral("HostPort")).toString().toUShort();
        if (port != 0) {
            result.hostPort = port;
            break;
        }
    }
    return result;
}

std::optional<ContainerStats> parseContainerStats(const QJsonObject &stats)
{
    const QJsonObject memory = stats.value(QStringLiteral("memory_stats")).toObject();
    const QJsonValue usage = memory.value(QStringLiteral("usage"));
    if (!usage.isDouble())
        return std::nullopt;
    // Docker's own CLI leaves the inactive page cache out: cgroup v2 names it inactive_file, v1
    // total_inactive_file.
    const QJsonObject details = memory.value(QStringLiteral("stats")).toObject();
    qint64 cache = details.value(QStringLiteral("inactive_file")).toInteger();
    if (cache == 0)
        cache = details.value(QStringLiteral("total_inactive_file")).toInteger();
    ContainerStats result;
    result.memoryBytes = std::max<qint64>(0, usage.toInteger() - cache);
    const double cpuNanoseconds = stats.value(QStringLiteral("cpu_stats"))
                                      .toObject()
                                      .value(QStringLiteral("cpu_usage"))
                                      .toObject()
                                      .value(QStringLiteral("total_usage"))
                                      .toDouble();
    result.cpuSeconds = cpuNanoseconds / 1e9;
    return result;
}

QString engineTimestamp(const QDateTime &at)
{
    const qint64 milliseconds = at.toMSecsSinceEpoch();
    return QStringLiteral("%1.%2").arg(milliseconds / 1000).arg(milliseconds % 1000, 3, 10, QLatin1Char('0'));
}

} // namespace vitrine::adapters::runtime
