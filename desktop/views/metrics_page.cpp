#include "views/metrics_page.h"

#include "client/metrics_api.h"
#include "client/metrics_stream.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QPointF>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

namespace vitrine::desktop {

namespace {

using namespace std::chrono_literals;

// The charts move with the clock even while no sample comes (a stopped app).
constexpr std::chrono::seconds kRefreshInterval = 5s;
constexpr int kDefaultRange = 1; // the last hour
constexpr double kBytesPerMebibyte = 1024.0 * 1024.0;
// Room above the highest point, so that it does not touch the top.
constexpr double kHeadroom = 1.1;
constexpr int kCountTicks = 4;

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace

MetricsPage::MetricsPage(ApiClient &api, const ConnectionSettings &settings, QString application,
                         QWidget *parent)
    : QWidget(parent)
    , m_api(api)
    , m_settings(settings)
    , m_application(std::move(application))
    , m_history(1h)
    , m_rangeBox(new QComboBox)
    , m_messageLabel(new QLabel)
    , m_streamLabel(new QLabel)
{
    m_rangeBox->setObjectName(QStringLiteral("metricsRangeBox"));
    m_rangeBox->setToolTip(tr("How far back the charts reach"));
    m_rangeBox->addItem(tr("Last 15 minutes"), QVariant::fromValue<qint64>(15 * 60));
    m_rangeBox->addItem(tr("Last hour"), QVariant::fromValue<qint64>(60 * 60));
    m_rangeBox->addItem(tr("Last 6 hours"), QVariant::fromValue<qint64>(6 * 60 * 60));
    m_rangeBox->addItem(tr("Last 24 hours"), QVariant::fromValue<qint64>(24 * 60 * 60));
    m_rangeBox->addItem(tr("Last 3 days"), QVariant::fromValue<qint64>(3 * 24 * 60 * 60));
    m_rangeBox->setCurrentIndex(kDefaultRange);
    m_messageLabel->setObjectName(QStringLiteral("metricsMessageLabel"));
    m_messageLabel->setWordWrap(true);
    m_streamLabel->setObjectName(QStringLiteral("metricsStreamLabel"));

    auto *header = new QHBoxLayout;
    header->addWidget(m_rangeBox);
    header->addWidget(m_messageLabel, 1);
    header->addWidget(m_streamLabel);

    auto *charts = new QGridLayout;
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(charts, 1);

    addChart(charts, 0, 0, QStringLiteral("cpuChart"), tr("CPU (cores)"),
             [](const MetricsSample &sample) { return sample.cpuCores; });
    addChart(charts, 0, 1, QStringLiteral("memoryChart"), tr("Memory (MiB)"),
             [](const MetricsSample &sample) { return sample.memoryBytes / kBytesPerMebibyte; });
    addChart(
        charts, 1, 0, QStringLiteral("restartsChart"), tr("Restarts"),
        [](const MetricsSample &sample) { return static_cast<double>(sample.restarts); }, true);
    // Per second, so that points of different resolutions compare.
    addChart(charts, 1, 1, QStringLiteral("requestsChart"), tr("Requests per second"),
             [](const MetricsSample &sample) {
                 return sample.resolutionSeconds > 0
                            ? static_cast<double>(sample.requests) / sample.resolutionSeconds
                            : static_cast<double>(sample.requests);
             });

    connect(m_rangeBox, &QComboBox::currentIndexChanged, this, &MetricsPage::loadRange);
    m_refreshTimer.setInterval(kRefreshInterval);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MetricsPage::refreshCharts);
    m_refreshTimer.start();
    loadRange();
}

MetricsPage::~MetricsPage() = default;

void MetricsPage::addChart(QGridLayout *grid, int row, int column, const QString &objectName,
                           const QString &title, std::function<double(const MetricsSample &)> valueOf,
                           bool counts)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->hide();
    Chart parts;
    parts.series = new QLineSeries;
    chart->addSeries(parts.series);
    parts.timeAxis = new QDateTimeAxis;
    chart->addAxis(parts.timeAxis, Qt::AlignBottom);
    parts.series->attachAxis(parts.timeAxis);
    parts.valueAxis = new QValueAxis;
    parts.valueAxis->setLabelFormat(counts ? QStringLiteral("%d") : QStringLiteral("%.2f"));
    chart->addAxis(parts.valueAxis, Qt::AlignLeft);
    parts.series->attachAxis(parts.valueAxis);
    parts.valueOf = std::move(valueOf);
    parts.counts = counts;

    auto *view = new QChartView(chart);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(240, 180);
    grid->addWidget(view, row, column);
    grid->setRowStretch(row, 1);
    grid->setColumnStretch(column, 1);
    m_charts.push_back(std::move(parts));
}

