#pragma once

#include "client/api_client.h"
#include "client/connection_settings.h"
#include "client/server_stream.h"
#include "models/metrics_history.h"
#include "models/metrics_sample.h"

#include <QList>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QDateTimeAxis;
class QGridLayout;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace vitrine::desktop {

class MetricsStream;

// An application's CPU, memory, restarts and requests as charts over a chosen time range ending now: the
// range's points from the server first, then each sample as it is taken, the oldest dropping off as time
// goes on.
class MetricsPage : public QWidget {
    Q_OBJECT

public:
    // application: its id or name.
    MetricsPage(ApiClient &api, const ConnectionSettings &settings, QString application,
                QWidget *parent = nullptr);
    ~MetricsPage() override;

signals:
    // The server answered the query for the chosen range: the charts show its points, or the message
    // label the error. Live samples keep coming after it.
    void rangeLoaded();

private:
    struct Chart {
        QLineSeries *series = nullptr;
        QDateTimeAxis *timeAxis = nullptr;
        QValueAxis *valueAxis = nullptr;
        std::function<double(const MetricsSample &)> valueOf;
        bool counts = false; // whole numbers: the axis ticks fall on them
    };

    void addChart(QGridLayout *grid, int row, int column, const QString &objectName, const QString &title,
                  std::function<double(const MetricsSample &)> valueOf, bool counts = false);
    // Forgets what the charts show and asks for the chosen range.
    void loadRange();
    void showRange(const CallResult<MetricsSeries> &result, const QDateTime &queriedUntil);
    void followFrom(const QDateTime &since);
    void addLiveSamples(const QList<MetricsSample> &samples);
    void showStreamStatus(const StreamStatus &status);
    // Redraws every chart from the history, over the range ending now.
    void refreshCharts();
    void updateMessage();

    ApiClient &m_api;
    const ConnectionSettings m_settings;
    const QString m_application;
    MetricsHistory m_history;
    std::unique_ptr<MetricsStream> m_stream;
    std::vector<Chart> m_charts;
    QComboBox *m_rangeBox;
    QLabel *m_messageLabel;
    QLabel *m_streamLabel;
    QTimer m_refreshTimer;
    // Counts loadRange() calls: the answer to an earlier query is dropped.
    unsigned m_query = 0;
    bool m_loading = false;
    QString m_queryError;
};

} // namespace vitrine::desktop
