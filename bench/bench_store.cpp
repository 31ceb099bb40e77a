// Fills a store with applications (websites, env vars, owners), their builds and tokens, then times what the
// API does most: inserting, listing every page with each application's newest build, and looking up an
// application by name and a token by its secret's hash.
// Prints the figures; see README.md.

#include "adapters/store/sql_store.h"
#include "domain/build.h"
#include "domain/ids.h"
#include "domain/token.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QList>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace vitrine;

namespace {

constexpr int kUsers = 50;
constexpr int kRepositories = 100;
constexpr int kTokens = 1000;
constexpr int kLookups = 2000;
constexpr int kPageSize = 100; // the API's default page
constexpr int kBuildsPerApplication = 3;

struct Latency {
    double meanUs = 0;
    double p50Us = 0;
    double p99Us = 0;
};

Latency latencyOf(QList<qint64> nanoseconds)
{
    std::sort(nanoseconds.begin(), nanoseconds.end());
    double total = 0;
    for (const qint64 ns : nanoseconds)
        total += double(ns);
    const auto at = [&](double quantile) {
        return double(nanoseconds[qsizetype(quantile * double(nanoseconds.size() - 1))]) / 1000.0;
    };
    return {total / double(nanoseconds.size()) / 1000.0, at(0.50), at(0.99)};
}

template<typename Call>
Latency timeEach(int times, Call &&call)
{
    QList<qint64> nanoseconds;
    nanoseconds.reserve(times);
    QElapsedTimer timer;
    for (int i = 0; i < times; ++i) {
        timer.start();
        call(i);
        nanoseconds << timer.nsecsElapsed();
    }
    return latencyOf(nanoseconds);
}

void printLatency(const char *what, const Latency &latency)
{
    std::printf("%-34s mean %8.1f us   p50 %8.1f us   p99 %8.1f us\n", what, latency.meanUs, latency.p50Us,
                latency.p99Us);
}

domain::Application benchApplication(int index, const QList<domain::User> &users,
                                     const QList<domain::Repository> &repositories)
{
    domain::Application application;
    application.id = domain::newId(domain::idprefix::kApplication);
    application.name = QStringLiteral("app-%1").arg(index, 5, 10, QLatin1Char('0'));
    application.repositoryId = repositories[index % repositories.size()].id;
    application.ref = QStringLiteral("main");
    application.deployType = domain::DeployType::Runtime;
    application.build = {domain::BuildType::RuntimeCmd,
                         QStringLiteral("npm ci && npm run build"),
                         QStringLiteral("node server.js"),
                         {},
                         {},
                         {},
                         8080};
    application.websites = {{application.name + QStringLiteral(".localhost"), QStringLiteral("/"), false},
                            {QStringLiteral("club.example.org"), u'/' + application.name, true}};
    application.env = {{QStringLiteral("NODE_ENV"), QStringLiteral("production")},
                       {QStringLiteral("PORT"), QStringLiteral("8080")},
                       {QStringLiteral("APP_NAME"), application.name}};
    application.ownerIds = {users[index % users.size()].id, users[(index + 1) % users.size()].id};
    application.configHash = QStringLiteral("%1").arg(index, 64, 16, QLatin1Char('0'));
    return application;
}

// The index-th build of the application, queued index minutes after the first.
domain::Build benchBuild(const domain::Application &application, int index)
{
    static const QDateTime firstQueuedAt(QDate(2026, 11, 1), QTime(8, 0), Qt::UTC);
    domain::Build build;
    build.id = domain::newId(domain::idprefix::kBuild);
    build.applicationId = application.id;
    build.commit = QStringLiteral("%1").arg(index, 40, 16, QLatin1Char('0'));
    build.configHash = application.configHash;
    build.config = application.build;
    build.env = application.env;
    build.ownerKey = application.ownerIds.value(0);
    build.deployType = application.deployType;
    build.startCommand = application.build.startCommand;
    build.queuedAt = firstQueuedAt.addSecs(60 * index);
    return build;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times the SQL store with many applications."));
    parser.addHelpOption();
    const QCommandLineOption applicationsOption(QStringLiteral("applications"),
                                                QStringLiteral("How many applications to insert (10000)."),
                                                QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption databaseOption(
        QStringLiteral("database"),
        QStringLiteral("An empty database to fill (default: SQLite in a temporary dir)."),
        QStringLiteral("URL"));
    parser.addOptions({applicationsOption, databaseOption});
    parser.process(app);

    bool isNumber = false;
    const int applicationCount = parser.value(applicationsOption).toInt(&isNumber);
    if (!isNumber || applicationCount < 1) {
        std::fprintf(stderr, "--applications: expected a positive number\n");
        return 2;
    }
    QTemporaryDir dir;
    const QString url = parser.isSet(databaseOption)
                            ? parser.value(databaseOption)
                            : QStringLiteral("sqlite:%1").arg(dir.filePath(QStringLiteral("bench.db")));

    try {
        adapters::store::SqlStore store(url);
        std::printf("store: %s, %d applications\n", qPrintable(store.backendName()), applicationCount);

        QList<domain::User> users;
        for (int i = 0; i < kUsers; ++i) {
            users << domain::User{domain::newId(domain::idprefix::kUser),
                                  QStringLiteral("user-%1").arg(i),
                                  domain::Role::Member,
                                  {}};
            store.insertUser(users.last());
        }
        QList<domain::Repository> repositories;
        for (int i = 0; i < kRepositories; ++i) {
            domain::Repository repository;
            repository.id = domain::newId(domain::idprefix::kRepository);
            repository.name = QStringLiteral("repo-%1").arg(i);
            repository.url = QStringLiteral("https://git.example.org/club/repo-%1.git").arg(i);
            repository.ownerIds = {users[i % kUsers].id};
            repositories << repository;
            store.insertRepository(repository);
        }
        QList<QByteArray> secretHashes;
        for (int i = 0; i < kTokens; ++i) {
            domain::Token token;
            token.id = domain::newId(domain::idprefix::kToken);
            token.userId = users[i % kUsers].id;
            token.description = QStringLiteral("token %1").arg(i);
            token.secretHash = domain::hashTokenSecret(domain::newTokenSecret());
            secretHashes << token.secretHash;
            store.insertToken(token);
        }

        QElapsedTimer timer;
        timer.start();
        QList<domain::Application> applications;
        applications.reserve(applicationCount);
        const Latency insert = timeEach(applicationCount, [&](int i) {
            applications << benchApplication(i, users, repositories);
            store.insertApplication(applications.last());
        });
        const double insertSeconds = double(timer.nsecsElapsed()) / 1e9;
        std::printf("%-34s %8.0f applications/s (%.2f s in all)\n", "insertApplication",
                    applicationCount / insertSeconds, insertSeconds);
        printLatency("insertApplication", insert);

        timer.start();
        for (int index = 0; index < kBuildsPerApplication; ++index) {
            for (const domain::Application &application : applications)
                store.insertBuild(benchBuild(application, index));
        }
        const double buildSeconds = double(timer.nsecsElapsed()) / 1e9;
        std::printf("%-34s %8.0f builds/s (%d per application, %.2f s in all)\n", "insertBuild",
                    applicationCount * kBuildsPerApplication / buildSeconds, kBuildsPerApplication,
                    buildSeconds);

        // As the API pages: one more than the page, to learn whether another follows.
        timer.start();
        int pages = 0;
        int listed = 0;
        domain::PageQuery page{kPageSize + 1, {}};
        QList<qint64> pageNanoseconds;
        QList<qint64> latestBuildNanoseconds;
        QElapsedTimer pageTimer;
        for (;;) {
            pageTimer.start();
            QList<domain::Application> items = store.listApplications({}, page);
            pageNanoseconds << pageTimer.nsecsElapsed();
            ++pages;
            const bool more = items.size() > kPageSize;
            items.resize(std::min<qsizetype>(items.size(), kPageSize));
            listed += int(items.size());
            // The list RPC then reads the page's newest builds, in one statement.
            QStringList ids;
            for (const domain::Application &application : items)
                ids << application.id;
            pageTimer.start();
            const QHash<QString, domain::Build> latest = store.latestBuilds(ids);
            latestBuildNanoseconds << pageTimer.nsecsElapsed();
            if (latest.size() != items.size())
                qFatal("%d of %d applications have a newest build", int(latest.size()), int(items.size()));
            if (!more)
                break;
            page.afterName = items.last().name;
        }
        const double listSeconds = double(timer.nsecsElapsed()) / 1e9;
        if (listed != applicationCount) {
            std::fprintf(stderr, "listing found %d applications, expected %d\n", listed, applicationCount);
            return 1;
        }
        std::printf("%-34s %8.3f s for %d pages of %d\n", "listApplications + latestBuilds", listSeconds,
                    pages, kPageSize);
        printLatency("listApplications, one page", latencyOf(pageNanoseconds));
        printLatency("latestBuilds, one page", latencyOf(latestBuildNanoseconds));

        auto *random = QRandomGenerator::global();
        printLatency("findApplicationByName", timeEach(kLookups, [&](int) {
                         const QString name = QStringLiteral("app-%1").arg(random->bounded(applicationCount),
                                                                           5, 10, QLatin1Char('0'));
                         if (!store.findApplicationByName(name))
                             qFatal("application %s not found", qPrintable(name));
                     }));
        printLatency("findTokenBySecretHash", timeEach(kLookups, [&](int) {
                         if (!store.findTokenBySecretHash(secretHashes[random->bounded(kTokens)]))
                             qFatal("token not found");
                     }));

        if (!parser.isSet(databaseOption)) {
            const qint64 bytes = QFileInfo(dir.filePath(QStringLiteral("bench.db"))).size() +
                                 QFileInfo(dir.filePath(QStringLiteral("bench.db-wal"))).size();
            std::printf("%-34s %8.1f MiB (with the WAL)\n", "database file",
                        double(bytes) / (1024.0 * 1024.0));
        }
    } catch (const std::exception &error) {
        std::fprintf(stderr, "bench_store: %s\n", error.what());
        return 1;
    }
    return 0;
}
