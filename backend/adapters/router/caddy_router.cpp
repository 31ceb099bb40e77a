#include "adapters/router/caddy_router.h"

#include "adapters/router/caddy_config.h"
#include "adapters/router/router_logging.h"
#include "domain/error.h"

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTcpServer>

#include <utility>

namespace vitrine::adapters::router {

namespace {

using domain::Error;

// "HOST:0" becomes "HOST:PORT" with a port free right now: Caddy would pick one too, but not say which.
QString withConcretePort(const QString &listenAddress)
{
    if (!listenAddress.endsWith(QStringLiteral(":0")))
        return listenAddress;
    QString host = listenAddress.chopped(2);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QHostAddress address =
        host == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    QTcpServer probe;
    if (address.isNull() || !probe.listen(address, 0)) {
        throw Error::failedPrecondition(QStringLiteral("the router cannot listen on %1: %2")
                                            .arg(listenAddress, address.isNull()
                                                                    ? QStringLiteral("not an IP address")
                                                                    : probe.errorString()));
    }
    return listenAddress.chopped(1) + QString::number(probe.serverPort());
}

QString findCaddy(const QString &program)
{
    if (program.contains(u'/')) {
        if (QFileInfo(program).isExecutable())
            return program;
    } else if (QString found = QStandardPaths::findExecutable(program); !found.isEmpty()) {
        return found;
    }
    throw Error::failedPrecondition(
        QStringLiteral("Caddy is not installed: no executable %1 (on Debian: apt install caddy); or drive an "
                       "external Caddy through its admin URL")
            .arg(domain::quoted(program)));
}

QJsonObject embeddedCaddySections(const QString &stateDir)
{
    // The admin API only on a socket in the data dir: no TCP port to clash with, or to reach from elsewhere.
    // Caddy does not persist its configuration: the router writes the one a restart starts with.
    const QJsonObject admin{
        {QStringLiteral("listen"), QStringLiteral("unix/") + EmbeddedCaddy::adminSocketPath(stateDir)},
        {QStringLiteral("config"), QJsonObject{{QStringLiteral("persist"), false}}},
    };
    // JSON lines, whatever stderr is: EmbeddedCaddy parses them.
    const QJsonObject jsonEncoder{{QStringLiteral("format"), QStringLiteral("json")}};
    const QJsonObject logging{
        {QStringLiteral("logs"),
         QJsonObject{{QStringLiteral("default"), QJsonObject{{QStringLiteral("encoder"), jsonEncoder}}}}},
    };
    return QJsonObject{{QStringLiteral("admin"), admin}, {QStringLiteral("logging"), logging}};
}

} // namespace

CaddyRouter::CaddyRouter(const EmbeddedOptions &options)
    : m_listenAddress(withConcretePort(options.listenAddress))
{
    const QString program = findCaddy(options.program);
    const QString stateDir = QDir(options.dataDir).filePath(QStringLiteral("caddy"));
    m_embeddedSections = embeddedCaddySections(stateDir);
    const QJsonObject noRoutes = caddyConfig({}, m_listenAddress, m_embeddedSections, m_accessLog.address());
    m_embedded = std::make_unique<EmbeddedCaddy>(program, stateDir,
                                                 QJsonDocument(noRoutes).toJson(QJsonDocument::Compact));
}

CaddyRouter::CaddyRouter(const QUrl &adminUrl, QString listenAddress)
    : m_listenAddress(std::move(listenAddress))
    , m_external(std::make_unique<CaddyAdminClient>(CaddyAdminClient::atUrl(adminUrl)))
{
}

CaddyRouter::~CaddyRouter() = default;

qint64 CaddyRouter::caddyProcessId() const
{
    return m_embedded ? m_embedded->processId() : 0;
}

QJsonObject CaddyRouter::caddySections() const
{
    if (m_embedded)
        return m_embeddedSections;
    // An external Caddy keeps where its admin API listens and how it logs; the rest is the router's.
    const QJsonObject running = QJsonDocument::fromJson(m_external->config()).object();
    QJsonObject sections;
    for (const QString &name : {QStringLiteral("admin"), QStringLiteral("logging")}) {
        if (running.contains(name))
            sections.insert(name, running.value(name));
    }
    return sections;
}

void CaddyRouter::apply(const QList<domain::Route> &routes)
{
    const std::lock_guard lock(m_applyMutex);
    const QByteArray config =
        QJsonDocument(caddyConfig(routes, m_listenAddress, caddySections(), m_accessLog.address()))
            .toJson(QJsonDocument::Compact);
    if (!m_embedded) {
        m_external->load(config);
    } else {
        try {
            m_embedded->admin().load(config);
        } catch (const Error &error) {
            // Caddy is down and about to be restarted: it comes back serving these routes. A configuration
            // Caddy refused must not be the one it restarts with.
            if (error.kind() == domain::ErrorKind::FailedPrecondition) {
                m_embedded->setStartupConfig(config);
                m_accessLog.setRoutes(routes);
            }
            throw;
        }
        m_embedded->setStartupConfig(config);
    }
    m_accessLog.setRoutes(routes);
    qCDebug(lcRouter) << "loaded" << routes.size() << "routes into Caddy";
}

QHash<QString, domain::RequestActivity> CaddyRouter::requestActivity()
{
    return m_accessLog.activity();
}

} // namespace vitrine::adapters::router