void MetricsPage::loadRange()
{
    m_stream.reset();
    m_streamLabel->clear();
    m_history.reset(std::chrono::seconds(m_rangeBox->currentData().toLongLong()));
    m_loading = true;
    m_queryError.clear();
    refreshCharts();

    const unsigned query = ++m_query;
    const QDateTime until = now();
    queryMetrics(m_api, this, m_application, m_history.rangeStart(until), until,
                 [this, query, until](const CallResult<MetricsSeries> &result) {
                     if (query == m_query)
                         showRange(result, until);
                 });
}

void MetricsPage::showRange(const CallResult<MetricsSeries> &result, const QDateTime &queriedUntil)
{
    m_loading = false;
    if (result.ok()) {
        m_history.merge(result.value->samples, now());
        // Live from where the range's points end: the stream resends the newest one, which merges away.
        followFrom(m_history.isEmpty() ? queriedUntil : m_history.newestTime());
    } else {
        m_queryError = result.error;
        // The stream also sends what it still holds of the range.
        followFrom(m_history.rangeStart(queriedUntil));
    }
    refreshCharts();
    emit rangeLoaded();
}

void MetricsPage::followFrom(const QDateTime &since)
{
    m_stream = std::make_unique<MetricsStream>(m_settings, m_application, since);
    connect(m_stream.get(), &MetricsStream::samplesReceived, this, &MetricsPage::addLiveSamples);
    connect(m_stream.get(), &MetricsStream::statusChanged, this, &MetricsPage::showStreamStatus);
    m_stream->start();
}

void MetricsPage::addLiveSamples(const QList<MetricsSample> &samples)
{
    m_history.merge(samples, now());
    refreshCharts();
}

void MetricsPage::showStreamStatus(const StreamStatus &status)
{
    m_streamLabel->setToolTip(status.reason);
    switch (status.state) {
    case StreamStatus::State::Stopped:
        m_streamLabel->clear();
        return;
    case StreamStatus::State::Connecting:
        m_streamLabel->setText(tr("Live updates: connecting…"));
        return;
    case StreamStatus::State::Live:
        m_streamLabel->setText(tr("Live updates: on"));
        return;
    case StreamStatus::State::Reconnecting: {
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(status.retryIn).count();
        m_streamLabel->setText(tr("Live updates: reconnecting in %n s", nullptr, static_cast<int>(seconds)));
        return;
    }
    case StreamStatus::State::Finished:
        m_streamLabel->setText(tr("Live updates: ended"));
        return;
    case StreamStatus::State::Failed:
        m_streamLabel->setText(tr("Live updates: failed: %1").arg(status.reason));
        return;
    }
}

void MetricsPage::refreshCharts()
{
    const QDateTime end = now();
    m_history.trim(end);
    const QDateTime start = m_history.rangeStart(end);
    // Times of day for a day or less; the date too beyond.
    const QString timeFormat =
        m_history.range() <= 24h ? QStringLiteral("HH:mm") : QStringLiteral("MMM d HH:mm");
    const QList<MetricsSample> &samples = m_history.samples();
    for (const Chart &chart : m_charts) {
        QList<QPointF> points;
        points.reserve(samples.size());
        double highest = 0;
        for (const MetricsSample &sample : samples) {
            const double value = chart.valueOf(sample);
            points.append({static_cast<qreal>(sample.time.toMSecsSinceEpoch()), value});
            highest = std::max(highest, value);
        }
        chart.series->replace(points);
        chart.timeAxis->setFormat(timeFormat);
        chart.timeAxis->setRange(start.toLocalTime(), end.toLocalTime());
        if (chart.counts) {
            // 0 … top in at most kCountTicks steps of a whole number each.
            const int top = std::max(1, static_cast<int>(std::ceil(highest * kHeadroom)));
            const int steps = std::min(top, kCountTicks);
            const int step = (top + steps - 1) / steps;
            chart.valueAxis->setTickCount(steps + 1);
            chart.valueAxis->setRange(0, step * steps);
        } else {
            chart.valueAxis->setRange(0, highest > 0 ? highest * kHeadroom : 1.0);
        }
    }
    updateMessage();
}

void MetricsPage::updateMessage()
{
    if (!m_queryError.isEmpty())
        m_messageLabel->setText(tr("Cannot load the metrics: %1").arg(m_queryError));
    else if (m_loading)
        m_messageLabel->setText(tr("Loading…"));
    else if (m_history.isEmpty())
        m_messageLabel->setText(tr("No samples yet"));
    else
        m_messageLabel->clear();
}

} // namespace vitrine::desktop
