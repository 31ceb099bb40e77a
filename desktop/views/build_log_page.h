#pragma once

#include "client/connection_settings.h"

#include <QString>
#include <QWidget>

class QLabel;

namespace vitrine::desktop {

class BuildLogStream;
class LogView;

// One build's log: live while it builds, then the whole stored log, with how the stream stands and, once the
// build is over, its final state.
class BuildLogPage : public QWidget {
    Q_OBJECT

public:
    BuildLogPage(const ConnectionSettings &settings, QString buildId, QString applicationName,
                 QWidget *parent = nullptr);

    const QString &buildId() const { return m_buildId; }
    const QString &applicationName() const { return m_applicationName; }
    LogView *logView() const { return m_view; }
    // The build is over and every line of its log is shown.
    bool isLogComplete() const { return m_complete; }

public slots:
    // Reveals the first error line (LogView::revealFirstError) once the log is complete: at once if it is,
    // else when the stream finishes. For a failed-build notification, whose build log opens at its error.
    void revealFirstErrorWhenComplete();

private:
    void showFinalState(const QString &state, const QString &failureReason);

    const QString m_buildId;
    const QString m_applicationName;
    BuildLogStream *m_stream;
    LogView *m_view;
    QLabel *m_buildState;
    bool m_complete = false;
    bool m_revealWhenComplete = false;
};

} // namespace vitrine::desktop
