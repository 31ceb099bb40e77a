#include "adapters/logfiles/file_runtime_log_store.h"
#include "domain/ids.h"
#include "log_lines.h"
#include "verify_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>
#include <thread>

using vitrine::adapters::logfiles::FileRuntimeLogStore;
using vitrine::adapters::logfiles::RuntimeLogRetention;
using vitrine::domain::ErrorKind;
using vitrine::domain::LogLine;
using vitrine::domain::LogStream;
using vitrine::tests::appendLines;
using vitrine::tests::errorKindOf;
using vitrine::tests::makeLine;
using vitrine::tests::range;
using vitrine::tests::seqsOf;

namespace {

// Small segments, so that a few hundred lines span many of them.
constexpr RuntimeLogRetention kSmallSegments{.maxBytes = 1LL << 30, .segmentBytes = 1024};

QString newApplicationId()
{
    return vitrine::domain::newId(vitrine::domain::idprefix::kApplication);
}

QFileInfoList segmentsOf(const FileRuntimeLogStore &store, const QString &applicationId)
{
    return QDir(store.directoryOf(applicationId)).entryInfoList(QDir::Files, QDir::Name);
}

qint64 bytesOnDisk(const FileRuntimeLogStore &store, const QString &applicationId)
{
    qint64 bytes = 0;
    for (const QFileInfo &segment : segmentsOf(store, applicationId))
        bytes += segment.size();
    return bytes;
}

// Reads the whole kept log, batch after batch, as a watcher does.
QList<LogLine> readAll(FileRuntimeLogStore &store, const QString &applicationId, qint64 afterSeq = 0)
{
    QList<LogLine> all;
    for (;;) {
        const QList<LogLine> batch = store.read(applicationId, afterSeq, 97);
        if (batch.isEmpty())
            return all;
        all += batch;
        afterSeq = batch.constLast().seq;
    }
}

} // namespace

