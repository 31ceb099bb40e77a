// LogView offscreen (appends, following the tail, filters, search, errors, copy and export), and BuildLogPage
// against a real vitrine-server running a build that fails.

#include "git_fixture.h"
#include "models/log_line_model.h"
#include "stream_test_support.h"
#include "views/build_log_page.h"
#include "views/log_view.h"
#include "vitrine/v1/builds.grpc.pb.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using vitrine::desktop::BuildLogPage;
using vitrine::desktop::LogLineModel;
using vitrine::desktop::LogView;
using vitrine::desktop::StreamedLogLine;
using vitrine::tests::GitFixture;
using vitrine::tests::ServerProcess;
using vitrine::tests::settingsFor;
using vitrine::tests::str;
namespace v1 = vitrine::v1;
using Source = StreamedLogLine::Source;

namespace {

constexpr int kTextColumn = 1;
// A build takes seconds; the margin is for a loaded machine.
constexpr int kBuildTimeoutMs = 60'000;

// Lines numbered from firstSeq on, all from `source`.
QList<StreamedLogLine> linesOf(const QStringList &texts, qint64 firstSeq = 1, Source source = Source::Stdout)
{
    QList<StreamedLogLine> lines;
    for (const QString &text : texts)
        lines.append({firstSeq++, QDateTime::currentDateTimeUtc(), source, text});
    return lines;
}

QList<StreamedLogLine> numberedLines(qint64 firstSeq, int count)
{
    QStringList texts;
    for (qint64 seq = firstSeq; seq < firstSeq + count; ++seq)
        texts.append(QStringLiteral("line %1").arg(seq));
    return linesOf(texts, firstSeq);
}

QTableView *tableOf(const LogView &view)
{
    return view.findChild<QTableView *>(QStringLiteral("logTable"));
}

// The text of every row the table shows.
QStringList shownTexts(const LogView &view)
{
    const QAbstractItemModel *model = tableOf(view)->model();
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row)
        texts.append(model->index(row, kTextColumn).data().toString());
    return texts;
}

QString currentText(const LogView &view)
{
    return tableOf(view)->currentIndex().siblingAtColumn(kTextColumn).data().toString();
}

QString searchPosition(const LogView &view)
{
    return view.findChild<QLabel *>(QStringLiteral("logSearchPosition"))->text();
}

const QStringList kMixedTexts = {
    QStringLiteral("Compiling main.cpp"), QStringLiteral("Compiling util.cpp"),
    QStringLiteral("warning: unused x"),  QStringLiteral("Linking app"),
    QStringLiteral("Tests passed"),
};

} // namespace

class LogViewTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void appendsBatchesAsRows();
    void followsTheTailUntilScrolledUp();
    void filtersByIncludeAndExclude_data();
    void filtersByIncludeAndExclude();
    void invalidPatternKeepsTheLastValidFilter();
    void searchFindsMatchingLinesInTurn();
    void revealsTheFirstError_data();
    void revealsTheFirstError();
    void exportsThePlainText();
    void copiesTheSelectedLines();
    void timeColumnToggles();

    void buildLogPageRevealsTheErrorOfAFailedBuild();

private:
    QTemporaryDir m_dir;
    ServerProcess m_server;
};

void LogViewTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
}

void LogViewTest::cleanupTestCase()
{
    QCOMPARE(m_server.stop(), 0);
}

void LogViewTest::appendsBatchesAsRows()
{
    LogView view;
    QAbstractItemModelTester tester(tableOf(view)->model());
    view.appendLines(numberedLines(1, 3));
    view.appendLines(numberedLines(4, 2));
    // A resumed stream sends a line again: shown once.
    view.appendLines(numberedLines(5, 2));
    QCOMPARE(shownTexts(view),
             (QStringList{QStringLiteral("line 1"), QStringLiteral("line 2"), QStringLiteral("line 3"),
                          QStringLiteral("line 4"), QStringLiteral("line 5"), QStringLiteral("line 6")}));
    QCOMPARE(view.lines()->rowCount(), 6);
    view.clear();
    QCOMPARE(tableOf(view)->model()->rowCount(), 0);
}

