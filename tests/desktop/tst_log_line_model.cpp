#include "models/log_filter_model.h"
#include "models/log_line_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using vitrine::desktop::LogColourSpan;
using vitrine::desktop::LogFilterModel;
using vitrine::desktop::LogLineModel;
using Line = LogLineModel::Line;
using Stream = LogLineModel::Stream;

namespace {

Line line(qint64 seq, const QString &text, Stream stream = Stream::Stdout)
{
    return {seq, QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + seq, Qt::UTC), stream, text};
}

// Lines first..last, each saying its number.
QList<Line> numbered(qint64 first, qint64 last)
{
    QList<Line> lines;
    lines.reserve(last - first + 1);
    for (qint64 seq = first; seq <= last; ++seq)
        lines.append(line(seq, QStringLiteral("line %1").arg(seq)));
    return lines;
}

QList<qint64> seqs(const QAbstractItemModel &model)
{
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(LogLineModel::SeqRole).toLongLong());
    return result;
}

QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> result;
    for (qint64 seq = first; seq <= last; ++seq)
        result.append(seq);
    return result;
}

QList<Line> sampleLog()
{
    return {line(1, QStringLiteral("build started"), Stream::System),
            line(2, QStringLiteral("ERROR: missing file"), Stream::Stderr),
            line(3, QStringLiteral("warning: unused variable"), Stream::Stderr),
            line(4, QStringLiteral("\x1b[31merror\x1b[0m: again")),
            line(5, QStringLiteral("done"), Stream::System)};
}

} // namespace

class LogLineModelTest : public QObject {
    Q_OBJECT

private slots:
    void passesTheModelTesterThroughAppendsDropsAndFilters();
    void keepsOrderAndCapWithAMillionLines();
    void ignoresLinesItAlreadyHas_data();
    void ignoresLinesItAlreadyHas();
    void showsLinesAsATerminalWould_data();
    void showsLinesAsATerminalWould();
    void givesSeqTimeAndStream();
    void filtersByIncludeAndExcludePatterns_data();
    void filtersByIncludeAndExcludePatterns();
    void reportsAnInvalidPatternAndFiltersNothing();
    void filterFollowsAppendsAndDrops();
    void searchFindsTheNextAndPreviousMatch_data();
    void searchFindsTheNextAndPreviousMatch();
};

void LogLineModelTest::passesTheModelTesterThroughAppendsDropsAndFilters()
{
    LogLineModel model;
    model.setMaximumLines(50);
    LogFilterModel passThrough;
    passThrough.setSourceModel(&model);
    LogFilterModel filtered;
    filtered.setSourceModel(&model);
    filtered.setIncludePattern(QStringLiteral("[13579]$"));
    filtered.setExcludePattern(QStringLiteral("5$"));
    QAbstractItemModelTester modelTester(&model);
    QAbstractItemModelTester passThroughTester(&passThrough);
    QAbstractItemModelTester filteredTester(&filtered);

    for (qint64 first = 1; first <= 200; first += 30)
        model.appendBatch(numbered(first, first + 29));
    filtered.setIncludePattern(QStringLiteral("1"));
    model.appendBatch(numbered(150, 260)); // partly known, and more than the cap
    model.clear();
    model.appendBatch(numbered(1, 10));

    QCOMPARE(seqs(model), range(1, 10));
    QCOMPARE(seqs(passThrough), range(1, 10));
    QCOMPARE(seqs(filtered), (QList<qint64>{1, 10}));
}

