#pragma once

#include "client/connection_settings.h"

#include <QList>
#include <QString>
#include <QTabWidget>

namespace vitrine::desktop {

class ApiClient;
class ApplicationPage;
class MetricsPage;
class RuntimeLogPage;
struct StreamedEvent;

// Everything about one application, in tabs: Overview, Logs, Metrics, Environment, Settings. The pages that
// hold a server stream (logs, metrics) open it only when their tab is first shown, so that a member with
// many applications open does not stream them all.
class ApplicationView : public QTabWidget {
    Q_OBJECT

public:
    enum Tab { OverviewTab, LogsTab, MetricsTab, EnvironmentTab, SettingsTab };

    // siteScheme and sitePort: how browsers reach the websites (ServerInfo).
    ApplicationView(ApiClient &api, ConnectionSettings settings, QString application, QString siteScheme,
                    int sitePort, QWidget *parent = nullptr);

    const QString &applicationName() const { return m_application; }
    ApplicationPage *overview() const { return m_overview; }
    // Null until the tab was first shown.
    RuntimeLogPage *runtimeLogs() const { return m_runtimeLogs; }
    MetricsPage *metrics() const { return m_metrics; }

public slots:
    void applyEvents(const QList<vitrine::desktop::StreamedEvent> &events);

signals:
    void buildLogRequested(const QString &buildId, const QString &applicationName);
    void deleted(const QString &applicationName);

private:
    // Creates the page behind `index` on its first showing.
    void createPage(int index);

    ApiClient &m_api;
    const ConnectionSettings m_settings;
    const QString m_application;
    ApplicationPage *m_overview;
    RuntimeLogPage *m_runtimeLogs = nullptr;
    MetricsPage *m_metrics = nullptr;
    bool m_environmentCreated = false;
    bool m_settingsCreated = false;
};

} // namespace vitrine::desktop
