#pragma once

#include "client/application_api.h"
#include "client/event_stream.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace vitrine::desktop {

class ApiClient;
class BuildListModel;
struct BuildSummary;

// An application's overview: its state, where it is published, what it builds and serves, its builds, and
// the actions on them. Loads itself on construction; live events (applyEvents) and reload() fetch it again.
// Nothing blocks: each action disables the buttons while its call runs and reports errors in a label.
class ApplicationPage : public QWidget {
    Q_OBJECT

public:
    // application: the application's name. siteScheme and sitePort say how browsers reach the websites
    // (ServerInfo): SCHEME://FQDN[:PORT]PATH_PREFIX, without the port when it is 0.
    ApplicationPage(ApiClient &api, QString application, QString siteScheme, int sitePort,
                    QWidget *parent = nullptr);

    const QString &applicationName() const { return m_application; }

public slots:
    // Fetches the application and its builds. While a reload runs, further requests make one more follow it.
    void reload();
    // The platform's events; only this application's are taken (by id or name).
    void applyEvents(const QList<vitrine::desktop::StreamedEvent> &events);

signals:
    void buildLogRequested(const QString &buildId, const QString &applicationName);
    // The application no longer exists (deleted here or elsewhere). Emitted once.
    void deleted(const QString &applicationName);

private:
    void startReload();
    void finishReloadPart();
    void showReloadError(const QString &message);
    void showDetails(const ApplicationDetails &details);
    void showError(const QString &message);
    void updateButtons();
    // The build of the table's current row; null when none is selected.
    const BuildSummary *selectedBuild() const;
    void confirmDelete();
    void markDeleted();
    void requestSelectedBuildLog();

    // Runs an action whose answer is the application; the buttons stay disabled until it answers.
    using ApplicationAction = void (*)(ApiClient &, QObject *, const QString &,
                                       ResultHandler<ApplicationDetails>);
    void runApplicationAction(ApplicationAction action);
    void rollbackToSelectedBuild();
    void cancelSelectedBuild();
    void retryCurrentCommit();
    // Disables the buttons while an action's call runs; finishAction enables them and shows its error.
    void beginAction();
    void finishAction(const QString &error);

    ApiClient &m_api;
    const QString m_application;
    const QString m_siteScheme;
    const int m_sitePort;
    std::optional<ApplicationDetails> m_details;
    BuildListModel *m_builds;

    QLabel *m_nameLabel;
    QLabel *m_stateLabel;
    QLabel *m_stoppedReasonLabel;
    QLabel *m_websitesLabel;
    QLabel *m_sourceLabel;
    QLabel *m_commitLabel;
    QLabel *m_servingBuildLabel;
    QLabel *m_buildTypeLabel;
    QLabel *m_ownersLabel;
    QLabel *m_resourcesLabel;
    QLabel *m_errorLabel;
    QPushButton *m_startButton;
    QPushButton *m_stopButton;
    QPushButton *m_restartButton;
    QPushButton *m_deleteButton;
    QTableView *m_buildsTable;
    QPushButton *m_cancelBuildButton;
    QPushButton *m_retryBuildButton;
    QPushButton *m_rollbackButton;
    QPushButton *m_showLogButton;
    QTimer *m_durationTimer;

    int m_reloadPartsInFlight = 0; // the application and its builds load side by side
    bool m_reloadPending = false;
    bool m_showingReloadError = false; // a later successful reload clears it; an action's error stays
    bool m_actionInFlight = false;
    bool m_deleted = false;
};

} // namespace vitrine::desktop
