#include "usecases/reconcile_loop.h"

#include "domain/error.h"
#include "usecases/controller_logging.h"

#include <algorithm>
#include <exception>

namespace vitrine::usecases {

ReconcileLoop::ReconcileLoop(Options options, ListKeys listKeys, Reconcile reconcile)
    : m_options(std::move(options))
    , m_listKeys(std::move(listKeys))
    , m_reconcile(std::move(reconcile))
{
}

ReconcileLoop::~ReconcileLoop()
{
    stop();
}

void ReconcileLoop::start()
{
    std::lock_guard lock(m_mutex);
    if (!m_workers.empty())
        return;
    m_stopping = false;
    m_fullPassDue = true;
    for (int i = 0; i < std::max(1, m_options.workers); ++i)
        m_workers.emplace_back([this] { runWorker(); });
}

void ReconcileLoop::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
        m_queued.clear();
        m_delayed.clear();
    }
    m_wake.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
    m_workers.clear();
}

void ReconcileLoop::trigger(const QString &key)
{
    {
        std::lock_guard lock(m_mutex);
        m_delayed.erase(key);
        enqueueLocked(key);
    }
    m_wake.notify_one();
}

void ReconcileLoop::triggerAll()
{
    {
        std::lock_guard lock(m_mutex);
        m_fullPassDue = true;
    }
    m_wake.notify_one();
}

void ReconcileLoop::triggerAfter(const QString &key, std::chrono::milliseconds delay)
{
    {
        std::lock_guard lock(m_mutex);
        const Clock::time_point due = Clock::now() + delay;
        const auto [it, inserted] = m_delayed.emplace(key, due);
        if (!inserted)
            it->second = std::min(it->second, due);
    }
    m_wake.notify_one();
}

quint64 ReconcileLoop::completedCount() const
{
    std::lock_guard lock(m_mutex);
    return m_completed;
}

void ReconcileLoop::enqueueLocked(const QString &key)
{
    if (m_running.contains(key)) {
        m_dirty.insert(key);
        return;
    }
    if (m_queued.insert(key).second)
        m_queue.push_back(key);
}

void ReconcileLoop::promoteDueLocked(Clock::time_point now)
{
    for (auto it = m_delayed.begin(); it != m_delayed.end();) {
        if (it->second <= now) {
            enqueueLocked(it->first);
            it = m_delayed.erase(it);
        } else {
            ++it;
        }
    }
}

void ReconcileLoop::fullPass()
{
    QStringList keys;
    try {
        keys = m_listKeys();
    } catch (const std::exception &error) {
        // The next pass tries again; the keys already queued still run.
        qCWarning(lcController) << m_options.name << "could not list keys:" << error.what();
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        for (const QString &key : keys)
            enqueueLocked(key);
    }
    m_wake.notify_all();
}

void ReconcileLoop::runWorker()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        const Clock::time_point now = Clock::now();
        promoteDueLocked(now);
        if (m_options.fullPassInterval.count() > 0 && now >= m_nextFullPass)
            m_fullPassDue = true;
        if (m_fullPassDue) {
            m_fullPassDue = false;
            m_nextFullPass = now + m_options.fullPassInterval;
            lock.unlock();
            fullPass();
            lock.lock();
            continue;
        }
        if (m_queue.empty()) {
            Clock::time_point wakeAt = Clock::time_point::max();
            if (m_options.fullPassInterval.count() > 0)
                wakeAt = m_nextFullPass;
            for (const auto &[key, due] : m_delayed)
                wakeAt = std::min(wakeAt, due);
            if (wakeAt == Clock::time_point::max())
                m_wake.wait(lock);
            else
                m_wake.wait_until(lock, wakeAt);
            continue;
        }

        const QString key = m_queue.front();
        m_queue.pop_front();
        m_queued.erase(key);
        m_running.insert(key);
        lock.unlock();

        bool failed = false;
        try {
            m_reconcile(key);
        } catch (const domain::Error &error) {
            failed = true;
            qCWarning(lcController).noquote() << m_options.name << key << "failed:" << error.message();
        } catch (const std::exception &error) {
            failed = true;
            qCWarning(lcController).noquote() << m_options.name << key << "failed:" << error.what();
        }

        lock.lock();
        m_running.erase(key);
        ++m_completed;
        if (failed) {
            auto [it, first] = m_retryDelay.emplace(key, m_options.initialRetryDelay);
            if (!first)
                it->second = std::min(it->second * 2, m_options.maxRetryDelay);
            const Clock::time_point due = Clock::now() + it->second;
            const auto [delayed, inserted] = m_delayed.emplace(key, due);
            if (!inserted)
                delayed->second = std::min(delayed->second, due);
        } else {
            m_retryDelay.erase(key);
        }
        if (m_dirty.erase(key) > 0)
            enqueueLocked(key);
    }
}

} // namespace vitrine::usecases
