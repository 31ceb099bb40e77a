#include "adapters/http/http_server.h"
#include "adapters/http/prometheus_metrics.h"
#include "domain/ids.h"
#include "domain/token.h"
#include "fake_store.h"
#include "scripted_runtime.h"
#include "store_fixtures.h"
#include "usecases/metrics_recorder.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <memory>
#include <optional>
#include <variant>

using namespace vitrine;

namespace {

// One metric family of an exposition, as the parser read it.
struct Family {
    QString type;
    QString help;
    QMap<QString, double> samples; // by the sample's labels, sorted and joined: `app="api",x="y"`
};

using Families = QMap<QString, Family>; // by metric name

// A strict reader of Prometheus' text exposition format 0.0.4: every line a HELP or TYPE comment or a sample,
// names and values of the right shape, label values escaped, one TYPE and one HELP per family before its
// samples, a family's samples together, no series twice, a line feed at the end. Returns the families, or
// the first problem ("line 3: …").
std::variant<Families, QString> parseExposition(const QByteArray &text)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    static const QRegularExpression number(
        QStringLiteral("^([+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|NaN|[+-]?Inf)$"));
    static const QStringList types{QStringLiteral("counter"), QStringLiteral("gauge"),
                                   QStringLiteral("histogram"), QStringLiteral("summary"),
                                   QStringLiteral("untyped")};

    if (!text.isEmpty() && !text.endsWith('\n'))
        return QStringLiteral("the text does not end with a line feed");
    Families families;
    QString currentFamily; // whose samples are being read
    QSet<QString> closedFamilies;
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    for (qsizetype index = 0; index + 1 < lines.size(); ++index) {
        const QString &line = lines[index];
        const auto problem = [&](const QString &what) {
            return QStringLiteral("line %1: %2").arg(index + 1).arg(what);
        };
        const auto enter = [&](const QString &family) -> std::optional<QString> {
            if (family == currentFamily)
                return std::nullopt;
            if (closedFamilies.contains(family))
                return problem(QStringLiteral("the family %1 appears in two places").arg(family));
            if (!currentFamily.isEmpty())
                closedFamilies.insert(currentFamily);
            currentFamily = family;
            return std::nullopt;
        };
        if (line.isEmpty())
            continue;
        if (line.startsWith(u'#')) {
            const QStringList parts = line.split(u' ');
            if (parts.size() < 3 || parts[0] != u"#" || (parts[1] != u"HELP" && parts[1] != u"TYPE"))
                continue; // another comment
            const QString &name = parts[2];
            if (!metricName.match(name).hasMatch())
                return problem(QStringLiteral("bad metric name '%1'").arg(name));
            if (const auto moved = enter(name))
                return *moved;
            Family &family = families[name];
            const QString rest = line.section(u' ', 3);
            if (parts[1] == u"TYPE") {
                if (!family.type.isEmpty() || !family.samples.isEmpty())
                    return problem(QStringLiteral("TYPE of %1 twice or after its samples").arg(name));
                if (!types.contains(rest))
                    return problem(QStringLiteral("unknown type '%1'").arg(rest));
                family.type = rest;
            } else {
                if (!family.help.isEmpty())
                    return problem(QStringLiteral("HELP of %1 twice").arg(name));
                if (QString(rest)
                        .remove(QStringLiteral("\\\\"))
                        .remove(QStringLiteral("\\n"))
                        .contains(u'\\'))
                    return problem(QStringLiteral("bad escape in HELP"));
                family.help = rest;
            }
            continue;
        }

        qsizetype at = 0;
        while (at < line.size() && line[at] != u'{' && line[at] != u' ')
            ++at;
        const QString name = line.first(at);
        if (!metricName.match(name).hasMatch())
            return problem(QStringLiteral("bad metric name '%1'").arg(name));
        QStringList labels;
        QSet<QString> labelNames;
        if (at < line.size() && line[at] == u'{') {
            ++at;
            while (at < line.size() && line[at] != u'}') {
                const qsizetype equals = line.indexOf(u'=', at);
                if (equals < 0)
                    return problem(QStringLiteral("a label without '='"));
                const QString label = line.sliced(at, equals - at);
                if (!labelName.match(label).hasMatch() || label.startsWith(QStringLiteral("__")))
                    return problem(QStringLiteral("bad label name '%1'").arg(label));
                if (labelNames.contains(label))
                    return problem(QStringLiteral("label %1 twice").arg(label));
                labelNames.insert(label);
                at = equals + 1;
                if (at >= line.size() || line[at] != u'"')
                    return problem(QStringLiteral("label value without quotes"));
                QString value;
                for (++at; at < line.size() && line[at] != u'"'; ++at) {
                    if (line[at] != u'\\') {
                        value += line[at];
                        continue;
                    }
                    if (++at >= line.size())
                        return problem(QStringLiteral("unfinished escape"));
                    if (line[at] == u'\\' || line[at] == u'"')
                        value += line[at];
                    else if (line[at] == u'n')
                        value += u'\n';
                    else
                        return problem(QStringLiteral("bad escape '\\%1'").arg(line[at]));
                }
                if (at >= line.size())
                    return problem(QStringLiteral("unterminated label value"));
                labels.append(QStringLiteral("%1=\"%2\"").arg(label, value));
                ++at; // the closing quote
                if (at < line.size() && line[at] == u',')
                    ++at;
                else if (at < line.size() && line[at] != u'}')
                    return problem(QStringLiteral("expected ',' or '}' after a label"));
            }
            if (at >= line.size())
                return problem(QStringLiteral("unterminated label set"));
            ++at; // '}'
        }
        if (at >= line.size() || line[at] != u' ')
            return problem(QStringLiteral("no space before the value"));
        const QStringList values = line.sliced(at + 1).split(u' ');
        if (values.size() > 2 || !number.match(values[0]).hasMatch() ||
            (values.size() == 2 &&
             !QRegularExpression(QStringLiteral("^-?\\d+$")).match(values[1]).hasMatch()))
            return problem(QStringLiteral("bad value or timestamp '%1'").arg(line.sliced(at + 1)));
        if (const auto moved = enter(name))
            return *moved;
        Family &family = families[name];
        labels.sort();
        const QString series = labels.join(u',');
        if (family.samples.contains(series))
            return problem(QStringLiteral("the series %1{%2} twice").arg(name, series));
        family.samples.insert(series, values[0].toDouble());
    }
    return families;
}

