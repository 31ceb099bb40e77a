#include "adapters/logfiles/file_build_log_store.h"
#include "domain/ids.h"
#include "log_lines.h"
#include "verify_error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using vitrine::adapters::logfiles::FileBuildLogStore;
using vitrine::domain::ErrorKind;
using vitrine::domain::LogLine;
using vitrine::domain::LogStream;
using vitrine::tests::appendLines;
using vitrine::tests::errorKindOf;
using vitrine::tests::makeLine;
using vitrine::tests::range;
using vitrine::tests::seqsOf;

namespace {

QString newBuildId()
{
    return vitrine::domain::newId(vitrine::domain::idprefix::kBuild);
}

} // namespace

class TestFileBuildLogStore : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("logs/builds"));
    }

    void textRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<LogStream>("stream");
        QTest::newRow("plain") << QStringLiteral("Compiling main.cpp") << LogStream::Stdout;
        QTest::newRow("empty") << QString() << LogStream::Stdout;
        QTest::newRow("tabs") << QStringLiteral("a\tb\t\tc\t") << LogStream::Stderr;
        QTest::newRow("newlines") << QStringLiteral("\nfirst\nsecond\n\n") << LogStream::Stdout;
        QTest::newRow("carriage returns") << QStringLiteral("50%\r100%\r\n") << LogStream::Stdout;
        QTest::newRow("backslashes") << QStringLiteral("C:\\path\\to\\\\share\\") << LogStream::System;
        QTest::newRow("escapes written out")
            << QStringLiteral("\\n is not \\t nor \\\\") << LogStream::Stdout;
        QTest::newRow("unicode") << QStringLiteral("ビルド成功 ✅ — naïve façade 🚀") << LogStream::Stderr;
        QTest::newRow("control characters") << QStringLiteral("\x1b[31mred\x1b[0m\x01") << LogStream::Stdout;
    }

    void textRoundTrips()
    {
        QFETCH(QString, text);
        QFETCH(LogStream, stream);
        const QString buildId = newBuildId();
        const LogLine written = makeLine(1, text, stream);
        {
            FileBuildLogStore store(m_path);
            store.append(buildId, written);
            store.append(buildId, makeLine(2, QStringLiteral("after")));
        }

        FileBuildLogStore reopened(m_path);
        const QList<LogLine> lines = reopened.read(buildId, 0, 10);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].seq, 1);
        QCOMPARE(lines[0].text, text);
        QCOMPARE(lines[0].stream, stream);
        QCOMPARE(lines[0].at, written.at);
        QCOMPARE(lines[1].text, QStringLiteral("after"));
    }

    void readResumesAfterSeq_data()
    {
        QTest::addColumn<bool>("reopen");
        QTest::addColumn<qint64>("afterSeq");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QList<qint64>>("expected");
        for (const bool reopen : {false, true}) {
            const char *how = reopen ? "reopened" : "while writing";
            QTest::addRow("%s: from the start", how) << reopen << qint64(0) << 5 << range(1, 5);
            QTest::addRow("%s: past an index entry", how) << reopen << qint64(1500) << 3 << range(1501, 1503);
            QTest::addRow("%s: at an index entry", how) << reopen << qint64(1024) << 2 << range(1025, 1026);
            QTest::addRow("%s: the tail", how) << reopen << qint64(2998) << 100 << range(2999, 3000);
            QTest::addRow("%s: after the last", how) << reopen << qint64(3000) << 10 << QList<qint64>();
            QTest::addRow("%s: no limit", how) << reopen << qint64(10) << 0 << QList<qint64>();
        }
    }

    void readResumesAfterSeq()
    {
        QFETCH(bool, reopen);
        QFETCH(qint64, afterSeq);
        QFETCH(int, limit);
        QFETCH(QList<qint64>, expected);
        const QString buildId = newBuildId();
        auto store = std::make_unique<FileBuildLogStore>(m_path);
        appendLines(*store, buildId, 1, 3000);
        if (reopen)
            store = std::make_unique<FileBuildLogStore>(m_path);

        const QList<LogLine> lines = store->read(buildId, afterSeq, limit);
        QCOMPARE(seqsOf(lines), expected);
        for (const LogLine &line : lines)
            QCOMPARE(line.text, QStringLiteral("line %1").arg(line.seq));
    }

    void readingBatchAfterBatchGetsEveryLineOnce()
    {
        const QString buildId = newBuildId();
        FileBuildLogStore store(m_path);
        appendLines(store, buildId, 1, 2500);
        store.close(buildId);

        QList<qint64> seen;
        for (qint64 after = 0;;) {
            const QList<LogLine> batch = store.read(buildId, after, 333);
            if (batch.isEmpty())
                break;
            seen += seqsOf(batch);
            after = batch.constLast().seq;
        }
        QCOMPARE(seen, range(1, 2500));
    }

    void tornLastLineIsIgnoredAndRepaired()
    {
        const QString buildId = newBuildId();
        {
            FileBuildLogStore store(m_path);
            appendLines(store, buildId, 1, 3);
        }
        // What a crash in the middle of write(2) leaves behind.
        QFile file(FileBuildLogStore(m_path).pathOf(buildId));
        QVERIFY(file.open(QIODevice::Append));
        file.write("4\t1790000000004\tout\thalf a li");
        file.close();

        FileBuildLogStore store(m_path);
        QCOMPARE(seqsOf(store.read(buildId, 0, 10)), range(1, 3));
        QCOMPARE(store.lastSeq(buildId), 3);

        store.append(buildId, makeLine(4, QStringLiteral("a whole line")));
        const QList<LogLine> lines = store.read(buildId, 0, 10);
        QCOMPARE(seqsOf(lines), range(1, 4));
        QCOMPARE(lines.constLast().text, QStringLiteral("a whole line"));
    }

    void lastSeqSurvivesReopening()
    {
        const QString buildId = newBuildId();
        {
            FileBuildLogStore store(m_path);
            QCOMPARE(store.lastSeq(buildId), 0);
            appendLines(store, buildId, 1, 42);
            QCOMPARE(store.lastSeq(buildId), 42);
        }
        FileBuildLogStore store(m_path);
        QCOMPARE(store.lastSeq(buildId), 42);
        store.append(buildId, makeLine(43, QStringLiteral("continued")));
        QCOMPARE(store.lastSeq(buildId), 43);
        QCOMPARE(store.read(buildId, 42, 10).constFirst().text, QStringLiteral("continued"));
    }

    void longLinesRoundTrip()
    {
        const QString buildId = newBuildId();
        const QString longText = QString(200'000, QLatin1Char('x')) + QStringLiteral("\tend");
        {
            FileBuildLogStore store(m_path);
            store.append(buildId, makeLine(1, longText));
            store.append(buildId, makeLine(2, longText));
        }
        FileBuildLogStore store(m_path);
        QCOMPARE(store.lastSeq(buildId), 2);
        const QList<LogLine> lines = store.read(buildId, 1, 10);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].text, longText);
    }

    void appendRefusesASeqNotAboveTheLast()
    {
        const QString buildId = newBuildId();
        FileBuildLogStore store(m_path);
        appendLines(store, buildId, 1, 2);
        QCOMPARE(errorKindOf([&] { store.append(buildId, makeLine(2, QStringLiteral("again"))); }),
                 std::optional(ErrorKind::Internal));
        QCOMPARE(seqsOf(store.read(buildId, 0, 10)), range(1, 2));
    }

    void removeDeletesTheLog()
    {
        const QString buildId = newBuildId();
        const QString otherId = newBuildId();
        FileBuildLogStore store(m_path);
        appendLines(store, buildId, 1, 5);
        appendLines(store, otherId, 1, 5);

        store.remove(buildId);
        QVERIFY(!QFile::exists(store.pathOf(buildId)));
        QVERIFY(store.read(buildId, 0, 10).isEmpty());
        QCOMPARE(store.lastSeq(buildId), 0);
        store.remove(buildId);
        QCOMPARE(seqsOf(store.read(otherId, 0, 10)), range(1, 5));
    }

    void refusesWhatIsNotABuildId_data()
    {
        QTest::addColumn<QString>("buildId");
        QTest::newRow("a path") << QStringLiteral("../../etc/passwd");
        QTest::newRow("another kind of id")
            << vitrine::domain::newId(vitrine::domain::idprefix::kApplication);
        QTest::newRow("empty") << QString();
    }

    void refusesWhatIsNotABuildId()
    {
        QFETCH(QString, buildId);
        FileBuildLogStore store(m_path);
        QCOMPARE(errorKindOf([&] { store.append(buildId, makeLine(1, QStringLiteral("x"))); }),
                 std::optional(ErrorKind::BadRequest));
        QCOMPARE(errorKindOf([&] { store.read(buildId, 0, 1); }), std::optional(ErrorKind::BadRequest));
        QCOMPARE(errorKindOf([&] { store.remove(buildId); }), std::optional(ErrorKind::BadRequest));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestFileBuildLogStore)
#include "tst_file_build_log_store.moc"
