// MetricsPage against a real vitrine-server that samples every second, running a small python web app.

#include "client/api_client.h"
#include "git_fixture.h"
#include "stream_test_support.h"
#include "views/metrics_page.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using vitrine::desktop::ApiClient;
using vitrine::desktop::ConnectionSettings;
using vitrine::desktop::MetricsPage;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::settingsFor;
namespace v1 = vitrine::v1;

namespace {

// Building and starting the app takes seconds; the margin is for a loaded machine.
constexpr int kAppLiveTimeoutMs = 60'000;
constexpr int kAnswerTimeoutMs = 15'000;

const QByteArray kAppSource = R"(import http.server, os

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)";

const QStringList kCharts{QStringLiteral("cpuChart"), QStringLiteral("memoryChart"),
                          QStringLiteral("restartsChart"), QStringLiteral("requestsChart")};

QChart *chartOf(const MetricsPage &page, const QString &name)
{
    const auto *view = page.findChild<QChartView *>(name);
    return view ? view->chart() : nullptr;
}

QLineSeries *seriesOf(const MetricsPage &page, const QString &name)
{
    QChart *chart = chartOf(page, name);
    return chart && chart->series().size() == 1 ? qobject_cast<QLineSeries *>(chart->series().constFirst())
                                                : nullptr;
}

// How many points the chart shows; -1 when the page has no such chart.
qsizetype pointCount(const MetricsPage &page, const QString &name)
{
    const QLineSeries *series = seriesOf(page, name);
    return series ? series->count() : -1;
}

// The seconds the chart's time axis spans.
qint64 axisSpanSeconds(const MetricsPage &page, const QString &name)
{
    QChart *chart = chartOf(page, name);
    const auto *axis = chart ? qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).value(0)) : nullptr;
    return axis ? axis->min().secsTo(axis->max()) : -1;
}

QString textOf(const MetricsPage &page, const QString &label)
{
    const auto *found = page.findChild<QLabel *>(label);
    return found ? found->text() : QStringLiteral("<no label %1>").arg(label);
}

} // namespace

class MetricsPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void chartsFillAndFollowLiveSamples();
    void changingTheRangeQueriesIt_data();
    void changingTheRangeQueriesIt();
    void saysSoWhenThereAreNoSamples();
    void showsWhyAnUnknownApplicationHasNoCharts();

private:
    void createApplication(const std::string &name, v1::BuildType type, const QString &startCommand);

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    std::vector<std::unique_ptr<GitFixture>> m_repositories;
};

void MetricsPageTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // A sample every second, so that live points come within the test.
    QFile config(m_dir.filePath(QStringLiteral("vitrine.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("[metrics]\ninterval_seconds = 1\n");
    config.close();
    ServerProcess::Options options;
    options.extraArgs = {QStringLiteral("--config"), config.fileName()};
    m_server = std::make_unique<ServerProcess>(options);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));

    createApplication("measured", v1::BUILD_TYPE_RUNTIME_CMD, QStringLiteral("python3 -u app.py"));
}

void MetricsPageTest::cleanupTestCase()
{
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
}

void MetricsPageTest::createApplication(const std::string &name, v1::BuildType type,
                                        const QString &startCommand)
{
    const QString gitDir = m_dir.filePath(QString::fromStdString(name));
    QVERIFY(QDir().mkpath(gitDir));
    auto &git = m_repositories.emplace_back(std::make_unique<GitFixture>(gitDir));
    git->commit(QStringLiteral("main"),
                {{QStringLiteral("app.py"), kAppSource}, {QStringLiteral("index.html"), "<p>hello</p>"}},
                QStringLiteral("first"));
    v1::CreateApplicationRequest application;
    application.set_name(name);
    application.set_ref("main");
    application.mutable_build()->set_type(type);
    if (!startCommand.isEmpty())
        application.mutable_build()->set_start_command(startCommand.toStdString());
    vitrine::tests::createApplication(*m_server, name, git->bareUrl(), application);
}

