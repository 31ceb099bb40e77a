#pragma once

#include "domain/ports/store.h"

#include <QList>
#include <QString>

#include <utility>

namespace vitrine::usecases {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

struct PageRequest {
    int pageSize = 0; // 0: kDefaultPageSize; capped at kMaxPageSize
    QString pageToken;
};

template<typename T>
struct Page {
    QList<T> items;
    QString nextPageToken; // empty: this was the last page
};

// Turns a request into a store query that asks for one item more than the page holds (to learn whether
// another page follows). A token that is not one of ours throws BadRequest on "page.page_token".
domain::PageQuery toPageQuery(const PageRequest &request);

// Cuts the one-extra result of toPageQuery down to the page and makes the token for the next.
template<typename T>
Page<T> toPage(QList<T> items, const domain::PageQuery &query);

QString pageTokenAfter(const QString &name);

// The same for builds, listed newest first: a build page token names the last build of the previous page by
// its queuedAt and id, and the query asks for the builds after it.
domain::BuildPageQuery toBuildPageQuery(const PageRequest &request);
QString buildPageTokenAfter(const domain::Build &build);

// The same for alerts, newest first by openedAt and id.
domain::AlertPageQuery toAlertPageQuery(const PageRequest &request);
QString alertPageTokenAfter(const domain::Alert &alert);

// Cuts the one-extra result of a query with this limit down to the page; returns the token for the next page,
// tokenAfter(the page's last item), or empty when this was the last page.
template<typename T, typename TokenAfter>
QString cutToPage(QList<T> &items, int queryLimit, TokenAfter tokenAfter)
{
    const int pageSize = queryLimit - 1;
    if (items.size() <= pageSize)
        return {};
    items.resize(pageSize);
    return tokenAfter(items.last());
}

template<typename T>
Page<T> toPage(QList<T> items, const domain::PageQuery &query)
{
    Page<T> page;
    page.nextPageToken =
        cutToPage(items, query.limit, [](const T &item) { return pageTokenAfter(item.name); });
    page.items = std::move(items);
    return page;
}

} // namespace vitrine::usecases
