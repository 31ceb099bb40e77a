// vitrine-server as an operator meets it: start, health, admin token, stop, and the ways it refuses to start.

#include "postgres_instance.h"
#include "self_signed_certificate.h"
#include "server_process.h"
#include "vitrine/v1/system.grpc.pb.h"
#include "vitrine/v1/users.grpc.pb.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <memory>

using vitrine::tests::PostgresInstance;
using vitrine::tests::ServerProcess;

namespace {

struct HttpAnswer {
    int status = 0;
    QJsonObject json;
};

HttpAnswer httpGet(const QString &url)
{
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = manager.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

void authorize(grpc::ClientContext &context, const QString &token)
{
    context.AddMetadata("authorization", "Bearer " + token.toStdString());
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

grpc::Status getSystemInfo(const std::shared_ptr<grpc::Channel> &channel, const QString &token,
                           vitrine::v1::SystemInfo *info)
{
    grpc::ClientContext context;
    authorize(context, token);
    return vitrine::v1::SystemService::NewStub(channel)->GetSystemInfo(&context, {}, info);
}

std::shared_ptr<grpc::Channel> plaintextChannel(const QString &address)
{
    return grpc::CreateChannel(address.toStdString(), grpc::InsecureChannelCredentials());
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly) && file.write(content) == content.size(), qUtf8Printable(path));
}

} // namespace

class TestServer : public QObject {
    Q_OBJECT

private slots:
    void servesHealthz();
    void healthzReportsALostDatabase();
    void writesTheAdminTokenOnlyOnFirstStart();
    void stopsCleanlyOnSigterm();
    void logsJsonLines();
    void refusesToStartWithAClearMessage_data();
    void refusesToStartWithAClearMessage();
    void servesGrpcOverTls();
};

void TestServer::servesHealthz()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qUtf8Printable(error));

    const HttpAnswer health = httpGet(QStringLiteral("http://%1/healthz").arg(server.httpAddress()));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.json.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.json.value(QStringLiteral("version")).toString(), QStringLiteral(VITRINE_VERSION));

    QCOMPARE(httpGet(QStringLiteral("http://%1/nothing-here").arg(server.httpAddress())).status, 404);
}

void TestServer::healthzReportsALostDatabase()
{
    PostgresInstance postgres;
    QString error;
    QVERIFY2(postgres.start(&error), qUtf8Printable(error));
    ServerProcess server({postgres.url(), {}});
    QVERIFY2(server.start(&error), qUtf8Printable(error));
    const QString healthUrl = QStringLiteral("http://%1/healthz").arg(server.httpAddress());
    QCOMPARE(httpGet(healthUrl).status, 200);

    postgres.stop();
    const HttpAnswer health = httpGet(healthUrl);
    QCOMPARE(health.status, 503);
    QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(health.json.value(QStringLiteral("database")).toString(), QStringLiteral("unavailable"));
    QCOMPARE(server.stop(), 0);
}

void TestServer::writesTheAdminTokenOnlyOnFirstStart()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qUtf8Printable(error));

    const QString tokenPath = QDir(server.dataDir()).filePath(QStringLiteral("admin.token"));
    QVERIFY2(server.output().contains(tokenPath), qUtf8Printable(server.output()));
    struct stat tokenStat = {};
    QCOMPARE(::stat(QFile::encodeName(tokenPath).constData(), &tokenStat), 0);
    QCOMPARE(tokenStat.st_mode & 0777, mode_t(0600));
    const QString token = server.adminToken();
    QVERIFY(!token.isEmpty());

    vitrine::v1::SystemInfo info;
    grpc::Status status = getSystemInfo(plaintextChannel(server.grpcAddress()), token, &info);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(info.caller().name(), std::string("admin"));
    QCOMPARE(info.database(), std::string("sqlite"));
    QVERIFY(info.allow_local_repos());

    QCOMPARE(server.stop(), 0);
    QVERIFY2(server.start(&error), qUtf8Printable(error));
    QCOMPARE(server.adminToken(), token);

    // The same admin still answers, and it is the only user: the second start created nobody.
    status = getSystemInfo(plaintextChannel(server.grpcAddress()), token, &info);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(info.caller().name(), std::string("admin"));
    grpc::ClientContext context;
    authorize(context, token);
    vitrine::v1::ListUsersResponse users;
    status = vitrine::v1::UserService::NewStub(plaintextChannel(server.grpcAddress()))
                 ->ListUsers(&context, {}, &users);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(users.users_size(), 1);
}

void TestServer::stopsCleanlyOnSigterm()
{
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(&error), qUtf8Printable(error));
    QCOMPARE(server.stop(), 0);
    QVERIFY2(server.output().contains(QStringLiteral("vitrine.server stopping signal=SIGTERM")),
             qUtf8Printable(server.output()));
    QVERIFY2(server.output().contains(QStringLiteral("vitrine.server stopped")),
             qUtf8Printable(server.output()));
}

void TestServer::logsJsonLines()
{
    ServerProcess server({{}, {QStringLiteral("--log-format"), QStringLiteral("json")}});
    QString error;
    QVERIFY2(server.start(&error), qUtf8Printable(error));
    QCOMPARE(server.stop(), 0);

    bool sawReady = false;
    const QStringList lines = server.output().split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    for (const QString &line : lines) {
        QJsonParseError parseError;
        const QJsonObject record = QJsonDocument::fromJson(line.toUtf8(), &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, qUtf8Printable(line));
        QVERIFY2(record.contains(QStringLiteral("time")) && record.contains(QStringLiteral("level")) &&
                     record.contains(QStringLiteral("logger")),
                 qUtf8Printable(line));
        if (record.value(QStringLiteral("msg")).toString() == u"ready") {
            sawReady = true;
            QCOMPARE(record.value(QStringLiteral("grpc")).toString(), server.grpcAddress());
            QCOMPARE(record.value(QStringLiteral("data_dir")).toString(), server.dataDir());
        }
    }
    QVERIFY(sawReady);
}

