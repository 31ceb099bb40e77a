#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace vitrine::desktop {

enum class DeployType { Unspecified, Static, Runtime };

// What the state badge says. The order is the order of "sort by state": trouble first, then apps that are
// up, then static sites.
enum class ApplicationState {
    Errored,
    Restarting,
    Exited,
    Missing,
    Stopped, // a runtime app someone (or the platform, see stoppedReason) told to stop
    Starting,
    Running,
    Sleeping,
    Published, // a static app serving a build
    NoBuild,   // nothing deployed yet
    Unknown,   // a runtime state this client does not know
};

// The state of an application's newest build, as the build badge shows it.
enum class BuildState { None, Queued, Building, Succeeded, Failed, Canceled };

// One application as the desktop lists it: what a member recognises at a glance.
struct ApplicationSummary {
    QString name;
    QString repository;
    QString ref;
    QString buildType;    // spelled as vitrinectl's --type: "static", "static-cmd", …, "auto"
    QStringList websites; // "blog.localhost", or "club.localhost/blog" under a path prefix
    QStringList owners;   // user names
    // The fields below all have initializers, so code that brace-initialises the fields above stays
    // warning-free (-Wmissing-field-initializers).
    QString id{};
    DeployType deployType = DeployType::Unspecified;
    bool running = false; // runtime apps: whether the app should run
    // Runtime apps: the serving instance's state as the server spells it ("running", "restarting", …);
    // empty for static apps.
    QString runtimeState{};
    QString stateMessage{}; // why the instance is in its state, when an event said
    int restartCount = 0;
    QString currentBuildId{}; // the build being served; empty until the first deploy
    QString stoppedReason{};  // why the platform stopped the app; empty otherwise
    // The newest build: from the server's list, then kept current by events.
    QString latestBuildId{};
    BuildState latestBuildState = BuildState::None;
    QString latestBuildMessage{}; // a failed build's reason
    QDateTime lastChange{};       // the application's update time, then the time of its latest event

    bool operator==(const ApplicationSummary &) const = default;
};

// The badge state: static apps by whether they serve a build, runtime apps by their instance.
ApplicationState applicationState(const ApplicationSummary &application);

// "queued", "building", … as the server spells build states; None for anything else.
BuildState buildStateFromName(const QString &name);

} // namespace vitrine::desktop
