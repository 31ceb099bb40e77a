#include "client/connection_settings.h"

#include <QTest>

using vitrine::desktop::ConnectionSettings;

class ConnectionSettingsTest : public QObject {
    Q_OBJECT

private slots:
    void readsTheEnvironment_data();
    void readsTheEnvironment();
};

void ConnectionSettingsTest::readsTheEnvironment_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("expectedAddress");
    QTest::addColumn<QString>("expectedToken");

    QTest::newRow("nothing set") << QByteArray() << QByteArray() << QStringLiteral("127.0.0.1:50051")
                                 << QString();
    QTest::newRow("both set") << QByteArrayLiteral("vitrine.example.org:443") << QByteArrayLiteral("vtr_abc")
                              << QStringLiteral("vitrine.example.org:443") << QStringLiteral("vtr_abc");
    QTest::newRow("blank server keeps the default")
        << QByteArrayLiteral("  ") << QByteArrayLiteral("vtr_abc") << QStringLiteral("127.0.0.1:50051")
        << QStringLiteral("vtr_abc");
    QTest::newRow("a token pasted with its newline")
        << QByteArrayLiteral("[::1]:50051") << QByteArrayLiteral("vtr_abc\n") << QStringLiteral("[::1]:50051")
        << QStringLiteral("vtr_abc");
}

void ConnectionSettingsTest::readsTheEnvironment()
{
    QFETCH(QByteArray, server);
    QFETCH(QByteArray, token);
    QFETCH(QString, expectedAddress);
    QFETCH(QString, expectedToken);

    const auto setOrUnset = [](const char *name, const QByteArray &value) {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    };
    setOrUnset("VITRINE_SERVER", server);
    setOrUnset("VITRINE_TOKEN", token);

    const ConnectionSettings settings = ConnectionSettings::fromEnvironment();
    QCOMPARE(settings.serverAddress, expectedAddress);
    QCOMPARE(settings.token, expectedToken);
}

QTEST_APPLESS_MAIN(ConnectionSettingsTest)
#include "tst_connection_settings.moc"
