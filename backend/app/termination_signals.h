#pragma once

#include <QObject>

class QSocketNotifier;

namespace vitrine::app {

// Turns SIGTERM and SIGINT into a Qt signal on the thread that created this object. A signal handler may
// only do async-signal-safe work, so it just writes the signal number into a pipe that a QSocketNotifier
// watches; the shutdown itself then runs as ordinary code on the event loop. Create at most one.
class TerminationSignals : public QObject {
    Q_OBJECT

public:
    // Installs the handlers. Throws std::system_error when the pipe or a handler cannot be set up.
    explicit TerminationSignals(QObject *parent = nullptr);
    // Restores the default handlers.
    ~TerminationSignals() override;

signals:
    void received(int signalNumber);

private:
    void readPendingSignals();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace vitrine::app
