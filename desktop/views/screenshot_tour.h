#pragma once

#include <QDir>
#include <QList>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>

class QWidget;

namespace vitrine::desktop {

class MainWindow;

// `vitrine --screenshot DIR`: once the window is connected, shows each main view in turn — the applications,
// one application's overview, logs, metrics, environment and settings, a build log, the repositories, the
// admin console's tabs (for admins), the new-application wizard and the connections — lets it load from the
// server, and saves it as DIR/NAME.png. For the README's pictures and for checks by eye.
class ScreenshotTour : public QObject {
    Q_OBJECT

public:
    ScreenshotTour(MainWindow &window, const QString &directory, QObject *parent = nullptr);

    // Returns at once; ends in finished().
    void start();

signals:
    // exitCode 0: every view was saved; report lists the files, or says what went wrong.
    void finished(int exitCode, const QString &report);

private:
    struct Shot {
        QString name;
        // Shows the view and returns the widget to grab.
        std::function<QWidget *()> show;
        // How long the view gets to load from the server before it is grabbed.
        std::chrono::milliseconds settle;
    };

    void planShots();
    void takeNext();
    void fail(const QString &reason);

    MainWindow &m_window;
    const QDir m_directory;
    QList<Shot> m_shots;
    QStringList m_saved;
    bool m_started = false;
};

} // namespace vitrine::desktop