// The families of text, failing the test when it does not parse.
#define PARSE(families, text)                                                                                \
    const auto parsed##families = parseExposition(text);                                                     \
    QVERIFY2(std::holds_alternative<Families>(parsed##families),                                             \
             qPrintable(std::get_if<QString>(&parsed##families) ? *std::get_if<QString>(&parsed##families)   \
                                                                : QString()));                               \
    const Families &families = std::get<Families>(parsed##families)

usecases::ApplicationMetrics applicationMetrics(const QString &name)
{
    usecases::ApplicationMetrics metrics;
    metrics.applicationId = QStringLiteral("app_") + name;
    metrics.applicationName = name;
    metrics.cpuCores = 0.25;
    metrics.memoryBytes = 64 << 20;
    metrics.restarts = 1;
    metrics.cpuSecondsTotal = 12.5;
    metrics.restartsTotal = 3;
    metrics.requestsTotal = 1234;
    return metrics;
}

struct HttpAnswer {
    int status = 0;
    QByteArray contentType;
    QByteArray wwwAuthenticate;
    QByteArray body;
};

// GET on a local event loop, so that the server on this thread answers meanwhile.
HttpAnswer get(const QUrl &url, const QByteArray &authorization)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = manager.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                      reply->rawHeader("Content-Type"), reply->rawHeader("WWW-Authenticate"),
                      reply->readAll()};
    reply->deleteLater();
    return answer;
}

} // namespace

class TestPrometheusMetrics : public QObject {
    Q_OBJECT

private slots:
    void theParserIsStrict_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");

