// The build log view under a fast build: a stream thread hands the GUI thread a batch of lines every 50 ms
// (the desktop's streaming shape), the model appends each with one insertion, and a list view over the filter
// proxy follows the tail. Prints the rate, the GUI event loop's latency and the resident memory. See
// README.md.
#include "models/log_filter_model.h"
#include "models/log_line_model.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QHeaderView>
#include <QListView>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

using vitrine::desktop::LogFilterModel;
using vitrine::desktop::LogLineModel;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kBatchInterval = 50ms;
constexpr auto kTickInterval = 10ms;

double milliseconds(Clock::duration duration)
{
    return std::chrono::duration<double, std::milli>(duration).count();
}

// p in [0, 1] of the sorted samples.
double percentile(std::vector<double> samples, double p)
{
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    return samples[std::min(samples.size() - 1, size_t(p * double(samples.size())))];
}

// A field of /proc/self/status in MiB: VmRSS now, VmHWM the peak.
double statusMebibytes(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return 0;
}

// What a build prints: mostly compiler lines, some coloured test results, progress bars and warnings.
LogLineModel::Line makeLine(qint64 seq)
{
    LogLineModel::Line line;
    line.seq = seq;
    line.time = QDateTime::currentDateTimeUtc();
    switch (seq % 10) {
    case 0:
        line.text = QStringLiteral("\x1b[32m PASS \x1b[0m tests/unit/module_%1.test.ts (%2 ms)")
                        .arg(seq % 997)
                        .arg(seq % 300);
        break;
    case 1:
        line.text =
            QStringLiteral("Downloading layer %1: 12%\rDownloading layer %1: 57%\rDownloading layer %1: "
                           "100%")
                .arg(seq, 8, 16, QLatin1Char('0'));
        break;
    case 2:
        line.stream = LogLineModel::Stream::Stderr;
        line.text =
            QStringLiteral("\x1b[1;33mwarning:\x1b[0m unused variable 'tmp%1' in src/util/helpers_%2.cpp")
                .arg(seq % 50)
                .arg(seq % 211);
        break;
    default:
        line.text = QStringLiteral("[%1/%2] Compiling src/components/widget_%3/render_%4.cpp -o obj/%3_%4.o")
                        .arg(seq)
                        .arg(seq + 1000)
                        .arg(seq % 389)
                        .arg(seq % 17);
    }
    return line;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Appends log lines to the log view model behind a view that follows the tail."));
    parser.addHelpOption();
    const QCommandLineOption linesOption(QStringLiteral("lines"), QStringLiteral("Lines to append."),
                                         QStringLiteral("count"), QStringLiteral("1000000"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("Lines per second."),
                                        QStringLiteral("count"), QStringLiteral("100000"));
    const QCommandLineOption viewOption(QStringLiteral("view"),
                                        QStringLiteral("The view: table (fixed row heights) or list."),
                                        QStringLiteral("kind"), QStringLiteral("table"));
    const QCommandLineOption includeOption(QStringLiteral("include"),
                                           QStringLiteral("Show only the lines matching this expression."),
                                           QStringLiteral("regex"));
    parser.addOptions({linesOption, rateOption, viewOption, includeOption});
    parser.process(app);
    const qint64 totalLines = parser.value(linesOption).toLongLong();
    const qint64 batchLines =
        std::max<qint64>(1, parser.value(rateOption).toLongLong() * kBatchInterval.count() / 1000);

    LogLineModel model;
    LogFilterModel filter; // without --include it passes everything through, as until the user types a filter
    filter.setSourceModel(&model);
    if (!filter.setIncludePattern(parser.value(includeOption))) {
        std::fprintf(stderr, "%s\n", qPrintable(filter.includePatternError()));
        return 2;
    }
    // A list view lays every row out again after each insertion (O(rows)); a table view with fixed row
    // heights only counts them, so it is the one that keeps up with a million lines.
    std::unique_ptr<QAbstractItemView> view;
    if (parser.value(viewOption) == QStringLiteral("list")) {
        auto list = std::make_unique<QListView>();
        list->setUniformItemSizes(true);
        view = std::move(list);
    } else {
        auto table = std::make_unique<QTableView>();
        table->horizontalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
        table->verticalHeader()->hide();
        table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 2);
        table->setShowGrid(false);
        table->setWordWrap(false);
        view = std::move(table);
    }
    view->setModel(&filter);
    view->resize(1200, 800);
    view->show();
    QObject::connect(&filter, &QAbstractItemModel::rowsInserted, view.get(),
                     [&view] { view->scrollToBottom(); });

    std::vector<double> lateness;
    Clock::time_point lastTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(kTickInterval);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const Clock::time_point now = Clock::now();
        if (lastTick != Clock::time_point())
            lateness.push_back(std::max(0.0, milliseconds(now - lastTick - kTickInterval)));
        lastTick = now;
    });

    const double baselineMebibytes = statusMebibytes("VmRSS");
    std::vector<double> appendTimes;
    std::vector<double> handOverDelays; // from the worker's hand-over to the GUI thread's append
    Clock::time_point lastAppend;

    // The stream worker: a batch every 50 ms, handed over by a queued call, as desktop/client does.
    const Clock::time_point start = Clock::now();
    std::thread producer([&] {
        qint64 seq = 1;
        for (qint64 batch = 0; seq <= totalLines; ++batch) {
            std::this_thread::sleep_until(start + batch * kBatchInterval);
            QList<LogLineModel::Line> lines;
            lines.reserve(batchLines);
            for (qint64 i = 0; i < batchLines && seq <= totalLines; ++i)
                lines.append(makeLine(seq++));
            const bool last = seq > totalLines;
            QMetaObject::invokeMethod(
                &model,
                [&, lines = std::move(lines), last, sentAt = Clock::now()]() mutable {
                    const Clock::time_point begin = Clock::now();
                    handOverDelays.push_back(milliseconds(begin - sentAt));
                    model.appendBatch(std::move(lines));
                    lastAppend = Clock::now();
                    appendTimes.push_back(milliseconds(lastAppend - begin));
                    // Let the view paint the last batch before measuring.
                    if (last)
                        QTimer::singleShot(200ms, &app, &QCoreApplication::quit);
                },
                Qt::QueuedConnection);
        }
    });

    ticker.start();
    app.exec();
    producer.join();

    const double seconds = std::chrono::duration<double>(lastAppend - start).count();
    std::printf("appended %lld lines in batches of %lld: %.2f s, %.0f lines/s; model rows %d, view rows %d\n",
                static_cast<long long>(totalLines), static_cast<long long>(batchLines), seconds,
                seconds > 0 ? double(totalLines) / seconds : 0.0, model.rowCount(),
                view->model()->rowCount());
    std::printf("event loop lateness of a 10 ms timer (%zu ticks): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                lateness.size(), percentile(lateness, 0.5), percentile(lateness, 0.99),
                percentile(lateness, 1.0));
    std::printf("appendBatch on the GUI thread (%zu batches): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                appendTimes.size(), percentile(appendTimes, 0.5), percentile(appendTimes, 0.99),
                percentile(appendTimes, 1.0));
    std::printf("hand-over to append (queue wait): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                percentile(handOverDelays, 0.5), percentile(handOverDelays, 0.99),
                percentile(handOverDelays, 1.0));
    std::printf("resident memory: %.0f MiB before, %.0f MiB after, %.0f MiB peak\n", baselineMebibytes,
                statusMebibytes("VmRSS"), statusMebibytes("VmHWM"));
    return 0;
}