void LogViewTest::followsTheTailUntilScrolledUp()
{
    LogView view;
    view.resize(800, 300);
    view.show();
    QScrollBar *scrollBar = tableOf(view)->verticalScrollBar();
    view.appendLines(numberedLines(1, 500));
    QTRY_VERIFY(scrollBar->maximum() > 0);
    QVERIFY(view.isFollowing());
    QCOMPARE(scrollBar->value(), scrollBar->maximum());

    // The user scrolls up: new lines no longer move the view.
    scrollBar->setValue(10);
    QVERIFY(!view.isFollowing());
    QVERIFY(!view.findChild<QToolButton *>(QStringLiteral("logFollowButton"))->isChecked());
    view.appendLines(numberedLines(501, 500));
    QTRY_VERIFY(scrollBar->maximum() > 500);
    QCOMPARE(scrollBar->value(), 10);

    // Back at the bottom: it follows again.
    scrollBar->setValue(scrollBar->maximum());
    QVERIFY(view.isFollowing());
    const int previousMaximum = scrollBar->maximum();
    view.appendLines(numberedLines(1001, 100));
    QTRY_VERIFY(scrollBar->maximum() > previousMaximum);
    QCOMPARE(scrollBar->value(), scrollBar->maximum());

    // Scrolled up again, the Follow button takes it to the tail.
    scrollBar->setValue(0);
    QVERIFY(!view.isFollowing());
    view.findChild<QToolButton *>(QStringLiteral("logFollowButton"))->click();
    QVERIFY(view.isFollowing());
    QCOMPARE(scrollBar->value(), scrollBar->maximum());
}

void LogViewTest::filtersByIncludeAndExclude_data()
{
    QTest::addColumn<QString>("include");
    QTest::addColumn<QString>("exclude");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("lateLineShown"); // "Compiling late.cpp", appended afterwards

    QTest::newRow("none") << QString() << QString() << kMixedTexts << true;
    QTest::newRow("include") << QStringLiteral("^compiling") << QString()
                             << QStringList{QStringLiteral("Compiling main.cpp"),
                                            QStringLiteral("Compiling util.cpp")}
                             << true;
    QTest::newRow("exclude") << QString() << QStringLiteral("compiling|link")
                             << QStringList{QStringLiteral("warning: unused x"),
                                            QStringLiteral("Tests passed")}
                             << false;
    QTest::newRow("both") << QStringLiteral("\\.cpp$") << QStringLiteral("util")
                          << QStringList{QStringLiteral("Compiling main.cpp")} << true;
}

void LogViewTest::filtersByIncludeAndExclude()
{
    QFETCH(QString, include);
    QFETCH(QString, exclude);
    QFETCH(QStringList, expected);
    QFETCH(bool, lateLineShown);

    LogView view;
    QAbstractItemModelTester tester(tableOf(view)->model());
    view.appendLines(linesOf(kMixedTexts));
    view.findChild<QLineEdit *>(QStringLiteral("logIncludeField"))->setText(include);
    view.findChild<QLineEdit *>(QStringLiteral("logExcludeField"))->setText(exclude);
    QTRY_COMPARE(shownTexts(view), expected);
    // Lines that come later are filtered too.
    view.appendLines(linesOf({QStringLiteral("Compiling late.cpp")}, 100));
    QCOMPARE(shownTexts(view).contains(QStringLiteral("Compiling late.cpp")), lateLineShown);
}

void LogViewTest::invalidPatternKeepsTheLastValidFilter()
{
    LogView view;
    view.appendLines(linesOf(kMixedTexts));
    auto *include = view.findChild<QLineEdit *>(QStringLiteral("logIncludeField"));
    include->setText(QStringLiteral("Compiling"));
    QTRY_COMPARE(shownTexts(view).size(), 2);
    const QPalette validPalette = include->palette();

    include->setText(QStringLiteral("Compiling ("));
    QTRY_VERIFY(include->property("invalid").toBool());
    QVERIFY(include->toolTip().contains(QStringLiteral("Invalid pattern")));
    QVERIFY(include->palette().color(QPalette::Base) != validPalette.color(QPalette::Base));
    QCOMPARE(shownTexts(view),
             (QStringList{QStringLiteral("Compiling main.cpp"), QStringLiteral("Compiling util.cpp")}));

    include->setText(QStringLiteral("Link"));
    QTRY_COMPARE(shownTexts(view), QStringList{QStringLiteral("Linking app")});
    QVERIFY(!include->property("invalid").toBool());
}

