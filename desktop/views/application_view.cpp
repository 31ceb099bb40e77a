#include "views/application_view.h"

#include "client/event_stream.h"
#include "views/application_page.h"
#include "views/application_settings_page.h"
#include "views/environment_page.h"
#include "views/metrics_page.h"
#include "views/runtime_log_page.h"

#include <QIcon>
#include <QVBoxLayout>

#include <utility>

namespace vitrine::desktop {

namespace {

// Stands in for a page until its tab is first shown.
QWidget *placeholder()
{
    auto *widget = new QWidget;
    auto *layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    return widget;
}

} // namespace

ApplicationView::ApplicationView(ApiClient &api, ConnectionSettings settings, QString application,
                                 QString siteScheme, int sitePort, QWidget *parent)
    : QTabWidget(parent)
    , m_api(api)
    , m_settings(std::move(settings))
    , m_application(std::move(application))
    , m_overview(new ApplicationPage(api, m_application, std::move(siteScheme), sitePort))
{
    setObjectName(QStringLiteral("applicationView"));
    setDocumentMode(true);
    addTab(m_overview, QIcon(QStringLiteral(":/icons/view-applications.svg")), tr("Overview"));
    addTab(placeholder(), QIcon(QStringLiteral(":/icons/view-logs.svg")), tr("Logs"));
    addTab(placeholder(), QIcon(QStringLiteral(":/icons/view-metrics.svg")), tr("Metrics"));
    addTab(placeholder(), QIcon(QStringLiteral(":/icons/view-environment.svg")), tr("Environment"));
    addTab(placeholder(), QIcon(QStringLiteral(":/icons/view-settings.svg")), tr("Settings"));
    connect(this, &QTabWidget::currentChanged, this, &ApplicationView::createPage);
    connect(m_overview, &ApplicationPage::buildLogRequested, this, &ApplicationView::buildLogRequested);
    connect(m_overview, &ApplicationPage::deleted, this, &ApplicationView::deleted);
}

void ApplicationView::applyEvents(const QList<StreamedEvent> &events)
{
    m_overview->applyEvents(events);
}

void ApplicationView::createPage(int index)
{
    QWidget *page = nullptr;
    switch (index) {
    case LogsTab:
        if (!m_runtimeLogs)
            page = m_runtimeLogs = new RuntimeLogPage(m_settings, m_application);
        break;
    case MetricsTab:
        if (!m_metrics)
            page = m_metrics = new MetricsPage(m_api, m_settings, m_application);
        break;
    case EnvironmentTab:
        if (!std::exchange(m_environmentCreated, true))
            page = new EnvironmentPage(m_api, m_application);
        break;
    case SettingsTab:
        if (!std::exchange(m_settingsCreated, true))
            page = new ApplicationSettingsPage(m_api, m_application);
        break;
    default:
        break;
    }
    if (page)
        widget(index)->layout()->addWidget(page);
}

} // namespace vitrine::desktop