void MetricsPageTest::chartsFillAndFollowLiveSamples()
{
    const ConnectionSettings settings = settingsFor(*m_server);
    ApiClient api(settings);
    MetricsPage page(api, settings, QStringLiteral("measured"));
    page.show();

    QTRY_VERIFY_WITH_TIMEOUT(pointCount(page, QStringLiteral("memoryChart")) > 0, kAppLiveTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(textOf(page, QStringLiteral("metricsStreamLabel")),
                              QStringLiteral("Live updates: on"), kAnswerTimeoutMs);
    const qsizetype shown = pointCount(page, QStringLiteral("memoryChart"));
    QTRY_VERIFY_WITH_TIMEOUT(pointCount(page, QStringLiteral("memoryChart")) > shown, kAnswerTimeoutMs);

    for (const QString &chart : kCharts)
        QCOMPARE(pointCount(page, chart), pointCount(page, QStringLiteral("memoryChart")));
    const QLineSeries *memory = seriesOf(page, QStringLiteral("memoryChart"));
    QVERIFY2(memory->at(memory->count() - 1).y() > 0, "a running python app uses memory");
    QVERIFY(textOf(page, QStringLiteral("metricsMessageLabel")).isEmpty());
    // Oldest first, one point per time.
    for (qsizetype i = 1; i < memory->count(); ++i)
        QVERIFY(memory->at(i - 1).x() < memory->at(i).x());
}

void MetricsPageTest::changingTheRangeQueriesIt_data()
{
    QTest::addColumn<int>("choice");
    QTest::addColumn<qint64>("spanSeconds");

    QTest::newRow("last 15 minutes") << 0 << qint64(15 * 60);
    QTest::newRow("last 6 hours") << 2 << qint64(6 * 60 * 60);
    QTest::newRow("last 24 hours") << 3 << qint64(24 * 60 * 60);
    QTest::newRow("last 3 days") << 4 << qint64(3 * 24 * 60 * 60);
}

void MetricsPageTest::changingTheRangeQueriesIt()
{
    QFETCH(int, choice);
    QFETCH(qint64, spanSeconds);

    const ConnectionSettings settings = settingsFor(*m_server);
    ApiClient api(settings);
    MetricsPage page(api, settings, QStringLiteral("measured"));
    QSignalSpy loaded(&page, &MetricsPage::rangeLoaded);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kAnswerTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(pointCount(page, QStringLiteral("cpuChart")) > 0, kAppLiveTimeoutMs);

    // What the charts show when the answer came: the query's points, before any live sample.
    qsizetype queriedPoints = -1;
    connect(&page, &MetricsPage::rangeLoaded, this,
            [&] { queriedPoints = pointCount(page, QStringLiteral("cpuChart")); });
    auto *range = page.findChild<QComboBox *>(QStringLiteral("metricsRangeBox"));
    QVERIFY(range);
    range->setCurrentIndex(choice);

    QCOMPARE(pointCount(page, QStringLiteral("cpuChart")), 0);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, kAnswerTimeoutMs);
    QVERIFY2(queriedPoints > 0, "the app ran during the range");
    for (const QString &chart : kCharts)
        QCOMPARE(axisSpanSeconds(page, chart), spanSeconds);
    QTRY_COMPARE_WITH_TIMEOUT(textOf(page, QStringLiteral("metricsStreamLabel")),
                              QStringLiteral("Live updates: on"), kAnswerTimeoutMs);
}

void MetricsPageTest::saysSoWhenThereAreNoSamples()
{
    // A static site runs nothing: it gets no points.
    createApplication("quiet", v1::BUILD_TYPE_STATIC, {});
    if (QTest::currentTestFailed())
        return;
    const ConnectionSettings settings = settingsFor(*m_server);
    ApiClient api(settings);
    MetricsPage page(api, settings, QStringLiteral("quiet"));
    QSignalSpy loaded(&page, &MetricsPage::rangeLoaded);

    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kAnswerTimeoutMs);
    QCOMPARE(textOf(page, QStringLiteral("metricsMessageLabel")), QStringLiteral("No samples yet"));
    for (const QString &chart : kCharts)
        QCOMPARE(pointCount(page, chart), 0);
}

void MetricsPageTest::showsWhyAnUnknownApplicationHasNoCharts()
{
    const ConnectionSettings settings = settingsFor(*m_server);
    ApiClient api(settings);
    MetricsPage page(api, settings, QStringLiteral("no-such-app"));
    QSignalSpy loaded(&page, &MetricsPage::rangeLoaded);

    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kAnswerTimeoutMs);
    QVERIFY2(textOf(page, QStringLiteral("metricsMessageLabel")).contains(QStringLiteral("no-such-app")),
             qPrintable(textOf(page, QStringLiteral("metricsMessageLabel"))));
    QTRY_VERIFY_WITH_TIMEOUT(
        textOf(page, QStringLiteral("metricsStreamLabel")).startsWith(QStringLiteral("Live updates: failed")),
        kAnswerTimeoutMs);
    for (const QString &chart : kCharts)
        QCOMPARE(pointCount(page, chart), 0);
}

QTEST_MAIN(MetricsPageTest)

#include "tst_metrics_page.moc"
