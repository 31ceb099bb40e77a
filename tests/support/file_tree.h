#pragma once

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QString>

namespace vitrine::tests {

// Files by their path relative to a root, with their contents.
using Tree = QMap<QString, QByteArray>;

// Every file under root (path → content), hidden ones too.
inline Tree filesIn(const QString &root)
{
    Tree tree;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        tree.insert(QDir(root).relativeFilePath(path),
                    file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("unreadable"));
    }
    return tree;
}

} // namespace vitrine::tests