void LogLineModelTest::keepsOrderAndCapWithAMillionLines()
{
    constexpr qint64 kTotal = 1'200'000;
    constexpr qint64 kBatch = 5'000; // 50 ms of a stream at 100,000 lines/s
    LogLineModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    for (qint64 first = 1; first <= kTotal; first += kBatch)
        model.appendBatch(numbered(first, first + kBatch - 1));

    QCOMPARE(model.rowCount(), LogLineModel::kDefaultMaximumLines);
    QCOMPARE(model.index(0).data(LogLineModel::SeqRole).toLongLong(), 200'001);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 200001"));
    QCOMPARE(model.index(model.rowCount() - 1).data(LogLineModel::SeqRole).toLongLong(), kTotal);
    QCOMPARE(model.index(model.rowCount() - 1).data().toString(), QStringLiteral("line 1200000"));
    QCOMPARE(model.index(500'000).data().toString(), QStringLiteral("line 700001"));
    QCOMPARE(model.lastSeq(), kTotal);
    // One insertion per batch; one removal per batch once full.
    QCOMPARE(inserted.size(), kTotal / kBatch);
    QCOMPARE(removed.size(), (kTotal - LogLineModel::kDefaultMaximumLines) / kBatch);
}

void LogLineModelTest::ignoresLinesItAlreadyHas_data()
{
    QTest::addColumn<QList<QList<qint64>>>("batches");
    QTest::addColumn<QList<qint64>>("shown");

    QTest::newRow("resume overlaps") << QList<QList<qint64>>{{1, 2, 3, 4, 5}, {4, 5, 6, 7}} << range(1, 7);
    QTest::newRow("batch sent twice") << QList<QList<qint64>>{{1, 2, 3}, {1, 2, 3}} << range(1, 3);
    QTest::newRow("repeats in a batch") << QList<QList<qint64>>{{1, 2, 2, 3, 3, 3}} << range(1, 3);
    QTest::newRow("out of order in a batch") << QList<QList<qint64>>{{3, 1, 2}, {5, 4}} << range(1, 5);
    QTest::newRow("older than the newest")
        << QList<QList<qint64>>{{10, 11}, {9, 12}} << QList<qint64>{10, 11, 12};
    QTest::newRow("gap left by retention")
        << QList<QList<qint64>>{{1, 2}, {7, 8}} << QList<qint64>{1, 2, 7, 8};
}

void LogLineModelTest::ignoresLinesItAlreadyHas()
{
    QFETCH(QList<QList<qint64>>, batches);
    QFETCH(QList<qint64>, shown);
    LogLineModel model;
    QAbstractItemModelTester tester(&model);

    for (const QList<qint64> &batch : std::as_const(batches)) {
        QList<Line> lines;
        for (qint64 seq : batch)
            lines.append(line(seq, QStringLiteral("line %1").arg(seq)));
        model.appendBatch(lines);
    }

    QCOMPARE(seqs(model), shown);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.index(row).data().toString(), QStringLiteral("line %1").arg(shown[row]));
}

void LogLineModelTest::showsLinesAsATerminalWould_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<LogColourSpan>>("spans");

    QTest::newRow("plain") << QStringLiteral("compiling main.cpp") << QStringLiteral("compiling main.cpp")
                           << QList<LogColourSpan>{};
    QTest::newRow("progress") << QStringLiteral("10%\r50%\r100%") << QStringLiteral("100%")
                              << QList<LogColourSpan>{};
    QTest::newRow("shorter overwrite")
        << QStringLiteral("downloading 9/10\rdone") << QStringLiteral("done") << QList<LogColourSpan>{};
    QTest::newRow("CRLF ending") << QStringLiteral("step 1\r") << QStringLiteral("step 1")
                                 << QList<LogColourSpan>{};
    QTest::newRow("red word") << QStringLiteral("\x1b[31merror\x1b[0m: no such file")
                              << QStringLiteral("error: no such file")
                              << QList<LogColourSpan>{{0, 5, 1, false}};
    QTest::newRow("bold bright green, colour reset keeps bold")
        << QStringLiteral("\x1b[1;92mOK\x1b[39m 3 tests\x1b[0m") << QStringLiteral("OK 3 tests")
        << QList<LogColourSpan>{{0, 2, 10, true}, {2, 8, -1, true}};
    QTest::newRow("empty SGR resets") << QStringLiteral("a\x1b[33mb\x1b[mc") << QStringLiteral("abc")
                                      << QList<LogColourSpan>{{1, 1, 3, false}};
    QTest::newRow("repeated colour is one span")
        << QStringLiteral("\x1b[36mab\x1b[36mcd") << QStringLiteral("abcd")
        << QList<LogColourSpan>{{0, 4, 6, false}};
    QTest::newRow("other sequences vanish")
        << QStringLiteral("\x1b[2K\x1b[1Gready") << QStringLiteral("ready") << QList<LogColourSpan>{};
    QTest::newRow("256 colours: ANSI index") << QStringLiteral("\x1b[38;5;4mblue") << QStringLiteral("blue")
                                             << QList<LogColourSpan>{{0, 4, 4, false}};
    QTest::newRow("true colour arguments are not codes")
        << QStringLiteral("\x1b[38;2;31;1;33mx") << QStringLiteral("x") << QList<LogColourSpan>{};
    QTest::newRow("coloured progress") << QStringLiteral("\x1b[32m 10%\r\x1b[32m100%\x1b[0m")
                                       << QStringLiteral("100%") << QList<LogColourSpan>{{0, 4, 2, false}};
    QTest::newRow("unterminated escape")
        << QStringLiteral("text\x1b[31") << QStringLiteral("text") << QList<LogColourSpan>{};
    QTest::newRow("non-ASCII positions")
        << QStringLiteral("ビルド \x1b[31m失敗\x1b[0m") << QStringLiteral("ビルド 失敗")
        << QList<LogColourSpan>{{4, 2, 1, false}};
}

void LogLineModelTest::showsLinesAsATerminalWould()
{
    QFETCH(QString, raw);
    QFETCH(QString, text);
    QFETCH(QList<LogColourSpan>, spans);
    LogLineModel model;

    model.appendBatch({line(1, QStringLiteral("before")), line(2, raw), line(3, QStringLiteral("after"))});

    const QModelIndex shown = model.index(1);
    QCOMPARE(shown.data().toString(), text);
    QCOMPARE(shown.data(LogLineModel::PlainTextRole).toString(), text);
    QCOMPARE(shown.data(LogLineModel::ColourSpansRole).value<QList<LogColourSpan>>(), spans);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("before"));
    QCOMPARE(model.index(2).data().toString(), QStringLiteral("after"));
    QVERIFY(model.index(2).data(LogLineModel::ColourSpansRole).value<QList<LogColourSpan>>().isEmpty());
}

