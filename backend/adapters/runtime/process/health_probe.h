#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <functional>

class QTcpSocket;

namespace vitrine::adapters::runtime {

// Asks an instance on 127.0.0.1:port whether it is ready for requests, every interval, until it is: its port
// accepts a TCP connection or, when httpPath is set, a GET of that path answers 2xx. Never blocks: it lives
// on the thread that creates it, whose event loop runs the attempts.
class HealthProbe : public QObject {
public:
    HealthProbe(quint16 port, QString httpPath, std::chrono::milliseconds interval,
                std::function<void()> onHealthy, QObject *parent = nullptr);
    ~HealthProbe() override;

    // Starts probing (again); onHealthy is called once, at the first success.
    void start();
    void stop();

private:
    void attempt();
    void onConnected();
    void onReadyRead();
    void succeed();
    void fail();
    void endAttempt();

    const quint16 m_port;
    const QString m_httpPath;
    const std::function<void()> m_onHealthy;
    QTimer m_nextAttempt;
    QTimer m_attemptTimeout;
    QTcpSocket *m_socket = nullptr;
    QByteArray m_response;
};

} // namespace vitrine::adapters::runtime
