#include "adapters/runtime/process/health_probe.h"

#include <QHostAddress>
#include <QNetworkProxy>
#include <QTcpSocket>

#include <utility>

namespace vitrine::adapters::runtime {
namespace {

// An attempt that neither connects nor answers by then counts as a failure (a stuck app, a full backlog).
constexpr std::chrono::milliseconds kAttemptTimeout{2000};

} // namespace

HealthProbe::HealthProbe(quint16 port, QString httpPath, std::chrono::milliseconds interval,
                         std::function<void()> onHealthy, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_httpPath(std::move(httpPath))
    , m_onHealthy(std::move(onHealthy))
{
    m_nextAttempt.setSingleShot(true);
    m_nextAttempt.setInterval(interval);
    connect(&m_nextAttempt, &QTimer::timeout, this, &HealthProbe::attempt);
    m_attemptTimeout.setSingleShot(true);
    m_attemptTimeout.setInterval(kAttemptTimeout);
    connect(&m_attemptTimeout, &QTimer::timeout, this, &HealthProbe::fail);
}

HealthProbe::~HealthProbe()
{
    endAttempt();
}

void HealthProbe::start()
{
    stop();
    m_nextAttempt.start();
}

void HealthProbe::stop()
{
    m_nextAttempt.stop();
    endAttempt();
}

void HealthProbe::attempt()
{
    m_response.clear();
    m_socket = new QTcpSocket(this);
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QTcpSocket::connected, this, &HealthProbe::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &HealthProbe::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HealthProbe::fail);
    m_attemptTimeout.start();
    m_socket->connectToHost(QHostAddress::LocalHost, m_port);
}

void HealthProbe::onConnected()
{
    if (m_httpPath.isEmpty()) {
        succeed();
        return;
    }
    const QByteArray path =
        m_httpPath.startsWith(QLatin1Char('/')) ? m_httpPath.toUtf8() : '/' + m_httpPath.toUtf8();
    m_socket->write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
                    "\r\nUser-Agent: vitrine-health-probe\r\nConnection: close\r\n\r\n");
}

void HealthProbe::onReadyRead()
{
    m_response += m_socket->readAll();
    const qsizetype lineEnd = m_response.indexOf('\n');
    if (lineEnd < 0)
        return;
    // "HTTP/1.1 204 No Content"
    const QList<QByteArray> statusLine = m_response.left(lineEnd).trimmed().split(' ');
    const int status =
        statusLine.size() >= 2 && statusLine[0].startsWith("HTTP/") ? statusLine[1].toInt() : 0;
    if (status >= 200 && status < 300)
        succeed();
    else
        fail();
}

void HealthProbe::succeed()
{
    stop();
    m_onHealthy();
}

void HealthProbe::fail()
{
    endAttempt();
    m_nextAttempt.start();
}

void HealthProbe::endAttempt()
{
    m_attemptTimeout.stop();
    if (QTcpSocket *socket = std::exchange(m_socket, nullptr)) {
        // Its signals may be on their way here: it goes once the event loop is done with them.
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
}

} // namespace vitrine::adapters::runtime