void LogLineModelTest::givesSeqTimeAndStream()
{
    LogLineModel model;
    const QDateTime at = QDateTime(QDate(2026, 11, 24), QTime(12, 30, 15, 250), Qt::UTC);

    model.appendBatch({{41, at, Stream::Stderr, QStringLiteral("oops")}, {42, {}, Stream::System, {}}});

    QCOMPARE(model.index(0).data(LogLineModel::SeqRole).toLongLong(), 41);
    QCOMPARE(model.index(0).data(LogLineModel::TimeRole).toDateTime(), at);
    QCOMPARE(model.index(0).data(LogLineModel::StreamRole).value<Stream>(), Stream::Stderr);
    QVERIFY(!model.index(1).data(LogLineModel::TimeRole).toDateTime().isValid());
    QCOMPARE(model.index(1).data(LogLineModel::StreamRole).value<Stream>(), Stream::System);
    QCOMPARE(model.index(1).data().toString(), QString());
    QCOMPARE(model.roleNames().value(LogLineModel::ColourSpansRole), QByteArrayLiteral("colourSpans"));
}

void LogLineModelTest::filtersByIncludeAndExcludePatterns_data()
{
    QTest::addColumn<QString>("include");
    QTest::addColumn<QString>("exclude");
    QTest::addColumn<QList<qint64>>("shown");

    QTest::newRow("no filter") << QString() << QString() << range(1, 5);
    QTest::newRow("include, any case") << QStringLiteral("error") << QString() << QList<qint64>{2, 4};
    QTest::newRow("include matches shown text, not escapes")
        << QStringLiteral("^error: again$") << QString() << QList<qint64>{4};
    QTest::newRow("exclude") << QString() << QStringLiteral("^warning") << QList<qint64>{1, 2, 4, 5};
    QTest::newRow("include and exclude")
        << QStringLiteral("e") << QStringLiteral("error|done") << QList<qint64>{1, 3};
    QTest::newRow("nothing matches") << QStringLiteral("segfault") << QString() << QList<qint64>{};
}

