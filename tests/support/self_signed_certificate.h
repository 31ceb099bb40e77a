#pragma once

#include <QString>

namespace vitrine::tests {

// A throwaway certificate for TLS tests: self-signed for "localhost" and 127.0.0.1, valid two days, made
// with the openssl command. create() writes it and its unencrypted key into `dir` as cert.pem and key.pem.
class SelfSignedCertificate {
public:
    explicit SelfSignedCertificate(const QString &dir);

    // Runs openssl (up to 60 s). On failure returns false and puts openssl's output in *error.
    bool create(QString *error);

    QString certificateFile() const { return m_certificateFile; }
    QString keyFile() const { return m_keyFile; }

private:
    QString m_certificateFile;
    QString m_keyFile;
};

} // namespace vitrine::tests
