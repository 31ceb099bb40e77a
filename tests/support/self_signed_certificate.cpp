#include "self_signed_certificate.h"

#include <QDir>
#include <QProcess>

namespace vitrine::tests {

namespace {
constexpr int kOpensslTimeoutMs = 60'000;
} // namespace

SelfSignedCertificate::SelfSignedCertificate(const QString &dir)
    : m_certificateFile(QDir(dir).filePath(QStringLiteral("cert.pem")))
    , m_keyFile(QDir(dir).filePath(QStringLiteral("key.pem")))
{
}

bool SelfSignedCertificate::create(QString *error)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1"),
                   QStringLiteral("-keyout"), m_keyFile, QStringLiteral("-out"), m_certificateFile});
    if (openssl.waitForFinished(kOpensslTimeoutMs) && openssl.exitStatus() == QProcess::NormalExit &&
        openssl.exitCode() == 0)
        return true;
    if (openssl.state() != QProcess::NotRunning) {
        openssl.kill();
        openssl.waitForFinished();
    }
    *error = QStringLiteral("openssl could not make a self-signed certificate (%1): %2")
                 .arg(openssl.errorString(), QString::fromLocal8Bit(openssl.readAll()));
    return false;
}

} // namespace vitrine::tests
