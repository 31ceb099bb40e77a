// EventStream against a real vitrine-server: live events, and a restart of the server in between.

#include "client/event_stream.h"
#include "stream_test_support.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using vitrine::desktop::EventStream;
using vitrine::desktop::StreamedEvent;
using vitrine::desktop::StreamStatus;
using vitrine::tests::itemsIn;
using vitrine::tests::ServerProcess;
using vitrine::tests::str;
namespace v1 = vitrine::v1;

namespace {

bool changed(const QList<StreamedEvent> &events, const QString &application)
{
    return std::any_of(events.begin(), events.end(), [&](const StreamedEvent &event) {
        return event.type == StreamedEvent::Type::ApplicationChanged && event.applicationName == application;
    });
}

} // namespace

class EventStreamTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void deliversEventsLiveAndAsksForAReloadAfterAServerRestart();

private:
    // An application (on a repository of its own) created through the API, which publishes its events.
    void createApplication(const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
};

void EventStreamTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = vitrine::tests::restartableServer();
    QVERIFY(m_server);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void EventStreamTest::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

void EventStreamTest::createApplication(const QString &name)
{
    v1::CreateApplicationRequest application;
    application.set_name(str(name));
    application.set_ref("main");
    application.mutable_build()->set_type(v1::BUILD_TYPE_STATIC);
    // The repository is never fetched: the application's build needs no source to be announced.
    vitrine::tests::createApplication(*m_server, str(name) + "-repo",
                                      m_dir.filePath(name + QStringLiteral(".git")), application);
}

void EventStreamTest::deliversEventsLiveAndAsksForAReloadAfterAServerRestart()
{
    EventStream stream(vitrine::tests::settingsFor(*m_server));
    QSignalSpy events(&stream, &EventStream::eventsReceived);
    QSignalSpy reloads(&stream, &EventStream::reloadNeeded);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(stream.status().state, StreamStatus::State::Live, 10'000);

    createApplication(QStringLiteral("before"));
    QTRY_VERIFY_WITH_TIMEOUT(changed(itemsIn<StreamedEvent>(events), QStringLiteral("before")), 10'000);
    QCOMPARE(reloads.size(), 0);

    QCOMPARE(m_server->stop(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stream.status().state, StreamStatus::State::Reconnecting, 10'000);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));

    // The restarted server no longer holds the seq the stream resumes from: the model is told to reload, and
    // events keep coming live.
    QTRY_COMPARE_WITH_TIMEOUT(reloads.size(), 1, 20'000);
    QTRY_COMPARE_WITH_TIMEOUT(stream.status().state, StreamStatus::State::Live, 10'000);
    createApplication(QStringLiteral("after"));
    QTRY_VERIFY_WITH_TIMEOUT(changed(itemsIn<StreamedEvent>(events), QStringLiteral("after")), 10'000);

    const QList<StreamedEvent> received = itemsIn<StreamedEvent>(events);
    for (qsizetype i = 1; i < received.size(); ++i)
        QVERIFY(received.at(i).seq > received.at(i - 1).seq);
    QCOMPARE(reloads.size(), 1);
}

QTEST_MAIN(EventStreamTest)
#include "tst_event_stream.moc"
