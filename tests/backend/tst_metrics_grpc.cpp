#include "grpc_platform.h"
#include "scripted_runtime.h"
#include "usecases/metrics_recorder.h"
#include "vitrine/v1/metrics.grpc.pb.h"

#include <QTest>

#include <memory>

using namespace vitrine;

namespace {

// The gRPC platform with MetricsService on a recorder of scripted readings whose clock the test moves (it
// starts a minute ago, so the points are "recent"). Member "alice" owns runtime app "api".
class Platform {
public:
    Platform()
    {
        m_apiId =
            m_grpc.addApplication(QStringLiteral("api"), QStringLiteral("alice"), domain::DeployType::Runtime)
                .id;
        m_grpc.server().serveMetrics(m_recorder);
        m_grpc.start();
    }
    ~Platform() { m_grpc.shutdown(); }

    // "api" runs one instance that uses `cpuSeconds` more CPU per sample, 5 s apart.
    void sampleApi(int samples, double cpuSeconds = 1)
    {
        for (int i = 0; i < samples; ++i) {
            m_cpuSeconds += cpuSeconds;
            m_backend.set(
                QStringLiteral("api.1"),
                {m_apiId, QStringLiteral("api"), domain::InstanceState::Running, m_cpuSeconds, 64 << 20, 0});
            m_clock = m_clock.addSecs(5);
            m_recorder.sampleNow();
        }
    }

    const QString &apiId() const { return m_apiId; }
    const QDateTime &clock() const { return m_clock; }
    usecases::MetricsRecorder &recorder() { return m_recorder; }

    grpc::Status query(const QString &userName, const v1::QueryMetricsRequest &request,
                       v1::QueryMetricsResponse *response) const
    {
        grpc::ClientContext context;
        m_grpc.authorize(context, userName);
        return v1::MetricsService::NewStub(m_grpc.channel())->QueryMetrics(&context, request, response);
    }

    // A StreamMetrics call on `application`, as `userName` (empty: no token).
    std::unique_ptr<grpc::ClientReader<v1::MetricsSample>>
    stream(grpc::ClientContext &context, const QString &userName, const QString &application) const
    {
        m_grpc.authorize(context, userName);
        v1::StreamMetricsRequest request;
        request.set_application(application.toStdString());
        return v1::MetricsService::NewStub(m_grpc.channel())->StreamMetrics(&context, request);
    }

private:
    tests::GrpcPlatform m_grpc;
    tests::ScriptedBackend m_backend;
    tests::ScriptedRouter m_router;
    QDateTime m_clock = QDateTime::currentDateTimeUtc().addSecs(-60);
    double m_cpuSeconds = 0;
    usecases::MetricsRecorder m_recorder{m_backend, m_router, m_grpc.store(),
                                         usecases::MetricsOptions{.clock = [this] { return m_clock; }}};
    QString m_apiId;
};

} // namespace

class TestMetricsGrpc : public QObject {
    Q_OBJECT

private slots:
    void queryIsForOwnersAndAdmins_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("application");
        QTest::addColumn<int>("expectedCode");

        QTest::newRow("owner") << "alice"
                               << "api" << int(grpc::StatusCode::OK);
        QTest::newRow("admin") << "root"
                               << "api" << int(grpc::StatusCode::OK);
        QTest::newRow("another member") << "bob"
                                        << "api" << int(grpc::StatusCode::PERMISSION_DENIED);
        QTest::newRow("no token") << ""
                                  << "api" << int(grpc::StatusCode::UNAUTHENTICATED);
        QTest::newRow("unknown application") << "alice"
                                             << "nope" << int(grpc::StatusCode::NOT_FOUND);
    }

    void queryIsForOwnersAndAdmins()
    {
        QFETCH(QString, user);
        QFETCH(QString, application);
        QFETCH(int, expectedCode);
        Platform platform;
        platform.sampleApi(4);

        v1::QueryMetricsRequest request;
        request.set_application(application.toStdString());
        request.mutable_from()->set_seconds(platform.clock().addSecs(-60).toSecsSinceEpoch());
        v1::QueryMetricsResponse response;
        const grpc::Status status = platform.query(user, request, &response);
        QCOMPARE(int(status.error_code()), expectedCode);
        if (!status.ok())
            return;
        QCOMPARE(QString::fromStdString(response.application_id()), platform.apiId());
        QCOMPARE(response.application_name(), "api");
        QCOMPARE(response.resolution_seconds(), 5);
        // The first sample is the baseline the rates start from.
        QCOMPARE(response.samples_size(), 3);
        const v1::MetricsSample &last = response.samples(2);
        QCOMPARE(last.time().seconds(), platform.clock().toSecsSinceEpoch());
        QCOMPARE(last.cpu_cores(), 0.2);
        QCOMPARE(last.memory_bytes(), 64 << 20);
    }

    void aRangeBackwardsIsRefused()
    {
        Platform platform;
        v1::QueryMetricsRequest request;
        request.set_application("api");
        request.mutable_from()->set_seconds(platform.clock().toSecsSinceEpoch());
        request.mutable_to()->set_seconds(platform.clock().toSecsSinceEpoch() - 10);
        v1::QueryMetricsResponse response;
        const grpc::Status status = platform.query(QStringLiteral("alice"), request, &response);
        QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
        QVERIFY2(status.error_message().find("to") != std::string::npos, status.error_message().c_str());
    }

    void streamSendsRecentSamplesThenLiveOnes()
    {
        Platform platform;
        platform.sampleApi(3);

        grpc::ClientContext context;
        const auto reader = platform.stream(context, QStringLiteral("alice"), QStringLiteral("api"));
        v1::MetricsSample sample;
        QVERIFY(reader->Read(&sample));
        QVERIFY(reader->Read(&sample));
        QCOMPARE(sample.time().seconds(), platform.clock().toSecsSinceEpoch());

        platform.sampleApi(1, 2.5);
        QVERIFY(reader->Read(&sample));
        QCOMPARE(sample.time().seconds(), platform.clock().toSecsSinceEpoch());
        QCOMPARE(sample.cpu_cores(), 0.5);
        QCOMPARE(sample.resolution_seconds(), 5);

        // Deleting the application ends its streams.
        platform.recorder().forget(platform.apiId());
        QVERIFY(!reader->Read(&sample));
        QCOMPARE(reader->Finish().error_code(), grpc::StatusCode::OK);
    }

    void streamIsForOwnersAndAdmins_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<int>("expectedCode");

        QTest::newRow("another member") << "bob" << int(grpc::StatusCode::PERMISSION_DENIED);
        QTest::newRow("no token") << "" << int(grpc::StatusCode::UNAUTHENTICATED);
    }

    void streamIsForOwnersAndAdmins()
    {
        QFETCH(QString, user);
        QFETCH(int, expectedCode);
        Platform platform;
        platform.sampleApi(3);
        grpc::ClientContext context;
        const auto reader = platform.stream(context, user, QStringLiteral("api"));
        v1::MetricsSample sample;
        QVERIFY(!reader->Read(&sample));
        QCOMPARE(int(reader->Finish().error_code()), expectedCode);
    }
};

QTEST_GUILESS_MAIN(TestMetricsGrpc)
#include "tst_metrics_grpc.moc"
