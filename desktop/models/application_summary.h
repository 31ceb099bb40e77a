#pragma once

#include <QString>
#include <QStringList>

namespace vitrine::desktop {

// One application as the desktop lists it: what a member recognises at a glance.
struct ApplicationSummary {
    QString name;
    QString repository;
    QString ref;
    QString buildType;    // spelled as vitrinectl's --type: "static", "static-cmd", …, "auto"
    QStringList websites; // "blog.localhost", or "club.localhost/blog" under a path prefix
    QStringList owners;   // user names

    bool operator==(const ApplicationSummary &) const = default;
};

} // namespace vitrine::desktop
