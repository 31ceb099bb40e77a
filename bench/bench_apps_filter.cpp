// The application list with 10,000 applications, sorted by name, as a member types a search string one
// character at a time and erases it again: each keystroke is one filter pass of ApplicationFilterModel.
// Timed twice: the proxy alone, then with a QTableView on it (offscreen) laying out and painting after each
// keystroke, as the window does. Also times one batch of live events. Prints the figures; see README.md.

#include "models/application_filter_model.h"
#include "models/application_list_model.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QList>
#include <QRandomGenerator>
#include <QTableView>

#include <algorithm>
#include <cstdio>

using namespace vitrine::desktop;

namespace {

constexpr int kApplications = 10'000;
constexpr int kOwners = 200;
constexpr int kRounds = 10; // each round types every query and erases it

const QStringList kWords = {
    QStringLiteral("blog"),  QStringLiteral("shop"),   QStringLiteral("api"),    QStringLiteral("wiki"),
    QStringLiteral("forum"), QStringLiteral("docs"),   QStringLiteral("chat"),   QStringLiteral("status"),
    QStringLiteral("mail"),  QStringLiteral("events"), QStringLiteral("photos"), QStringLiteral("game"),
};

// Names, repositories and owners from small vocabularies, so searches match many rows at first and few at
// the end, as in a real list.
QList<ApplicationSummary> makeApplications()
{
    QRandomGenerator random(42);
    const QStringList runtimeStates = {QStringLiteral("running"), QStringLiteral("sleeping"),
                                       QStringLiteral("restarting"), QStringLiteral("errored")};
    QList<ApplicationSummary> applications;
    applications.reserve(kApplications);
    const QDateTime start = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    for (int i = 0; i < kApplications; ++i) {
        ApplicationSummary application;
        const QString word = kWords.at(random.bounded(kWords.size()));
        application.id = QStringLiteral("id-%1").arg(i);
        application.name = QStringLiteral("%1-%2").arg(word).arg(i);
        application.repository =
            QStringLiteral("%1-%2").arg(kWords.at(random.bounded(kWords.size()))).arg(i % 700);
        application.ref = QStringLiteral("main");
        application.owners = {QStringLiteral("user%1").arg(random.bounded(kOwners))};
        application.deployType = random.bounded(2) == 0 ? DeployType::Static : DeployType::Runtime;
        application.buildType = application.deployType == DeployType::Static ? QStringLiteral("static")
                                                                             : QStringLiteral("runtime-cmd");
        application.running = true;
        application.currentBuildId = QStringLiteral("build-%1").arg(i);
        if (application.deployType == DeployType::Runtime)
            application.runtimeState = runtimeStates.at(random.bounded(runtimeStates.size()));
        application.websites = {application.name + QStringLiteral(".localhost")};
        application.lastChange = start.addSecs(random.bounded(10'000'000));
        applications.append(application);
    }
    return applications;
}

// Every prefix of each query, then every prefix again as it is erased.
QStringList keystrokes()
{
    const QStringList queries = {QStringLiteral("shop-12"), QStringLiteral("User17"),
                                 QStringLiteral("docs-9")};
    QStringList texts;
    for (const QString &query : queries) {
        for (qsizetype length = 1; length <= query.size(); ++length)
            texts.append(query.left(length));
        for (qsizetype length = query.size() - 1; length >= 0; --length)
            texts.append(query.left(length));
    }
    return texts;
}

struct Figures {
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    qsizetype samples = 0;
};

Figures figuresOf(QList<qint64> nanoseconds)
{
    std::sort(nanoseconds.begin(), nanoseconds.end());
    const auto at = [&](double quantile) {
        return double(nanoseconds[qsizetype(quantile * double(nanoseconds.size() - 1))]) / 1e6;
    };
    return {at(0.50), at(0.99), double(nanoseconds.last()) / 1e6, nanoseconds.size()};
}

// afterKeystroke: what else happens before the keystroke counts as done (a view's layout and paint).
template<typename AfterKeystroke>
Figures typeAndErase(ApplicationFilterModel &filter, AfterKeystroke &&afterKeystroke)
{
    const QStringList texts = keystrokes();
    QList<qint64> nanoseconds;
    QElapsedTimer timer;
    for (int round = 0; round < kRounds; ++round) {
        for (const QString &text : texts) {
            timer.start();
            filter.setSearchText(text);
            afterKeystroke();
            nanoseconds.append(timer.nsecsElapsed());
        }
    }
    return figuresOf(nanoseconds);
}

void print(const char *what, const Figures &figures)
{
    std::printf("%-34s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   (%lld keystrokes)\n", what, figures.p50Ms,
                figures.p99Ms, figures.maxMs, static_cast<long long>(figures.samples));
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    ApplicationListModel model;
    QElapsedTimer timer;
    timer.start();
    model.setApplications(makeApplications());
    std::printf("%d applications loaded in %.1f ms\n", kApplications, double(timer.nsecsElapsed()) / 1e6);

    ApplicationFilterModel filter;
    filter.setSourceModel(&model);
    timer.start();
    filter.sort(static_cast<int>(ApplicationListModel::Column::Name));
    std::printf("sorted by name in %.1f ms\n", double(timer.nsecsElapsed()) / 1e6);

    print("search, proxy only", typeAndErase(filter, [] {}));

    timer.start();
    filter.setStates({ApplicationState::Errored, ApplicationState::Restarting});
    std::printf("state filter (errored, restarting): %.2f ms, %d rows\n", double(timer.nsecsElapsed()) / 1e6,
                filter.rowCount());
    print("search within a state filter", typeAndErase(filter, [] {}));
    filter.setStates({});

    QTableView view;
    view.setModel(&filter);
    view.setSortingEnabled(true);
    view.resize(1200, 800);
    view.show();
    QCoreApplication::processEvents();
    print("search, with a table view", typeAndErase(filter, [&] {
              QCoreApplication::processEvents();
              view.viewport()->repaint();
          }));

    // One stream batch: a state change for every tenth application, with the list sorted and shown.
    QList<ApplicationEvent> events;
    for (int i = 0; i < kApplications; i += 10)
        events.append({ApplicationEvent::Type::ApplicationStateChanged,
                       QStringLiteral("id-%1").arg(i),
                       {},
                       {},
                       QStringLiteral("starting"),
                       {},
                       QDateTime::currentDateTimeUtc()});
    timer.start();
    model.applyEvents(events);
    QCoreApplication::processEvents();
    std::printf("batch of %lld state changes, shown: %.2f ms\n", static_cast<long long>(events.size()),
                double(timer.nsecsElapsed()) / 1e6);
    return 0;
}
