#include "domain/ids.h"
#include "grpc_platform.h"
#include "usecases/alert_service.h"
#include "vitrine/v1/alerts.grpc.pb.h"

#include <QTest>

#include <memory>

using namespace vitrine;

namespace {

const QDateTime kOpened(QDate(2026, 11, 24), QTime(10, 30), Qt::UTC);

// The gRPC platform serving alerts. Member "alice" owns "site", "bob" owns "blog".
class Platform {
public:
    Platform()
    {
        m_grpc.addApplication(QStringLiteral("site"), QStringLiteral("alice"));
        m_grpc.addApplication(QStringLiteral("blog"), QStringLiteral("bob"));
        m_grpc.server().serveAlerts(m_alerts);
        m_grpc.start();
        m_stub = v1::AlertService::NewStub(m_grpc.channel());
    }
    ~Platform() { m_grpc.shutdown(); }

    QString addAlert(const QString &applicationName, domain::AlertKind kind, const QString &message,
                     int minutes)
    {
        domain::Alert alert;
        alert.id = domain::newId(domain::idprefix::kAlert);
        alert.applicationId = m_grpc.store().findApplicationByName(applicationName)->id;
        alert.buildId = QStringLiteral("bld_1");
        alert.kind = kind;
        alert.message = message;
        alert.openedAt = kOpened.addSecs(60 * minutes);
        m_grpc.store().insertAlert(alert);
        return alert.id;
    }

    grpc::Status list(const QString &userName, const v1::ListAlertsRequest &request,
                      v1::ListAlertsResponse *response)
    {
        grpc::ClientContext context;
        m_grpc.authorize(context, userName);
        return m_stub->ListAlerts(&context, request, response);
    }

    grpc::Status acknowledge(const QString &userName, const QString &alertId, v1::Alert *response)
    {
        grpc::ClientContext context;
        m_grpc.authorize(context, userName);
        v1::AcknowledgeAlertRequest request;
        request.set_alert_id(alertId.toStdString());
        return m_stub->AcknowledgeAlert(&context, request, response);
    }

private:
    tests::GrpcPlatform m_grpc;
    usecases::AlertService m_alerts{m_grpc.store()};
    std::unique_ptr<v1::AlertService::Stub> m_stub;
};

QStringList messagesOf(const v1::ListAlertsResponse &response)
{
    QStringList messages;
    for (const v1::Alert &alert : response.alerts())
        messages << QString::fromStdString(alert.message());
    return messages;
}

} // namespace

class TestAlertGrpc : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_platform = std::make_unique<Platform>();
        m_platform->addAlert(QStringLiteral("site"), domain::AlertKind::RestartLoop,
                             QStringLiteral("site loop"), 0);
        m_blogOom = m_platform->addAlert(QStringLiteral("blog"), domain::AlertKind::OutOfMemory,
                                         QStringLiteral("blog oom"), 1);
    }

    void cleanup() { m_platform.reset(); }

    void listsTheAlertsTheCallerMaySee_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("application");
        QTest::addColumn<QStringList>("messages");

        QTest::newRow("admin") << QStringLiteral("root") << QString()
                               << QStringList{QStringLiteral("blog oom"), QStringLiteral("site loop")};
        QTest::newRow("admin, one application")
            << QStringLiteral("root") << QStringLiteral("site") << QStringList{QStringLiteral("site loop")};
        QTest::newRow("member") << QStringLiteral("alice") << QString()
                                << QStringList{QStringLiteral("site loop")};
    }

    void listsTheAlertsTheCallerMaySee()
    {
        QFETCH(QString, user);
        QFETCH(QString, application);
        QFETCH(QStringList, messages);
        v1::ListAlertsRequest request;
        request.set_application(application.toStdString());
        v1::ListAlertsResponse response;

        const grpc::Status status = m_platform->list(user, request, &response);

        QVERIFY2(status.ok(), status.error_message().c_str());
        QCOMPARE(messagesOf(response), messages);
        QVERIFY(response.next_page_token().empty());
    }

    void pagesCarryAToken()
    {
        v1::ListAlertsRequest request;
        request.mutable_page()->set_page_size(1);
        v1::ListAlertsResponse first;
        QVERIFY(m_platform->list(QStringLiteral("root"), request, &first).ok());
        QCOMPARE(messagesOf(first), QStringList{QStringLiteral("blog oom")});
        QVERIFY(!first.next_page_token().empty());

        request.mutable_page()->set_page_token(first.next_page_token());
        v1::ListAlertsResponse second;
        QVERIFY(m_platform->list(QStringLiteral("root"), request, &second).ok());
        QCOMPARE(messagesOf(second), QStringList{QStringLiteral("site loop")});
        QVERIFY(second.next_page_token().empty());
    }

    void acknowledgeMarksTheAlertOnce()
    {
        v1::Alert acknowledged;
        const grpc::Status status = m_platform->acknowledge(QStringLiteral("bob"), m_blogOom, &acknowledged);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QCOMPARE(QString::fromStdString(acknowledged.id()), m_blogOom);
        QCOMPARE(acknowledged.application_name(), "blog");
        QCOMPARE(acknowledged.kind(), "out-of-memory");
        QCOMPARE(acknowledged.build_id(), "bld_1");
        QCOMPARE(acknowledged.opened_at().seconds(), kOpened.addSecs(60).toSecsSinceEpoch());
        QVERIFY(acknowledged.has_acknowledged_at());
        QCOMPARE(acknowledged.acknowledged_by(), "bob");

        // Gone from the default (open) list, there with include_acknowledged.
        v1::ListAlertsRequest request;
        v1::ListAlertsResponse open;
        QVERIFY(m_platform->list(QStringLiteral("bob"), request, &open).ok());
        QVERIFY(open.alerts().empty());
        request.set_include_acknowledged(true);
        v1::ListAlertsResponse all;
        QVERIFY(m_platform->list(QStringLiteral("bob"), request, &all).ok());
        QCOMPARE(messagesOf(all), QStringList{QStringLiteral("blog oom")});

        v1::Alert again;
        QCOMPARE(m_platform->acknowledge(QStringLiteral("root"), m_blogOom, &again).error_code(),
                 grpc::StatusCode::FAILED_PRECONDITION);
    }

    void refusalsHaveTheirCodes_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("alert");
        QTest::addColumn<int>("code");

        QTest::newRow("another owner's")
            << QStringLiteral("alice") << QStringLiteral("blog") << int(grpc::StatusCode::PERMISSION_DENIED);
        QTest::newRow("unknown") << QStringLiteral("root") << QStringLiteral("alr_missing")
                                 << int(grpc::StatusCode::NOT_FOUND);
        QTest::newRow("no token") << QString() << QStringLiteral("blog")
                                  << int(grpc::StatusCode::UNAUTHENTICATED);
    }

    void refusalsHaveTheirCodes()
    {
        QFETCH(QString, user);
        QFETCH(QString, alert);
        QFETCH(int, code);
        const QString alertId = alert == u"blog" ? m_blogOom : alert;

        v1::Alert response;
        QCOMPARE(int(m_platform->acknowledge(user, alertId, &response).error_code()), code);
        v1::ListAlertsRequest request;
        request.set_include_acknowledged(true);
        v1::ListAlertsResponse all;
        QVERIFY(m_platform->list(QStringLiteral("root"), request, &all).ok());
        for (const v1::Alert &one : all.alerts())
            QVERIFY(!one.has_acknowledged_at());
    }

private:
    std::unique_ptr<Platform> m_platform;
    QString m_blogOom;
};

QTEST_GUILESS_MAIN(TestAlertGrpc)
#include "tst_alert_grpc.moc"