void LogLineModelTest::filtersByIncludeAndExcludePatterns()
{
    QFETCH(QString, include);
    QFETCH(QString, exclude);
    QFETCH(QList<qint64>, shown);
    LogLineModel model;
    model.appendBatch(sampleLog());
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);

    QVERIFY(filter.setIncludePattern(include));
    QVERIFY(filter.setExcludePattern(exclude));

    QCOMPARE(seqs(filter), shown);
    for (int row = 0; row < filter.rowCount(); ++row) {
        const QModelIndex source = filter.mapToSource(filter.index(row, 0));
        QCOMPARE(filter.mapFromSource(source), filter.index(row, 0));
        QCOMPARE(filter.index(row, 0).data().toString(), source.data().toString());
    }
}

void LogLineModelTest::reportsAnInvalidPatternAndFiltersNothing()
{
    LogLineModel model;
    model.appendBatch(sampleLog());
    LogFilterModel filter;
    filter.setSourceModel(&model);

    QVERIFY(!filter.setIncludePattern(QStringLiteral("error(")));
    QVERIFY(!filter.includePatternError().isEmpty());
    QCOMPARE(seqs(filter), range(1, 5));

    QVERIFY(filter.setExcludePattern(QStringLiteral("done")));
    QVERIFY(filter.excludePatternError().isEmpty());
    QCOMPARE(seqs(filter), range(1, 4));

    QVERIFY(filter.setIncludePattern(QStringLiteral("error")));
    QVERIFY(filter.includePatternError().isEmpty());
    QCOMPARE(seqs(filter), (QList<qint64>{2, 4}));
}

void LogLineModelTest::filterFollowsAppendsAndDrops()
{
    LogLineModel model;
    model.setMaximumLines(10);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter);
    filter.setIncludePattern(QStringLiteral("[02468]$"));
    QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);

    model.appendBatch(numbered(1, 7));
    QCOMPARE(seqs(filter), (QList<qint64>{2, 4, 6}));
    model.appendBatch(numbered(8, 14)); // drops 1–4
    QCOMPARE(seqs(filter), (QList<qint64>{6, 8, 10, 12, 14}));
    model.appendBatch(numbered(15, 15)); // nothing matches
    model.appendBatch(numbered(16, 30)); // drops everything held
    QCOMPARE(seqs(filter), (QList<qint64>{22, 24, 26, 28, 30}));
    QCOMPARE(inserted.size(), 3);

    filter.setIncludePattern({});
    QCOMPARE(seqs(filter), range(21, 30));
    QCOMPARE(filter.mapFromSource(model.index(4)), filter.index(4, 0));
}

void LogLineModelTest::searchFindsTheNextAndPreviousMatch_data()
{
    QTest::addColumn<QString>("include");
    QTest::addColumn<QString>("search");
    QTest::addColumn<int>("fromRow");
    QTest::addColumn<int>("next");
    QTest::addColumn<int>("previous");

    QTest::newRow("from the top") << QString() << QStringLiteral("(?i)error") << -1 << 1 << 3;
    QTest::newRow("between matches") << QString() << QStringLiteral("(?i)error") << 2 << 3 << 1;
    QTest::newRow("wraps around") << QString() << QStringLiteral("(?i)error") << 3 << 1 << 1;
    QTest::newRow("only match is the current row") << QString() << QStringLiteral("done") << 4 << 4 << 4;
    QTest::newRow("case-sensitive by default") << QString() << QStringLiteral("ERROR") << 0 << 1 << 1;
    QTest::newRow("no match") << QString() << QStringLiteral("segfault") << 0 << -1 << -1;
    QTest::newRow("invalid expression") << QString() << QStringLiteral("[") << 0 << -1 << -1;
    QTest::newRow("rows of the filter")
        << QStringLiteral("error|done") << QStringLiteral("(?i)error") << 0 << 1 << 1;
}

void LogLineModelTest::searchFindsTheNextAndPreviousMatch()
{
    QFETCH(QString, include);
    QFETCH(QString, search);
    QFETCH(int, fromRow);
    QFETCH(int, next);
    QFETCH(int, previous);
    LogLineModel model;
    model.appendBatch(sampleLog());
    LogFilterModel filter;
    filter.setSourceModel(&model);
    filter.setIncludePattern(include);

    const QRegularExpression expression(search);
    QCOMPARE(filter.nextMatch(expression, fromRow), next);
    QCOMPARE(filter.previousMatch(expression, fromRow), previous);
}

QTEST_GUILESS_MAIN(LogLineModelTest)
#include "tst_log_line_model.moc"
