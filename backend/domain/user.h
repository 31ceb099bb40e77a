#pragma once

#include <QDateTime>
#include <QString>

namespace vitrine::domain {

enum class Role { Member, Admin };

struct User {
    QString id;
    QString name;
    Role role = Role::Member;
    QDateTime createdAt;

    bool isAdmin() const { return role == Role::Admin; }
};

} // namespace vitrine::domain
