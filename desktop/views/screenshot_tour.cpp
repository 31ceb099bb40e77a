#include "views/screenshot_tour.h"

#include "models/application_list_model.h"
#include "views/admin_console.h"
#include "views/application_view.h"
#include "views/connection_dialog.h"
#include "views/main_window.h"
#include "views/new_application_wizard.h"

#include <QComboBox>
#include <QPixmap>
#include <QPointer>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace vitrine::desktop {

namespace {

constexpr std::chrono::seconds kConnectTimeout{30};
constexpr std::chrono::milliseconds kQuick{600};
constexpr std::chrono::milliseconds kLoad{1500};
constexpr std::chrono::milliseconds kStream{3000};

// The application the pictures show most about: a running runtime app, else any deployed one, else the
// first.
const ApplicationSummary *showcaseApplication(const QList<ApplicationSummary> &applications)
{
    const ApplicationSummary *best = nullptr;
    int bestRank = 3;
    for (const ApplicationSummary &application : applications) {
        const ApplicationState state = applicationState(application);
        const int rank = state == ApplicationState::Running      ? 0
                         : !application.currentBuildId.isEmpty() ? 1
                                                                 : 2;
        if (rank < bestRank || (rank == bestRank && best && application.name < best->name)) {
            best = &application;
            bestRank = rank;
        }
    }
    return best;
}

} // namespace

ScreenshotTour::ScreenshotTour(MainWindow &window, const QString &directory, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_directory(directory)
{
}

void ScreenshotTour::start()
{
    if (!QDir().mkpath(m_directory.absolutePath())) {
        fail(tr("Cannot create the directory %1.").arg(m_directory.absolutePath()));
        return;
    }
    m_window.resize(1200, 760);
    connect(&m_window, &MainWindow::refreshed, this, [this] {
        if (std::exchange(m_started, true))
            return;
        planShots();
        takeNext();
    });
    QTimer::singleShot(kConnectTimeout, this, [this] {
        if (!m_started)
            fail(tr("Not connected after %1 s: start the server, and pass --server and --token (or set "
                    "VITRINE_SERVER and VITRINE_TOKEN).")
                     .arg(std::chrono::seconds(kConnectTimeout).count()));
    });
}

void ScreenshotTour::planShots()
{
    QTabWidget *tabs = m_window.tabs();
    const auto mainTab = [this, tabs](int index) {
        return [this, tabs, index]() -> QWidget * {
            tabs->setCurrentIndex(index);
            return &m_window;
        };
    };
    m_shots.append({QStringLiteral("applications"), mainTab(MainWindow::ApplicationsTab), kQuick});

    const QList<ApplicationSummary> &applications = m_window.applications()->applications();
    const ApplicationSummary *showcase = showcaseApplication(applications);
    if (showcase) {
        const QString name = showcase->name;
        const auto applicationTab = [this, name](ApplicationView::Tab tab) {
            return [this, name, tab]() -> QWidget * {
                ApplicationView *view = m_window.openApplication(name);
                if (!view)
                    return nullptr;
                view->setCurrentIndex(tab);
                // The shortest range: the samples fill the charts instead of hugging their right edge.
                if (auto *range = view->findChild<QComboBox *>(QStringLiteral("metricsRangeBox")))
                    range->setCurrentIndex(0);
                return &m_window;
            };
        };
        m_shots.append(
            {QStringLiteral("application-overview"), applicationTab(ApplicationView::OverviewTab), kLoad});
        m_shots.append(
            {QStringLiteral("application-logs"), applicationTab(ApplicationView::LogsTab), kStream});
        m_shots.append(
            {QStringLiteral("application-metrics"), applicationTab(ApplicationView::MetricsTab), kStream});
        m_shots.append({QStringLiteral("application-environment"),
                        applicationTab(ApplicationView::EnvironmentTab), kLoad});
        m_shots.append(
            {QStringLiteral("application-settings"), applicationTab(ApplicationView::SettingsTab), kLoad});
    }

    // A failed build's log, at its first error, says most; else the build the showcase serves.
    const auto failed =
        std::find_if(applications.cbegin(), applications.cend(), [](const ApplicationSummary &a) {
            return a.latestBuildState == BuildState::Failed && !a.latestBuildId.isEmpty();
        });
    const bool showFailure = failed != applications.cend();
    const ApplicationSummary *logged = showFailure ? &*failed : showcase;
    const QString buildId = !logged       ? QString()
                            : showFailure ? logged->latestBuildId
                                          : logged->currentBuildId;
    if (!buildId.isEmpty()) {
        const QString name = logged->name;
        m_shots.append({QStringLiteral("build-log"),
                        [this, buildId, name, showFailure]() -> QWidget * {
                            return m_window.openBuildLog(buildId, name, showFailure) ? &m_window : nullptr;
                        },
                        kStream});
    }

    m_shots.append({QStringLiteral("repositories"), mainTab(MainWindow::RepositoriesTab), kLoad});
    if (AdminConsole *console = m_window.adminConsole()) {
        auto *adminTabs = console->findChild<QTabWidget *>(QStringLiteral("adminTabs"));
        for (int index = 0; adminTabs && index < adminTabs->count(); ++index) {
            m_shots.append({QStringLiteral("admin-%1").arg(index + 1),
                            [this, tabs, console, adminTabs, index]() -> QWidget * {
                                tabs->setCurrentWidget(console);
                                adminTabs->setCurrentIndex(index);
                                return &m_window;
                            },
                            kLoad});
        }
    }
    m_shots.append({QStringLiteral("new-application"),
                    [this]() -> QWidget * { return m_window.openNewApplicationWizard(); }, kLoad});
    m_shots.append({QStringLiteral("connections"),
                    [this]() -> QWidget * { return m_window.openConnectionDialog(); }, kQuick});
}

void ScreenshotTour::takeNext()
{
    if (m_shots.isEmpty()) {
        emit finished(0, tr("Saved %n screenshot(s):\n", nullptr, static_cast<int>(m_saved.size())) +
                             m_saved.join(QLatin1Char('\n')) + QLatin1Char('\n'));
        return;
    }
    const Shot shot = m_shots.takeFirst();
    QWidget *widget = shot.show();
    if (!widget) {
        fail(tr("Cannot show the view %1.").arg(shot.name));
        return;
    }
    QTimer::singleShot(shot.settle, this, [this, widget = QPointer<QWidget>(widget), name = shot.name] {
        if (!widget) {
            fail(tr("The view %1 closed before it could be saved.").arg(name));
            return;
        }
        const QString file = m_directory.absoluteFilePath(name + QStringLiteral(".png"));
        if (!widget->grab().save(file)) {
            fail(tr("Cannot write %1.").arg(file));
            return;
        }
        m_saved.append(file);
        // Dialogs go once pictured, so that the next view is not hidden behind them.
        if (widget != &m_window)
            widget->close();
        takeNext();
    });
}

void ScreenshotTour::fail(const QString &reason)
{
    emit finished(1, reason + QLatin1Char('\n'));
}

} // namespace vitrine::desktop
