#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

// What the streaming hubs (build logs, events) share: how a watcher that found nothing to poll is woken when
// something arrives.
namespace vitrine::usecases::detail {

struct WatcherWakeup {
    bool armed = false; // guarded by the hub's lock: the watcher's last poll came back empty

    std::mutex readyMutex; // held while onReady runs, so that disable() can wait it out
    std::function<void()> onReady;

    // When it returns, onReady is not running and will not run again.
    void disable()
    {
        const std::lock_guard lock(readyMutex);
        onReady = nullptr;
    }
};

// Disarms the armed watchers and returns them, to be woken once the hub's lock is released. Under that lock.
template<typename Watcher>
std::vector<std::shared_ptr<Watcher>> takeArmed(const std::vector<std::shared_ptr<Watcher>> &watchers)
{
    std::vector<std::shared_ptr<Watcher>> armed;
    for (const auto &watcher : watchers) {
        if (watcher->armed) {
            watcher->armed = false;
            armed.push_back(watcher);
        }
    }
    return armed;
}

// Without the hub's lock: onReady may poll.
template<typename Watcher>
void wake(const std::vector<std::shared_ptr<Watcher>> &watchers)
{
    for (const auto &watcher : watchers) {
        const std::lock_guard lock(watcher->readyMutex);
        if (watcher->onReady)
            watcher->onReady();
    }
}

} // namespace vitrine::usecases::detail