class TestFileRuntimeLogStore : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("runtime-logs-%1").arg(++m_run));
    }

    void textRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<LogStream>("stream");
        QTest::newRow("plain") << QStringLiteral("GET / 200") << LogStream::Stdout;
        QTest::newRow("empty") << QString() << LogStream::Stdout;
        QTest::newRow("tabs and newlines") << QStringLiteral("a\tb\nc\r\n") << LogStream::Stderr;
        QTest::newRow("backslashes") << QStringLiteral("C:\\path\\\\share\\") << LogStream::System;
        QTest::newRow("unicode") << QStringLiteral("起動しました ✅ naïve 🚀") << LogStream::Stderr;
    }

    void textRoundTrips()
    {
        QFETCH(QString, text);
        QFETCH(LogStream, stream);
        const QString applicationId = newApplicationId();
        const LogLine written = makeLine(1, text, stream);
        {
            FileRuntimeLogStore store(m_path);
            store.append(applicationId, written);
        }

        FileRuntimeLogStore reopened(m_path);
        const QList<LogLine> lines = reopened.read(applicationId, 0, 10);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].seq, 1);
        QCOMPARE(lines[0].text, text);
        QCOMPARE(lines[0].stream, stream);
        QCOMPARE(lines[0].at, written.at);
    }

    void readResumesAfterAnySeq_data()
    {
        QTest::addColumn<bool>("reopen");
        QTest::addColumn<qint64>("afterSeq");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QList<qint64>>("expected");
        for (const bool reopen : {false, true}) {
            const char *how = reopen ? "reopened" : "while writing";
            QTest::addRow("%s: from the start", how) << reopen << qint64(0) << 5 << range(1, 5);
            QTest::addRow("%s: inside a segment", how) << reopen << qint64(345) << 3 << range(346, 348);
            QTest::addRow("%s: across segments", how) << reopen << qint64(100) << 200 << range(101, 300);
            QTest::addRow("%s: the tail", how) << reopen << qint64(598) << 100 << range(599, 600);
            QTest::addRow("%s: after the last", how) << reopen << qint64(600) << 10 << QList<qint64>();
            QTest::addRow("%s: no limit", how) << reopen << qint64(10) << 0 << QList<qint64>();
        }
    }

    void readResumesAfterAnySeq()
    {
        QFETCH(bool, reopen);
        QFETCH(qint64, afterSeq);
        QFETCH(int, limit);
        QFETCH(QList<qint64>, expected);
        const QString applicationId = newApplicationId();
        auto store = std::make_unique<FileRuntimeLogStore>(m_path, kSmallSegments);
        appendLines(*store, applicationId, 1, 600);
        QVERIFY(segmentsOf(*store, applicationId).size() > 10);
        if (reopen)
            store = std::make_unique<FileRuntimeLogStore>(m_path, kSmallSegments);

        const QList<LogLine> lines = store->read(applicationId, afterSeq, limit);
        QCOMPARE(seqsOf(lines), expected);
        for (const LogLine &line : lines)
            QCOMPARE(line.text, QStringLiteral("line %1").arg(line.seq));
    }

    void everySeqResumesExactlyAfterIt()
    {
        const QString applicationId = newApplicationId();
        FileRuntimeLogStore store(m_path, kSmallSegments);
        appendLines(store, applicationId, 1, 300);
        for (qint64 afterSeq = 0; afterSeq <= 300; ++afterSeq) {
            const QList<LogLine> lines = store.read(applicationId, afterSeq, 2);
            QCOMPARE(seqsOf(lines), range(afterSeq + 1, std::min<qint64>(afterSeq + 2, 300)));
        }
    }

    void retentionKeepsTheNewestLinesWithinTheBudget()
    {
        const RuntimeLogRetention retention{.maxBytes = 16 * 1024, .segmentBytes = 2 * 1024};
        const QString applicationId = newApplicationId();
        FileRuntimeLogStore store(m_path, retention);
        for (qint64 seq = 1; seq <= 5000; ++seq) {
            store.append(applicationId, makeLine(seq, QStringLiteral("line %1").arg(seq)));
            if (seq % 250 == 0)
                QVERIFY2(bytesOnDisk(store, applicationId) <= retention.maxBytes,
                         qPrintable(QStringLiteral("%1 bytes after line %2")
                                        .arg(bytesOnDisk(store, applicationId))
                                        .arg(seq)));
        }

        // Dropped whole segments, oldest first: what is kept is the newest part, without a hole.
        QVERIFY(bytesOnDisk(store, applicationId) >= retention.maxBytes - retention.segmentBytes);
        const qint64 first = store.firstSeq(applicationId);
        QVERIFY(first > 1);
        QCOMPARE(store.lastSeq(applicationId), 5000);
        QCOMPARE(seqsOf(readAll(store, applicationId)), range(first, 5000));

        // A watcher resuming before what is kept gets what is kept.
        QCOMPARE(seqsOf(store.read(applicationId, 10, 3)), range(first, first + 2));
    }

    void aLineLongerThanASegmentGetsOneOfItsOwn()
    {
        const RuntimeLogRetention retention{.maxBytes = 8 * 1024, .segmentBytes = 1024};
        const QString applicationId = newApplicationId();
        FileRuntimeLogStore store(m_path, retention);
        appendLines(store, applicationId, 1, 10);
        const QString longText(3000, u'x');
        store.append(applicationId, makeLine(11, longText));
        appendLines(store, applicationId, 12, 20);

        const QList<LogLine> lines = readAll(store, applicationId);
        QCOMPARE(seqsOf(lines), range(1, 20));
        QCOMPARE(lines.at(10).text, longText);
    }

    void seqsContinueAfterARestart()
    {
        const RuntimeLogRetention retention{.maxBytes = 8 * 1024, .segmentBytes = 1024};
        const QString applicationId = newApplicationId();
        qint64 firstBefore = 0;
        {
            FileRuntimeLogStore store(m_path, retention);
            QCOMPARE(store.lastSeq(applicationId), 0);
            QCOMPARE(store.firstSeq(applicationId), 0);
            appendLines(store, applicationId, 1, 700);
            firstBefore = store.firstSeq(applicationId);
        }

        FileRuntimeLogStore store(m_path, retention);
        QCOMPARE(store.lastSeq(applicationId), 700);
        QCOMPARE(store.firstSeq(applicationId), firstBefore);
        QCOMPARE(errorKindOf([&] { store.append(applicationId, makeLine(700, QStringLiteral("again"))); }),
                 ErrorKind::Internal);
        appendLines(store, applicationId, 701, 720);
        QCOMPARE(store.lastSeq(applicationId), 720);
        QCOMPARE(seqsOf(readAll(store, applicationId, 690)), range(691, 720));
    }

    void tornLastLineIsIgnoredAndRepaired()
    {
        const QString applicationId = newApplicationId();
        {
            FileRuntimeLogStore store(m_path, kSmallSegments);
            appendLines(store, applicationId, 1, 100);
        }
        // What a crash in the middle of write(2) leaves behind.
        QFile newest(segmentsOf(FileRuntimeLogStore(m_path), applicationId).constLast().filePath());
        QVERIFY(newest.open(QIODevice::Append));
        newest.write("101\t1790000000101\tout\thalf a li");
        newest.close();

        FileRuntimeLogStore store(m_path, kSmallSegments);
        QCOMPARE(store.lastSeq(applicationId), 100);
        QCOMPARE(seqsOf(store.read(applicationId, 95, 10)), range(96, 100));
        store.append(applicationId, makeLine(101, QStringLiteral("a whole line")));
        const QList<LogLine> lines = store.read(applicationId, 99, 10);
        QCOMPARE(seqsOf(lines), range(100, 101));
        QCOMPARE(lines.constLast().text, QStringLiteral("a whole line"));
    }

    void removeDeletesTheLog()
    {
        const QString applicationId = newApplicationId();
        const QString other = newApplicationId();
        FileRuntimeLogStore store(m_path, kSmallSegments);
        appendLines(store, applicationId, 1, 200);
        appendLines(store, other, 1, 5);

        store.remove(applicationId);
        QVERIFY(!QDir(store.directoryOf(applicationId)).exists());
        QCOMPARE(store.lastSeq(applicationId), 0);
        QCOMPARE(store.firstSeq(applicationId), 0);
        QVERIFY(store.read(applicationId, 0, 10).isEmpty());
        QCOMPARE(seqsOf(store.read(other, 0, 10)), range(1, 5));
        store.remove(applicationId); // nothing left to remove

        // A later append starts a new log.
        appendLines(store, applicationId, 1, 2);
        QCOMPARE(seqsOf(FileRuntimeLogStore(m_path).read(applicationId, 0, 10)), range(1, 2));
    }

    void readersSeeEveryLineOnceWhileItIsWritten()
    {
        const RuntimeLogRetention retention{.maxBytes = 1LL << 20, .segmentBytes = 4 * 1024};
        const QString applicationId = newApplicationId();
        FileRuntimeLogStore store(m_path, retention);
        constexpr qint64 kLines = 3000;
        std::thread writer([&] { appendLines(store, applicationId, 1, kLines); });

        QList<qint64> seen;
        qint64 after = 0;
        while (after < kLines) {
            const QList<LogLine> batch = store.read(applicationId, after, 50);
            seen += seqsOf(batch);
            if (!batch.isEmpty())
                after = batch.constLast().seq;
        }
        writer.join();
        QCOMPARE(seen, range(1, kLines));
    }

    void refusesWhatIsNotAnApplicationId_data()
    {
        QTest::addColumn<QString>("applicationId");
        QTest::newRow("a path") << QStringLiteral("../etc");
        QTest::newRow("a build id") << vitrine::domain::newId(vitrine::domain::idprefix::kBuild);
        QTest::newRow("empty") << QString();
    }

    void refusesWhatIsNotAnApplicationId()
    {
        QFETCH(QString, applicationId);
        FileRuntimeLogStore store(m_path);
        const std::function<void()> calls[] = {
            [&] { store.append(applicationId, makeLine(1, QStringLiteral("x"))); },
            [&] { store.read(applicationId, 0, 10); },
            [&] { store.lastSeq(applicationId); },
            [&] { store.firstSeq(applicationId); },
            [&] { store.remove(applicationId); },
        };
        for (const auto &call : calls)
            QCOMPARE(errorKindOf(call), ErrorKind::BadRequest);
        QVERIFY(QDir(m_path).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    }

private:
    QTemporaryDir m_dir;
    int m_run = 0; // a directory of its own for each test
    QString m_path;
};

QTEST_GUILESS_MAIN(TestFileRuntimeLogStore)
#include "tst_file_runtime_log_store.moc"
