#pragma once

#include "client/connection_settings.h"

#include <QString>
#include <QWidget>

namespace vitrine::desktop {

class LogView;
class OutputStream;

// An application's runtime output, live: its newest lines first, then what it prints, with how the stream
// stands.
class RuntimeLogPage : public QWidget {
    Q_OBJECT

public:
    // application: its id or name.
    RuntimeLogPage(const ConnectionSettings &settings, QString application, QWidget *parent = nullptr);

    const QString &application() const { return m_application; }
    LogView *logView() const { return m_view; }

private:
    const QString m_application;
    OutputStream *m_stream;
    LogView *m_view;
};

} // namespace vitrine::desktop
