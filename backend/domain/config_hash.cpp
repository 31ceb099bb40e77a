#include "domain/config_hash.h"

#include <QCryptographicHash>

namespace vitrine::domain {

namespace {

// Each field is written as its length and its UTF-8 bytes, so no two different configs share a stream.
void addField(QCryptographicHash &hash, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    hash.addData(QByteArray::number(utf8.size()));
    hash.addData(QByteArrayView(":"));
    hash.addData(utf8);
}

} // namespace

QString configHash(const BuildConfig &build, const EnvVars &env)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    addField(hash, QStringLiteral("vitrine-config-v1"));
    addField(hash, buildTypeName(build.type));
    addField(hash, build.buildCommand);
    addField(hash, build.startCommand);
    addField(hash, build.artifactDir);
    addField(hash, build.dockerfile);
    addField(hash, build.contextDir);
    addField(hash, QString::number(build.port));
    addField(hash, QString::number(env.size()));
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        addField(hash, it.key());
        addField(hash, it.value());
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace vitrine::domain