        QTest::newRow("no final line feed") << QByteArray("a 1") << "line feed";
        QTest::newRow("bad name") << QByteArray("1a 1\n") << "bad metric name";
        QTest::newRow("bad value") << QByteArray("a one\n") << "bad value";
        QTest::newRow("unescaped quote") << QByteArray("a{l=\"x\"y\"} 1\n") << "expected ','";
        QTest::newRow("bad escape") << QByteArray("a{l=\"\\t\"} 1\n") << "bad escape";
        QTest::newRow("type after samples") << QByteArray("a 1\n# TYPE a gauge\n") << "TYPE of a";
        QTest::newRow("series twice") << QByteArray("a{l=\"x\"} 1\na{l=\"x\"} 2\n") << "twice";
        QTest::newRow("family split") << QByteArray("a 1\nb 1\na{l=\"x\"} 1\n") << "two places";
        QTest::newRow("unknown type") << QByteArray("# TYPE a meter\n") << "unknown type";
    }

    void theParserIsStrict()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        const auto parsed = parseExposition(text);
        QVERIFY(std::holds_alternative<QString>(parsed));
        QVERIFY2(std::get<QString>(parsed).contains(problem), qPrintable(std::get<QString>(parsed)));
    }

    void platformAndApplicationsParse()
    {
        usecases::PlatformMetrics platform;
        platform.collected = true;
        platform.applicationsByDeployType = {{domain::DeployType::Runtime, 3},
                                             {domain::DeployType::Static, 5}};
        platform.buildsQueued = 7;
        platform.buildsBuilding = 2;
        platform.instancesByState = {{domain::InstanceState::Running, 3},
                                     {domain::InstanceState::Restarting, 1}};
        const QByteArray text = adapters::http::prometheusText(
            QStringLiteral("1.2.3"), platform,
            {applicationMetrics(QStringLiteral("api")), applicationMetrics(QStringLiteral("blog"))});
        PARSE(families, text);

        QCOMPARE(families.value(QStringLiteral("vitrine_up")).samples.value(QString()), 1.0);
        QCOMPARE(
            families.value(QStringLiteral("vitrine_info")).samples.value(QStringLiteral("version=\"1.2.3\"")),
            1.0);
        const Family applications = families.value(QStringLiteral("vitrine_applications"));
        QCOMPARE(applications.type, QStringLiteral("gauge"));
        QCOMPARE(applications.samples.value(QStringLiteral("deploy_type=\"runtime\"")), 3.0);
        QCOMPARE(applications.samples.value(QStringLiteral("deploy_type=\"static\"")), 5.0);
        const Family builds = families.value(QStringLiteral("vitrine_builds"));
        QCOMPARE(builds.samples.value(QStringLiteral("state=\"queued\"")), 7.0);
        QCOMPARE(builds.samples.value(QStringLiteral("state=\"building\"")), 2.0);
        const Family instances = families.value(QStringLiteral("vitrine_instances"));
        QCOMPARE(instances.samples.value(QStringLiteral("state=\"running\"")), 3.0);
        QCOMPARE(instances.samples.value(QStringLiteral("state=\"restarting\"")), 1.0);
        QCOMPARE(instances.samples.value(QStringLiteral("state=\"errored\""), -1), 0.0);

        const QString api = QStringLiteral("app=\"api\"");
        QCOMPARE(families.value(QStringLiteral("vitrine_app_cpu_seconds_total")).samples.value(api), 12.5);
        QCOMPARE(families.value(QStringLiteral("vitrine_app_cpu_cores")).samples.value(api), 0.25);
        QCOMPARE(families.value(QStringLiteral("vitrine_app_memory_bytes")).samples.value(api),
                 double(64 << 20));
        QCOMPARE(families.value(QStringLiteral("vitrine_app_restarts_total")).samples.value(api), 3.0);
        QCOMPARE(families.value(QStringLiteral("vitrine_app_requests_total")).samples.value(api), 1234.0);
        QCOMPARE(families.value(QStringLiteral("vitrine_app_requests_total")).samples.size(), 2);
        for (auto family = families.cbegin(); family != families.cend(); ++family) {
            QVERIFY2(!family->help.isEmpty(), qPrintable(family.key()));
            QCOMPARE(family->type, family.key().endsWith(QStringLiteral("_total")) ? QStringLiteral("counter")
                                                                                   : QStringLiteral("gauge"));
        }
    }

    void diskUseByApplicationAndInTotal()
    {
        usecases::DiskUsage disk;
        disk.measured = true;
        disk.total.totalBytes = 10'000;
        disk.total.imagesBytes = 5'000;
        usecases::ApplicationDiskUse blog;
        blog.applicationName = QStringLiteral("blog");
        blog.artifactsBytes = 1'000;
        blog.buildLogsBytes = 200;
        blog.imagesBytes = 5'000;
        disk.byApplication.insert(QStringLiteral("app_blog"), blog);
        const QByteArray text = adapters::http::prometheusText(QStringLiteral("1"), {}, {}, disk);
        PARSE(families, text);
        QCOMPARE(families.value(QStringLiteral("vitrine_disk_used_bytes")).samples.value(QString()),
                 15'000.0);
        QCOMPARE(families.value(QStringLiteral("vitrine_app_disk_bytes"))
                     .samples.value(QStringLiteral("app=\"blog\"")),
                 6'200.0);

        // Before the first walk there is nothing to show.
        PARSE(unmeasured, adapters::http::prometheusText(QStringLiteral("1"), {}, {}));
        QVERIFY(!unmeasured.contains(QStringLiteral("vitrine_app_disk_bytes")));
    }

    void labelValuesAreEscaped()
    {
        const QString version = QStringLiteral("1.0 \"beta\" C:\\build\nsecond line");
        const QByteArray text = adapters::http::prometheusText(version, {}, {});
        PARSE(families, text);
        QCOMPARE(families.value(QStringLiteral("vitrine_info")).samples.firstKey(),
                 QStringLiteral("version=\"%1\"").arg(version));
    }

    void beforeTheFirstCountThePlatformFamiliesAreLeftOut()
    {
        const QByteArray text = adapters::http::prometheusText(QStringLiteral("1"), {}, {});
        PARSE(families, text);
        QVERIFY(families.contains(QStringLiteral("vitrine_up")));
        QVERIFY(!families.contains(QStringLiteral("vitrine_applications")));
        QVERIFY(!families.contains(QStringLiteral("vitrine_instances")));
        QVERIFY(families.value(QStringLiteral("vitrine_app_memory_bytes")).samples.isEmpty());
    }

    void theEndpointIsForAdmins_data()
    {
        QTest::addColumn<QString>("user"); // "": no Authorization header; "?": a token nobody has
        QTest::addColumn<int>("status");

        QTest::newRow("admin") << "root" << 200;
        QTest::newRow("member") << "alice" << 403;
        QTest::newRow("no token") << "" << 401;
        QTest::newRow("unknown token") << "?" << 401;
    }

    void theEndpointIsForAdmins()
    {
        QFETCH(QString, user);
        QFETCH(int, status);
        tests::FakeStore store;
        QMap<QString, QString> secrets;
        for (const auto &[name, role] : {std::pair(QStringLiteral("root"), domain::Role::Admin),
                                         std::pair(QStringLiteral("alice"), domain::Role::Member)}) {
            const domain::User owner = tests::addUser(store, name, role);
            domain::Token token;
            token.id = domain::newId(domain::idprefix::kToken);
            token.userId = owner.id;
            const QString secret = domain::newTokenSecret();
            token.secretHash = domain::hashTokenSecret(secret);
            store.insertToken(token);
            secrets.insert(name, secret);
        }
        secrets.insert(QStringLiteral("?"), domain::newTokenSecret());
        tests::ScriptedBackend backend;
        tests::ScriptedRouter router;
        backend.set(QStringLiteral("api.1"), {QStringLiteral("app_api"), QStringLiteral("api"),
                                              domain::InstanceState::Running, 1, 4096, 0});
        QDateTime clock = QDateTime::currentDateTimeUtc();
        usecases::MetricsRecorder recorder(backend, router, store, {.clock = [&] { return clock; }});
        recorder.sampleNow();
        clock = clock.addSecs(5);
        recorder.sampleNow();
        usecases::AuthService auth(store);
        adapters::http::HttpServer server(store, QStringLiteral("9.9.9"));
        server.serveMetrics(recorder, auth);
        const quint16 port = server.listen(QHostAddress::LocalHost, 0);

        const HttpAnswer answer =
            get(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port)),
                user.isEmpty() ? QByteArray() : "Bearer " + secrets.value(user).toUtf8());
        QCOMPARE(answer.status, status);
        if (status == 401)
            QVERIFY(answer.wwwAuthenticate.startsWith("Bearer"));
        if (status != 200)
            return;
        QCOMPARE(answer.contentType, QByteArray(adapters::http::kPrometheusContentType));
        PARSE(families, answer.body);
        QCOMPARE(families.value(QStringLiteral("vitrine_info")).samples.firstKey(),
                 QStringLiteral("version=\"9.9.9\""));
        QCOMPARE(families.value(QStringLiteral("vitrine_app_memory_bytes"))
                     .samples.value(QStringLiteral("app=\"api\"")),
                 4096.0);
        QCOMPARE(families.value(QStringLiteral("vitrine_instances"))
                     .samples.value(QStringLiteral("state=\"running\"")),
                 1.0);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusMetrics)
#include "tst_prometheus_metrics.moc"
