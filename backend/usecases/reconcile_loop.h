#pragma once

#include <QString>
#include <QStringList>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace vitrine::usecases {

// The shape of every controller loop: reconcile(key) reads the desired state of one key (an app id, a repo
// id, a build id) from the store, compares it with the actual state and acts on the difference. Keys wait in
// a de-duplicating queue, so triggers that arrive while a key is pending merge into one run; a periodic full
// pass enqueues every key, so a missed trigger costs a delay, never correctness. One key is never reconciled
// by two workers at once; a key triggered while it runs is run again afterwards. A reconcile that throws is
// logged and retried with exponential backoff; it never stops the loop for other keys.
class ReconcileLoop {
public:
    struct Options {
        QString name;                                       // for logs: "repo-fetch", "deploy-sync", …
        std::chrono::milliseconds fullPassInterval{60'000}; // 0: no periodic pass
        int workers = 1;
        std::chrono::milliseconds initialRetryDelay{1'000};
        std::chrono::milliseconds maxRetryDelay{60'000};
    };
    using ListKeys = std::function<QStringList()>;
    using Reconcile = std::function<void(const QString &key)>;

    ReconcileLoop(Options options, ListKeys listKeys, Reconcile reconcile);
    ~ReconcileLoop();

    ReconcileLoop(const ReconcileLoop &) = delete;
    ReconcileLoop &operator=(const ReconcileLoop &) = delete;

    // Starts the workers and runs a full pass at once.
    void start();
    // Lets running reconciles finish, drops what is queued, joins the workers. Idempotent.
    void stop();

    // Reconcile this key soon (now, unless it is already queued or running — then once more after).
    void trigger(const QString &key);
    // Reconcile every key listKeys() returns, soon.
    void triggerAll();
    // Reconcile this key after `delay` (merges with an earlier pending time).
    void triggerAfter(const QString &key, std::chrono::milliseconds delay);

    // For tests and metrics: how many reconciles have completed (successfully or not).
    quint64 completedCount() const;

private:
    using Clock = std::chrono::steady_clock;

    void runWorker();
    void enqueueLocked(const QString &key);
    void promoteDueLocked(Clock::time_point now);
    void fullPass();

    Options m_options;
    ListKeys m_listKeys;
    Reconcile m_reconcile;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<QString> m_queue;                               // FIFO of keys ready to run
    std::set<QString> m_queued;                                // the keys in m_queue
    std::set<QString> m_running;                               // keys a worker is reconciling now
    std::set<QString> m_dirty;                                 // running keys triggered again meanwhile
    std::map<QString, Clock::time_point> m_delayed;            // key → when it becomes ready
    std::map<QString, std::chrono::milliseconds> m_retryDelay; // keys that failed last time
    Clock::time_point m_nextFullPass;
    bool m_fullPassDue = false;
    bool m_stopping = false;
    quint64 m_completed = 0;
    std::vector<std::thread> m_workers;
};

} // namespace vitrine::usecases