void LogViewTest::searchFindsMatchingLinesInTurn()
{
    LogView view;
    view.resize(800, 300);
    view.show();
    view.appendLines(numberedLines(1, 300));
    view.appendLines(linesOf({QStringLiteral("a needle here"), QStringLiteral("hay")}, 301));
    view.appendLines(numberedLines(303, 100));
    view.appendLines(linesOf({QStringLiteral("Needle again")}, 403));

    view.findChild<QLineEdit *>(QStringLiteral("logSearchField"))->setText(QStringLiteral("needle"));
    QTRY_COMPARE(searchPosition(view), QStringLiteral("1 of 2"));
    QCOMPARE(currentText(view), QStringLiteral("a needle here"));
    QVERIFY(!view.isFollowing());

    view.findNext();
    QCOMPARE(currentText(view), QStringLiteral("Needle again"));
    QCOMPARE(searchPosition(view), QStringLiteral("2 of 2"));
    view.findNext();
    QCOMPARE(currentText(view), QStringLiteral("a needle here"));
    view.findPrevious();
    QCOMPARE(currentText(view), QStringLiteral("Needle again"));

    // A new matching line counts at once.
    view.appendLines(linesOf({QStringLiteral("needle three")}, 404));
    QCOMPARE(searchPosition(view), QStringLiteral("2 of 3"));

    // Search runs over the lines the filter shows.
    view.findChild<QLineEdit *>(QStringLiteral("logExcludeField"))->setText(QStringLiteral("again"));
    QTRY_COMPARE(searchPosition(view), QStringLiteral("2 matches"));
    view.findNext();
    QVERIFY(currentText(view).contains(QStringLiteral("needle")));
    QVERIFY(!currentText(view).contains(QStringLiteral("again")));

    view.findChild<QLineEdit *>(QStringLiteral("logSearchField"))->setText(QStringLiteral("nowhere"));
    QTRY_COMPARE(searchPosition(view), QStringLiteral("No matches"));
}

void LogViewTest::revealsTheFirstError_data()
{
    QTest::addColumn<QList<StreamedLogLine>>("lines");
    QTest::addColumn<QString>("expected"); // empty: none

    const auto line = [](qint64 seq, Source source, const char *text) {
        return StreamedLogLine{seq, QDateTime::currentDateTimeUtc(), source, QString::fromUtf8(text)};
    };
    QTest::newRow("stderr error") << QList<StreamedLogLine>{line(1, Source::System, "==> Running: make"),
                                                            line(2, Source::Stdout, "cc -c main.c"),
                                                            line(3, Source::Stderr,
                                                                 "main.c:3: error: x undeclared"),
                                                            line(4, Source::Stderr, "Error 1")}
                                  << QStringLiteral("main.c:3: error: x undeclared");
    QTest::newRow("stdout traceback")
        << QList<StreamedLogLine>{line(1, Source::Stdout, "starting"),
                                  line(2, Source::Stdout, "Traceback (most recent call last):")}
        << QStringLiteral("Traceback (most recent call last):");
    QTest::newRow("output before the command's echo")
        << QList<StreamedLogLine>{line(1, Source::System, "==> Running: make || echo error"),
                                  line(2, Source::Stdout, "make: *** [all] Failed")}
        << QStringLiteral("make: *** [all] Failed");
    QTest::newRow("system only") << QList<StreamedLogLine>{line(1, Source::Stdout, "done"),
                                                           line(2, Source::System,
                                                                "build failed: exit status 1")}
                                 << QStringLiteral("build failed: exit status 1");
    QTest::newRow("not a word") << QList<StreamedLogLine>{line(1, Source::Stdout, "-Werror is on"),
                                                          line(2, Source::Stderr, "0 errors")}
                                << QString();
}

void LogViewTest::revealsTheFirstError()
{
    QFETCH(QList<StreamedLogLine>, lines);
    QFETCH(QString, expected);

    LogView view;
    view.resize(800, 300);
    view.show();
    view.appendLines(numberedLines(1, 500));
    for (StreamedLogLine &line : lines)
        line.seq += 500;
    view.appendLines(lines);
    view.appendLines(numberedLines(501 + lines.size(), 500));
    QVERIFY(view.isFollowing());

    QCOMPARE(view.revealFirstError(), !expected.isEmpty());
    if (expected.isEmpty())
        return;
    QCOMPARE(currentText(view), expected);
    QCOMPARE(tableOf(view)->selectionModel()->selectedRows(kTextColumn).size(), 1);
    QVERIFY(!view.isFollowing());
}