void TestServer::refusesToStartWithAClearMessage_data()
{
    QTest::addColumn<QString>("toml");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("expectedExitCode");
    QTest::addColumn<QStringList>("expectedFragments");

    const QStringList useConfig{QStringLiteral("--config"), QStringLiteral("{dir}/vitrine.toml")};

    QTest::newRow("busy gRPC port") << QString()
                                    << QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("{busy}")}
                                    << 1 << QStringList{QStringLiteral("{busy}")};
    QTest::newRow("busy HTTP port") << QString()
                                    << QStringList{QStringLiteral("--http-listen"), QStringLiteral("{busy}")}
                                    << 1 << QStringList{QStringLiteral("HTTP"), QStringLiteral("{busy}")};
    QTest::newRow("data dir inside a file")
        << QString() << QStringList{QStringLiteral("--data-dir"), QStringLiteral("{dir}/file/data")} << 1
        << QStringList{QStringLiteral("data directory {dir}/file/data"), QStringLiteral("--data-dir")};
    QTest::newRow("data dir is a file")
        << QString() << QStringList{QStringLiteral("--data-dir"), QStringLiteral("{dir}/file")} << 1
        << QStringList{QStringLiteral("{dir}/file is not a directory")};
    QTest::newRow("unreachable database")
        << QString()
        << QStringList{QStringLiteral("--database"), QStringLiteral("postgresql://127.0.0.1:1/x")} << 1
        << QStringList{QStringLiteral("postgresql://127.0.0.1:1/x")};
    QTest::newRow("TOML syntax") << QStringLiteral("[grpc\n") << useConfig << 2
                                 << QStringList{QStringLiteral("vitrine-server: {dir}/vitrine.toml:1:")};
    QTest::newRow("unknown key") << QStringLiteral("[server]\ndata_dirr = \"x\"\n") << useConfig << 2
                                 << QStringList{QStringLiteral("{dir}/vitrine.toml:2:"),
                                                QStringLiteral("\"server.data_dirr\"")};
    QTest::newRow("plaintext gRPC on every interface")
        << QString() << QStringList{QStringLiteral("--grpc-listen"), QStringLiteral("0.0.0.0:0")} << 2
        << QStringList{QStringLiteral("0.0.0.0:0"), QStringLiteral("tls_cert"),
                       QStringLiteral("allow_plaintext")};
    QTest::newRow("missing TLS files")
        << QStringLiteral("[grpc]\ntls_cert = \"nope.pem\"\ntls_key = \"nope.key\"\n") << useConfig << 1
        << QStringList{QStringLiteral("TLS"), QStringLiteral("{dir}/nope.")};
}

void TestServer::refusesToStartWithAClearMessage()
{
    QFETCH(QString, toml);
    QFETCH(QStringList, arguments);
    QFETCH(int, expectedExitCode);
    QFETCH(QStringList, expectedFragments);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("file")), "not a directory\n");
    if (!toml.isEmpty())
        writeFile(dir.filePath(QStringLiteral("vitrine.toml")), toml.toUtf8());
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost));
    const auto expand = [&](QString text) {
        return text.replace(QStringLiteral("{dir}"), dir.path())
            .replace(QStringLiteral("{busy}"), QStringLiteral("127.0.0.1:%1").arg(busy.serverPort()));
    };
    QStringList expandedArguments;
    for (const QString &argument : std::as_const(arguments))
        expandedArguments.append(expand(argument));

    ServerProcess server({{}, expandedArguments});
    QString error;
    QVERIFY2(!server.start(&error), "the server started");
    QCOMPARE(server.stop(), expectedExitCode);
    // The last line is the one that tells the operator why.
    const QString reason = server.output().trimmed().split(u'\n').constLast();
    for (const QString &fragment : std::as_const(expectedFragments)) {
        QVERIFY2(
            reason.contains(expand(fragment)),
            qUtf8Printable(
                QStringLiteral("no \"%1\" in the last line of:\n%2").arg(expand(fragment), server.output())));
    }
}

void TestServer::servesGrpcOverTls()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    vitrine::tests::SelfSignedCertificate certificate(dir.path());
    QString error;
    QVERIFY2(certificate.create(&error), qUtf8Printable(error));
    // Relative paths in the config file are relative to the file.
    writeFile(dir.filePath(QStringLiteral("vitrine.toml")),
              "[grpc]\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n");

    ServerProcess server({{}, {QStringLiteral("--config"), dir.filePath(QStringLiteral("vitrine.toml"))}});
    QVERIFY2(server.start(&error), qUtf8Printable(error));
    QVERIFY2(server.output().contains(QStringLiteral("grpc_tls=on")), qUtf8Printable(server.output()));

    grpc::SslCredentialsOptions tlsOptions;
    tlsOptions.pem_root_certs = readAll(certificate.certificateFile()).toStdString();
    const auto tlsChannel =
        grpc::CreateChannel(server.grpcAddress().toStdString(), grpc::SslCredentials(tlsOptions));
    vitrine::v1::SystemInfo info;
    grpc::Status status = getSystemInfo(tlsChannel, server.adminToken(), &info);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(info.caller().name(), std::string("admin"));

    status = getSystemInfo(plaintextChannel(server.grpcAddress()), server.adminToken(), &info);
    QVERIFY(!status.ok());
}

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
