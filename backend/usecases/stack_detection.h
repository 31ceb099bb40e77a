#pragma once

#include "domain/application.h"
#include "domain/build.h"

#include <QString>
#include <QStringList>

namespace vitrine::usecases {

// What an auto build found in a source tree, and how it builds and runs it.
struct StackPlan {
    QString stack;          // for people: "Node.js", "Python", "Go", "a web process", "static files"
    QStringList evidence;   // the files that told, relative to the source dir: "package.json", "Procfile"
    QString installCommand; // empty: nothing to install
    QString buildCommand;   // empty: nothing to build
    // Set for the install and build commands (the app's own variables win): keeps the tools' caches out of
    // the source dir, which a runtime plan publishes whole.
    domain::EnvVars toolEnv;
    domain::BuildPlan plan;
    // Static plans: the folders that may hold the site, relative to the source dir; the first one that exists
    // after the build is published. Runtime plans publish the whole source dir.
    QStringList artifactDirs;

    bool operator==(const StackPlan &) const = default;
};

// Decides how to build and run the tree under sourceDir (an exported commit, or its context dir) by looking
// at its files only; it runs nothing. A Procfile's `web:` line is the start command whenever there is one;
// then Node.js (package.json), Python (requirements.txt, pyproject.toml, app.py, main.py or server.py), Go
// (go.mod), and plain static files (index.html at the root, or in public/, dist/ or build/) are tried in this
// order. deployType is the application's: a static app gets a static plan from a Node.js project too. A
// Node.js project with nothing to start but a build script is published as a static site whatever the deploy
// type. Throws FailedPrecondition when nothing is recognised (the message says what was looked for), when a
// file it needs cannot be read (package.json that is not JSON), or when what was found cannot deploy as
// asked.
StackPlan detectStack(const QString &sourceDir, domain::DeployType deployType);

// The two lines a build log shows first: "Detected Node.js (package.json)" and
// "Plan: install `npm ci`, build `npm run build`, start `npm start`".
QString describeDetection(const StackPlan &plan);
QString describePlan(const StackPlan &plan);

} // namespace vitrine::usecases