void LogViewTest::exportsThePlainText()
{
    LogView view;
    view.appendLines(linesOf({QStringLiteral("\x1b[32mPASS\x1b[0m one"), QStringLiteral("10%\r100% done"),
                              QStringLiteral("plain")}));
    const QString path = m_dir.filePath(QStringLiteral("export.log"));
    QString error;
    QVERIFY2(view.exportTo(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("PASS one\n100% done\nplain\n"));

    QVERIFY(!view.exportTo(m_dir.filePath(QStringLiteral("no/such/dir/export.log")), &error));
    QVERIFY(!error.isEmpty());
}

void LogViewTest::copiesTheSelectedLines()
{
    LogView view;
    view.show();
    view.appendLines(linesOf({QStringLiteral("\x1b[1mfirst\x1b[0m"), QStringLiteral("second"),
                              QStringLiteral("third"), QStringLiteral("fourth")}));
    QTableView *table = tableOf(view);
    const QAbstractItemModel *model = table->model();
    table->selectionModel()->select(QItemSelection(model->index(1, 0), model->index(2, kTextColumn)),
                                    QItemSelectionModel::ClearAndSelect);
    table->selectionModel()->select(QItemSelection(model->index(0, 0), model->index(0, kTextColumn)),
                                    QItemSelectionModel::Select);
    QTest::keySequence(table, QKeySequence::Copy);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("first\nsecond\nthird"));

    view.findChild<QToolButton *>(QStringLiteral("logCopyAllButton"))->click();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("first\nsecond\nthird\nfourth"));
}

void LogViewTest::timeColumnToggles()
{
    LogView view;
    view.appendLines(linesOf({QStringLiteral("one")}));
    QVERIFY(view.isTimeShown());
    QVERIFY(!tableOf(view)->model()->index(0, 0).data().toString().isEmpty());
    view.findChild<QToolButton *>(QStringLiteral("logTimeButton"))->click();
    QVERIFY(!view.isTimeShown());
    QVERIFY(tableOf(view)->isColumnHidden(0));
}

void LogViewTest::buildLogPageRevealsTheErrorOfAFailedBuild()
{
    GitFixture git(m_dir.path());
    git.commit(QStringLiteral("main"), {{QStringLiteral("README"), "site"}}, QStringLiteral("site"));
    v1::CreateApplicationRequest application;
    application.set_name("failing");
    application.set_ref("main");
    application.mutable_build()->set_type(v1::BUILD_TYPE_STATIC_CMD);
    application.mutable_build()->set_build_command(
        "for i in $(seq 1 50); do echo step $i; done; echo 'main.c:3: error: x undeclared' >&2; "
        "echo 'make: giving up'; exit 1");
    application.mutable_build()->set_artifact_dir("out");
    vitrine::tests::createApplication(m_server, "failing", git.bareUrl(), application);
    if (QTest::currentTestFailed())
        return;

    const auto channel = grpc::CreateChannel(str(m_server.grpcAddress()), grpc::InsecureChannelCredentials());
    v1::ListBuildsRequest request;
    request.set_application("failing");
    v1::ListBuildsResponse builds;
    QTRY_VERIFY_WITH_TIMEOUT(vitrine::tests::call(channel, str(m_server.adminToken()),
                                                  &v1::BuildService::Stub::ListBuilds, request, &builds)
                                     .ok() &&
                                 builds.builds_size() > 0,
                             kBuildTimeoutMs);

    BuildLogPage page(settingsFor(m_server), QString::fromStdString(builds.builds(0).id()),
                      QStringLiteral("failing"));
    page.resize(900, 300);
    page.show();
    page.revealFirstErrorWhenComplete();
    QTRY_VERIFY_WITH_TIMEOUT(page.isLogComplete(), kBuildTimeoutMs);

    const QStringList texts = shownTexts(*page.logView());
    QVERIFY(texts.contains(QStringLiteral("step 1")));
    QVERIFY(texts.contains(QStringLiteral("step 50")));
    QCOMPARE(currentText(*page.logView()), QStringLiteral("main.c:3: error: x undeclared"));
    QVERIFY(page.findChild<QLabel *>(QStringLiteral("buildLogState"))
                ->text()
                .startsWith(QStringLiteral("Build failed")));
    QTRY_COMPARE(page.findChild<QLabel *>(QStringLiteral("logStreamStatus"))->text(),
                 QStringLiteral("Finished"));
}

QTEST_MAIN(LogViewTest)
#include "tst_log_view.moc"
